//! behaviour: CLOCK_MONOTONIC/CLOCK_UPTIME count the component's uptime in whole microseconds; CLOCK_REALTIME/CLOCK_SECOND and gettimeofday need <libc rtc> (else a warning and EINVAL), other clocks EINVAL; nanosleep/usleep work in whole ms, at least 1 ms, and zero rem; sched_yield fails with ENOSYS and logs a warning on every call
//! models: repos/libports/src/lib/libc/time.cc, repos/libports/src/lib/libc/sleep.cc, repos/libports/src/lib/libc/dummies.cc
//! stderr: PASS
//! stderr: Warning: clock_gettime(): missing real-time clock
//! stderr: Warning: sched_yield: sched_yield not implemented
#include "check.h"
static long long ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
int main(void)
{
	struct timespec t = { 7, 7 };
	CHECK(clock_gettime(CLOCK_MONOTONIC, &t) == 0 && t.tv_sec < 60 && t.tv_nsec % 1000 == 0);
	CHECK(clock_gettime(CLOCK_UPTIME, &t) == 0);
	errno = 0;
	CHECK(clock_gettime(CLOCK_REALTIME, &t) == -1 && errno == EINVAL && t.tv_sec == 0);
	struct timeval tv;
	CHECK(gettimeofday(&tv, NULL) == -1 && errno == EINVAL);
	CHECK(clock_gettime(CLOCK_PROF, &t) == -1 && errno == EINVAL);
	long long a = ns();
	struct timespec req = { 0, 1000 }, rem = { 9, 9 };
	CHECK(nanosleep(&req, &rem) == 0 && rem.tv_sec == 0 && rem.tv_nsec == 0);
	long long b = ns();
	CHECK(b - a >= 1000000);                     /* at least 1 ms */
	a = ns();
	CHECK(usleep(2500) == 0);                    /* rounded down to 2 ms */
	b = ns();
	CHECK(b - a >= 2000000 && b - a < 50000000);
	req.tv_sec = 0; req.tv_nsec = 0;
	a = ns();
	CHECK(nanosleep(&req, NULL) == 0);
	CHECK(ns() - a < 1000000);
	errno = 0;
	CHECK(sched_yield() == -1 && errno == ENOSYS);
	DONE();
}
