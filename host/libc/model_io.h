/*
 * Internal interface of the model's I/O part (model_vfs.c, model_fd.c, model_sock.c, model_poll.c).
 * FreeBSD-12 values carry an FB_ prefix, Linux values an LX_ prefix, so that neither libc's headers are needed.
 */
#ifndef MODEL_IO_H
#define MODEL_IO_H

#include "model.h"

/* ---- FreeBSD 12 errno ---- */
enum {
	FB_EPERM = 1, FB_ENOENT = 2, FB_EINTR = 4, FB_EIO = 5, FB_EBADF = 9, FB_ENOMEM = 12, FB_EACCES = 13,
	FB_EFAULT = 14, FB_EEXIST = 17, FB_EXDEV = 18, FB_ENODEV = 19, FB_ENOTDIR = 20, FB_EISDIR = 21,
	FB_EINVAL = 22, FB_ENFILE = 23, FB_EMFILE = 24, FB_ENOTTY = 25, FB_ENOSPC = 28, FB_ESPIPE = 29,
	FB_EROFS = 30, FB_EPIPE = 32, FB_EAGAIN = 35, FB_EINPROGRESS = 36, FB_EALREADY = 37, FB_ENOTSOCK = 38,
	FB_EMSGSIZE = 40, FB_ERANGE = 34, FB_ENOPROTOOPT = 42, FB_EOPNOTSUPP = 45, FB_EAFNOSUPPORT = 47, FB_EADDRINUSE = 48,
	FB_ECONNABORTED = 53, FB_ECONNRESET = 54, FB_ENOBUFS = 55, FB_EISCONN = 56, FB_ENOTCONN = 57,
	FB_ETIMEDOUT = 60, FB_ECONNREFUSED = 61, FB_ELOOP = 62, FB_ENAMETOOLONG = 63, FB_ENOTEMPTY = 66,
	FB_ENOSYS = 78,
};
/* an internal result meaning "-1 without touching errno" (Genode paths that fail silently) */
#define IO_FAIL_NOERRNO 100000

/* ---- FreeBSD 12 flags ---- */
#define FB_O_RDONLY    0x0000
#define FB_O_WRONLY    0x0001
#define FB_O_RDWR      0x0002
#define FB_O_ACCMODE   0x0003
#define FB_O_NONBLOCK  0x0004
#define FB_O_APPEND    0x0008
#define FB_O_ASYNC     0x0040
#define FB_O_FSYNC     0x0080
#define FB_O_NOFOLLOW  0x0100
#define FB_O_CREAT     0x0200
#define FB_O_TRUNC     0x0400
#define FB_O_EXCL      0x0800
#define FB_O_DIRECTORY 0x20000
#define FB_O_CLOEXEC   0x100000

#define FB_F_DUPFD 0
#define FB_F_GETFD 1
#define FB_F_SETFD 2
#define FB_F_GETFL 3
#define FB_F_SETFL 4
#define FB_F_GETLK 11
#define FB_F_SETLK 12
#define FB_F_SETLKW 13
#define FB_F_DUPFD_CLOEXEC 17
#define FB_FD_CLOEXEC 1
#define FB_F_UNLCK 2

#define FB_AT_FDCWD (-100)
#define FB_AT_SYMLINK_NOFOLLOW 0x200

#define FB_S_IFMT  0170000
#define FB_S_IFCHR 0020000
#define FB_S_IFDIR 0040000
#define FB_S_IFREG 0100000
#define FB_S_IFLNK 0120000

#define FB_DT_UNKNOWN 0
#define FB_DT_CHR 2
#define FB_DT_DIR 4
#define FB_DT_REG 8
#define FB_DT_LNK 10

#define FB_POLLIN     0x0001
#define FB_POLLPRI    0x0002
#define FB_POLLOUT    0x0004
#define FB_POLLRDNORM 0x0040
#define FB_POLLRDBAND 0x0080
#define FB_POLLWRBAND 0x0100
#define FB_POLLERR    0x0008

