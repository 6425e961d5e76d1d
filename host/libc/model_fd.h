/*
 * The libc's fd table (model_fd.c) and what the units behind it share: sockets (model_sock.c), kqueue
 * (model_poll.c) and the helpers of the I/O units.
 */
#ifndef MODEL_FD_H
#define MODEL_FD_H

#include "model_vfs.h"

/* ---- helpers of the I/O units ---- */
void  *io_alloc(size_t n);     /* host pages for the fd table's and the VFS's bookkeeping (not charged) */
void   io_free(void *p, size_t n);
int    io_host_ready(int hostfd, int events);  /* 1 if poll(0) reports events */
/* results of the VFS and socket operations besides -FB errno values: */
#define IO_FAIL_NOERRNO 100000   /* -1 without touching errno (Genode paths that fail silently) */
#define IO_WOULDBLOCK   100001   /* the caller blocks in the libc and retries (model_fd.c) */

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
/* the socket file system (model_sockfs.c); rel is the path below the socket fs's directory */
int   sfs_stat(const char *rel, struct vstat *st);
int   sfs_open(const char *rel, int fb_flags, struct vhandle *h);
void  sfs_close(struct vhandle *h);
long  sfs_read(struct vhandle *h, void *buf, size_t n);    /* -FB_EAGAIN: would block */
long  sfs_write(struct vhandle *h, const void *buf, size_t n);
int   sfs_read_ready(const struct vhandle *h);
int   sfs_write_ready(const struct vhandle *h);
int   sfs_hostfd(const struct vhandle *h);                  /* the socket's host fd, -1 if dissolved */
short sfs_host_events(const struct vhandle *h, int want_r, int want_w);
int   sfs_continuous(const struct vhandle *h);
void  sfs_after_fork_child(void);
int   sfs_take(int udp);                                    /* a slot for a libc socket: its id, 0 if full */
void  sfs_give(int udp, int id);
/* the socket fs's stack on the host's (model_sock.c) */
uint32_t sock_stack_to_host(uint32_t a_be);
uint32_t sock_host_to_stack(uint32_t a_be);
void     sock_stack_source(int hostfd, uint32_t dst_be);
/* sockets across execve (model_fd_exec_state/restore) */
size_t sock_exec_encode(const struct model_fd *f, char *out);
void sock_exec_decode(struct model_fd *f, const char *s);
void sock_exec_link(struct model_fd *f);

#endif
