//! behaviour: the main thread blocked in pthread_cond_wait or pthread_cond_timedwait is blocked inside the libc and executes the other threads' I/O as it is queued, not only when its wait times out: 8 threads doing 1000 open/write/close each finish promptly while the main thread waits for them on a condition variable, and the stall watchdog stays silent
//! models: repos/libports/src/lib/libc/kernel.cc, repos/libports/src/lib/libc/internal/monitor.h, repos/libports/src/lib/libc/pthread.cc
//! stderr: PASS
//! not-stderr: model: stall
#include "check.h"

#define THREADS 8
#define ROUNDS  1000

static pthread_mutex_t lock;
static pthread_cond_t  cond;
static int finished, failures;

static void *worker(void *arg)
{
	char path[32];
	snprintf(path, sizeof path, "/tmp/f%ld", (long)arg);
	int bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		int fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd < 0) { bad++; continue; }
		if (write(fd, "x", 1) != 1) bad++;
		if (close(fd) != 0) bad++;
	}
	pthread_mutex_lock(&lock);
	failures += bad;
	finished++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static long long ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000LL + t.tv_nsec / 1000000; }

/* one batch of workers; the main thread waits on the condition (timed: a deadline far beyond the bound) */
static long long batch(int timed)
{
	pthread_t t[THREADS];
	finished = 0;
	long long start = ms();
	for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
	pthread_mutex_lock(&lock);
	while (finished < THREADS) {
		if (!timed) { pthread_cond_wait(&cond, &lock); continue; }
		struct timespec deadline;
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += 120;
		pthread_cond_timedwait(&cond, &lock, &deadline);
	}
	pthread_mutex_unlock(&lock);
	long long took = ms() - start;
	for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
	return took;
}

int main(void)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_mutex_init(&lock, NULL);
	pthread_cond_init(&cond, &a);

	long long plain = batch(0), timed = batch(1);
	printf("cond_wait: %lld ms, cond_timedwait: %lld ms\n", plain, timed);
	CHECK(failures == 0);
	CHECK(plain < 15000);   /* generous: 24000 funneled calls a batch */
	CHECK(timed < 15000);
	DONE();
}
