/*
 * Raw Linux system calls and the Linux -> FreeBSD errno translation.
 * The model never calls glibc's same-named functions: those names belong to the model.
 */
#include "model.h"

long model_sys(long nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
	long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
	va_end(ap);
	register long r10 __asm__("r10") = a4;
	register long r8  __asm__("r8")  = a5;
	register long r9  __asm__("r9")  = a6;
	long ret;
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
	                 : "rcx", "r11", "memory");
	return ret;
}

/* Linux errno values 1-34 equal FreeBSD's except 11 (Linux EAGAIN, FreeBSD EDEADLK). */
int model_errno_from_linux(int e)
{
	if (e < 0) e = -e;
	if (e >= 1 && e <= 34) return e == 11 ? 35 : e;
	switch (e) {
	case 35:  return 11;  /* EDEADLK */
	case 36:  return 63;  /* ENAMETOOLONG */
	case 37:  return 77;  /* ENOLCK */
	case 38:  return 78;  /* ENOSYS */
	case 39:  return 66;  /* ENOTEMPTY */
	case 40:  return 62;  /* ELOOP */
	case 42:  return 83;  /* ENOMSG */
	case 43:  return 82;  /* EIDRM */
	case 61:  return 87;  /* ENODATA -> ENOATTR */
	case 62:  return 60;  /* ETIME -> ETIMEDOUT */
	case 67:  return 91;  /* ENOLINK */
	case 71:  return 92;  /* EPROTO */
	case 72:  return 90;  /* EMULTIHOP */
	case 74:  return 89;  /* EBADMSG */
	case 75:  return 84;  /* EOVERFLOW */
	case 84:  return 86;  /* EILSEQ */
	case 87:  return 68;  /* EUSERS */
	case 88:  return 38;  /* ENOTSOCK */
	case 89:  return 39;  /* EDESTADDRREQ */
	case 90:  return 40;  /* EMSGSIZE */
	case 91:  return 41;  /* EPROTOTYPE */
	case 92:  return 42;  /* ENOPROTOOPT */
	case 93:  return 43;  /* EPROTONOSUPPORT */
	case 94:  return 44;  /* ESOCKTNOSUPPORT */
	case 95:  return 45;  /* EOPNOTSUPP */
	case 96:  return 46;  /* EPFNOSUPPORT */
	case 97:  return 47;  /* EAFNOSUPPORT */
	case 98:  return 48;  /* EADDRINUSE */
	case 99:  return 49;  /* EADDRNOTAVAIL */
	case 100: return 50;  /* ENETDOWN */
	case 101: return 51;  /* ENETUNREACH */
	case 102: return 52;  /* ENETRESET */
	case 103: return 53;  /* ECONNABORTED */
	case 104: return 54;  /* ECONNRESET */
	case 105: return 55;  /* ENOBUFS */
	case 106: return 56;  /* EISCONN */
	case 107: return 57;  /* ENOTCONN */
	case 108: return 58;  /* ESHUTDOWN */
	case 109: return 59;  /* ETOOMANYREFS */
	case 110: return 60;  /* ETIMEDOUT */
	case 111: return 61;  /* ECONNREFUSED */
	case 112: return 64;  /* EHOSTDOWN */
	case 113: return 65;  /* EHOSTUNREACH */
	case 114: return 37;  /* EALREADY */
	case 115: return 36;  /* EINPROGRESS */
	case 116: return 70;  /* ESTALE */
	case 122: return 69;  /* EDQUOT */
	case 125: return 85;  /* ECANCELED */
	case 130: return 96;  /* EOWNERDEAD */
	case 131: return 95;  /* ENOTRECOVERABLE */
	}
	return 5; /* EIO */
}
