/*
 * BSD sockets as Genode's libc offers them: the socket file system (<libc socket="...">) on host IPv4 sockets.
 *
 * Models: repos/libports/src/lib/libc/socket_operations.cc (no socket fs: "no plugin found for socket()", -1;
 * accept4 = accept, flags ignored) and socket_fs_plugin.cc (type/protocol check; the domain is not checked, so
 * AF_UNIX and AF_INET6 sockets are IPv4 sockets; bind/connect AF_INET only, else EAFNOSUPPORT; ten libc fds per
 * socket: the new_socket handle plus nine control files, then the socket fd; the option subset; SO_ERROR/SO_TYPE
 * emulated; shutdown does nothing; FIONREAD 64 KiB or 0; fcntl F_SETFD/F_SETFL overwrite the status flags;
 * blocking connect waits connect_timeout_sec (10 s) then ETIMEDOUT; accepted sockets inherit O_NONBLOCK).
 */
#include <sys/syscall.h>
#include "model_fd.h"
#include "model_exports.h"   /* checks the declarations against the definitions here */

#define NCTRL 10

enum { S_UNCONNECTED, S_ACCEPT_ONLY, S_CONNECTING, S_CONNECTED, S_CONNECT_ABORTED };
struct msock { int udp; int fd_flags; int state; int ctrl[NCTRL]; int sfs_id; };

struct lx_sockaddr_in { uint16_t family, port; uint32_t addr; char zero[8]; };

static void mset(void *d, int c, size_t n) { char *p = d; while (n--) *p++ = (char)c; }

static int sockfs_configured(void)
{
	model_io_init();
	const char *s = model_libc_attr("socket");
	return s && s[0];
}

static long ret_of(long r)
{
	if (r == -IO_FAIL_NOERRNO) return -1;
	if (r < 0) return model_errno((int)-r);
	return r;
}

static int rdy(void *p) { int *h = p; return io_host_ready(h[0], h[1]); }
static int wait_fd(int hostfd, int ev, long ms)
{
	int h[2] = { hostfd, ev };
	struct lx_pollfd w = { hostfd, (short)ev, 0 };
	return model_block_until_fds(rdy, h, ms, &w, hostfd >= 0);
}

static struct model_fd *sock_of(int fd, long *err, const char *fn)
{
	struct model_fd *f = io_fd(fd);
	if (!f) { *err = -FB_EBADF; (void)fn; return 0; }
	if (f->kind != MODEL_FD_SOCKET) { *err = -FB_ENOTSOCK; return 0; }
	return f;
}

/* ---- socket ---- */
struct a_sock { int fd; int a, b, c; const void *cp; void *p; void *p2; long n; int wait; };

static long do_socket(void *p)
{
	struct a_sock *s = p;
	int type = s->b & 3, proto = s->c;
	if ((type != FB_SOCK_STREAM || (proto != 0 && proto != FB_IPPROTO_TCP)) &&
	    (type != FB_SOCK_DGRAM || (proto != 0 && proto != FB_IPPROTO_UDP))) {
		model_error("socket_fs_socket: socket with type=0x%x protocol=0x%x not supported", s->b, s->c);
		return -FB_EAFNOSUPPORT;
	}
	long h = model_sys(SYS_socket, (long)LX_AF_INET, (long)((type == FB_SOCK_STREAM ? LX_SOCK_STREAM : LX_SOCK_DGRAM) | LX_O_NONBLOCK | LX_O_CLOEXEC), 0L);
	if (h < 0) return -FB_ENFILE;
	/* new_socket of the socket fs, whose directories hold MAX_SOCKETS each */
	int id = sfs_take(type == FB_SOCK_DGRAM);
	if (!id) {
		model_error("failed to open new socket at %s/%s/new_socket", model_libc_attr("socket"), type == FB_SOCK_DGRAM ? "udp" : "tcp");
		model_sys(SYS_close, h);
		return -FB_EACCES;
	}
	struct msock *m = io_alloc(sizeof *m);
	mset(m, 0, sizeof *m);
	m->udp = type == FB_SOCK_DGRAM;
	m->sfs_id = id;
	/* the new_socket handle and the nine control files occupy libc fds before the socket fd */
	for (int i = 0; i < NCTRL; i++) {
		int c = io_fd_alloc(-1);
		if (c < 0) {
			for (int k = 0; k < i; k++) io_fd_free(m->ctrl[k]);
			model_sys(SYS_close, h);
			sfs_give(m->udp, m->sfs_id);
			io_free(m, sizeof *m);
			return -FB_ENFILE;
		}
		struct model_fd *cf = io_fd(c);
		cf->kind = MODEL_FD_SOCKETFS;
		cf->sock = m;
		m->ctrl[i] = c;
	}
	int fd = io_fd_alloc(-1);
	if (fd < 0) {
		for (int k = 0; k < NCTRL; k++) io_fd_free(m->ctrl[k]);
		model_sys(SYS_close, h);
		sfs_give(m->udp, m->sfs_id);
		io_free(m, sizeof *m);
		return -FB_EMFILE;
	}
	struct model_fd *f = io_fd(fd);
	f->kind = MODEL_FD_SOCKET;
	f->sock = m;
	f->h.hostfd = (int)h;
	f->flags = FB_O_RDWR;
	if (s->b & FB_SOCK_NONBLOCK) m->fd_flags |= FB_O_NONBLOCK;
	if (s->b & FB_SOCK_CLOEXEC) m->fd_flags |= FB_O_CLOEXEC;
	return fd;
}

