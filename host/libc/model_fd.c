/*
 * The libc's own fd table and the file entry points.
 *
 * Models: repos/libports/src/lib/libc/{file_operations,vfs_plugin,fd_alloc,pread_pwrite,readv_writev,
 * dummies,kernel}.cc, internal/{file,fd_alloc}.h, repos/gems/src/lib/vfs/pipe/plugin.cc.
 *
 * Every operation is executed by the main thread (model_funnel); a blocking read/write that cannot proceed
 * returns IO_WOULDBLOCK from the main thread and the caller waits in model_block_until, then retries, as
 * Genode's monitor jobs do.
 */
#include <sys/syscall.h>
#include "model_fd.h"
#include "model_exports.h"   /* checks the declarations against the definitions here */

#define FD_RESERVED (-1)      /* fds 0-2 preserved without a plugin (kernel.cc _init_file_descriptors) */

static struct model_fd *fds[MODEL_MAX_FDS];
static int io_ready;

static void mset(void *d, int c, size_t n) { char *p = d; while (n--) *p++ = (char)c; }

struct model_fd *io_fd(int fd)
{
	if (fd < 0 || fd >= MODEL_MAX_FDS || !fds[fd] || fds[fd]->kind == MODEL_FD_FREE) return 0;
	return fds[fd];
}

int io_fd_alloc(int want)
{
	int lo = want < 0 ? 0 : want, hi = want < 0 ? MODEL_MAX_FDS : want + 1;
	if (want >= MODEL_MAX_FDS) return -FB_EMFILE;
	for (int i = lo; i < hi; i++) {
		if (fds[i] && fds[i]->kind != MODEL_FD_FREE) continue;
		if (!fds[i]) fds[i] = io_alloc(sizeof(struct model_fd));
		mset(fds[i], 0, sizeof(struct model_fd));
		fds[i]->kind = MODEL_FD_NULL;
		fds[i]->h.hostfd = -1;
		return i;
	}
	return -FB_EMFILE;
}

void io_fd_free(int fd)
{
	if (fd >= 0 && fd < MODEL_MAX_FDS && fds[fd]) fds[fd]->kind = MODEL_FD_FREE;
}

int io_bad_fd(const char *fn, int fd)
{
	model_error("no plugin found for %s(%d)", fn, fd);
	return -FB_EBADF;
}

/* the fd or NULL; logs Genode's error for an unknown fd; *err is -EBADF for unknown and reserved fds */
static struct model_fd *lookup(const char *fn, int fd, long *err)
{
	struct model_fd *f = io_fd(fd);
	if (!f) { *err = io_bad_fd(fn, fd); return 0; }
	if (f->kind == FD_RESERVED) { *err = -FB_EBADF; return 0; }
	return f;
}

/* ---- calling convention: run on the main thread, wait outside it ---- */
/* what a blocked call waits for: waitfd's events; IO_WAIT_TERMINAL: data of a terminal's host fd (never for -1) */
struct io_hdr { int waitfd; short waitev; };
#define IO_WAIT_TERMINAL ((short)0x4000)

static int hdr_ready(void *p)
{
	struct io_hdr *h = p;
	if (h->waitev == IO_WAIT_TERMINAL) return vfs_terminal_host_ready(h->waitfd);
	return h->waitfd < 0 || io_host_ready(h->waitfd, h->waitev);
}

static long do_init(void *p) { (void)p; io_init(); return 0; }

/* wait for the header's condition, asleep on its host fd (a regular file serving a terminal is always readable
 * to the host's poll: model_block_until_fds falls back to re-checks after a few such wake-ups) */
static int hdr_wait(struct io_hdr *h, long timeout_ms)
{
	struct lx_pollfd w = { h->waitfd, h->waitev == IO_WAIT_TERMINAL ? (short)LX_POLLIN : h->waitev, 0 };
	return model_block_until_fds(hdr_ready, h, timeout_ms, &w, h->waitfd >= 0);
}

static long io_run(long (*fn)(void *), struct io_hdr *h)
{
	if (!io_ready) model_funnel(do_init, 0);
	for (;;) {
		h->waitfd = -1;
		h->waitev = 0;
		long r = model_funnel(fn, h);
		if (r != -IO_WOULDBLOCK) return r;
		hdr_wait(h, -1);
	}
}

static long io_ret(long r)
{
	if (r == -IO_FAIL_NOERRNO) return -1;
	if (r < 0) return model_errno((int)-r);
	return r;
}

int io_wait_hostfd(int hostfd, int events, long timeout_ms)
{
	struct io_hdr h = { hostfd, (short)events };
	return hdr_wait(&h, timeout_ms);
}

/* ---- start-up: <libc stdin/stdout/stderr> (kernel.cc _init_file_descriptors) ---- */
static long open_resolved(const char *resolved, int flags, int want);

static long close_fd(int fd);
static long init_path(const char *p, int fd, int flags)
{
	char abs[VFS_PATH_MAX];
	if (vfs_resolve_parent(p, abs)) { model_warning("failed to resolve path for %s", p); return -1; }
	struct vstat st;
	if (vfs_stat(abs, &st)) { model_warning("failed to call 'stat' on %s", abs); return -1; }
	long r = open_resolved(abs, flags, fd);
	if (r >= 0 && r != fd) { model_error("could not allocate fd %d for %s, got fd %ld", fd, abs, r); close_fd((int)r); return -1; }
	return r;
}

/* <fd id path readable writeable cloexec seek> (kernel.cc): opened at id with the given access */
static void init_fd_nodes(void)
{
	size_t n;
	const struct model_libc_fd *d = model_libc_fds(&n);
	for (size_t i = 0; i < n; i++) {
		if (!d[i].path) { model_warning("unknown path for file descriptor %d", d[i].id); continue; }
		int flags = d[i].readable ? (d[i].writeable ? FB_O_RDWR : FB_O_RDONLY) : (d[i].writeable ? FB_O_WRONLY : 0);
		long r = init_path(d[i].path, d[i].id, flags);
		if (r < 0) continue;
		struct model_fd *f = io_fd((int)r);
		f->cloexec = d[i].cloexec;
		if (d[i].seek) f->h.seek = d[i].seek;
	}
}

static void init_std(const char *attr, int fd, int flags)
{
	const char *p = model_libc_attr(attr);
	if (!p) return;
	char abs[VFS_PATH_MAX];
	if (vfs_resolve_parent(p, abs)) { model_warning("failed to resolve path for %s", p); return; }
	struct vstat st;
	if (vfs_stat(abs, &st)) { model_warning("failed to call 'stat' on %s", abs); return; }
	long r = open_resolved(abs, flags, fd);
	if (r >= 0 && r != fd) model_error("could not allocate fd %d for %s, got fd %ld", fd, abs, r);
}

void io_init(void)
{
	if (io_ready) return;
	io_ready = 1;
	vfs_init();
	if (vfs_num_dirent("/") > 0) {
		init_std("stdin", 0, FB_O_RDONLY);
		init_std("stdout", 1, FB_O_WRONLY);
		init_std("stderr", 2, FB_O_RDWR);
		init_fd_nodes();
		for (int i = 0; i <= 2; i++)
			if (!io_fd(i)) { io_fd_alloc(i); fds[i]->kind = FD_RESERVED; }
	}
}

void model_io_init(void) { if (!io_ready) model_funnel(do_init, 0); }

/* close-on-exec fds, for execve (execve.cc) */
static long close_fd(int fd);
void model_io_close_on_exec(void)
{
	for (int i = 0; i < MODEL_MAX_FDS; i++) {
		struct model_fd *f = io_fd(i);
		if (f && f->cloexec) close_fd(i);
	}
}

/* ---- open ---- */
static long open_resolved(const char *resolved, int flags, int want)
{
	struct vstat st;
	int isdir = !vfs_stat(resolved, &st) && st.type == VN_DIR;
	if (isdir && (flags & FB_O_ACCMODE) != FB_O_RDONLY) return -FB_EISDIR;
	if (!isdir && (flags & FB_O_DIRECTORY)) return -FB_ENOTDIR;
	struct vhandle h;
	int e = vfs_open(resolved, flags, &h);
	if (e == FB_ENOENT && !(flags & FB_O_CREAT) && (flags & FB_O_NOFOLLOW)) e = FB_ELOOP;
	if (e) return -e;
	int fd = io_fd_alloc(want);
	if (fd < 0) { vfs_close(&h); return fd; }
	struct model_fd *f = fds[fd];
	f->kind = h.kind;
	f->h = h;
	model_strlcpy(f->path, resolved, sizeof f->path);
	/* vfs_plugin.cc: only these flags are kept; O_CLOEXEC does not set the close-on-exec flag */
	f->flags = isdir ? (flags & FB_O_ACCMODE) : (flags & (FB_O_ACCMODE | FB_O_NONBLOCK | FB_O_APPEND));
	if (!isdir && (flags & FB_O_TRUNC) && vfs_ftruncate(&f->h, 0)) {
		vfs_close(&f->h);
		io_fd_free(fd);
		return -FB_EINVAL;
	}
	if (flags & FB_O_APPEND) {
		struct vstat s2;
		if (!vfs_stat(resolved, &s2)) f->h.seek = s2.size;
	}
	return fd;
}

