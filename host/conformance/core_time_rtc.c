//! behaviour: with <libc rtc> configured, CLOCK_REALTIME and gettimeofday give the wall-clock time
//! models: repos/libports/src/lib/libc/time.cc
//! stderr: PASS
//! not-stderr: missing real-time clock
#include "check.h"
int main(void)
{
	struct timespec t;
	CHECK(clock_gettime(CLOCK_REALTIME, &t) == 0 && t.tv_sec > 1600000000);
	struct timeval tv;
	CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec > 1600000000);
	DONE();
}