int socket(int domain, int type, int proto)
{
	MODEL_ENTER("socket");
	(void)domain;   /* not checked by socket_fs_socket */
	if (!sockfs_configured()) {
		model_error("no plugin found for socket()");
		return -1;
	}
	struct a_sock s = { 0, domain, type, proto, 0, 0, 0, 0, 0 };
	return (int)ret_of(model_funnel(do_socket, &s));
}

void sock_close(struct model_fd *f)
{
	struct msock *m = f->sock;
	if (f->h.hostfd >= 0) model_sys(SYS_close, (long)f->h.hostfd);
	f->h.hostfd = -1;
	if (!m) return;
	for (int i = 0; i < NCTRL; i++) {
		struct model_fd *c = io_fd(m->ctrl[i]);
		if (c && c->kind == MODEL_FD_SOCKETFS && c->sock == m) io_fd_free(m->ctrl[i]);
	}
	sfs_give(m->udp, m->sfs_id);
	io_free(m, sizeof *m);
	f->sock = 0;
}

/* ---- addresses ----
 * The socket fs's stack (<lxip>/<lwip> ip_addr, netmask) is the component's own on Genode, with one interface in
 * the subnet of its Nic session. The model runs every stack on the host's: a stack whose ip_addr is in 127.0.0.0/8
 * is the host's loopback as is; any other is its subnet laid onto the loopback, keeping the address's low 24 bits
 * (172.17.0.2/16 is 127.17.0.2), so that each such stack binds its own address, a wildcard bind takes only that
 * address (as the single interface would), peers in the subnet are reached at theirs, and addresses read back are
 * the stack's. The nic router model (host/cmd/genode-nic-router) forwards ports to them by the same rule. */
static struct { int init, own; uint32_t addr, mask; } stack;

static uint32_t ipv4(const char *s, int *ok)
{
	uint32_t v = 0; int parts = 0;
	*ok = 0;
	if (!s) return 0;
	while (parts < 4) {
		if (*s < '0' || *s > '9') return 0;
		uint32_t o = 0;
		while (*s >= '0' && *s <= '9') { o = o * 10 + (uint32_t)(*s++ - '0'); if (o > 255) return 0; }
		v = v << 8 | o;
		if (++parts < 4 && *s++ != '.') return 0;
	}
	*ok = !*s;
	return v;
}
static uint32_t be32(uint32_t v) { return __builtin_bswap32(v); }

static void stack_init(void)
{
	if (stack.init) return;
	stack.init = 1;
	const char *dir = model_libc_attr("socket");
	for (size_t i = 0; dir && i < model_cfg.n_vfs; i++) {
		const struct model_vfs_node *n = &model_cfg.vfs[i];
		if (strcmp(n->type, "socket") || strcmp(n->path, dir)) continue;
		int ok, okm;
		uint32_t a = ipv4(model_vfs_field(n, "ip_addr"), &ok);
		uint32_t m = ipv4(model_vfs_field(n, "netmask"), &okm);
		if (!ok || (a >> 24) == 127) return;
		if (!okm || (m >> 24) != 0xff) {
			model_error("socket fs %s: ip_addr %s needs a netmask of at least 255.0.0.0 on the model", dir, model_vfs_field(n, "ip_addr"));
			return;
		}
		stack.own = 1; stack.addr = a; stack.mask = m;
	}
}
/* the stack's address on the host, for one the component names */
uint32_t sock_stack_to_host(uint32_t a_be)
{
	stack_init();
	uint32_t a = be32(a_be);
	if (!stack.own) return a_be;
	if (a == 0) a = stack.addr;
	if ((a & stack.mask) != (stack.addr & stack.mask)) return a_be;
	return be32(0x7f000000u | (a & 0xffffffu));
}
/* a host address as the component sees it */
uint32_t sock_host_to_stack(uint32_t a_be)
{
	stack_init();
	uint32_t a = be32(a_be);
	if (!stack.own || (a >> 24) != 127) return a_be;
	uint32_t low = stack.mask & 0xffffffu;
	if ((a & low) != (stack.addr & low)) return a_be;
	return be32((stack.addr & 0xff000000u) | (a & 0xffffffu));
}