#define FB_PROT_READ  1
#define FB_PROT_WRITE 2
#define FB_MAP_SHARED  0x0001
#define FB_MAP_PRIVATE 0x0002
#define FB_MAP_FIXED   0x0010
#define FB_MAP_ANON    0x1000

#define FB_FIONREAD   0x4004667fUL
#define FB_FIONBIO    0x8004667eUL
#define FB_TIOCGWINSZ 0x40087468UL
#define FB_TIOCFLUSH  0x80047410UL
#define FB_TIOCGETA   0x402c7413UL
#define FB_TIOCSETA   0x802c7414UL

#define FB_EVFILT_READ  (-1)
#define FB_EVFILT_WRITE (-2)
#define FB_EV_ADD     0x0001
#define FB_EV_DELETE  0x0002
#define FB_EV_ENABLE  0x0004
#define FB_EV_DISABLE 0x0008
#define FB_EV_ONESHOT 0x0010
#define FB_EV_CLEAR   0x0020
#define FB_EV_ERROR   0x4000

#define FB_AF_UNSPEC 0
#define FB_AF_UNIX   1
#define FB_AF_INET   2
#define FB_AF_INET6  28
#define FB_SOCK_STREAM 1
#define FB_SOCK_DGRAM  2
#define FB_SOCK_CLOEXEC  0x10000000
#define FB_SOCK_NONBLOCK 0x20000000
#define FB_SOL_SOCKET 0xffff
#define FB_SO_REUSEADDR 0x0004
#define FB_SO_KEEPALIVE 0x0008
#define FB_SO_LINGER    0x0080
#define FB_SO_ERROR     0x1007
#define FB_SO_TYPE      0x1008
#define FB_IPPROTO_TCP 6
#define FB_IPPROTO_UDP 17
#define FB_TCP_NODELAY   1
#define FB_TCP_KEEPIDLE  256
#define FB_TCP_KEEPINTVL 512
#define FB_TCP_KEEPCNT   1024
#define FB_MSG_PEEK    0x02
#define FB_MSG_WAITALL 0x40
#define FB_MSG_DONTWAIT 0x80

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

/* ---- Linux ---- */
#define LX_O_RDONLY 0
#define LX_O_WRONLY 1
#define LX_O_RDWR 2
#define LX_O_CREAT 0100
#define LX_O_EXCL 0200
#define LX_O_TRUNC 01000
#define LX_O_APPEND 02000
#define LX_O_NONBLOCK 04000
#define LX_O_DIRECTORY 0200000
#define LX_O_NOFOLLOW 0400000
#define LX_O_CLOEXEC 02000000
#define LX_O_PATH 010000000
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
struct lx_stat {
	unsigned long st_dev, st_ino, st_nlink;
	unsigned st_mode, st_uid, st_gid, pad0;
	unsigned long st_rdev; long st_size, st_blksize, st_blocks;
	struct lx_timespec st_atim, st_mtim, st_ctim;
	long unused[3];
};

/* ---- VFS (model_vfs.c) ---- */
#define VFS_PATH_MAX 512   /* Vfs::MAX_PATH_LEN, the capacity of the libc's Absolute_path */

enum vnode_type { VN_DIR = 1, VN_FILE, VN_SYMLINK, VN_CHR };
struct vstat { int type; int r, w, x; uint64_t size; uint64_t dev; uint64_t mtime_ms; uint64_t fileno; };

struct ram_node;
/* An open VFS object (what Genode's Vfs_handle is): one per libc fd, never shared. */
struct vhandle {
	int kind;                             /* MODEL_FD_* */
	const struct model_vfs_node *node;    /* the config node serving it */
	int hostfd;                           /* host fd or -1 */
	struct ram_node *rn;                  /* ram file or directory */
	const char *data; size_t data_len;    /* inline/rom/rtc content */
	uint64_t seek;
	int dir_index;                        /* next directory entry */
	char linebuf[512]; size_t linepos;    /* log output line */
};

