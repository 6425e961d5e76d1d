/*
 * FreeBSD 12.0 (amd64) file, directory, pipe, socket and readiness interface of Genode's libc, for the model's
 * conformance tests (the part genode/libc.h does not carry). Values from FreeBSD 12's sys/{fcntl,poll,event,
 * socket,filio,ttycom}.h and netinet/{in,tcp}.h as Genode ships them.
 */
#ifndef GENODE_IO_H
#define GENODE_IO_H

#include "libc.h"

/* ---- poll.h ---- */
struct pollfd { int fd; short events; short revents; };
typedef unsigned int nfds_t;
#define POLLIN     0x0001
#define POLLPRI    0x0002
#define POLLOUT    0x0004
#define POLLERR    0x0008
#define POLLHUP    0x0010
#define POLLNVAL   0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM POLLOUT
#define POLLWRBAND 0x0100

/* ---- sys/select.h ---- */
#define FD_SETSIZE 1024
typedef struct { unsigned long fds_bits[FD_SETSIZE / 64]; } fd_set;
#define FD_ZERO(s)     do { for (int __i = 0; __i < FD_SETSIZE / 64; __i++) (s)->fds_bits[__i] = 0; } while (0)
#define FD_SET(fd, s)  ((s)->fds_bits[(fd) / 64] |= 1UL << ((fd) % 64))
#define FD_CLR(fd, s)  ((s)->fds_bits[(fd) / 64] &= ~(1UL << ((fd) % 64)))
#define FD_ISSET(fd, s) (((s)->fds_bits[(fd) / 64] >> ((fd) % 64)) & 1)

/* ---- sys/event.h (FreeBSD 12: 64 bytes) ---- */
struct kevent {
	uintptr_t ident;
	short     filter;
	unsigned short flags;
	unsigned  fflags;
	int64_t   data;
	void     *udata;
	uint64_t  ext[4];
};
#define EVFILT_READ   (-1)
#define EVFILT_WRITE  (-2)
#define EVFILT_TIMER  (-7)
#define EVFILT_USER   (-11)
#define EV_ADD      0x0001
#define EV_DELETE   0x0002
#define EV_ENABLE   0x0004
#define EV_DISABLE  0x0008
#define EV_ONESHOT  0x0010
#define EV_CLEAR    0x0020
#define EV_RECEIPT  0x0040
#define EV_DISPATCH 0x0080
#define EV_EOF      0x8000
#define EV_ERROR    0x4000
#define EV_SET(kevp, a, b, c, d, e, f) do { struct kevent *__k = (kevp); __k->ident = (a); __k->filter = (b); \
	__k->flags = (c); __k->fflags = (d); __k->data = (e); __k->udata = (f); \
	__k->ext[0] = __k->ext[1] = __k->ext[2] = __k->ext[3] = 0; } while (0)

/* ---- sys/socket.h, netinet/in.h, netinet/tcp.h ---- */
typedef uint8_t sa_family_t;
typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;
struct sockaddr { uint8_t sa_len; sa_family_t sa_family; char sa_data[14]; };
struct in_addr { in_addr_t s_addr; };
struct sockaddr_in { uint8_t sin_len; sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr;
                     char sin_zero[8]; };
struct sockaddr_in6 { uint8_t sin6_len; sa_family_t sin6_family; in_port_t sin6_port; uint32_t sin6_flowinfo;
                      uint8_t sin6_addr[16]; uint32_t sin6_scope_id; };
struct sockaddr_un { uint8_t sun_len; sa_family_t sun_family; char sun_path[104]; };
struct linger { int l_onoff; int l_linger; };
struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; int msg_iovlen; void *msg_control;
                socklen_t msg_controllen; int msg_flags; };
