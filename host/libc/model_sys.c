/*
 * Raw Linux system calls and the Linux -> FreeBSD errno translation.
 * The model never calls glibc's same-named functions: those names belong to the model.
 */
#include "model.h"
#include <errno.h>   /* Linux values, for the translation */

long model_sys(long nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
	long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
	va_end(ap);
#if defined(__aarch64__)
	/* arm64: number in x8, arguments in x0-x5, result in x0 */
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	register long x2 __asm__("x2") = a3;
	register long x3 __asm__("x3") = a4;
	register long x4 __asm__("x4") = a5;
	register long x5 __asm__("x5") = a6;
	__asm__ volatile("svc #0"
	                 : "+r"(x0)
	                 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
	                 : "memory", "cc");
	return x0;
#else
	register long r10 __asm__("r10") = a4;
	register long r8  __asm__("r8")  = a5;
	register long r9  __asm__("r9")  = a6;
	long ret;
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
	                 : "rcx", "r11", "memory");
	return ret;
#endif
}

/* Linux errno values EPERM..ERANGE (1-34) equal FreeBSD's, except 11: Linux EAGAIN, FreeBSD EDEADLK. */
int model_errno_from_linux(int e)
{
	if (e < 0) e = -e;
	if (e >= EPERM && e <= ERANGE && e != EAGAIN) return e;
	switch (e) {
	case EAGAIN:          return FB_EAGAIN;
	case EDEADLK:         return FB_EDEADLK;
	case ENAMETOOLONG:    return FB_ENAMETOOLONG;
	case ENOLCK:          return FB_ENOLCK;
	case ENOSYS:          return FB_ENOSYS;
	case ENOTEMPTY:       return FB_ENOTEMPTY;
	case ELOOP:           return FB_ELOOP;
	case ENOMSG:          return FB_ENOMSG;
	case EIDRM:           return FB_EIDRM;
	case ENODATA:         return FB_ENOATTR;
	case ETIME:           return FB_ETIMEDOUT;
	case ENOLINK:         return FB_ENOLINK;
	case EPROTO:          return FB_EPROTO;
	case EMULTIHOP:       return FB_EMULTIHOP;
	case EBADMSG:         return FB_EBADMSG;
	case EOVERFLOW:       return FB_EOVERFLOW;
	case EILSEQ:          return FB_EILSEQ;
	case EUSERS:          return FB_EUSERS;
	case ENOTSOCK:        return FB_ENOTSOCK;
	case EDESTADDRREQ:    return FB_EDESTADDRREQ;
	case EMSGSIZE:        return FB_EMSGSIZE;
	case EPROTOTYPE:      return FB_EPROTOTYPE;
	case ENOPROTOOPT:     return FB_ENOPROTOOPT;
	case EPROTONOSUPPORT: return FB_EPROTONOSUPPORT;
	case ESOCKTNOSUPPORT: return FB_ESOCKTNOSUPPORT;
	case EOPNOTSUPP:      return FB_EOPNOTSUPP;
	case EPFNOSUPPORT:    return FB_EPFNOSUPPORT;
	case EAFNOSUPPORT:    return FB_EAFNOSUPPORT;
	case EADDRINUSE:      return FB_EADDRINUSE;
	case EADDRNOTAVAIL:   return FB_EADDRNOTAVAIL;
	case ENETDOWN:        return FB_ENETDOWN;
	case ENETUNREACH:     return FB_ENETUNREACH;
	case ENETRESET:       return FB_ENETRESET;
	case ECONNABORTED:    return FB_ECONNABORTED;
	case ECONNRESET:      return FB_ECONNRESET;
	case ENOBUFS:         return FB_ENOBUFS;
	case EISCONN:         return FB_EISCONN;
	case ENOTCONN:        return FB_ENOTCONN;
	case ESHUTDOWN:       return FB_ESHUTDOWN;
	case ETOOMANYREFS:    return FB_ETOOMANYREFS;
	case ETIMEDOUT:       return FB_ETIMEDOUT;
	case ECONNREFUSED:    return FB_ECONNREFUSED;
	case EHOSTDOWN:       return FB_EHOSTDOWN;
	case EHOSTUNREACH:    return FB_EHOSTUNREACH;
	case EALREADY:        return FB_EALREADY;
	case EINPROGRESS:     return FB_EINPROGRESS;
	case ESTALE:          return FB_ESTALE;
	case EDQUOT:          return FB_EDQUOT;
	case ECANCELED:       return FB_ECANCELED;
	case EOWNERDEAD:      return FB_EOWNERDEAD;
	case ENOTRECOVERABLE: return FB_ENOTRECOVERABLE;
	}
	return FB_EIO;
}

long model_sys_result(long r)
{
	if (r < 0 && r > -4096) return -model_errno_from_linux((int)-r);
	return r;
}
