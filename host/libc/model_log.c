/*
 * The component's log in Genode's style. Lines go to the host's stderr as "[component] text"; warnings and errors
 * carry the "Warning: "/"Error: " prefixes and colours of repos/base/src/lib/base/log.cc.
 */
#include "model.h"
#include <sys/syscall.h>

static unsigned long warnings;

static void emit(const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char buf[2048];
	int n = snprintf_int(buf, sizeof buf, "[%s] %s", model_cfg.component ? model_cfg.component : "?", prefix);
	if (n < 0) n = 0;
	if ((size_t)n < sizeof buf) {
		int m = vsnprintf_int(buf + n, sizeof buf - n, fmt, ap);
		if (m > 0) n += m;
	}
	if ((size_t)n > sizeof buf - 16) n = sizeof buf - 16;
	n += snprintf_int(buf + n, sizeof buf - n, "%s\n", suffix);
	model_log_write(buf, (size_t)n);
}

void model_log_write(const char *s, size_t n)
{
	while (n > 0) {
		long r = model_sys(SYS_write, 2L, (long)s, (long)n);
		if (r == -4) continue;
		if (r <= 0) return;
		s += r; n -= (size_t)r;
	}
}

void model_log(const char *fmt, ...)
{
	va_list ap; va_start(ap, fmt); emit("", "", fmt, ap); va_end(ap);
}

void model_error(const char *fmt, ...)
{
	va_list ap; va_start(ap, fmt); emit("\033[31mError: ", "\033[0m", fmt, ap); va_end(ap);
}

void model_warning(const char *fmt, ...)
{
	va_list ap; va_start(ap, fmt); emit("\033[34mWarning: ", "\033[0m", fmt, ap); va_end(ap);
	__atomic_add_fetch(&warnings, 1, __ATOMIC_SEQ_CST);
	if (model_cfg.strict) {
		model_log("model: strict mode: warning ends the component (status 3)");
		model_sys(SYS_exit_group, 3L);
	}
}

unsigned long model_warning_count(void) { return warnings; }

void model_die(int status, const char *fmt, ...)
{
	va_list ap; va_start(ap, fmt); emit("", "", fmt, ap); va_end(ap);
	model_exit_hook(status);
	for (;;) model_sys(SYS_exit_group, (long)status);
}