/* a stack of its own connects from its address: an unbound socket is bound to it first (the host would take
 * 127.0.0.1), when the peer is on the host's loopback too */
void sock_stack_source(int hostfd, uint32_t dst_be)
{
	if (!stack.own || (be32(dst_be) >> 24) != 127) return;
	struct lx_sockaddr_in a; uint32_t l = sizeof a;
	mset(&a, 0, sizeof a);
	if (model_sys(SYS_getsockname, (long)hostfd, (long)&a, (long)&l) < 0 || a.addr || a.port) return;
	a.family = 2;
	a.addr = sock_stack_to_host(0);
	model_sys(SYS_bind, (long)hostfd, (long)&a, (long)sizeof a);
}

static int to_lx(const struct fb_sockaddr_in *in, struct lx_sockaddr_in *out)
{
	mset(out, 0, sizeof *out);
	out->family = 2;
	out->port = in->sin_port;
	out->addr = sock_stack_to_host(in->sin_addr);
	return 0;
}
static void to_fb(const struct lx_sockaddr_in *in, void *addr, uint32_t *len)
{
	struct fb_sockaddr_in s;
	mset(&s, 0, sizeof s);
	s.sin_len = sizeof s;
	s.sin_family = FB_AF_INET;
	s.sin_port = in->port;
	s.sin_addr = sock_host_to_stack(in->addr);
	/* read_sockaddr_in: copies *addrlen bytes (not more than the struct), then sets the full size */
	size_t n = *len < sizeof s ? *len : sizeof s;
	char *d = addr; const char *q = (const char *)&s;
	for (size_t i = 0; i < n; i++) d[i] = q[i];
	*len = sizeof s;
}

static long do_bind(void *p)
{
	struct a_sock *s = p;
	long err;
	struct model_fd *f = sock_of(s->fd, &err, "bind");
	if (!f) return err;
	const struct fb_sockaddr *sa = s->cp;
	if (!sa) return -FB_EFAULT;
	if (sa->sa_family != FB_AF_INET) {
		model_error("socket_fs_bind: family %d not supported", sa->sa_family);
		return -FB_EAFNOSUPPORT;
	}
	struct lx_sockaddr_in a;
	to_lx(s->cp, &a);
	int one = 1;
	(void)one;
	return model_sys_result(model_sys(SYS_bind, (long)f->h.hostfd, (long)&a, (long)sizeof a));
}

int bind(int fd, const void *addr, uint32_t len)
{
	MODEL_ENTER("bind");
	if (!sockfs_configured()) { if (!io_fd(fd)) return model_errno(FB_EBADF); return -1; }
	struct a_sock s = { fd, 0, 0, 0, addr, 0, 0, len, 0 };
	return (int)ret_of(model_funnel(do_bind, &s));
}

static long do_listen(void *p)
{
	struct a_sock *s = p;
	long err;
	struct model_fd *f = sock_of(s->fd, &err, "listen");
	if (!f) return err;
	long r = model_sys_result(model_sys(SYS_listen, (long)f->h.hostfd, (long)s->a));
	if (r == 0) f->sock->state = S_ACCEPT_ONLY;
	return r;
}

int listen(int fd, int backlog)
{
	MODEL_ENTER("listen");
	if (!sockfs_configured()) { if (!io_fd(fd)) return model_errno(FB_EBADF); return -1; }
	struct a_sock s = { fd, backlog, 0, 0, 0, 0, 0, 0, 0 };
	return (int)ret_of(model_funnel(do_listen, &s));
}

