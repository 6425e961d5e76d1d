/*
 * ITIMER_REAL (alarm.cc): setitimer arms a one-shot timeout in whole ms (an interval is warned about and not
 * handled; other timers are refused); when it expires SIGALRM is charged and its handler runs in the main thread,
 * which checks the timeout while it blocks in the libc (model_block_until).
 */
#include "model.h"
#include <string.h>

static uint64_t alarm_deadline_us;

uint64_t model_alarm_left_ms(void)
{
	uint64_t d = __atomic_load_n(&alarm_deadline_us, __ATOMIC_SEQ_CST), now = model_uptime_us();
	return d && d > now ? (d - now) / 1000 : 0;
}

int model_alarm_armed(void) { return __atomic_load_n(&alarm_deadline_us, __ATOMIC_SEQ_CST) != 0; }

void model_alarm_arm(uint64_t ms)
{
	__atomic_store_n(&alarm_deadline_us, ms ? model_uptime_us() + ms * 1000 : 0, __ATOMIC_SEQ_CST);
}

void model_alarm_check(void)
{
	uint64_t d = __atomic_load_n(&alarm_deadline_us, __ATOMIC_SEQ_CST);
	if (!d || model_uptime_us() < d) return;
	__atomic_store_n(&alarm_deadline_us, 0, __ATOMIC_SEQ_CST);
	model_signal_deliver(FB_SIGALRM);
}

struct fb_timeval { int64_t tv_sec; long tv_usec; };
struct fb_itimerval { struct fb_timeval it_interval, it_value; };

int setitimer(int which, const struct fb_itimerval *nv, struct fb_itimerval *ov)
{
	MODEL_ENTER("setitimer");
	if (which != FB_ITIMER_REAL) {
		model_warning("setitimer: timer %%d unsupported");  /* alarm.cc passes no argument for the %d */
		return model_errno(FB_EINVAL);
	}
	if (!nv) return model_errno(FB_EFAULT);
	if (nv->it_interval.tv_sec || nv->it_interval.tv_usec)
		model_warning("setitimer: argument 'new_value->it_interval' not handled");
	uint64_t left = model_alarm_left_ms();
	if (ov) {
		memset(ov, 0, sizeof *ov);
		ov->it_value.tv_sec = (int64_t)(left / 1000);
		ov->it_value.tv_usec = (long)((left % 1000) * 1000);
	}
	model_alarm_arm((uint64_t)nv->it_value.tv_sec * 1000 + (uint64_t)nv->it_value.tv_usec / 1000);
	return 0;
}
