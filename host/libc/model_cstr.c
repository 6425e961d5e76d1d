/*
 * ABI-neutral C-library functions Genode's libc exports too (FreeBSD string, stdlib and stdio code) and that the
 * conformance tests use; the list of exported ones is host/libc/abi-neutral.txt. Formatting is glibc's vsnprintf
 * (the same for every ABI on x86_64, and on arm64: AAPCS64 va_list, quad long double); output goes through the
 * model's write(), i.e. the component's VFS.
 * The model's units use these string functions themselves, and the two byte helpers at the end.
 * Compiled with -fno-builtin -fno-tree-loop-distribute-patterns so the loops stay loops.
 */
#include "model.h"
#include <stdlib.h>

long write(int, const void *, size_t);
extern char **environ;

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d; const unsigned char *sp = s;
	if ((((uintptr_t)dp | (uintptr_t)sp) & 7) == 0) {
		for (; n >= 8; n -= 8, dp += 8, sp += 8) *(uint64_t *)dp = *(const uint64_t *)sp;
	}
	while (n--) *dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d; const unsigned char *sp = s;
	if (dp == sp || n == 0) return d;
	if (dp < sp || dp >= sp + n) return memcpy(d, s, n);
	while (n--) dp[n] = sp[n];
	return d;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *dp = d;
	if (((uintptr_t)dp & 7) == 0) {
		uint64_t v = (unsigned char)c * 0x0101010101010101ULL;
		for (; n >= 8; n -= 8, dp += 8) *(uint64_t *)dp = v;
	}
	while (n--) *dp++ = (unsigned char)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++) if (*x != *y) return *x - *y;
	return 0;
}

size_t strlen(const char *s) { const char *p = s; while (*p) p++; return (size_t)(p - s); }
int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) { a++; b++; }
	return (unsigned char)*a - (unsigned char)*b;
}
int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) { if (*a != *b) return (unsigned char)*a - (unsigned char)*b; if (!*a) return 0; }
	return 0;
}
char *strcpy(char *d, const char *s) { char *r = d; while ((*d++ = *s++)) ; return r; }
char *strncpy(char *d, const char *s, size_t n)
{
	size_t i = 0;
	for (; i < n && s[i]; i++) d[i] = s[i];
	for (; i < n; i++) d[i] = 0;
	return d;
}
char *strchr(const char *s, int c)
{
	for (;; s++) { if (*s == (char)c) return (char *)s; if (!*s) return NULL; }
}
char *strrchr(const char *s, int c)
{
	const char *r = NULL;
	for (;; s++) { if (*s == (char)c) r = s; if (!*s) return (char *)r; }
}
char *strstr(const char *h, const char *n)
{
	size_t l = strlen(n);
	for (; *h; h++) if (!strncmp(h, n, l)) return (char *)h;
	return l ? NULL : (char *)h;
}
char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d) memcpy(d, s, n);
	return d;
}
long strtol(const char *s, char **end, int base) { return glibc.strtol(s, end, base); }
unsigned long strtoul(const char *s, char **end, int base) { return glibc.strtoul(s, end, base); }
int atoi(const char *s) { return (int)glibc.strtol(s, NULL, 10); }

char *getenv(const char *name)
{
	size_t l = strlen(name);
	for (char **e = environ; e && *e; e++)
		if (!strncmp(*e, name, l) && (*e)[l] == '=') return *e + l + 1;
	return NULL;
}

