//! behaviour: mutexes are NORMAL by default; ERRORCHECK relock -> EDEADLK, unlock by a non-owner -> EPERM, RECURSIVE nests; condition variables time out in whole ms against their clock: CLOCK_MONOTONIC via pthread_condattr_setclock, any clock but REALTIME/MONOTONIC makes pthread_cond_init fail with EINVAL; sem_timedwait measures CLOCK_REALTIME (without <libc rtc> a warning)
//! models: repos/libports/src/lib/libc/pthread.cc, repos/libports/src/lib/libc/semaphore.cc, repos/libports/src/lib/libc/internal/time.h
//! stderr: PASS
//! stderr: Warning: clock_gettime(): missing real-time clock
#include "check.h"
static pthread_mutex_t shared;
static volatile int result = -1;
static void *unlocker(void *a) { (void)a; result = pthread_mutex_unlock(&shared); return NULL; }
int main(void)
{
	pthread_mutexattr_t ma;
	pthread_mutex_t m;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	CHECK(pthread_mutex_init(&m, &ma) == 0);
	CHECK(pthread_mutex_lock(&m) == 0 && pthread_mutex_lock(&m) == EDEADLK);
	CHECK(pthread_mutex_unlock(&m) == 0);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_t r;
	CHECK(pthread_mutex_init(&r, &ma) == 0);
	CHECK(pthread_mutex_lock(&r) == 0 && pthread_mutex_lock(&r) == 0 && pthread_mutex_unlock(&r) == 0 && pthread_mutex_unlock(&r) == 0);
	CHECK(pthread_mutex_lock(&shared) == 0 && pthread_mutex_trylock(&shared) == EBUSY);
	pthread_t t;
	pthread_create(&t, NULL, unlocker, NULL);
	pthread_join(t, NULL);
	CHECK(result == EPERM);
	pthread_condattr_t ca;
	pthread_cond_t c;
	pthread_condattr_init(&ca);
	CHECK(pthread_condattr_setclock(&ca, CLOCK_UPTIME) == 0);
	CHECK(pthread_cond_init(&c, &ca) == EINVAL);
	CHECK(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0);
	CHECK(pthread_cond_init(&c, &ca) == 0);
	struct timespec now, abs;
	clock_gettime(CLOCK_MONOTONIC, &now);
	abs = now;
	abs.tv_nsec += 30 * 1000000;
	if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
	CHECK(pthread_cond_timedwait(&c, &shared, &abs) == ETIMEDOUT);
	struct timespec after;
	clock_gettime(CLOCK_MONOTONIC, &after);
	long long waited = (after.tv_sec - now.tv_sec) * 1000000000LL + after.tv_nsec - now.tv_nsec;
	CHECK(waited >= 29000000 && waited < 500000000);
	sem_t s;
	sem_init(&s, 0, 0);
	struct timespec past = { 1, 0 };
	CHECK(sem_trywait(&s) == -1 && errno == EAGAIN);
	/* no rtc: "now" reads as 0, so an absolute time of 1 s lies one second ahead */
	CHECK(sem_timedwait(&s, &past) == -1 && errno == ETIMEDOUT);
	sem_post(&s);
	CHECK(sem_wait(&s) == 0);
	DONE();
}
