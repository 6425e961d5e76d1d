/*
 * Linux values and layouts for the model's raw system calls (model_sys), LX_-prefixed so that they stand beside
 * the FreeBSD ones without either libc's headers.
 */
#ifndef MODEL_LINUX_H
#define MODEL_LINUX_H

#define LX_EAGAIN 11
#define LX_EXDEV 18
#define LX_ENOTDIR 20
#define LX_ENOSYS 38
#define LX_ELOOP 40
#define LX_EINPROGRESS 115
#define LX_F_SETFD 2
#define LX_F_GETFL 3
#define LX_F_DUPFD_CLOEXEC 1030
#define LX_FD_CLOEXEC 1
#define LX_MFD_CLOEXEC 1
#define LX_WNOHANG 1
#define LX_AF_INET 2
#define LX_SOCK_STREAM 1
#define LX_SOCK_DGRAM 2
#define LX_SOL_SOCKET 1
#define LX_SO_ERROR 4
#define LX_MSG_PEEK 0x2
#define LX_MSG_DONTWAIT 0x40
#define LX_MSG_NOSIGNAL 0x4000
#define LX_PROT_READ 1
#define LX_PROT_WRITE 2
#define LX_MAP_PRIVATE 0x02
#define LX_MAP_ANONYMOUS 0x20
#define LX_O_RDONLY 0
#define LX_O_WRONLY 1
#define LX_O_RDWR 2
#define LX_O_CREAT 0100
#define LX_O_EXCL 0200
#define LX_O_TRUNC 01000
#define LX_O_APPEND 02000
#define LX_O_NONBLOCK 04000
/* arm64 (asm-generic) swaps the O_DIRECTORY/O_NOFOLLOW bits with O_DIRECT/O_LARGEFILE */
#if defined(__aarch64__)
#define LX_O_DIRECTORY 040000
#define LX_O_NOFOLLOW 0100000
#else
#define LX_O_DIRECTORY 0200000
#define LX_O_NOFOLLOW 0400000
#endif
#define LX_O_CLOEXEC 02000000
#define LX_O_PATH 010000000
#define LX_AT_FDCWD (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR 0x200
#define LX_AT_EMPTY_PATH 0x1000
#define LX_POLLIN 1
#define LX_POLLOUT 4
#define LX_POLLERR 8
#define LX_POLLHUP 0x10
#define LX_POLLNVAL 0x20
struct lx_pollfd { int fd; short events, revents; };
struct lx_timespec { long tv_sec, tv_nsec; };
/* fstat/newfstatat: x86_64 has its own layout (144 bytes); arm64 the asm-generic one (128 bytes) */
#if defined(__aarch64__)
struct lx_stat {
	unsigned long st_dev, st_ino;
	unsigned st_mode, st_nlink, st_uid, st_gid;
	unsigned long st_rdev, pad1; long st_size; int st_blksize, pad2; long st_blocks;
	struct lx_timespec st_atim, st_mtim, st_ctim;
	unsigned unused[2];
};
#else
struct lx_stat {
	unsigned long st_dev, st_ino, st_nlink;
	unsigned st_mode, st_uid, st_gid, pad0;
	unsigned long st_rdev; long st_size, st_blksize, st_blocks;
	struct lx_timespec st_atim, st_mtim, st_ctim;
	long unused[3];
};
#endif

#endif