/* FreeBSD's messages for the errno values the model produces */
char *strerror(int e)
{
	static const struct { int e; const char *s; } m[] = {
		{ 0, "No error: 0" }, { FB_EPERM, "Operation not permitted" }, { FB_ENOENT, "No such file or directory" },
		{ FB_ESRCH, "No such process" }, { FB_EINTR, "Interrupted system call" }, { FB_EIO, "Input/output error" },
		{ FB_ENOEXEC, "Exec format error" }, { FB_EBADF, "Bad file descriptor" }, { FB_ECHILD, "No child processes" },
		{ FB_EDEADLK, "Resource deadlock avoided" }, { FB_ENOMEM, "Cannot allocate memory" }, { FB_EACCES, "Permission denied" },
		{ FB_EFAULT, "Bad address" }, { FB_EBUSY, "Device busy" }, { FB_EEXIST, "File exists" }, { FB_ENODEV, "Operation not supported by device" },
		{ FB_ENOTDIR, "Not a directory" }, { FB_EISDIR, "Is a directory" }, { FB_EINVAL, "Invalid argument" },
		{ FB_EMFILE, "Too many open files" }, { FB_ENOTTY, "Inappropriate ioctl for device" }, { FB_ENOSPC, "No space left on device" },
		{ FB_ESPIPE, "Illegal seek" }, { FB_EROFS, "Read-only file system" }, { FB_EPIPE, "Broken pipe" },
		{ FB_ERANGE, "Result too large" }, { FB_EAGAIN, "Resource temporarily unavailable" },
		{ FB_EINPROGRESS, "Operation now in progress" }, { FB_ENOPROTOOPT, "Protocol not available" },
		{ FB_EOPNOTSUPP, "Operation not supported" }, { FB_EAFNOSUPPORT, "Address family not supported by protocol family" },
		{ FB_EADDRINUSE, "Address already in use" }, { FB_ECONNRESET, "Connection reset by peer" }, { FB_ENOTCONN, "Socket is not connected" },
		{ FB_ETIMEDOUT, "Operation timed out" }, { FB_ECONNREFUSED, "Connection refused" }, { FB_ELOOP, "Too many levels of symbolic links" },
		{ FB_ENAMETOOLONG, "File name too long" }, { FB_ENOTEMPTY, "Directory not empty" }, { FB_ENOSYS, "Function not implemented" },
	};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) if (m[i].e == e) return (char *)m[i].s;
	static __thread char buf[40];
	snprintf_int(buf, sizeof buf, "Unknown error: %d", e);
	return buf;
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) { return vsnprintf_int(buf, n, fmt, ap); }

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap; va_start(ap, fmt);
	int r = vsnprintf_int(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static int vdprintf_int(int fd, const char *fmt, va_list ap)
{
	char small[1024];
	va_list aq; va_copy(aq, ap);
	int n = vsnprintf_int(small, sizeof small, fmt, ap);
	char *buf = small;
	if (n >= (int)sizeof small) {
		buf = malloc((size_t)n + 1);
		vsnprintf_int(buf, (size_t)n + 1, fmt, aq);
	}
	va_end(aq);
	if (n > 0) write(fd, buf, (size_t)n);
	if (buf != small) free(buf);
	return n;
}

int vprintf(const char *fmt, va_list ap) { return vdprintf_int(1, fmt, ap); }

int printf(const char *fmt, ...)
{
	va_list ap; va_start(ap, fmt);
	int r = vdprintf_int(1, fmt, ap);
	va_end(ap);
	return r;
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap; va_start(ap, fmt);
	int r = vdprintf_int(fd, fmt, ap);
	va_end(ap);
	return r;
}

int puts(const char *s)
{
	size_t n = strlen(s);
	char *b = malloc(n + 1);
	memcpy(b, s, n); b[n] = '\n';
	long r = write(1, b, n + 1);
	free(b);
	return r < 0 ? -1 : 1;
}

/* ---- the model's own byte helpers ---- */

void model_strlcpy(char *d, const char *s, size_t n)
{
	size_t i = 0;
	if (!n) return;
	for (; s[i] && i + 1 < n; i++) d[i] = s[i];
	d[i] = 0;
}

char *model_put_num(char *o, long v)
{
	char t[24]; int k = 0;
	unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;
	if (v < 0) *o++ = '-';
	do { t[k++] = (char)('0' + u % 10); u /= 10; } while (u);
	while (k) *o++ = t[--k];
	return o;
}