#define AF_UNSPEC 0
#define AF_UNIX   1
#define AF_INET   2
#define AF_INET6  28
#define PF_INET   AF_INET
#define SOCK_STREAM 1
#define SOCK_DGRAM  2
#define SOCK_RAW    3
#define SOCK_CLOEXEC  0x10000000
#define SOCK_NONBLOCK 0x20000000
#define SOL_SOCKET 0xffff
#define SO_DEBUG     0x0001
#define SO_REUSEADDR 0x0004
#define SO_KEEPALIVE 0x0008
#define SO_BROADCAST 0x0020
#define SO_LINGER    0x0080
#define SO_REUSEPORT 0x0200
#define SO_SNDBUF    0x1001
#define SO_RCVBUF    0x1002
#define SO_ERROR     0x1007
#define SO_TYPE      0x1008
#define IPPROTO_IP  0
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define TCP_NODELAY   1
#define TCP_KEEPIDLE  256
#define TCP_KEEPINTVL 512
#define TCP_KEEPCNT   1024
#define MSG_PEEK     0x02
#define MSG_WAITALL  0x40
#define MSG_DONTWAIT 0x80
#define MSG_NOSIGNAL 0x20000
#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2
#define INADDR_ANY       0x00000000U
#define INADDR_LOOPBACK  0x7f000001U
static inline uint16_t io_htons(uint16_t v) { return (uint16_t)((v << 8) | (v >> 8)); }
static inline uint32_t io_htonl(uint32_t v)
{ return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24); }

/* ---- sys/filio.h, sys/ttycom.h ---- */
#define FIONREAD   0x4004667fUL
#define FIONBIO    0x8004667eUL
#define TIOCGWINSZ 0x40087468UL
#define TIOCGETA   0x402c7413UL
#define TIOCSETA   0x802c7414UL
struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; };

/* ---- prototypes (the ones genode/libc.h does not declare) ---- */
int     openat(int, const char *, int, ...);
ssize_t pread(int, void *, size_t, off_t);
ssize_t pwrite(int, const void *, size_t, off_t);
ssize_t readv(int, const struct iovec *, int);
ssize_t writev(int, const struct iovec *, int);
int     lstat(const char *, struct stat *);
int     fstatat(int, const char *, struct stat *, int);
ssize_t getdirentries(int, char *, size_t, off_t *);
int     mkdir(const char *, mode_t);
int     rmdir(const char *);
int     unlink(const char *);
int     rename(const char *, const char *);
int     symlink(const char *, const char *);
ssize_t readlink(const char *, char *, size_t);
int     chdir(const char *);
int     fchdir(int);
char   *getcwd(char *, size_t);
int     access(const char *, int);
int     ftruncate(int, off_t);
int     fsync(int);
int     fdatasync(int);
int     chmod(const char *, mode_t);
int     fchmod(int, mode_t);
int     chown(const char *, uid_t, gid_t);
int     link(const char *, const char *);
int     mknod(const char *, mode_t, dev_t);
int     mkfifo(const char *, mode_t);
int     utimes(const char *, const struct timeval *);
int     dup(int);
int     dup2(int, int);
int     fcntl(int, int, ...);
int     ioctl(int, unsigned long, ...);
int     pipe2(int[2], int);
int     poll(struct pollfd *, nfds_t, int);
int     select(int, fd_set *, fd_set *, fd_set *, struct timeval *);
int     kqueue(void);
int     kevent(int, const struct kevent *, int, struct kevent *, int, const struct timespec *);
int     socket(int, int, int);
int     socketpair(int, int, int, int[2]);
int     bind(int, const struct sockaddr *, socklen_t);
int     listen(int, int);
int     accept(int, struct sockaddr *, socklen_t *);
int     accept4(int, struct sockaddr *, socklen_t *, int);
int     connect(int, const struct sockaddr *, socklen_t);
int     getsockopt(int, int, int, void *, socklen_t *);
int     setsockopt(int, int, int, const void *, socklen_t);
int     getsockname(int, struct sockaddr *, socklen_t *);
int     getpeername(int, struct sockaddr *, socklen_t *);
int     shutdown(int, int);
ssize_t sendto(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
ssize_t recvfrom(int, void *, size_t, int, struct sockaddr *, socklen_t *);
ssize_t sendmsg(int, const struct msghdr *, int);
ssize_t recvmsg(int, struct msghdr *, int);

#endif