struct a_open { struct io_hdr h; const char *path; int flags; int dirfd; };

static long open_path(const char *path, int flags)
{
	if (!path) return -FB_EFAULT;
	if (!path[0]) return -FB_ENOENT;
	char next[VFS_PATH_MAX], part[VFS_PATH_MAX];
	int e = vfs_canon(vfs_cwd(), path, next);
	if (e) return -e;
	for (int follow = 0;; follow++) {
		if (follow == 10) return -FB_ELOOP;
		if ((e = vfs_resolve_parent(next, part))) return -e;
		struct vstat st;
		e = vfs_stat(part, &st);
		if (!e && st.type == VN_SYMLINK) {
			if (flags & FB_O_NOFOLLOW) return -FB_ELOOP;
			char t[VFS_PATH_MAX + 1];
			long n = vfs_readlink(part, t, VFS_PATH_MAX);
			if (n < 1) return n < 0 ? n : -FB_ENOENT;
			t[n] = 0;
			if (t[0] == '/') e = vfs_canon(vfs_cwd(), t, next);
			else {
				char dir[VFS_PATH_MAX];
				e = vfs_canon(part, "..", dir);
				if (!e) e = vfs_canon(dir, t, next);
			}
			if (e) return -e;
			continue;
		}
		if (e && !(e == FB_ENOENT && (flags & FB_O_CREAT))) return -e;
		break;
	}
	return open_resolved(part, flags, -1);
}

static long do_open(void *p)
{
	struct a_open *a = p;
	return open_path(a->path, a->flags);
}

int open(const char *path, int flags, ...)
{
	MODEL_ENTER("open");
	struct a_open a = { { -1, 0 }, path, flags, 0 };
	return (int)io_ret(io_run(do_open, &a.h));
}

static long do_openat(void *p)
{
	struct a_open *a = p;
	if (!a->path) return -FB_EFAULT;
	if (!a->path[0]) return -FB_ENOENT;
	if (a->path[0] == '/') return open_path(a->path, a->flags);
	char abs[VFS_PATH_MAX];
	int e;
	if (a->dirfd == FB_AT_FDCWD) e = vfs_canon(vfs_cwd(), a->path, abs);
	else {
		struct model_fd *f = io_fd(a->dirfd);
		if (!f || f->kind == FD_RESERVED) return -FB_EBADF;
		e = vfs_canon(f->path, a->path, abs);
	}
	if (e) return -e;
	return open_path(abs, a->flags);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	MODEL_ENTER("openat");
	struct a_open a = { { -1, 0 }, path, flags, dirfd };
	return (int)io_ret(io_run(do_openat, &a.h));
}

/* ---- close ---- */
static long close_fd(int fd)
{
	struct model_fd *f = io_fd(fd);
	if (!f) return -FB_EBADF;
	if (f->kind == MODEL_FD_SOCKET) sock_close(f);
	else if (f->kind == MODEL_FD_PIPE) { if (f->h.hostfd >= 0) model_sys(SYS_close, (long)f->h.hostfd); }
	else if (f->kind == MODEL_FD_KQUEUE) { if (f->kq) kq_free(f->kq); f->kq = 0; }
	else if (f->kind != FD_RESERVED) vfs_close(&f->h);
	io_fd_free(fd);
	model_kick_io();
	return 0;
}

struct a_fd { struct io_hdr h; int fd; long a1, a2, a3, a4; const void *p1; void *p2; };

static long do_close(void *p) { struct a_fd *a = p; return close_fd(a->fd); }

int close(int fd)
{
	MODEL_ENTER("close");
	struct a_fd a = { { -1, 0 }, fd, 0, 0, 0, 0, 0, 0 };
	return (int)io_ret(io_run(do_close, &a.h));
}

/* ---- read / write ---- */
static long fd_read(struct a_fd *a, struct model_fd *f, void *buf, size_t n)
{
	if (f->kind == MODEL_FD_SOCKET) {
		long r = sock_read(f, buf, n);
		if (r == -IO_WOULDBLOCK) { a->h.waitfd = f->h.hostfd; a->h.waitev = LX_POLLIN; }
		return r;
	}
	if ((f->flags & FB_O_ACCMODE) == FB_O_WRONLY) return -FB_EBADF;
	if (f->kind == MODEL_FD_SFS) {
		/* vfs_plugin.cc read: O_NONBLOCK without read_ready is EAGAIN; READ_QUEUED blocks, O_NONBLOCK or not */
		if ((f->flags & FB_O_NONBLOCK) && !sfs_read_ready(&f->h)) return -FB_EAGAIN;
		long r = sfs_read(&f->h, buf, n);
		if (r != -FB_EAGAIN) return r;
		a->h.waitfd = sfs_hostfd(&f->h);
		a->h.waitev = sfs_host_events(&f->h, 1, 0);
		if (!a->h.waitev) a->h.waitev = LX_POLLIN;
		return -IO_WOULDBLOCK;
	}
	if (f->kind == MODEL_FD_PIPE) {
		/* nothing queued and not at the end (a named pipe no writer has opened yet: no POLLHUP) waits */
		long r = io_host_ready(f->h.hostfd, LX_POLLIN) ?
		         model_sys_result(model_sys(SYS_read, (long)f->h.hostfd, (long)buf, (long)n)) : -FB_EAGAIN;
		if (r == -FB_EAGAIN && !(f->flags & FB_O_NONBLOCK)) {
			a->h.waitfd = f->h.hostfd; a->h.waitev = LX_POLLIN;
			return -IO_WOULDBLOCK;
		}
		if (r > 0) model_kick_io();
		return r;
	}
	if (f->kind == MODEL_FD_KQUEUE) return -FB_EINVAL;
	if (f->kind == MODEL_FD_TERMINAL) {
		/* vfs_plugin.cc read: O_NONBLOCK without read_ready is EAGAIN; else READ_QUEUED blocks until data come */
		long r = vfs_read_ready(&f->h) ? vfs_read(&f->h, buf, n) : -FB_EAGAIN;
		if (r != -FB_EAGAIN || (f->flags & FB_O_NONBLOCK)) return r;
		a->h.waitfd = vfs_terminal_waitfd(&f->h);
		a->h.waitev = model_vfs_field(f->h.node, "hostfd") ? IO_WAIT_TERMINAL : LX_POLLIN;  /* else the launcher's stdin */
		return -IO_WOULDBLOCK;
	}
	return vfs_read(&f->h, buf, n);
}

static long fd_write(struct a_fd *a, struct model_fd *f, const void *buf, size_t n)
{
	if (f->kind == MODEL_FD_SOCKET) {
		long r = sock_write(f, buf, n);
		if (r == -IO_WOULDBLOCK) { a->h.waitfd = f->h.hostfd; a->h.waitev = LX_POLLOUT; }
		return r;
	}
	/* file_operations.cc write: O_APPEND seeks to the end first */
	if (f->flags & FB_O_APPEND) {
		struct vstat st;
		if (!vfs_stat(f->path, &st)) f->h.seek = st.size;
	}
	if ((f->flags & FB_O_ACCMODE) == FB_O_RDONLY) return -FB_EBADF;
	if (f->kind == MODEL_FD_SFS) {
		/* vfs_plugin.cc write: O_NONBLOCK writes once; else WOULD_BLOCK waits, and a short write goes on for a
		 * continuous file and is EIO ("partial write on transactional file") for the others; a2 counts what is
		 * written across the waits */
		size_t done = (size_t)a->a2;
		for (;;) {
			long r = sfs_write(&f->h, (const char *)buf + done, n - done);
			if (r == -FB_EAGAIN && (f->flags & FB_O_NONBLOCK)) return -FB_EAGAIN;
			if (r < 0 && r != -FB_EAGAIN) return r;
			if (r >= 0) {
				done += (size_t)r;
				if (done == n || (f->flags & FB_O_NONBLOCK)) return (long)done;
				if (!sfs_continuous(&f->h)) { model_warning("partial write on transactional file"); return -FB_EIO; }
			}
			if (r == -FB_EAGAIN || r == 0) {   /* stalled: wait until the socket takes more */
				a->a2 = (long)done;
				a->h.waitfd = sfs_hostfd(&f->h);
				a->h.waitev = LX_POLLOUT;
				return -IO_WOULDBLOCK;
			}
		}
	}
	if (f->kind == MODEL_FD_PIPE) {
		long r = model_sys_result(model_sys(SYS_write, (long)f->h.hostfd, (long)buf, (long)n));
		if (r == -FB_EAGAIN && !(f->flags & FB_O_NONBLOCK)) {
			a->h.waitfd = f->h.hostfd; a->h.waitev = LX_POLLOUT;
			return -IO_WOULDBLOCK;
		}
		if (r == -FB_EPIPE) return -FB_EPIPE;
		if (r > 0) model_kick_io();
		return r;
	}
	if (f->kind == MODEL_FD_KQUEUE) return -FB_EINVAL;
	long r = vfs_write(&f->h, buf, n);
	if (f->kind == MODEL_FD_TERMINAL && r >= 0 && (size_t)r < n && !(f->flags & FB_O_NONBLOCK)) {
		/* vfs_plugin.cc write: a terminal is a transactional file, whose short write is not continued */
		model_warning("partial write on transactional file");
		return -FB_EIO;
	}
	return r;
}