/* connect: first step on the main thread; the blocking wait happens in the caller */
static long do_connect(void *p)
{
	struct a_sock *s = p;
	long err;
	struct model_fd *f = sock_of(s->fd, &err, "connect");
	if (!f) return err;
	struct msock *m = f->sock;
	const struct fb_sockaddr *sa = s->cp;
	if (!sa) return -FB_EFAULT;
	s->wait = -1;
	if (s->a == 1) {   /* second step, after the wait: the connection status */
		int e = 0; uint32_t l = sizeof e;
		model_sys(SYS_getsockopt, (long)f->h.hostfd, (long)LX_SOL_SOCKET, (long)LX_SO_ERROR, (long)&e, (long)&l);
		if (!io_host_ready(f->h.hostfd, LX_POLLOUT) && !e) { m->state = S_CONNECT_ABORTED; return -FB_ETIMEDOUT; }
		m->state = e ? S_CONNECT_ABORTED : S_CONNECTED;
		return e ? -model_errno_from_linux(e) : 0;
	}
	if (sa->sa_family == FB_AF_UNSPEC) {
		if (m->state != S_CONNECTED) return 0;
		struct lx_sockaddr_in u; mset(&u, 0, sizeof u);
		model_sys(SYS_connect, (long)f->h.hostfd, (long)&u, (long)sizeof u);
		m->state = S_UNCONNECTED;
		return 0;
	}
	if (sa->sa_family != FB_AF_INET) return -FB_EAFNOSUPPORT;
	switch (m->state) {
	case S_UNCONNECTED: {
		struct lx_sockaddr_in a;
		to_lx(s->cp, &a);
		sock_stack_source(f->h.hostfd, a.addr);
		m->state = S_CONNECTING;
		long r = model_sys(SYS_connect, (long)f->h.hostfd, (long)&a, (long)sizeof a);
		if (r < 0 && r != -LX_EINPROGRESS) {
			m->state = S_CONNECT_ABORTED;
			return model_sys_result(r);
		}
		if (r == 0 && m->udp) { m->state = S_CONNECTED; return 0; }
		if (m->fd_flags & FB_O_NONBLOCK) return -FB_EINPROGRESS;
		s->wait = f->h.hostfd;
		return 0;
	}
	case S_ACCEPT_ONLY: return -FB_EINVAL;
	case S_CONNECTING: {
		if (!io_host_ready(f->h.hostfd, LX_POLLOUT)) return -FB_EALREADY;
		int e = 0; uint32_t l = sizeof e;
		model_sys(SYS_getsockopt, (long)f->h.hostfd, 1L, 4L, (long)&e, (long)&l);
		m->state = e ? S_CONNECT_ABORTED : S_CONNECTED;
		return e ? -model_errno_from_linux(e) : 0;
	}
	case S_CONNECTED: return -FB_EISCONN;
	case S_CONNECT_ABORTED: return -FB_ECONNABORTED;
	}
	return -FB_ECONNREFUSED;
}

int connect(int fd, const void *addr, uint32_t len)
{
	MODEL_ENTER("connect");
	if (!sockfs_configured()) { if (!io_fd(fd)) return model_errno(FB_EBADF); return -1; }
	struct a_sock s = { fd, 0, 0, 0, addr, 0, 0, len, -1 };
	long r = model_funnel(do_connect, &s);
	if (r == 0 && s.wait >= 0) {
		const char *t = model_libc_attr("connect_timeout_sec");
		long sec = 10;
		if (t) { sec = 0; while (*t >= '0' && *t <= '9') sec = sec * 10 + (*t++ - '0'); }
		wait_fd(s.wait, LX_POLLOUT, sec * 1000);
		s.a = 1;
		r = model_funnel(do_connect, &s);
	}
	return (int)ret_of(r);
}

static long do_accept(void *p)
{
	struct a_sock *s = p;
	long err;
	struct model_fd *f = sock_of(s->fd, &err, "accept");
	if (!f) return err;
	s->wait = -1;
	long h = model_sys(SYS_accept4, (long)f->h.hostfd, 0L, 0L, (long)(04000 | 02000000));
	if (h == -LX_EAGAIN) {
		if (f->sock->fd_flags & FB_O_NONBLOCK) return -FB_EAGAIN;
		s->wait = f->h.hostfd;
		return -IO_WOULDBLOCK;
	}
	if (h < 0) return -FB_EINVAL;
	struct a_sock n = { 0, 0, f->sock->udp ? FB_SOCK_DGRAM : FB_SOCK_STREAM, 0, 0, 0, 0, 0, 0 };
	long nfd = do_socket(&n);
	if (nfd < 0) { model_sys(SYS_close, h); return nfd; }
	struct model_fd *nf = io_fd((int)nfd);
	model_sys(SYS_close, (long)nf->h.hostfd);
	nf->h.hostfd = (int)h;
	nf->sock->state = S_CONNECTED;
	if (s->p && s->p2) {
		struct lx_sockaddr_in a; uint32_t l = sizeof a;
		model_sys(SYS_getpeername, h, (long)&a, (long)&l);
		to_fb(&a, s->p, s->p2);
	}
	/* inherit the O_NONBLOCK flag if set (the listener's status flags are copied) */
	nf->sock->fd_flags = f->sock->fd_flags;
	return nfd;
}

