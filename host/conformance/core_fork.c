//! behaviour: fork from the main thread: the child gets pid 1 (a counter, not <libc pid>), keeps the malloc heap, data and its stack but not the anonymous mmap memory; waitpid only knows forked children: WNOHANG without an exited child returns -1 (errno untouched), otherwise it waits; the status carries the exit code in bits 8..15
//! models: repos/libports/src/lib/libc/fork.cc, repos/libports/src/lib/libc/signal.cc
//! stderr: PASS
//! stderr: child pid 1 heap ok data ok munmap EINVAL
#include "check.h"
static int data_var = 5;
int main(void)
{
	char *heap = malloc(100);
	strcpy(heap, "heap");
	char *anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	anon[0] = 'x';
	data_var = 6;
	pid_t pid = fork();
	if (pid == 0) {
		/* the mapping is not there: munmap does not know it (touching it would fault) */
		errno = 0;
		int r = munmap(anon, 4096);
		printf("child pid %d heap %s data %s munmap %s\n", getpid(), strcmp(heap, "heap") ? "bad" : "ok",
		       data_var == 6 ? "ok" : "bad", (r == -1 && errno == EINVAL) ? "EINVAL" : "mapped");
		usleep(200 * 1000);
		exit(42);
	}
	CHECK(pid == 1);
	int st = -5;
	errno = 1234;
	CHECK(waitpid(pid, &st, WNOHANG) == -1 && errno == 1234 && st == -5);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WEXITSTATUS(st) == 42 && (st & 0x7f) == 0);
	CHECK(anon[0] == 'x');
	CHECK(waitpid(-1, &st, WNOHANG) == -1);
	DONE();
}