static long do_read(void *p)
{
	struct a_fd *a = p;
	long err;
	struct model_fd *f = lookup("read", a->fd, &err);
	if (!f) return err;
	return fd_read(a, f, a->p2, (size_t)a->a1);
}

static long do_write(void *p)
{
	struct a_fd *a = p;
	long err;
	struct model_fd *f = lookup("write", a->fd, &err);
	if (!f) return err;
	return fd_write(a, f, a->p1, (size_t)a->a1);
}

/* sockets wait on their own terms: waitfd -2 asks for a retry after a kick or a short sleep */
static long io_run_rw(long (*fn)(void *), struct a_fd *a)
{
	if (!io_ready) model_funnel(do_init, 0);
	for (;;) {
		a->h.waitfd = -1;
		long r = model_funnel(fn, a);
		if (r != -IO_WOULDBLOCK) return r;
		if (a->h.waitfd == -2) {
			struct model_fd *f = io_fd(a->fd);
			int hfd = f ? f->h.hostfd : -1;
			a->h.waitfd = hfd;
			a->h.waitev = (fn == do_write) ? LX_POLLOUT : LX_POLLIN;
		}
		hdr_wait(&a->h, -1);
	}
}

long read(int fd, void *buf, size_t n)
{
	MODEL_ENTER("read");
	struct a_fd a = { { -1, 0 }, fd, (long)n, 0, 0, 0, 0, buf };
	return io_ret(io_run_rw(do_read, &a));
}

long write(int fd, const void *buf, size_t n)
{
	MODEL_ENTER("write");
	struct a_fd a = { { -1, 0 }, fd, (long)n, 0, 0, 0, buf, 0 };
	return io_ret(io_run_rw(do_write, &a));
}

/* pread_pwrite.cc: lseek, read/write, lseek back */
static long do_pread(void *p)
{
	struct a_fd *a = p;
	struct model_fd *f = io_fd(a->fd);
	if (!f || f->kind == FD_RESERVED) return -IO_FAIL_NOERRNO;
	if (f->kind == MODEL_FD_SOCKET) return -IO_FAIL_NOERRNO;   /* socket lseek: plugin dummy -1 */
	uint64_t old = f->h.seek;
	f->h.seek = (uint64_t)a->a2;
	long r = a->a3 ? fd_write(a, f, a->p1, (size_t)a->a1) : fd_read(a, f, a->p2, (size_t)a->a1);
	f->h.seek = old;
	return r;
}

long pread(int fd, void *buf, size_t n, int64_t off)
{
	MODEL_ENTER("pread");
	struct a_fd a = { { -1, 0 }, fd, (long)n, (long)off, 0, 0, 0, buf };
	return io_ret(io_run_rw(do_pread, &a));
}

long pwrite(int fd, const void *buf, size_t n, int64_t off)
{
	MODEL_ENTER("pwrite");
	struct a_fd a = { { -1, 0 }, fd, (long)n, (long)off, 1, 0, buf, 0 };
	return io_ret(io_run_rw(do_pread, &a));
}

/* readv_writev.cc: one read/write per element, stop at a short transfer */
long readv(int fd, const struct fb_iovec *iov, int cnt)
{
	MODEL_ENTER("readv");
	long total = 0;
	for (int i = 0; i < cnt; i++) {
		struct a_fd a = { { -1, 0 }, fd, (long)iov[i].iov_len, 0, 0, 0, 0, iov[i].iov_base };
		long r = io_run_rw(do_read, &a);
		if (r < 0) return total ? total : io_ret(r);
		total += r;
		if ((size_t)r < iov[i].iov_len) break;
	}
	return total;
}

long writev(int fd, const struct fb_iovec *iov, int cnt)
{
	MODEL_ENTER("writev");
	long total = 0;
	for (int i = 0; i < cnt; i++) {
		struct a_fd a = { { -1, 0 }, fd, (long)iov[i].iov_len, 0, 0, 0, iov[i].iov_base, 0 };
		long r = io_run_rw(do_write, &a);
		if (r < 0) return total ? total : io_ret(r);
		total += r;
		if ((size_t)r < iov[i].iov_len) break;
	}
	return total;
}

/* ---- lseek, fstat, ftruncate, fsync ---- */
#define VFS_DIRENT_UNIT 280

static long do_lseek(void *p)
{
	struct a_fd *a = p;
	long err;
	struct model_fd *f = lookup("lseek", a->fd, &err);
	if (!f) return err;
	if (f->kind == MODEL_FD_SOCKET || f->kind == MODEL_FD_KQUEUE) return -IO_FAIL_NOERRNO;
	switch (a->a2) {
	case 0: f->h.seek = (uint64_t)a->a1; break;
	case 1: f->h.seek += (uint64_t)a->a1; break;
	case 2: { struct vstat st; uint64_t sz = vfs_stat(f->path, &st) ? 0 : st.size; f->h.seek = sz + (uint64_t)a->a1; } break;
	}
	if (f->kind == MODEL_FD_DIR) f->h.dir_index = (int)(f->h.seek / VFS_DIRENT_UNIT);
	return (long)f->h.seek;
}

int64_t lseek(int fd, int64_t off, int whence)
{
	MODEL_ENTER("lseek");
	struct a_fd a = { { -1, 0 }, fd, (long)off, whence, 0, 0, 0, 0 };
	/* vfs_plugin.cc moves the handle's seek offset on the calling thread; SEEK_END asks fstat, which the main
	 * thread executes */
	if (whence != 2) {
		model_io_init();
		return io_ret(do_lseek(&a));
	}
	return io_ret(io_run(do_lseek, &a.h));
}

static int stat_path(const char *abs, struct fb_stat *st)
{
	struct vstat vs;
	int e = vfs_stat(abs, &vs);
	if (e) return e;
	vfs_fill_stat(&vs, abs, st);
	return 0;
}

static long do_fstat(void *p)
{
	struct a_fd *a = p;
	long err;
	struct model_fd *f = lookup("fstat", a->fd, &err);
	if (!f) return err;
	struct fb_stat *st = a->p2;
	if (f->kind == MODEL_FD_SOCKET || f->kind == MODEL_FD_KQUEUE) return -IO_FAIL_NOERRNO;  /* plugin dummy */
	if (f->kind == MODEL_FD_PIPE) {
		/* pipe/plugin.cc: both ends are continuous files, "in" write-only, "out" read-only */
		struct vstat vs = { VN_FILE, 0, 0, 0, 0, 0, 0, 0 };
		int out = (f->flags & FB_O_ACCMODE) == FB_O_RDONLY;
		int q = 0;
		if (out) model_sys(SYS_ioctl, (long)f->h.hostfd, 0x541BL /* FIONREAD */, (long)&q);
		vs.r = out; vs.w = !out; vs.size = (uint64_t)q;
		vfs_fill_stat(&vs, f->path, st);
	} else {
		int e = stat_path(f->path, st);
		if (e) return -e;
	}
	/* vfs_plugin.cc: stdout is always a character device */
	if (a->fd == 1) st->st_mode = (uint16_t)((st->st_mode & ~FB_S_IFMT) | FB_S_IFCHR);
	return 0;
}