int accept(int fd, void *addr, uint32_t *len)
{
	MODEL_ENTER("accept");
	if (!sockfs_configured()) { if (!io_fd(fd)) return model_errno(FB_EBADF); return -1; }
	struct a_sock s = { fd, 0, 0, 0, 0, addr, len, 0, -1 };
	for (;;) {
		long r = model_funnel(do_accept, &s);
		if (r != -IO_WOULDBLOCK) return (int)ret_of(r);
		wait_fd(s.wait, LX_POLLIN, -1);
	}
}

int accept4(int fd, void *addr, uint32_t *len, int flags)
{
	MODEL_ENTER("accept4");
	(void)flags;
	return accept(fd, addr, len);
}

static long do_name(void *p)
{
	struct a_sock *s = p;
	long err;
	struct model_fd *f = sock_of(s->fd, &err, "getsockname");
	if (!f) return err;
	if (!s->p) return -FB_EFAULT;
	if (!s->p2 || *(uint32_t *)s->p2 == 0) return -FB_EINVAL;
	if (s->a && f->sock->udp) return -FB_ENOTCONN;
	struct lx_sockaddr_in a; uint32_t l = sizeof a;
	long r = model_sys(s->a ? SYS_getpeername : SYS_getsockname, (long)f->h.hostfd, (long)&a, (long)&l);
	if (r < 0) return s->a ? -FB_ENOTCONN : model_sys_result(r);
	to_fb(&a, s->p, s->p2);
	return 0;
}

int getsockname(int fd, void *addr, uint32_t *len)
{
	MODEL_ENTER("getsockname");
	if (!sockfs_configured()) { if (!io_fd(fd)) return model_errno(FB_EBADF); return -1; }
	struct a_sock s = { fd, 0, 0, 0, 0, addr, len, 0, 0 };
	return (int)ret_of(model_funnel(do_name, &s));
}

int getpeername(int fd, void *addr, uint32_t *len)
{
	MODEL_ENTER("getpeername");
	if (!sockfs_configured()) return model_errno(FB_ENOTSOCK);
	struct a_sock s = { fd, 1, 0, 0, 0, addr, len, 0, 0 };
	return (int)ret_of(model_funnel(do_name, &s));
}

/* ---- data ---- */
static long recv_once(struct model_fd *f, void *buf, size_t len, int flags, void *from, uint32_t *fromlen)
{
	if (!buf) return -FB_EFAULT;
	if (!len) return -FB_EINVAL;
	struct lx_sockaddr_in a; uint32_t l = sizeof a;
	int lxflags = LX_MSG_DONTWAIT | ((flags & FB_MSG_PEEK) ? LX_MSG_PEEK : 0);
	long r = model_sys(SYS_recvfrom, (long)f->h.hostfd, (long)buf, (long)len, (long)lxflags,
	                   from ? (long)&a : 0L, from ? (long)&l : 0L);
	if (r == -LX_EAGAIN) {
		if (f->sock->fd_flags & FB_O_NONBLOCK) return -FB_EAGAIN;
		return -IO_WOULDBLOCK;
	}
	if (r < 0) return model_sys_result(r);
	if (from && fromlen) to_fb(&a, from, fromlen);
	return r;
}

long sock_read(struct model_fd *f, void *buf, size_t n) { return recv_once(f, buf, n, 0, 0, 0); }

long sock_write(struct model_fd *f, const void *buf, size_t n)
{
	long r = model_sys(SYS_sendto, (long)f->h.hostfd, (long)buf, (long)n, (long)(LX_MSG_DONTWAIT | LX_MSG_NOSIGNAL), 0L, 0L);
	if (r == -LX_EAGAIN) {
		if (f->sock->fd_flags & FB_O_NONBLOCK) return -FB_EAGAIN;
		return -IO_WOULDBLOCK;
	}
	/* TCP write errors become EPIPE; there is no SIGPIPE */
	if (r < 0 && !f->sock->udp && r != -22) return -FB_EPIPE;
	return model_sys_result(r);
}

