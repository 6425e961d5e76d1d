/*
 * The host's glibc underneath the model: the functions the model builds on (real threads, the host's fork,
 * waitpid and posix_spawn for the launcher's tools, number parsing, formatting), found with dlsym(RTLD_NEXT)
 * because the model's exported names shadow glibc's; and the model's own formatting (snprintf_int) over
 * glibc's vsnprintf, which formats the same for every ABI on x86_64, and on arm64 (AAPCS64 va_list, quad long
 * double on Linux and FreeBSD alike).
 */
#include "model.h"
#include <dlfcn.h>

struct model_glibc glibc;

void model_glibc_init(void)
{
	if (glibc.vsnprintf) return;
#define R(n) glibc.n = (typeof(glibc.n))dlsym(RTLD_NEXT, #n)
	R(pthread_create); R(pthread_join); R(pthread_attr_init); R(pthread_attr_destroy); R(pthread_attr_setstack);
	R(sigaction); R(fork); R(posix_spawn); R(waitpid); R(strtol); R(strtoul);
	R(vsnprintf);
#undef R
}

int vsnprintf_int(char *buf, size_t n, const char *fmt, va_list ap)
{
	if (!glibc.vsnprintf) model_glibc_init();
	return glibc.vsnprintf(buf, n, fmt, ap);
}

int snprintf_int(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap; va_start(ap, fmt);
	int r = vsnprintf_int(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