int fstat(int fd, struct fb_stat *st)
{
	MODEL_ENTER("fstat");
	struct a_fd a = { { -1, 0 }, fd, 0, 0, 0, 0, 0, st };
	return (int)io_ret(io_run(do_fstat, &a.h));
}

struct a_path { struct io_hdr h; const char *p1, *p2; void *buf; long n; int flags; int fd; };

static long do_stat(void *p)
{
	struct a_path *a = p;
	if (!a->p1) return -FB_EFAULT;
	if (!a->p1[0]) return -FB_ENOENT;
	char abs[VFS_PATH_MAX];
	int e = a->flags ? vfs_resolve_parent(a->p1, abs) : vfs_resolve_all(a->p1, abs);
	if (e) return -e;
	e = stat_path(abs, a->buf);
	return e ? -e : 0;
}

int stat(const char *path, struct fb_stat *st)
{
	MODEL_ENTER("stat");
	struct a_path a = { { -1, 0 }, path, 0, st, 0, 0, 0 };
	return (int)io_ret(io_run(do_stat, &a.h));
}

int lstat(const char *path, struct fb_stat *st)
{
	MODEL_ENTER("lstat");
	struct a_path a = { { -1, 0 }, path, 0, st, 0, 1, 0 };
	return (int)io_ret(io_run(do_stat, &a.h));
}

static long do_fstatat(void *p)
{
	struct a_path *a = p;
	if (!a->p1) return -FB_EFAULT;
	if (!a->p1[0]) return -FB_ENOENT;
	char abs[VFS_PATH_MAX];
	const char *path = a->p1;
	if (path[0] != '/') {
		int e;
		if (a->fd == FB_AT_FDCWD) e = vfs_canon(vfs_cwd(), path, abs);
		else {
			struct model_fd *f = io_fd(a->fd);
			if (!f || f->kind == FD_RESERVED) return -FB_EBADF;
			e = vfs_canon(f->path, path, abs);
		}
		if (e) return -e;
		path = abs;
	}
	struct a_path b = *a;
	b.p1 = path;
	b.flags = (a->flags & FB_AT_SYMLINK_NOFOLLOW) ? 1 : 0;
	return do_stat(&b);
}

int fstatat(int fd, const char *path, struct fb_stat *st, int flags)
{
	MODEL_ENTER("fstatat");
	struct a_path a = { { -1, 0 }, path, 0, st, 0, flags, fd };
	return (int)io_ret(io_run(do_fstatat, &a.h));
}

static long do_ftruncate(void *p)
{
	struct a_fd *a = p;
	long err;
	struct model_fd *f = lookup("ftruncate", a->fd, &err);
	if (!f) return err;
	if (f->kind == MODEL_FD_SOCKET || f->kind == MODEL_FD_KQUEUE || f->kind == MODEL_FD_PIPE)
		return f->kind == MODEL_FD_PIPE ? -FB_EPERM : -IO_FAIL_NOERRNO;
	int e = vfs_ftruncate(&f->h, (uint64_t)a->a1);
	return e ? -e : 0;
}

int ftruncate(int fd, int64_t len)
{
	MODEL_ENTER("ftruncate");
	struct a_fd a = { { -1, 0 }, fd, (long)len, 0, 0, 0, 0, 0 };
	return (int)io_ret(io_run(do_ftruncate, &a.h));
}

static long do_fsync(void *p)
{
	struct a_fd *a = p;
	long err;
	struct model_fd *f = lookup("fsync", a->fd, &err);
	if (!f) return err;
	if (f->kind == MODEL_FD_SOCKET || f->kind == MODEL_FD_KQUEUE) return -IO_FAIL_NOERRNO;
	if (f->h.hostfd >= 0 && f->kind == MODEL_FD_FILE) model_sys(SYS_fsync, (long)f->h.hostfd);
	return 0;
}

int fsync(int fd)
{
	MODEL_ENTER("fsync");
	struct a_fd a = { { -1, 0 }, fd, 0, 0, 0, 0, 0, 0 };
	return (int)io_ret(io_run(do_fsync, &a.h));
}

int fdatasync(int fd)
{
	MODEL_ENTER("fdatasync");
	struct a_fd a = { { -1, 0 }, fd, 0, 0, 0, 0, 0, 0 };
	return (int)io_ret(io_run(do_fsync, &a.h));
}

/* ---- directories ---- */
static long do_getdirentries(void *p)
{
	struct a_fd *a = p;
	long err;
	struct model_fd *f = lookup("getdirentries", a->fd, &err);
	if (!f) return err;
	if (f->kind == MODEL_FD_SOCKET || f->kind == MODEL_FD_KQUEUE) return -IO_FAIL_NOERRNO;
	if ((size_t)a->a1 < sizeof(struct fb_dirent)) {
		model_error("getdirentries: buffer too small");
		return -IO_FAIL_NOERRNO;
	}
	if (f->kind != MODEL_FD_DIR) return 0;
	struct fb_dirent de;
	if (!vfs_readdir(&f->h, f->path, &de)) return 0;
	f->h.seek = (uint64_t)f->h.dir_index * VFS_DIRENT_UNIT;
	memcpy(a->p2, &de, sizeof de);
	if (a->p1) *(int64_t *)a->p1 += (int64_t)sizeof(struct fb_dirent);
	return (long)sizeof(struct fb_dirent);
}

long getdirentries(int fd, char *buf, size_t n, int64_t *basep)
{
	MODEL_ENTER("getdirentries");
	struct a_fd a = { { -1, 0 }, fd, (long)n, 0, 0, 0, basep, buf };
	return io_ret(io_run(do_getdirentries, &a.h));
}

/* ---- path operations ---- */
enum { P_MKDIR, P_RMDIR, P_UNLINK, P_RENAME, P_SYMLINK, P_READLINK, P_CHDIR, P_ACCESS, P_FCHDIR };

static long do_pathop(void *p)
{
	struct a_path *a = p;
	char r1[VFS_PATH_MAX], r2[VFS_PATH_MAX];
	int e;
	if (a->flags == P_FCHDIR) {
		struct model_fd *f = io_fd(a->fd);
		if (!f) { model_error("no plugin found for fchdir(%d)", a->fd); return -FB_EBADF; }
		a->p1 = f->path;
		a->flags = P_CHDIR;
	}
	if (!a->p1 || (a->flags == P_RENAME && !a->p2) || (a->flags == P_SYMLINK && !a->p2)) return -FB_EFAULT;
	if (!a->p1[0] || ((a->flags == P_RENAME || a->flags == P_SYMLINK) && !a->p2[0])) return -FB_ENOENT;
	switch (a->flags) {
	case P_MKDIR:
		if ((e = vfs_resolve_parent(a->p1, r1))) return -e;
		return -(long)vfs_mkdir(r1);
	case P_RMDIR: {
		if ((e = vfs_resolve_parent(a->p1, r1))) return -e;
		struct vstat st;
		if ((e = vfs_stat(r1, &st))) return -e;
		if (st.type != VN_DIR) return -FB_ENOTDIR;
		return -(long)vfs_unlink(r1);
	}
	case P_UNLINK:
		if ((e = vfs_resolve_parent(a->p1, r1))) return -e;
		return -(long)vfs_unlink(r1);
	case P_RENAME: {
		if ((e = vfs_resolve_parent(a->p1, r1))) return -e;
		if ((e = vfs_resolve_parent(a->p2, r2))) return -e;
		/* vfs_plugin.cc rename: directory checks first */
		struct vstat sf, st;
		int from_dir = !vfs_stat(r1, &sf) && sf.type == VN_DIR;
		if (!vfs_stat(r2, &st)) {
			if (st.type == VN_DIR) {
				if (!from_dir) return -FB_EISDIR;
				if (vfs_num_dirent(r2)) return -FB_ENOTEMPTY;
			} else if (from_dir) return -FB_ENOTDIR;
		}
		return -(long)vfs_rename(r1, r2);
	}
	case P_SYMLINK:
		if ((e = vfs_resolve_parent(a->p2, r2))) return -e;
		return -(long)vfs_symlink(a->p1, r2);
	case P_READLINK:
		if ((e = vfs_resolve_parent(a->p1, r1))) return -e;
		return vfs_readlink(r1, a->buf, (size_t)a->n);
	case P_CHDIR: {
		/* file_operations.cc chdir: stat, then the path is imported lexically (not resolved) */
		struct a_path s = { { -1, 0 }, a->p1, 0, 0, 0, 0, 0 };
		struct fb_stat st;
		s.buf = &st;
		if (do_stat(&s) || (st.st_mode & FB_S_IFMT) != FB_S_IFDIR) return -FB_ENOTDIR;
		if ((e = vfs_canon(vfs_cwd(), a->p1, r1))) return -e;
		vfs_set_cwd(r1);
		return 0;
	}
	case P_ACCESS: {
		/* file_operations.cc access: any resolution failure is ENOENT; existence only */
		if (vfs_resolve_all(a->p1, r1)) return -FB_ENOENT;
		struct vstat st;
		return vfs_stat(r1, &st) ? -FB_ENOENT : 0;
	}
	}
	return -FB_EINVAL;
}

