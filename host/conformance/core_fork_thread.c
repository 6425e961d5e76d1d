//! behaviour: fork works only from the main thread: the forked child resumes the main thread's context with the calling thread's stack, so it cannot continue (the model ends such a child with status 139, which the parent's waitpid sees)
//! models: repos/libports/src/lib/libc/fork.cc, repos/libports/src/lib/libc/kernel.cc
//! stderr: PASS
//! stderr: fork called on thread 'pthread.0'
//! not-stderr: child runs
#include "check.h"
static volatile pid_t child;
static void *forker(void *arg)
{
	(void)arg;
	child = fork();
	if (child == 0) { printf("child runs\n"); exit(0); }
	return NULL;
}
int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, forker, NULL);
	pthread_join(t, NULL);
	CHECK(child == 1);
	int st = 0;
	CHECK(waitpid(child, &st, 0) == child);
	CHECK(WEXITSTATUS(st) == 139);
	DONE();
}
