/*
 * ABI-neutral C-library functions Genode's libc exports too (FreeBSD string, stdlib and stdio code) and that the
 * conformance tests use; the list of exported ones is host/libc/abi-neutral.txt. Formatting is glibc's vsnprintf
 * (the same for every ABI on x86_64); output goes through the model's write(), i.e. the component's VFS.
 * Compiled with -fno-builtin -fno-tree-loop-distribute-patterns so the loops stay loops.
 */
#include "model_int.h"
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
		{ 0, "No error: 0" }, { 1, "Operation not permitted" }, { 2, "No such file or directory" },
		{ 3, "No such process" }, { 4, "Interrupted system call" }, { 5, "Input/output error" },
		{ 8, "Exec format error" }, { 9, "Bad file descriptor" }, { 10, "No child processes" },
		{ 11, "Resource deadlock avoided" }, { 12, "Cannot allocate memory" }, { 13, "Permission denied" },
		{ 14, "Bad address" }, { 16, "Device busy" }, { 17, "File exists" }, { 19, "Operation not supported by device" },
		{ 20, "Not a directory" }, { 21, "Is a directory" }, { 22, "Invalid argument" },
		{ 24, "Too many open files" }, { 25, "Inappropriate ioctl for device" }, { 28, "No space left on device" },
		{ 29, "Illegal seek" }, { 30, "Read-only file system" }, { 32, "Broken pipe" },
		{ 34, "Result too large" }, { 35, "Resource temporarily unavailable" },
		{ 36, "Operation now in progress" }, { 42, "Protocol not available" },
		{ 45, "Operation not supported" }, { 47, "Address family not supported by protocol family" },
		{ 48, "Address already in use" }, { 54, "Connection reset by peer" }, { 57, "Socket is not connected" },
		{ 60, "Operation timed out" }, { 61, "Connection refused" }, { 62, "Too many levels of symbolic links" },
		{ 63, "File name too long" }, { 66, "Directory not empty" }, { 78, "Function not implemented" },
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
