/*
 * The FreeBSD 12 ABI the model's entry points take and return: the values of <genode/freebsd_values.h> (the
 * lists the conformance programs' headers use too) with an FB_ prefix, and the layouts of the structures.
 */
#ifndef MODEL_FREEBSD_H
#define MODEL_FREEBSD_H

#include <stdint.h>
#include <stddef.h>
#include <genode/freebsd_values.h>

enum { FREEBSD_ERRNO(FREEBSD_FB_NAME) };
enum { FREEBSD_EAI(FREEBSD_FB_NAME) };
enum { FREEBSD_NETDB(FREEBSD_FB_NAME) };
enum { FREEBSD_FCNTL(FREEBSD_FB_NAME) };
enum { FREEBSD_STAT(FREEBSD_FB_NAME) };
enum { FREEBSD_MMAN(FREEBSD_FB_NAME) };
enum { FREEBSD_SIGNAL(FREEBSD_FB_NAME) };
enum { FREEBSD_CLOCK(FREEBSD_FB_NAME) };
enum { FREEBSD_WAIT(FREEBSD_FB_NAME) };
enum { FREEBSD_RLIMIT(FREEBSD_FB_NAME) };
enum { FREEBSD_POLL(FREEBSD_FB_NAME) };
enum { FREEBSD_EVENT(FREEBSD_FB_NAME) };
enum { FREEBSD_SOCKET(FREEBSD_FB_NAME) };
enum { FREEBSD_IOCTL(FREEBSD_FB_NAME) };
enum { FREEBSD_SYSCONF(FREEBSD_FB_NAME) };
enum { FREEBSD_SYSCTL(FREEBSD_FB_NAME) };
enum { FREEBSD_LIMITS(FREEBSD_FB_NAME) };

struct fb_timespec { int64_t tv_sec; long tv_nsec; };
struct fb_stat {
	uint64_t st_dev, st_ino, st_nlink;
	uint16_t st_mode; int16_t st_padding0;
	uint32_t st_uid, st_gid; int32_t st_padding1;
	uint64_t st_rdev;
	struct fb_timespec st_atim, st_mtim, st_ctim, st_birthtim;
	int64_t  st_size, st_blocks;
	int32_t  st_blksize; uint32_t st_flags;
	uint64_t st_gen;
	uint64_t st_spare[10];
};
struct fb_dirent {
	uint64_t d_fileno; int64_t d_off; uint16_t d_reclen; uint8_t d_type, d_pad0; uint16_t d_namlen, d_pad1;
	char d_name[256];
};
struct fb_iovec { void *iov_base; size_t iov_len; };
struct fb_pollfd { int fd; short events, revents; };
struct fb_kevent { uintptr_t ident; short filter; unsigned short flags; unsigned fflags; int64_t data; void *udata;
                   uint64_t ext[4]; };
struct fb_sockaddr_in { uint8_t sin_len, sin_family; uint16_t sin_port; uint32_t sin_addr; char sin_zero[8]; };
struct fb_sockaddr { uint8_t sa_len, sa_family; char sa_data[14]; };
struct fb_msghdr { void *msg_name; uint32_t msg_namelen; struct fb_iovec *msg_iov; int msg_iovlen;
                   void *msg_control; uint32_t msg_controllen; int msg_flags; };
struct fb_flock { int64_t l_start, l_len; int l_pid; short l_type, l_whence; int l_sysid; };

#endif
