/*
 * FreeBSD 12.0 (amd64 and arm64 alike) file, directory, pipe, socket and readiness interface of Genode's libc, for
 * the model's conformance tests (the part genode/libc.h does not carry). Values from FreeBSD 12's
 * sys/{fcntl,poll,event,socket,filio,ttycom}.h and netinet/{in,tcp}.h as Genode ships them.
 */
#ifndef GENODE_IO_H
#define GENODE_IO_H

#include "libc.h"

/* ---- poll.h ---- */
struct pollfd { int fd; short events; short revents; };
typedef unsigned int nfds_t;
enum { FREEBSD_POLL(FREEBSD_NAME) };
#define POLLWRNORM POLLOUT

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
enum { FREEBSD_EVENT(FREEBSD_NAME) };
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
enum { FREEBSD_SOCKET(FREEBSD_NAME) };
#define PF_INET   AF_INET
#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2
#define INADDR_ANY       0x00000000U
#define INADDR_LOOPBACK  0x7f000001U
static inline uint16_t io_htons(uint16_t v) { return (uint16_t)((v << 8) | (v >> 8)); }
static inline uint32_t io_htonl(uint32_t v)
{ return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24); }

/* ---- sys/filio.h, sys/ttycom.h ---- */
enum { FREEBSD_IOCTL(FREEBSD_NAME) };
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