static long pathop(int op, const char *p1, const char *p2, void *buf, long n, int fd)
{
	struct a_path a = { { -1, 0 }, p1, p2, buf, n, op, fd };
	return io_ret(io_run(do_pathop, &a.h));
}

int mkdir(const char *p, unsigned short mode) { MODEL_ENTER("mkdir"); (void)mode; return (int)pathop(P_MKDIR, p, 0, 0, 0, 0); }
int rmdir(const char *p) { MODEL_ENTER("rmdir"); return (int)pathop(P_RMDIR, p, 0, 0, 0, 0); }
int unlink(const char *p) { MODEL_ENTER("unlink"); return (int)pathop(P_UNLINK, p, 0, 0, 0, 0); }
int rename(const char *a, const char *b) { MODEL_ENTER("rename"); return (int)pathop(P_RENAME, a, b, 0, 0, 0); }
int symlink(const char *t, const char *l) { MODEL_ENTER("symlink"); return (int)pathop(P_SYMLINK, t, l, 0, 0, 0); }
long readlink(const char *p, char *buf, size_t n) { MODEL_ENTER("readlink"); return pathop(P_READLINK, p, 0, buf, (long)n, 0); }
int chdir(const char *p) { MODEL_ENTER("chdir"); return (int)pathop(P_CHDIR, p, 0, 0, 0, 0); }
int fchdir(int fd) { MODEL_ENTER("fchdir"); return (int)pathop(P_FCHDIR, 0, 0, 0, 0, fd); }
int access(const char *p, int mode) { MODEL_ENTER("access"); (void)mode; return (int)pathop(P_ACCESS, p, 0, 0, 0, 0); }

/* FreeBSD's getcwd over Genode's __getcwd, which copies the cwd (truncating) */
static long do_getcwd(void *p)
{
	struct a_path *a = p;
	size_t l = strlen(vfs_cwd());
	if (!a->buf) return -FB_EINVAL;      /* a NULL buffer would be malloc'ed by FreeBSD; not modeled */
	if (a->n == 0) return -FB_EINVAL;
	if ((size_t)a->n < l + 1) return -FB_ERANGE;
	model_strlcpy(a->buf, vfs_cwd(), (size_t)a->n);
	return 0;
}

char *getcwd(char *buf, size_t n)
{
	MODEL_ENTER("getcwd");
	struct a_path a = { { -1, 0 }, 0, 0, buf, (long)n, 0, 0 };
	long r = io_run(do_getcwd, &a.h);
	if (r < 0) { io_ret(r); return 0; }
	return buf;
}

/* ---- dummies.cc ---- */
static int enosys_warn(const char *fn)
{
	model_warning("%s: %s not implemented", fn, fn);
	return model_errno(FB_ENOSYS);
}
int chmod(const char *p, unsigned short m) { MODEL_ENTER("chmod"); (void)p; (void)m; return enosys_warn("chmod"); }
int chown(const char *p, unsigned u, unsigned g) { MODEL_ENTER("chown"); (void)p; (void)u; (void)g; return enosys_warn("chown"); }
int fchown(int fd, unsigned u, unsigned g) { MODEL_ENTER("fchown"); (void)fd; (void)u; (void)g; return enosys_warn("fchown"); }
int link(const char *a, const char *b) { MODEL_ENTER("link"); (void)a; (void)b; return enosys_warn("link"); }
int mknod(const char *p, unsigned short m, uint64_t d) { MODEL_ENTER("mknod"); (void)p; (void)m; (void)d; return enosys_warn("mknod"); }
int mkfifo(const char *p, unsigned short m) { MODEL_ENTER("mkfifo"); (void)p; (void)m; return enosys_warn("mkfifo"); }
int truncate(const char *p, int64_t l) { MODEL_ENTER("truncate"); (void)p; (void)l; return enosys_warn("truncate"); }
int chroot(const char *p) { MODEL_ENTER("chroot"); (void)p; return enosys_warn("chroot"); }
int flock(int fd, int op) { MODEL_ENTER("flock"); (void)fd; (void)op; return enosys_warn("flock"); }
int statfs(const char *p, void *b) { MODEL_ENTER("statfs"); (void)p; (void)b; return enosys_warn("statfs"); }
int getfsstat(void *b, long s, int m) { MODEL_ENTER("getfsstat"); (void)b; (void)s; (void)m; return enosys_warn("getfsstat"); }
long pathconf(const char *p, int n) { MODEL_ENTER("pathconf"); (void)p; (void)n; return enosys_warn("pathconf"); }
long fpathconf(int fd, int n) { MODEL_ENTER("fpathconf"); (void)fd; (void)n; return enosys_warn("fpathconf"); }
void sync(void) { MODEL_ENTER("sync"); model_warning("sync: sync not implemented"); }
unsigned short umask(unsigned short m) { MODEL_ENTER("umask"); (void)m; return 0; }
int isatty(int fd) { MODEL_ENTER("isatty"); (void)fd; return 1; }
/* fchmod and utimes return 0 with errno ENOSYS (dummies.cc) */
int fchmod(int fd, unsigned short m) { MODEL_ENTER("fchmod"); (void)fd; (void)m; model_warning("fchmod: fchmod not implemented"); *model_errno_slot() = FB_ENOSYS; return 0; }
int utimes(const char *p, const void *t) { MODEL_ENTER("utimes"); (void)p; (void)t; model_warning("utimes: utimes not implemented"); *model_errno_slot() = FB_ENOSYS; return 0; }

/* vfs_plugin.cc fstatfs: zeroed, f_flags = MNT_UNION */
struct a_statfs { struct io_hdr h; int fd; void *buf; };
static long do_fstatfs(void *p)
{
	struct a_statfs *a = p;
	long err;
	struct model_fd *f = lookup("fstatfs", a->fd, &err);
	if (!f) return err;
	if (!a->buf) return -FB_EFAULT;
	if (f->kind == MODEL_FD_SOCKET || f->kind == MODEL_FD_KQUEUE) return -IO_FAIL_NOERRNO;
	mset(a->buf, 0, 2344);                         /* sizeof(struct statfs), FreeBSD 12 (amd64, arm64) */
	*(uint64_t *)((char *)a->buf + 8) = 0x20;      /* f_flags = MNT_UNION */
	return 0;
}
int fstatfs(int fd, void *buf)
{
	MODEL_ENTER("fstatfs");
	struct a_statfs a = { { -1, 0 }, fd, buf };
	return (int)io_ret(io_run(do_fstatfs, &a.h));
}

/* ---- dup / dup2 / fcntl ---- */
/* vfs_plugin.cc dup/dup2: the path is opened again with the fd's flags and the seek offset copied */
static long reopen_into(struct model_fd *f, int want)
{
	if (f->kind == MODEL_FD_SOCKET || f->kind == MODEL_FD_KQUEUE) return -IO_FAIL_NOERRNO;
	int nfd = io_fd_alloc(want);
	if (nfd < 0) return nfd;
	struct model_fd *n = fds[nfd];
	if (f->kind == MODEL_FD_PIPE) {
		long h = model_sys(SYS_fcntl, (long)f->h.hostfd, (long)LX_F_DUPFD_CLOEXEC, 0L);
		if (h < 0) { io_fd_free(nfd); return -FB_EMFILE; }
		*n = *f;
		n->h.hostfd = (int)h;
		n->cloexec = 0;
		return nfd;
	}
	struct vhandle h;
	if (vfs_open(f->path, f->flags & ~(FB_O_CREAT | FB_O_TRUNC | FB_O_EXCL), &h)) {
		model_warning("dup failed for path %s", f->path);
		io_fd_free(nfd);
		return -FB_EBADF;
	}
	if (f->kind == MODEL_FD_TERMINAL || f->kind == MODEL_FD_LOG || f->kind == MODEL_FD_NULL) h.kind = f->kind;
	h.seek = f->h.seek;
	h.dir_index = f->h.dir_index;
	n->kind = h.kind;
	n->h = h;
	n->flags = f->flags;
	n->cloexec = 0;
	model_strlcpy(n->path, f->path, sizeof n->path);
	return nfd;
}

