//! behaviour: fork from the main thread while other threads allocate: the child gets a consistent copy of the malloc heap and the mmap bookkeeping, whatever another thread was doing in them, and can allocate, map and exit
//! models: repos/libports/src/lib/libc/fork.cc
//! stderr: PASS
//! not-stderr: FAIL
#include "check.h"
enum { FORKS = 150, CHILD_STATUS = 5 };
static volatile int stop;
static void *churn(void *arg)
{
	unsigned n = (unsigned)(long)arg;
	while (!stop) {
		n = n * 1103515245u + 12345u;
		void *p = malloc(16 + (n >> 8) % 3000);
		char *m = mmap(NULL, 4096 * (1 + (n >> 4) % 4), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
		if (m != MAP_FAILED) { m[0] = 1; munmap(m, 4096 * (1 + (n >> 4) % 4)); }
		free(p);
	}
	return NULL;
}
int main(void)
{
	pthread_t t[2];
	for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, churn, (void *)(i + 1));
	int ok = 0;
	for (int i = 0; i < FORKS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			void *p = malloc(100);
			char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
			if (!p || m == MAP_FAILED) _exit(1);
			m[0] = 1;
			munmap(m, 8192);
			free(p);
			_exit(CHILD_STATUS);
		}
		CHECK(pid > 0);
		int st = 0;
		if (pid > 0 && waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == CHILD_STATUS) ok++;
	}
	stop = 1;
	for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
	CHECK(ok == FORKS);
	DONE();
}
