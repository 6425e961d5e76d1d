//! behaviour: 256 stack-area slots of 1 MiB: with the initial thread, the entrypoint and the main thread's libc stack, 253 pthreads get a stack; pthread_create beyond returns 0 but the thread never runs (Thread::start's DENIED is ignored); pthreads run on stack-area stacks of the requested size; pthread_self and per-thread errno work there
//! models: repos/base/src/include/base/internal/stack_allocator.h, repos/base/src/lib/base/thread.cc, repos/base/src/lib/base/thread_start.cc, repos/libports/src/lib/libc/pthread_create.cc
//! stderr: PASS
//! stderr: stack area exhausted
#include "check.h"
static pthread_mutex_t gate;
static volatile int started;
static pthread_mutex_t count_lock;
static void *worker(void *arg)
{
	int local;
	unsigned long sp = (unsigned long)&local;
	(void)arg;
	pthread_mutex_lock(&count_lock);
	started++;
	pthread_mutex_unlock(&count_lock);
	if (sp < 0x40000000UL || sp >= 0x50000000UL) printf("FAIL thread stack %lx\n", sp);
	errno = 99;
	pthread_mutex_lock(&gate);
	pthread_mutex_unlock(&gate);
	return (void *)(long)errno;
}
int main(void)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 16 * 1024);
	pthread_mutex_lock(&gate);
	errno = 5;
	pthread_t t[260];
	int ok = 0;
	for (int i = 0; i < 260; i++) if (pthread_create(&t[i], &attr, worker, NULL) == 0) ok++;
	CHECK(ok == 260);
	usleep(300 * 1000);
	CHECK(started == 253);
	printf("started %d of 260\n", started);
	CHECK(errno == 5);   /* errno is per thread */
	pthread_mutex_unlock(&gate);
	void *ret = NULL;
	CHECK(pthread_join(t[0], &ret) == 0 && (long)ret == 99);
	CHECK(pthread_self() != t[0]);
	DONE();
}