static long do_dup(void *p)
{
	struct a_fd *a = p;
	long err;
	struct model_fd *f = lookup("dup", a->fd, &err);
	if (!f) return err;
	return reopen_into(f, -1);
}

int dup(int fd)
{
	MODEL_ENTER("dup");
	struct a_fd a = { { -1, 0 }, fd, 0, 0, 0, 0, 0, 0 };
	return (int)io_ret(io_run(do_dup, &a.h));
}

static long do_dup2(void *p)
{
	struct a_fd *a = p;
	int nfd = (int)a->a1;
	struct model_fd *f = io_fd(a->fd);
	if (!f) { model_error("no plugin found for dup2(%d)", a->fd); return -FB_EBADF; }
	if (f->kind == FD_RESERVED) return -FB_EBADF;
	if (a->fd == nfd) return nfd;
	if (nfd < 0 || nfd >= MODEL_MAX_FDS) return -FB_EMFILE;
	if (io_fd(nfd)) close_fd(nfd);
	if (f->kind == MODEL_FD_SOCKET || f->kind == MODEL_FD_KQUEUE) {
		/* the plugin's dup2 is a dummy: -1, and the new fd stays allocated without a plugin */
		io_fd_alloc(nfd);
		fds[nfd]->kind = FD_RESERVED;
		return -IO_FAIL_NOERRNO;
	}
	return reopen_into(f, nfd);
}

int dup2(int fd, int nfd)
{
	MODEL_ENTER("dup2");
	struct a_fd a = { { -1, 0 }, fd, nfd, 0, 0, 0, 0, 0 };
	return (int)io_ret(io_run(do_dup2, &a.h));
}

static long do_fcntl(void *p)
{
	struct a_fd *a = p;
	long err;
	struct model_fd *f = lookup("fcntl", a->fd, &err);
	if (!f) return err;
	int cmd = (int)a->a1;
	long arg = a->a2;
	if (f->kind == MODEL_FD_SOCKET) return sock_fcntl(f, cmd, arg);
	if (f->kind == MODEL_FD_KQUEUE) return -IO_FAIL_NOERRNO;
	switch (cmd) {
	case FB_F_DUPFD: case FB_F_DUPFD_CLOEXEC: {
		/* lowest free fd, the minimum is ignored, FD_CLOEXEC is not set */
		long r = reopen_into(f, -1);
		if (r == -FB_EBADF) { model_error("Plugin::fcntl: dup2 unexpectedly failed"); return -FB_EINVAL; }
		return r;
	}
	case FB_F_GETFD: return f->cloexec ? FB_FD_CLOEXEC : 0;
	case FB_F_SETFD: f->cloexec = arg == FB_FD_CLOEXEC; return 0;
	case FB_F_GETFL: return f->flags;
	case FB_F_SETFL: {
		long mask = FB_O_NONBLOCK | FB_O_APPEND | FB_O_ASYNC | FB_O_FSYNC;
		f->flags = (int)((f->flags & ~mask) | (arg & mask));
		return 0;
	}
	case FB_F_GETLK: ((struct fb_flock *)arg)->l_type = FB_F_UNLCK; return 0;
	case FB_F_SETLK: case FB_F_SETLKW: return 0;
	}
	static int previous = -1;
	if (cmd != previous) { previous = cmd; model_error("fcntl(): command 0x%x not supported - vfs", cmd); }
	return -FB_EINVAL;
}

int fcntl(int fd, int cmd, ...)
{
	MODEL_ENTER("fcntl");
	va_list ap;
	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	struct a_fd a = { { -1, 0 }, fd, cmd, arg, 0, 0, 0, 0 };
	/* vfs_plugin.cc and socket_fs_plugin.cc read and set a descriptor's flags on the calling thread; only
	 * F_DUPFD re-opens the file (dup2), which the main thread executes */
	if (cmd != FB_F_DUPFD && cmd != FB_F_DUPFD_CLOEXEC) {
		model_io_init();
		return (int)io_ret(do_fcntl(&a));
	}
	return (int)io_ret(io_run(do_fcntl, &a.h));
}

/* ---- ioctl (vfs_plugin.cc ioctl, socket_fs_plugin.cc ioctl) ---- */
/* The ioctl pseudo files of an fd live in a hidden directory named after its path, ".NAME" (a String<64>) beside
 * it (internal/vfs_plugin.h ioctl_dir). _with_info reads "info" there (at most 4 KiB, as far as its stat size
 * says) straight from the VFS, symlinks unresolved; the content's length, or -1 if there is no such file. */
static long ioctl_info(const char *fd_path, char *buf, size_t cap)
{
	const char *last = fd_path;
	for (const char *p = fd_path; *p; p++) if (*p == '/') last = p + 1;
	if (!*last) return -1;
	size_t dl = (size_t)(last - fd_path);
	char name[64], path[VFS_PATH_MAX + 80];
	snprintf_int(name, sizeof name, ".%s", last);
	if (dl + strlen(name) + 6 >= VFS_PATH_MAX) return -1;
	memcpy(path, fd_path, dl);
	snprintf_int(path + dl, sizeof path - dl, "%s/info", name);
	struct vstat st;
	if (vfs_stat(path, &st) || st.type == VN_DIR) return -1;
	struct vhandle h;
	if (vfs_open(path, FB_O_RDONLY, &h)) return -1;
	size_t want = st.size < cap ? (size_t)st.size : cap, got = 0;
	while (got < want) {
		long r = vfs_read(&h, buf + got, want - got);
		if (r <= 0) break;
		got += (size_t)r;
	}
	vfs_close(&h);
	return (long)got;
}

/* The node of an info file as Genode's Node reads it (base/src/lib/base/node.cc): after blanks, XML if it starts
 * with '<', else HID (util/hid.h: a lower-case type, no control characters but line ends and tabs, ended by a
 * line "-"). Only the top node's type and attributes matter here. */
static int ident_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == ':' || c == '.'; }

static size_t info_start(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) i++;
	return i;
}

/* the extent of the top node's header (type and attributes) or 0 if the content is no valid node */
static size_t info_header(const char *s, size_t n, int *xml)
{
	size_t i = info_start(s, n);
	if (i >= n) return 0;
	*xml = s[i] == '<';
	if (*xml) {
		size_t e = i + 1;
		while (e < n && s[e] != '>') { if (s[e] == '"') { e++; while (e < n && s[e] != '"') e++; } e++; }
		return e < n ? e : 0;
	}
	if (!(s[i] >= 'a' && s[i] <= 'z')) return 0;
	/* hid.cc _validated: the end marker "\n-" before any control character other than LF, CR LF and tab */
	size_t end = 0;
	for (size_t k = i; k + 1 < n; k++) {
		char c = s[k];
		if (c == '\n' && s[k + 1] == '-') { end = k; break; }
		if ((unsigned char)c < 0x20 && c != '\n' && c != '\t' && !(c == '\r' && s[k + 1] == '\n')) return 0;
	}
	if (!end) return 0;
	/* the header: the first line and the lines continuing it ("  | tag: value") */
	size_t e = i;
	for (;;) {
		while (e < end && s[e] != '\n') e++;
		if (e >= end) return end;
		size_t b = e + 1;
		while (b < end && s[b] == ' ') b++;
		if (b >= end || s[b] != '|') return e;
		e = b;
	}
}

static int info_is(const char *s, size_t n, const char *type)
{
	int xml;
	size_t h = info_header(s, n, &xml);
	if (!h) return 0;
	size_t i = info_start(s, n) + (size_t)xml, tl = strlen(type);
	return i + tl <= h && !memcmp(s + i, type, tl) && (i + tl == h || !ident_char(s[i + tl]));
}

/* the value of attribute name of the top node as an unsigned number (decimal or 0x hex, whole), else dflt */
static unsigned info_unsigned(const char *s, size_t n, const char *name, unsigned dflt)
{
	int xml;
	size_t h = info_header(s, n, &xml);
	size_t nl = strlen(name);
	const char *v = 0; size_t vl = 0;
	for (size_t i = info_start(s, n) + 1; i + nl < h && !v; i++) {
		if (ident_char(s[i - 1]) || memcmp(s + i, name, nl)) continue;
		size_t k = i + nl;
		if (xml) {
			if (k + 1 < h && s[k] == '=' && s[k + 1] == '"') {
				v = s + k + 2;
				while (k + 2 + vl < h && v[vl] != '"') vl++;
			}
		} else if (k + 1 < h && s[k] == ':' && s[k + 1] == ' ' && i >= 2 && s[i - 1] == ' ' && s[i - 2] == '|') {
			v = s + k + 2;
			while (k + 2 + vl < h && v[vl] != '|' && v[vl] != '\n') vl++;
			while (vl && v[vl - 1] == ' ') vl--;
		}
	}
	if (!v || !vl) return dflt;
	unsigned long r = 0;
	size_t k = 0;
	int hex = vl > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
	for (k = hex ? 2 : 0; k < vl; k++) {
		char c = v[k];
		int d = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		        hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0) return dflt;
		r = r * (hex ? 16 : 10) + (unsigned long)d;
	}
	return (unsigned)r;
}