struct a_io { int fd; void *buf; const void *cbuf; size_t len; int flags; void *addr; uint32_t *alen;
              const void *caddr; uint32_t calen; int hostfd; };

static long do_recvfrom(void *p)
{
	struct a_io *a = p;
	long err;
	struct model_fd *f = sock_of(a->fd, &err, "recvfrom");
	if (!f) return err;
	a->hostfd = f->h.hostfd;
	return recv_once(f, a->buf, a->len, a->flags, a->addr, a->alen);
}

long recvfrom(int fd, void *buf, size_t len, int flags, void *from, uint32_t *fromlen)
{
	MODEL_ENTER("recvfrom");
	if (!sockfs_configured()) { if (!io_fd(fd)) return model_errno(FB_EBADF); return -1; }
	struct a_io a = { fd, buf, 0, len, flags, from, fromlen, 0, 0, -1 };
	size_t got = 0;
	for (;;) {
		a.buf = (char *)buf + got; a.len = len - got;
		long r = model_funnel(do_recvfrom, &a);
		if (r == -IO_WOULDBLOCK) {
			if (got) return (long)got;
			wait_fd(a.hostfd, LX_POLLIN, -1);
			continue;
		}
		if (r <= 0) return got ? (long)got : ret_of(r);
		got += (size_t)r;
		if (!(flags & FB_MSG_WAITALL) || got >= len) return (long)got;
	}
}

static long do_sendto(void *p)
{
	struct a_io *a = p;
	long err;
	struct model_fd *f = sock_of(a->fd, &err, "sendto");
	if (!f) return err;
	a->hostfd = f->h.hostfd;
	if (a->caddr) {
		const struct fb_sockaddr *sa = a->caddr;
		if (sa->sa_family != FB_AF_INET) return -FB_EAFNOSUPPORT;
		struct lx_sockaddr_in la;
		to_lx(a->caddr, &la);
		sock_stack_source(f->h.hostfd, la.addr);
		long r = model_sys(SYS_sendto, (long)f->h.hostfd, (long)a->cbuf, (long)a->len, 0x4040L, (long)&la, (long)sizeof la);
		if (r == -LX_EAGAIN) return (f->sock->fd_flags & FB_O_NONBLOCK) ? -FB_EAGAIN : -IO_WOULDBLOCK;
		return model_sys_result(r);
	}
	return sock_write(f, a->cbuf, a->len);
}

long sendto(int fd, const void *buf, size_t len, int flags, const void *to, uint32_t tolen)
{
	MODEL_ENTER("sendto");
	if (!sockfs_configured()) { if (!io_fd(fd)) return model_errno(FB_EBADF); return -1; }
	struct a_io a = { fd, 0, buf, len, flags, 0, 0, to, tolen, -1 };
	for (;;) {
		long r = model_funnel(do_sendto, &a);
		if (r != -IO_WOULDBLOCK) return ret_of(r);
		wait_fd(a.hostfd, LX_POLLOUT, -1);
	}
}

/* sendmsg.c: the iovecs are gathered into one buffer for sendto; no control data */
long sendmsg(int fd, const struct fb_msghdr *m, int flags)
{
	MODEL_ENTER("sendmsg");
	size_t total = 0;
	for (int i = 0; i < m->msg_iovlen; i++) total += m->msg_iov[i].iov_len;
	char *buf = io_alloc(total + 1);
	size_t o = 0;
	for (int i = 0; i < m->msg_iovlen; i++) {
		const char *s = m->msg_iov[i].iov_base;
		for (size_t k = 0; k < m->msg_iov[i].iov_len; k++) buf[o++] = s[k];
	}
	long r = sendto(fd, buf, total, flags, m->msg_name, m->msg_namelen);
	io_free(buf, total + 1);
	return r;
}

/* socket_fs_recvmsg: only the first non-empty iovec, no control data */
long recvmsg(int fd, struct fb_msghdr *m, int flags)
{
	MODEL_ENTER("recvmsg");
	for (int i = 0; i < m->msg_iovlen; i++) {
		if (!m->msg_iov[i].iov_len) continue;
		uint32_t nl = m->msg_namelen;
		long r = recvfrom(fd, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len, flags,
		                  m->msg_name, m->msg_name ? &nl : 0);
		if (r >= 0 && m->msg_name) m->msg_namelen = nl;
		m->msg_controllen = 0;
		m->msg_flags = 0;
		return r;
	}
	return recvfrom(fd, 0, 0, flags, 0, 0);
}

