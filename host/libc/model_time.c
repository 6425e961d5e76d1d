/*
 * Time (libc/time.cc, sleep.cc, dummies.cc):
 *  - CLOCK_MONOTONIC/CLOCK_UPTIME: component uptime in whole microseconds;
 *  - CLOCK_REALTIME/CLOCK_SECOND: only with <libc rtc>, else "clock_gettime(): missing real-time clock" + EINVAL;
 *    every other clock EINVAL; gettimeofday is CLOCK_REALTIME;
 *  - nanosleep/usleep/sleep round down to ms and sleep at least 1 ms; {0,0} returns at once; rem is zeroed;
 *  - sched_yield: DUMMY -> warning + ENOSYS.
 */
#include "model.h"
#include <sys/syscall.h>
#include <dlfcn.h>

static uint64_t boot_ns;
/* glibc's clock_gettime (the vDSO): Genode's libc reads its clock without a kernel entry too, from the timer
 * session's interpolated time (libc/time.cc, timer/connection), so a system call per read would make every
 * time.Now look far slower than on Genode. */
static int (*host_clock_gettime)(int, struct timespec *);

static uint64_t host_ns(int clk)
{
	struct timespec ts;
	if (!host_clock_gettime) {
		host_clock_gettime = (int (*)(int, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
		if (!host_clock_gettime) host_clock_gettime = (int (*)(int, struct timespec *))-1L;
	}
	if (host_clock_gettime != (int (*)(int, struct timespec *))-1L) host_clock_gettime(clk, &ts);
	else model_sys(SYS_clock_gettime, (long)clk, (long)&ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void model_time_init(void) { if (!boot_ns) boot_ns = host_ns(1 /* Linux CLOCK_MONOTONIC */); }

uint64_t model_uptime_us(void)
{
	if (!boot_ns) model_time_init();
	return (host_ns(1) - boot_ns) / 1000;
}

/* the configuration does not change for the life of the image (an execve starts a new one) */
static int has_rtc(void)
{
	static int known, rtc_ok;
	if (!known) {
		const char *rtc = model_libc_attr("rtc");
		rtc_ok = rtc && *rtc;
		known = 1;
	}
	return rtc_ok;
}

int clock_gettime(int clk, struct timespec *ts)
{
	MODEL_ENTER("clock_gettime");
	struct timespec *volatile tsp = ts;
	if (!tsp) return model_errno(FB_EFAULT);
	ts->tv_sec = 0; ts->tv_nsec = 0;
	switch (clk) {
	case FB_CLOCK_REALTIME:
	case FB_CLOCK_SECOND: {
		if (!has_rtc()) {
			model_warning("clock_gettime(): missing real-time clock");
			return model_errno(FB_EINVAL);
		}
		uint64_t ns = host_ns(0 /* Linux CLOCK_REALTIME */);
		ts->tv_sec = (time_t)(ns / 1000000000ULL);
		ts->tv_nsec = (long)(ns % 1000000000ULL);
		return 0;
	}
	case FB_CLOCK_MONOTONIC:
	case FB_CLOCK_UPTIME: {
		uint64_t us = model_uptime_us();
		ts->tv_sec = (time_t)(us / 1000000);
		ts->tv_nsec = (long)(us % 1000000) * 1000;
		return 0;
	}
	default:
		return model_errno(FB_EINVAL);
	}
}

struct f_timeval { int64_t tv_sec; int64_t tv_usec; };

int gettimeofday(struct f_timeval *tv, void *tz)
{
	MODEL_ENTER("gettimeofday"); (void)tz;
	if (!tv) return 0;
	struct timespec ts;
	int r = clock_gettime(FB_CLOCK_REALTIME, &ts);
	if (r) return r;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

void model_millisleep(uint64_t ms)
{
	static const char nobody;   /* a sleep ends at its time; no object's kick concerns it */
	model_block_until_key(NULL, NULL, (long)ms, &nobody);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	MODEL_ENTER("nanosleep");
	if (!req->tv_sec && !req->tv_nsec) return 0;
	uint64_t ms = (uint64_t)req->tv_sec * 1000;
	if (req->tv_nsec) ms += (uint64_t)req->tv_nsec / 1000000;
	model_millisleep(ms ? ms : 1);
	if (rem) { rem->tv_sec = 0; rem->tv_nsec = 0; }
	return 0;
}

int clock_nanosleep(int clk, int flags, const struct timespec *rqt, struct timespec *rmt)
{
	MODEL_ENTER("clock_nanosleep");
	if (flags & FB_TIMER_ABSTIME) {
		struct timespec now = { 0, 0 };
		if (clock_gettime(clk, &now) != 0) {
			model_error("clock_nanosleep: RTC device not configured");
			return -1;
		}
		/* Genode's naive comparison, kept as is */
		if (now.tv_sec <= rqt->tv_sec && now.tv_nsec < rqt->tv_nsec) {
			struct timespec rel = { rqt->tv_sec - now.tv_sec, rqt->tv_nsec - now.tv_nsec };
			return nanosleep(&rel, rmt);
		}
		return 0;
	}
	return nanosleep(rqt, rmt);
}

unsigned sleep(unsigned seconds)
{
	MODEL_ENTER("sleep");
	if (!seconds) return 0;
	model_millisleep((uint64_t)seconds * 1000);
	return 0;
}

int usleep(uint32_t us)
{
	MODEL_ENTER("usleep");
	if (!us) return 0;
	uint64_t ms = us / 1000;
	model_millisleep(ms ? ms : 1);
	return 0;
}

int sched_yield(void)
{
	MODEL_ENTER("sched_yield");
	model_warning("sched_yield: sched_yield not implemented");
	return model_errno(FB_ENOSYS);
}