static long do_ioctl(void *p)
{
	struct a_fd *a = p;
	long err;
	struct model_fd *f = lookup("ioctl", a->fd, &err);
	if (!f) return err;
	unsigned long req = (unsigned long)a->a1;
	char *argp = a->p2;
	if (f->kind == MODEL_FD_SOCKET) return sock_ioctl(f, req, argp);
	if (f->kind == MODEL_FD_KQUEUE) return -IO_FAIL_NOERRNO;
	if (req == FB_TIOCGWINSZ) {
		if (!argp) return -FB_EINVAL;
		/* _ioctl_tio: the "info" file of the fd's ioctl directory, if it holds a <terminal> node, gives rows
		 * (default 25) and columns (default 80); nothing else of the winsize is written. Else unhandled: EINVAL. */
		char info[4096];
		long len = ioctl_info(f->path, info, sizeof info);
		if (len < 0 || !info_is(info, (size_t)len, "terminal")) return -FB_EINVAL;
		unsigned short *ws = (unsigned short *)argp;
		ws[0] = (unsigned short)info_unsigned(info, (size_t)len, "rows", 25);
		ws[1] = (unsigned short)info_unsigned(info, (size_t)len, "columns", 80);
		return 0;
	}
	if (req == FB_TIOCGETA) {
		if (!argp) return -FB_EINVAL;
		mset(argp, 0, 44);
		*(unsigned *)(argp + 12) = 0x8;           /* c_lflag = ECHO */
		mset(argp + 16, 0xff, 20);                /* c_cc[] = _POSIX_VDISABLE */
		return 0;
	}
	if (req == FB_TIOCSETA || req == FB_TIOCFLUSH) return argp ? 0 : -FB_EINVAL;
	return -FB_EINVAL;
}

int ioctl(int fd, unsigned long req, ...)
{
	MODEL_ENTER("ioctl");
	va_list ap;
	va_start(ap, req);
	void *argp = va_arg(ap, void *);
	va_end(ap);
	struct a_fd a = { { -1, 0 }, fd, (long)req, 0, 0, 0, 0, argp };
	return (int)io_ret(io_run(do_ioctl, &a.h));
}

/* ---- pipes (file_operations.cc pipe2, vfs_plugin.cc pipe, gems vfs/pipe) ---- */
static unsigned pipe_ids;

static long do_pipe2(void *p)
{
	struct a_fd *a = p;
	int *pfd = a->p2;
	const char *base = model_libc_attr("pipe");
	const struct model_vfs_node *n = 0;
	char abs[VFS_PATH_MAX];
	if (base && base[0] && !vfs_canon("/", base, abs)) n = vfs_find_node(abs);
	if (!base || !base[0]) {
		model_error("pipe: pipe fs not mounted");
		model_error("plugin()->pipe() failed");
		return -FB_EACCES;
	}
	if (!n || strcmp(n->type, "pipe")) {
		model_error("failed to create pipe at %s/new", abs);
		model_error("plugin()->pipe() failed");
		return -FB_EACCES;
	}
	int hp[2];
	long r = model_sys(SYS_pipe2, (long)hp, (long)(LX_O_NONBLOCK | LX_O_CLOEXEC));
	if (r < 0) return model_sys_result(r);
	int r0 = io_fd_alloc(-1);
	if (r0 < 0) { model_sys(SYS_close, (long)hp[0]); model_sys(SYS_close, (long)hp[1]); return r0; }
	fds[r0]->kind = MODEL_FD_PIPE;
	int w0 = io_fd_alloc(-1);
	if (w0 < 0) { io_fd_free(r0); model_sys(SYS_close, (long)hp[0]); model_sys(SYS_close, (long)hp[1]); return w0; }
	unsigned id = pipe_ids++;
	char num[16]; int k = 0; unsigned v = id;
	do { num[k++] = (char)('0' + v % 10); v /= 10; } while (v);
	char idstr[16]; for (int i = 0; i < k; i++) idstr[i] = num[k - 1 - i]; idstr[k] = 0;
	struct model_fd *rf = fds[r0], *wf = fds[w0];
	rf->kind = wf->kind = MODEL_FD_PIPE;
	rf->h.hostfd = hp[0]; wf->h.hostfd = hp[1];
	rf->h.node = wf->h.node = n;
	rf->flags = FB_O_RDONLY; wf->flags = FB_O_WRONLY;
	char tmp[VFS_PATH_MAX];
	vfs_canon(abs, idstr, tmp);
	vfs_canon(tmp, "out", rf->path);
	vfs_canon(tmp, "in", wf->path);
	/* pipe2 honours O_NONBLOCK only */
	if (a->a1 & FB_O_NONBLOCK) { rf->flags |= FB_O_NONBLOCK; wf->flags |= FB_O_NONBLOCK; }
	pfd[0] = r0; pfd[1] = w0;
	return 0;
}

int pipe2(int *pfd, int flags)
{
	MODEL_ENTER("pipe2");
	struct a_fd a = { { -1, 0 }, 0, flags, 0, 0, 0, 0, pfd };
	return (int)io_ret(io_run(do_pipe2, &a.h));
}

int pipe(int *pfd)
{
	MODEL_ENTER("pipe");
	struct a_fd a = { { -1, 0 }, 0, 0, 0, 0, 0, 0, pfd };
	return (int)io_ret(io_run(do_pipe2, &a.h));
}

/* ---- file-backed mmap (vfs_plugin.cc mmap), called by the core's mmap for fd != -1 ---- */
extern void *mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off);

struct a_mmap { struct io_hdr h; size_t len; int prot, flags, fd; long off; void *mem; };

static long do_mmap_check(void *p)
{
	struct a_mmap *a = p;
	struct model_fd *f = io_fd(a->fd);
	if (!f || f->kind == FD_RESERVED || f->kind == MODEL_FD_SOCKET || f->kind == MODEL_FD_KQUEUE) {
		if (!f) model_error("no plugin found for mmap(%d)", a->fd);
		model_warning("mmap not supported for file descriptor %d", a->fd);
		return -FB_EBADF;
	}
	if (a->prot != FB_PROT_READ && a->prot != (FB_PROT_READ | FB_PROT_WRITE)) {
		model_error("mmap for prot=0x%x not supported", a->prot);
		return -FB_EACCES;
	}
	if (a->flags & FB_MAP_FIXED) {
		model_error("mmap for fixed predefined address not supported yet");
		return -FB_EINVAL;
	}
	if (a->flags & FB_MAP_PRIVATE) return 1;
	if (a->flags & FB_MAP_SHARED) {
		if (!vfs_has_dataspace(&f->h)) {
			model_error("mmap got invalid dataspace capability");
			return -FB_ENODEV;
		}
		return 2;
	}
	return 0;
}

static long do_mmap_fill(void *p)
{
	struct a_mmap *a = p;
	struct model_fd *f = io_fd(a->fd);
	if (!f) return -FB_EACCES;
	/* a copy of the file content from the offset; the rest stays zero */
	struct vhandle h = f->h;
	h.seek = (uint64_t)a->off;
	size_t done = 0;
	while (done < a->len) {
		long r = vfs_read(&h, (char *)a->mem + done, a->len - done);
		if (r < 0) { model_error("mmap could not obtain file content"); return -FB_EACCES; }
		if (r == 0) break;
		done += (size_t)r;
	}
	return 0;
}

void *model_file_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	(void)addr;
	struct a_mmap a = { { -1, 0 }, len, prot, flags, fd, off, 0 };
	long r = io_run(do_mmap_check, &a.h);
	if (r < 0) { io_ret(r); return (void *)-1; }
	if (r == 0) return 0;
	/* the memory comes from the component's anonymous allocator (RAM quota), as mem_alloc() does */
	a.mem = mmap(0, len, FB_PROT_READ | FB_PROT_WRITE, FB_MAP_ANON | FB_MAP_PRIVATE, -1, 0);
	if (a.mem == (void *)-1) return a.mem;
	r = io_run(do_mmap_fill, &a.h);
	if (r < 0) { io_ret(r); return (void *)-1; }
	return a.mem;
}