/* ---- options ---- */
struct a_opt { int fd, level, name; void *val; uint32_t *lenp; const void *cval; uint32_t len; };

static long do_getsockopt(void *p)
{
	struct a_opt *a = p;
	long err;
	struct model_fd *f = sock_of(a->fd, &err, "getsockopt");
	if (!f) return err;
	if (!a->val) return -FB_EFAULT;
	if (*a->lenp < sizeof(int) || *a->lenp > sizeof(long)) return -FB_EINVAL;
	int lvl = -1, nm = -1;
	if (a->level == FB_SOL_SOCKET) {
		switch (a->name) {
		case FB_SO_ERROR: {
			if (f->sock->state == S_CONNECTING) {
				int e = 0; uint32_t l = sizeof e;
				if (!io_host_ready(f->h.hostfd, LX_POLLOUT)) { *(int *)a->val = 0; return 0; }
				model_sys(SYS_getsockopt, (long)f->h.hostfd, 1L, 4L, (long)&e, (long)&l);
				f->sock->state = e ? S_CONNECT_ABORTED : S_CONNECTED;
				*(int *)a->val = e ? model_errno_from_linux(e) : 0;
				return 0;
			}
			*(int *)a->val = 0;
			return 0;
		}
		case FB_SO_TYPE: *(int *)a->val = f->sock->udp ? FB_SOCK_DGRAM : FB_SOCK_STREAM; return 0;
		case FB_SO_REUSEADDR: lvl = 1; nm = 2; break;
		case FB_SO_KEEPALIVE: lvl = 1; nm = 9; break;
		default: return -FB_ENOPROTOOPT;
		}
	} else if (a->level == FB_IPPROTO_TCP) {
		switch (a->name) {
		case FB_TCP_KEEPCNT: lvl = 6; nm = 6; break;
		case FB_TCP_KEEPIDLE: lvl = 6; nm = 4; break;
		case FB_TCP_KEEPINTVL: lvl = 6; nm = 5; break;
		default: return -FB_ENOPROTOOPT;
		}
	} else return -FB_EINVAL;
	int v = 0; uint32_t l = sizeof v;
	if (model_sys(SYS_getsockopt, (long)f->h.hostfd, (long)lvl, (long)nm, (long)&v, (long)&l) < 0)
		return -FB_ENOPROTOOPT;
	*(int *)a->val = v;
	*a->lenp = sizeof(int);
	return 0;
}

int getsockopt(int fd, int level, int name, void *val, uint32_t *len)
{
	MODEL_ENTER("getsockopt");
	if (!sockfs_configured()) { if (!io_fd(fd)) return model_errno(FB_EBADF); return -1; }
	struct a_opt a = { fd, level, name, val, len, 0, 0 };
	return (int)ret_of(model_funnel(do_getsockopt, &a));
}

static long do_setsockopt(void *p)
{
	struct a_opt *a = p;
	long err;
	struct model_fd *f = sock_of(a->fd, &err, "setsockopt");
	if (!f) return err;
	if (!a->cval) return -FB_EFAULT;
	if (a->len < sizeof(int) || a->len > sizeof(long)) return -FB_EINVAL;
	int lvl = -1, nm = -1;
	if (a->level == FB_SOL_SOCKET) {
		switch (a->name) {
		case FB_SO_LINGER:
			if (((const int *)a->cval)[0] == 0) return 0;
			return -FB_ENOPROTOOPT;   /* falls through to the sockopt files, which have none */
		case FB_SO_REUSEADDR: lvl = 1; nm = 2; break;
		case FB_SO_KEEPALIVE: lvl = 1; nm = 9; break;
		default: return -FB_ENOPROTOOPT;
		}
	} else if (a->level == FB_IPPROTO_TCP) {
		switch (a->name) {
		case FB_TCP_NODELAY: return 0;
		case FB_TCP_KEEPCNT: lvl = 6; nm = 6; break;
		case FB_TCP_KEEPIDLE: lvl = 6; nm = 4; break;
		case FB_TCP_KEEPINTVL: lvl = 6; nm = 5; break;
		default: return -FB_ENOPROTOOPT;
		}
	} else return -FB_EINVAL;
	int v = *(const int *)a->cval;
	if (model_sys(SYS_setsockopt, (long)f->h.hostfd, (long)lvl, (long)nm, (long)&v, (long)sizeof v) < 0)
		return -FB_ENOPROTOOPT;
	return 0;
}