void vfs_init(void);
/* lexical canonicalisation against a base directory; 0 or FB errno */
int  vfs_canon(const char *base, const char *path, char *out);
const char *vfs_cwd(void);
void vfs_set_cwd(const char *abs);
/* Genode's libc path resolution (file_operations.cc): all / all-but-last element */
int  vfs_resolve_all(const char *path, char *out);
int  vfs_resolve_parent(const char *path, char *out);
/* VFS operations on canonical absolute paths (no symlink following, as Genode's VFS) */
int  vfs_stat(const char *abs, struct vstat *st);
long vfs_readlink(const char *abs, char *buf, size_t len);
int  vfs_mkdir(const char *abs);
int  vfs_unlink(const char *abs);
int  vfs_rename(const char *from, const char *to);
int  vfs_symlink(const char *target, const char *abs);
int  vfs_open(const char *abs, int fb_flags, struct vhandle *h);
void vfs_close(struct vhandle *h);
long vfs_read(struct vhandle *h, void *buf, size_t n);      /* -FB_EAGAIN when nothing is there yet */
long vfs_write(struct vhandle *h, const void *buf, size_t n);
int  vfs_ftruncate(struct vhandle *h, uint64_t len);
int  vfs_read_ready(struct vhandle *h);
int  vfs_write_ready(struct vhandle *h);
int  vfs_ram_unlinked(const struct vhandle *h);   /* 1 for a RAM file that has no name any more */
/* next directory entry of an open directory: 1 and fills, 0 at the end */
int  vfs_readdir(struct vhandle *h, const char *dir_abs, struct fb_dirent *de);
int  vfs_num_dirent(const char *abs);
/* MAP_SHARED: 1 if the file system hands out a dataspace (ram: a copy; rom: the module), else 0 */
int  vfs_has_dataspace(const struct vhandle *h);
void vfs_fill_stat(const struct vstat *vs, const char *abs, struct fb_stat *st);
const struct model_vfs_node *vfs_find_node(const char *abs);

/* ---- helpers shared by the I/O files ---- */
size_t io_strlen(const char *s);
char  *io_put_num(char *o, long v);   /* decimal digits of v at o; returns the end */
int    io_strcmp(const char *a, const char *b);
void   io_strlcpy(char *d, const char *s, size_t n);
void  *io_alloc(size_t n);
void   io_free(void *p, size_t n);
long   io_sys_result(long r);   /* Linux -errno → -FB errno */
int    io_host_ready(int hostfd, int events);  /* 1 if poll(0) reports events */

/* fd table (model_fd.c) */
struct msock;
struct kq;
struct model_fd {
	int kind;                   /* MODEL_FD_FREE when unused */
	int flags;                  /* FreeBSD status flags kept by the libc (accmode, O_NONBLOCK, O_APPEND...) */
	int cloexec;
	char path[VFS_PATH_MAX];
	struct vhandle h;
	struct msock *sock;
	struct kq *kq;
};
#define MODEL_MAX_FDS 1024       /* MAX_NUM_FDS, internal/fd_alloc.h */
struct model_fd *io_fd(int fd);                  /* NULL if not open */
int  io_fd_alloc(int want);                      /* lowest free (want<0) or exactly want; -FB_EMFILE */
void io_fd_free(int fd);
void io_init(void);
int  io_bad_fd(const char *fn, int fd);          /* Genode's "no plugin found" error line, -FB_EBADF */
/* blocking on the main thread's terms */
int  io_wait_hostfd(int hostfd, int events, long timeout_ms);

/* kqueue (model_poll.c) */
void kq_free(struct kq *q);

/* sockets (model_sock.c) */
long sock_read(struct model_fd *f, void *buf, size_t n);
long sock_write(struct model_fd *f, const void *buf, size_t n);
void sock_close(struct model_fd *f);
int  sock_fcntl(struct model_fd *f, int cmd, long arg);
int  sock_read_ready(struct model_fd *f);
int  sock_write_ready(struct model_fd *f);
int  sock_ioctl(struct model_fd *f, unsigned long req, void *arg);
/* sockets across execve (model_fd_exec_state/restore) */
size_t sock_exec_encode(const struct model_fd *f, char *out);
void sock_exec_decode(struct model_fd *f, const char *s);
void sock_exec_link(struct model_fd *f);

#endif
