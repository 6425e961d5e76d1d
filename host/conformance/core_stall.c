//! behaviour: another thread's I/O is executed by the main thread while the main thread blocks in the libc; while the main thread computes outside the libc the I/O stalls (the model reports the stall after its watchdog, 2 s by default) and completes once the main thread blocks
//! models: repos/libports/src/lib/libc/kernel.cc, repos/libports/src/lib/libc/internal/monitor.h
//! stderr: model: stall: thread 'pthread.0'
//! stderr: written by pthread
//! stderr: PASS
#include "check.h"
static volatile int wrote, started;
static void *writer(void *arg)
{
	(void)arg;
	started = 1;
	write(1, "written by pthread\n", 19);
	wrote = 1;
	return NULL;
}
static long long ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000LL + t.tv_nsec / 1000000; }
int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, writer, NULL);
	while (!started) ;                           /* a loaded host may start the thread late */
	long long start = ms();
	while (ms() - start < 2600) ;               /* busy outside blocking libc calls */
	CHECK(!wrote);
	pthread_join(t, NULL);                       /* blocks: serves the write */
	CHECK(wrote);
	DONE();
}