/* ---- the fd table across execve (execve.cc) ----
 * Genode's execve keeps the libc, so every fd without close-on-exec and the current directory survive it. The
 * model's execve starts a new host process, so model_proc.c carries this state in the new image's config:
 * "c<hex cwd>;p<pipe id>;f<fd>,<kind>,<flags>,<hostfd>,<seek>,<dir index>,<hex path>[,<socket>];..."
 * Host fds (host files, pipes, sockets) are inherited by the host execve; the others are opened again by path
 * (RAM files too: model_vfs_ram_save carries the RAM file systems). An unlinked RAM file has no path: such an fd
 * is closed with a warning, which makes the model stricter than Genode, never kinder. */
static char *put_hex(char *o, const char *s)
{
	static const char hx[] = "0123456789abcdef";
	for (; *s; s++) { *o++ = hx[(unsigned char)*s >> 4]; *o++ = hx[(unsigned char)*s & 15]; }
	return o;
}


static int hexval(char c) { return c >= 'a' ? c - 'a' + 10 : c - '0'; }

static const char *get_hex(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	while (s[0] && s[1] && s[0] != ',' && s[0] != ';') {
		if (n + 1 < cap) out[n++] = (char)(hexval(s[0]) << 4 | hexval(s[1]));
		s += 2;
	}
	out[n] = 0;
	return s;
}

static const char *get_num(const char *s, long *v)
{
	int neg = *s == '-';
	if (neg) s++;
	long r = 0;
	while (*s >= '0' && *s <= '9') r = r * 10 + (*s++ - '0');
	*v = neg ? -r : r;
	return s;
}

const char *model_fd_exec_state(void)
{
	size_t cap = 64 + 2 * VFS_PATH_MAX;
	for (int i = 0; i < MODEL_MAX_FDS; i++)
		if (io_fd(i)) cap += 160 + 2 * VFS_PATH_MAX;
	char *buf = io_alloc(cap), *o = buf;
	vfs_terminals_keep_on_exec();
	*o++ = 'c'; o = put_hex(o, vfs_cwd()); *o++ = ';';
	*o++ = 'p'; o = model_put_num(o, (long)pipe_ids); *o++ = ';';
	for (int i = 0; i < MODEL_MAX_FDS; i++) {
		struct model_fd *f = io_fd(i);
		if (!f || f->kind == MODEL_FD_KQUEUE) continue;   /* a kqueue is not inherited (FreeBSD kqueue(2)) */
		if (f->kind == MODEL_FD_SFS) {
			model_warning("model: execve: fd %d (%s) is a file of the socket fs, which the model cannot carry", i, f->path);
			continue;
		}
		if (f->kind == MODEL_FD_FILE && f->h.rn && vfs_ram_unlinked(&f->h)) {
			model_warning("model: execve: fd %d (%s) is an unlinked RAM file, which the model cannot carry", i, f->path);
			continue;
		}
		/* a terminal's host fd is its node's (the session), not the handle's: it is opened again by path, and the
		 * new image finds the node's fd from the same vfs line (vfs_terminals_keep_on_exec keeps it open) */
		int hostfd = f->kind == MODEL_FD_TERMINAL ? -1 : f->h.hostfd;
		if (hostfd >= 0) model_sys(SYS_fcntl, (long)hostfd, (long)LX_F_SETFD, 0L);
		*o++ = 'f'; o = model_put_num(o, i);
		*o++ = ','; o = model_put_num(o, f->kind);
		*o++ = ','; o = model_put_num(o, f->flags);
		*o++ = ','; o = model_put_num(o, hostfd);
		*o++ = ','; o = model_put_num(o, (long)f->h.seek);
		*o++ = ','; o = model_put_num(o, f->h.dir_index);
		*o++ = ','; o = put_hex(o, f->path);
		if (f->kind == MODEL_FD_SOCKET && f->sock) { *o++ = ','; o += sock_exec_encode(f, o); }
		*o++ = ';';
	}
	*o = 0;
	return buf;
}

static void restore_one(int fd, int kind, int flags, int hostfd, uint64_t seek, int dir_index, const char *path,
                        const char *sockstate)
{
	if (io_fd_alloc(fd) != fd) { model_error("model: execve: fd %d is taken", fd); return; }
	struct model_fd *f = fds[fd];
	if (kind == FD_RESERVED) { f->kind = FD_RESERVED; return; }
	f->flags = flags;
	model_strlcpy(f->path, path, sizeof f->path);
	if (kind == MODEL_FD_FILE || kind == MODEL_FD_DIR || kind == MODEL_FD_LOG || kind == MODEL_FD_NULL ||
	    kind == MODEL_FD_ZERO || kind == MODEL_FD_RTC || kind == MODEL_FD_RNG || kind == MODEL_FD_TERMINAL ||
	    kind == MODEL_FD_VALUE) {
		if (hostfd >= 0) {
			/* a host file: the inherited host fd, whatever became of its name since */
			f->kind = kind;
			f->h.kind = kind;
			f->h.hostfd = hostfd;
			model_sys(SYS_fcntl, (long)hostfd, (long)LX_F_SETFD, (long)LX_FD_CLOEXEC);
		} else {
			struct vhandle h;
			if (vfs_open(path, flags & ~(FB_O_CREAT | FB_O_TRUNC | FB_O_EXCL), &h)) {
				model_warning("model: execve: cannot open %s again for fd %d", path, fd);
				io_fd_free(fd);
				return;
			}
			if (kind == MODEL_FD_TERMINAL || kind == MODEL_FD_LOG || kind == MODEL_FD_NULL) h.kind = kind;
			f->kind = h.kind;
			f->h = h;
		}
		f->h.seek = seek;
		f->h.dir_index = dir_index;
		return;
	}
	if (kind == MODEL_FD_PIPE || kind == MODEL_FD_SOCKET || kind == MODEL_FD_SOCKETFS) {
		f->kind = kind;
		f->h.hostfd = hostfd;
		if (hostfd >= 0) model_sys(SYS_fcntl, (long)hostfd, (long)LX_F_SETFD, (long)LX_FD_CLOEXEC);
		if (kind == MODEL_FD_SOCKET && sockstate) sock_exec_decode(f, sockstate);
		return;
	}
	io_fd_free(fd);
}

void model_fd_exec_restore(const char *st)
{
	io_ready = 1;
	vfs_init();
	char path[VFS_PATH_MAX];
	const char *s = st;
	while (*s) {
		char tag = *s++;
		if (tag == 'c') {
			s = get_hex(s, path, sizeof path);
			vfs_set_cwd(path);
		} else if (tag == 'p') {
			long v; s = get_num(s, &v); pipe_ids = (unsigned)v;
		} else if (tag == 'f') {
			long fd, kind, flags, hostfd, seek, di;
			s = get_num(s, &fd); s += *s == ',';
			s = get_num(s, &kind); s += *s == ',';
			s = get_num(s, &flags); s += *s == ',';
			s = get_num(s, &hostfd); s += *s == ',';
			s = get_num(s, &seek); s += *s == ',';
			s = get_num(s, &di); s += *s == ',';
			s = get_hex(s, path, sizeof path);
			const char *sock = 0;
			if (*s == ',') { sock = ++s; while (*s && *s != ';') s++; }
			restore_one((int)fd, (int)kind, (int)flags, (int)hostfd, (uint64_t)seek, (int)di, path, sock);
		}
		while (*s && *s != ';') s++;
		if (*s == ';') s++;
	}
	/* the sockets' control files point at their socket again */
	for (int i = 0; i < MODEL_MAX_FDS; i++) {
		struct model_fd *f = io_fd(i);
		if (f && f->kind == MODEL_FD_SOCKET && f->sock) sock_exec_link(f);
	}
}

/* A forked child starts with a fresh libc and VFS and opens its fds again from the <fd> nodes the parent writes
 * into its config, by path (libc/fork.cc, kernel.cc _clone_state_from_parent/_init_file_descriptors). A socket of
 * an in-component socket fs (lxip/lwip) cannot be found again in the child's fresh stack, and a kqueue has no path:
 * the child has neither, and the parent's close really ends the connection. (The model keeps pipes and RAM file
 * systems shared or copied, as a VFS server that parent and child share would; see host/libc/README.md.) */
void model_fd_after_fork_child(void)
{
	for (int i = 0; i < MODEL_MAX_FDS; i++) {
		struct model_fd *f = io_fd(i);
		if (f && (f->kind == MODEL_FD_SOCKET || f->kind == MODEL_FD_KQUEUE || f->kind == MODEL_FD_SFS)) close_fd(i);
	}
	sfs_after_fork_child();
}