int setsockopt(int fd, int level, int name, const void *val, uint32_t len)
{
	MODEL_ENTER("setsockopt");
	if (!sockfs_configured()) { if (!io_fd(fd)) return model_errno(FB_EBADF); return -1; }
	struct a_opt a = { fd, level, name, 0, 0, val, len };
	return (int)ret_of(model_funnel(do_setsockopt, &a));
}

static long do_shutdown(void *p)
{
	struct a_sock *s = p;
	long err;
	struct model_fd *f = sock_of(s->fd, &err, "shutdown");
	return f ? 0 : err;
}

int shutdown(int fd, int how)
{
	MODEL_ENTER("shutdown");
	(void)how;
	if (!sockfs_configured()) { if (!io_fd(fd)) return model_errno(FB_EBADF); return -1; }
	struct a_sock s = { fd, 0, 0, 0, 0, 0, 0, 0, 0 };
	return (int)ret_of(model_funnel(do_shutdown, &s));
}

int socketpair(int d, int t, int p, int *sv)
{
	MODEL_ENTER("socketpair");
	(void)d; (void)t; (void)p; (void)sv;
	model_warning("socketpair: socketpair not implemented");
	return model_errno(FB_ENOSYS);
}

/* ---- fd-level operations on sockets ---- */
int sock_fcntl(struct model_fd *f, int cmd, long arg)
{
	struct msock *m = f->sock;
	switch (cmd) {
	case FB_F_GETFD: return m->fd_flags;
	case FB_F_SETFD: m->fd_flags = (int)arg; return 0;         /* overwrites the status flags */
	case FB_F_GETFL: return m->fd_flags | FB_O_RDWR;
	case FB_F_SETFL: m->fd_flags = (int)arg; return 0;
	}
	model_error("fcntl command %d not supported on sockets", cmd);
	return -FB_EINVAL;
}

int sock_read_ready(struct model_fd *f) { return io_host_ready(f->h.hostfd, LX_POLLIN); }
int sock_write_ready(struct model_fd *f)
{
	if (f->sock->state == S_UNCONNECTED && !f->sock->udp) return 0;
	if (f->sock->state == S_ACCEPT_ONLY) return 0;
	return io_host_ready(f->h.hostfd, LX_POLLOUT);
}

int sock_ioctl(struct model_fd *f, unsigned long req, void *arg)
{
	if (req == FB_FIONREAD) {
		*(int *)arg = sock_read_ready(f) ? 64 * 1024 : 0;
		return 0;
	}
	model_error("ioctl request %lu not supported on sockets", req);
	return -FB_ENOTTY;
}

/* ---- sockets across execve (model_fd_exec_state): "udp.fd_flags.state.ctrl0...ctrl9" ---- */
size_t sock_exec_encode(const struct model_fd *f, char *out)
{
	const struct msock *m = f->sock;
	char *o = out;
	o = model_put_num(o, m->udp); *o++ = '.';
	o = model_put_num(o, m->fd_flags); *o++ = '.';
	o = model_put_num(o, m->state);
	for (int i = 0; i < NCTRL; i++) { *o++ = '.'; o = model_put_num(o, m->ctrl[i]); }
	return (size_t)(o - out);
}

void sock_exec_decode(struct model_fd *f, const char *s)
{
	long v[3 + NCTRL];
	for (int i = 0; i < 3 + NCTRL; i++) {
		int neg = *s == '-';
		if (neg) s++;
		long r = 0;
		while (*s >= '0' && *s <= '9') r = r * 10 + (*s++ - '0');
		v[i] = neg ? -r : r;
		if (*s == '.') s++;
	}
	struct msock *m = io_alloc(sizeof *m);
	mset(m, 0, sizeof *m);
	m->udp = (int)v[0]; m->fd_flags = (int)v[1]; m->state = (int)v[2];
	for (int i = 0; i < NCTRL; i++) m->ctrl[i] = (int)v[3 + i];
	m->sfs_id = sfs_take(m->udp);   /* the same component's socket fs keeps it across execve */
	f->sock = m;
}

void sock_exec_link(struct model_fd *f)
{
	struct msock *m = f->sock;
	for (int i = 0; i < NCTRL; i++) {
		struct model_fd *c = io_fd(m->ctrl[i]);
		if (c && c->kind == MODEL_FD_SOCKETFS) c->sock = m;
	}
}
