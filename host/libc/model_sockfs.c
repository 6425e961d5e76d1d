/*
 * The socket file system as Genode's IP-stack VFS plugins serve it (<lxip>, <lwip> below <libc socket="...">),
 * for programs that open its files themselves (the Go port's net package) and for the libc's socket calls, which
 * take their sockets from the same table.
 *
 * Models: repos/os/src/lib/vfs/ip/vfs.cc (26.02; one implementation for lxip and lwip):
 *   <dir>/tcp/new_socket, <dir>/udp/new_socket  opened O_RDONLY (else EPERM) creates a socket; the handle reads
 *                                               "tcp/N\n"; closing it destroys the socket and dissolves every
 *                                               handle of its files (their reads and writes: EINVAL)
 *   <dir>/P/N/data     continuous; read = recv (EAGAIN blocks; an error reads as the end), write = send (UDP: to
 *                      the address written to remote); read_ready = POLLIN, write_ready = POLLOUT
 *   <dir>/P/N/peek     continuous; recv MSG_PEEK (EAGAIN: EIO); always read-ready
 *   <dir>/P/N/bind     write "a.b.c.d:port" binds; reads back the line written (buffer of at least 32 bytes)
 *   <dir>/P/N/listen   write the backlog once; reads "%lu\n"
 *   <dir>/P/N/connect  write "a.b.c.d:port" connects (in progress counts as written); read peeks one byte and says
 *                      "connected", "connection refused", "not connected" or "unknown error"; read-ready when
 *                      the socket is writable
 *   <dir>/P/N/accept   reads "1\n" when a connection is pending (else blocks); read_ready = POLLIN
 *   <dir>/P/N/accept_socket  exists while listening: opening it accepts and gives a socket handle as new_socket
 *   <dir>/P/N/local, remote  "a.b.c.d:port\n" (remote of UDP: the next datagram's sender, blocking)
 *   <dir>/P/N/error    the last error of the socket's calls, as Genode's generator writes a node (HID by default)
 *   <dir>/P/N/sockopts/{so_error,so_keepalive,so_reuseaddr,tcp_keepcnt,tcp_keepidle,tcp_keepintvl}  a long
 *   <dir>/{address,netmask,gateway,nameserver,link_state}
 * Each protocol directory holds at most MAX_SOCKETS (128) sockets: the next new_socket or accept_socket fails
 * (logged "unhandle error during accept"; the open fails with ENOENT).
 */
#include <sys/syscall.h>
#include "model_fd.h"

#define SFS_MAX 128            /* MAX_SOCKETS, vfs/ip/vfs.cc */
#define SFS_ERR_NONE 67        /* GENODE_MAX_ERRNO: no call has failed yet */

enum { SF_NONE, SF_HANDLE, SF_DATA, SF_PEEK, SF_BIND, SF_LISTEN, SF_CONNECT, SF_ACCEPT, SF_LOCAL, SF_REMOTE,
       SF_ERROR, SF_OPT, SF_INFO };

struct sfs_sock {
	unsigned gen;          /* bumped when the socket is destroyed: handles of an older generation are dissolved */
	int live;
	int udp;
	int hostfd;
	int listening, connecting, connected;
	unsigned long backlog;
	struct lx_sockaddr_in { uint16_t family, port; uint32_t addr; char zero[8]; } remote;
	int err;               /* genode_c_api Errno of the last failed call */
	int libc;              /* taken by the libc's socket() (model_sock.c), which does not use the files here */
};
static struct sfs_sock table[2][SFS_MAX + 1];   /* [udp][id]; id 0 is new_socket's slot */

static void zero(void *d, size_t n) { char *p = d; while (n--) *p++ = 0; }

/* Linux errno → genode_c_api/socket.h Errno */
static int genode_errno(int lx)
{
	static const struct { int lx, g; } t[] = {
		{ 0, 0 }, { 7, 1 }, { 13, 2 }, { 98, 3 }, { 99, 4 }, { 97, 5 }, { 11, 6 }, { 114, 7 }, { 9, 8 },
		{ 77, 9 }, { 74, 10 }, { 16, 12 }, { 103, 13 }, { 111, 14 }, { 89, 15 }, { 17, 17 }, { 14, 18 },
		{ 113, 20 }, { 115, 21 }, { 4, 22 }, { 22, 23 }, { 5, 24 }, { 106, 25 }, { 90, 28 }, { 100, 30 },
		{ 101, 31 }, { 23, 32 }, { 105, 33 }, { 61, 34 }, { 2, 36 }, { 12, 39 }, { 92, 41 }, { 28, 42 },
		{ 38, 43 }, { 107, 44 }, { 95, 48 }, { 1, 50 }, { 96, 51 }, { 32, 52 }, { 71, 53 }, { 93, 54 },
		{ 91, 55 }, { 34, 56 }, { 94, 58 }, { 29, 59 }, { 110, 62 }, { 104, 66 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) if (t[i].lx == lx) return t[i].g;
	return 24;   /* EIO */
}
static const char *genode_errno_name(int g)
{
	static const char *n[] = { "ENONE", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT",
		"EAGAIN", "EALREADY", "EBADF", "EBADFD", "EBADMSG", "EBADRQC", "EBUSY", "ECONNABORTED", "ECONNREFUSED",
		"EDESTADDRREQ", "EDOM", "EEXIST", "EFAULT", "EFBIG", "EHOSTUNREACH", "EINPROGRESS", "EINTR", "EINVAL",
		"EIO", "EISCONN", "ELOOP", "EMLINK", "EMSGSIZE", "ENAMETOOLONG", "ENETDOWN", "ENETUNREACH", "ENFILE",
		"ENOBUFS", "ENODATA", "ENODEV", "ENOENT", "ENOIOCTLCMD", "ENOLINK", "ENOMEM", "ENOMSG", "ENOPROTOOPT",
		"ENOSPC", "ENOSYS", "ENOTCONN", "ENOTSUPP", "ENOTTY", "ENXIO", "EOPNOTSUPP", "EOVERFLOW", "EPERM",
		"EPFNOSUPPORT", "EPIPE", "EPROTO", "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE", "EREMCHG",
		"ESOCKTNOSUPPORT", "ESPIPE", "ESRCH", "ESTALE", "ETIMEDOUT", "ETOOMANYREFS", "EUSERS", "EXDEV",
		"ECONNRESET" };
	return g >= 0 && g < SFS_ERR_NONE ? n[g] : "EIO";
}

/* Error_file_system::socket_error: the result of a call, kept for the error file */
static long note(struct sfs_sock *s, long lxres)
{
	s->err = lxres < 0 ? genode_errno((int)-lxres) : 0;
	return lxres;
}

static struct sfs_sock *sock_of(const struct vhandle *h)
{
	if (h->sfs_id <= 0 || h->sfs_id > SFS_MAX) return 0;
	struct sfs_sock *s = &table[h->sfs_udp][h->sfs_id];
	return s->live && s->gen == h->sfs_gen ? s : 0;
}

/* a free id, or 0: Protocol_dir_impl::adopt_socket over MAX_NODES slots, slot 0 being new_socket */
static int sfs_slot(int udp)
{
	for (int i = 1; i <= SFS_MAX; i++) if (!table[udp][i].live) return i;
	return 0;
}

static int adopt(int udp, int hostfd, int libc)
{
	int id = sfs_slot(udp);
	if (!id) {
		model_error("unhandle error during accept");
		return 0;
	}
	struct sfs_sock *s = &table[udp][id];
	unsigned gen = s->gen;
	zero(s, sizeof *s);
	s->gen = gen; s->live = 1; s->udp = udp; s->hostfd = hostfd; s->libc = libc;
	s->backlog = ~0UL; s->err = SFS_ERR_NONE;
	return id;
}

static void release(int udp, int id)
{
	struct sfs_sock *s = &table[udp][id];
	if (!s->live) return;
	if (!s->libc && s->hostfd >= 0) model_sys(SYS_close, (long)s->hostfd);
	s->live = 0; s->hostfd = -1;
	s->gen++;
}

/* the libc's sockets (model_sock.c) occupy the same directories */
int sfs_take(int udp) { return adopt(udp, -1, 1); }
void sfs_give(int udp, int id) { if (id > 0 && id <= SFS_MAX) release(udp, id); }

/* ---- addresses: "a.b.c.d:port" as vfs.cc's get_addr/get_port parse them ---- */
static unsigned long dec(const char **p)
{
	unsigned long v = 0;
	while (**p >= '0' && **p <= '9') v = v * 10 + (unsigned long)(*(*p)++ - '0');
	return v;
}
static long parse_port(const char *p)
{
	for (p++; *p; p++) if (*p == ':') { p++; const char *q = p; unsigned long v = dec(&q); return q == p ? -1 : (long)v; }
	return -1;
}
static uint32_t parse_addr(const char *p)
{
	unsigned char to[4] = { 0, 0, 0, 0 };
	for (int i = 0; i < 4; i++) {
		to[i] = (unsigned char)dec(&p);
		if (*p == '.') p++;
		if (!*p) break;
	}
	return (uint32_t)to[0] | (uint32_t)to[1] << 8 | (uint32_t)to[2] << 16 | (uint32_t)to[3] << 24;
}
static long parse_family(const char *p)
{
	for (; *p; p++) if (*p == ';') { p++; return *p >= '0' && *p <= '9' ? *p - '0' : -1; }
	return -1;
}
static long put_addr(char *out, size_t n, uint32_t a_be, uint16_t port_be)
{
	const unsigned char *a = (const unsigned char *)&a_be;
	const unsigned char *p = (const unsigned char *)&port_be;
	return snprintf_int(out, n, "%u.%u.%u.%u:%u\n", a[0], a[1], a[2], a[3], (unsigned)(p[0] << 8 | p[1]));
}

/* Ip_vfs_file_handle::write_content_line */
static int content_line(struct vhandle *h, const void *buf, size_t n)
{
	if (n > SFS_LINE - 2) return 0;
	memcpy(h->sfs_line, buf, n);
	h->sfs_line[n] = '\n';
	h->sfs_line[n + 1] = 0;
	return 1;
}

/* ---- lookup ---- */
static const char *opt_names[] = { "so_error", "so_keepalive", "so_reuseaddr", "tcp_keepcnt", "tcp_keepidle",
                                   "tcp_keepintvl", 0 };
static const char *info_names[] = { "address", "netmask", "gateway", "nameserver", "link_state", 0 };
static const struct { const char *name; int kind; } files[] = {
	{ "accept", SF_ACCEPT }, { "bind", SF_BIND }, { "connect", SF_CONNECT }, { "data", SF_DATA },
	{ "peek", SF_PEEK }, { "local", SF_LOCAL }, { "listen", SF_LISTEN }, { "remote", SF_REMOTE },
	{ "error", SF_ERROR }, { 0, 0 } };


/* the socket directory "tcp/N" at the start of rel: its table entry and what follows it */
static struct sfs_sock *sock_dir(const char *rel, int *udp, int *id, const char **rest)
{
	if (!memcmp(rel, "tcp/", 4)) *udp = 0;
	else if (!memcmp(rel, "udp/", 4)) *udp = 1;
	else return 0;
	const char *p = rel + 4;
	if (*p < '1' || *p > '9') return 0;
	unsigned long v = dec(&p);
	if ((*p && *p != '/') || v > SFS_MAX) return 0;
	struct sfs_sock *s = &table[*udp][v];
	if (!s->live || s->libc) return 0;   /* the libc's sockets have no files here */
	*id = (int)v;
	*rest = *p ? p + 1 : p;
	return s;
}

int sfs_stat(const char *rel, struct vstat *st)
{
	zero(st, sizeof *st);
	st->r = st->w = 1;
	if (!rel[0] || !strcmp(rel, "tcp") || !strcmp(rel, "udp")) { st->type = VN_DIR; st->x = 1; st->size = 1; return 0; }
	for (int i = 0; info_names[i]; i++)
		if (!strcmp(rel, info_names[i])) { st->type = VN_FILE; st->size = 0x1000; return 0; }
	if (!strcmp(rel, "tcp/new_socket") || !strcmp(rel, "udp/new_socket")) { st->type = VN_FILE; st->size = 0x1000; return 0; }
	int udp, id;
	const char *rest;
	struct sfs_sock *s = sock_dir(rel, &udp, &id, &rest);
	if (!s) return FB_ENOENT;
	if (!rest[0] || !strcmp(rest, "sockopts")) { st->type = VN_DIR; st->x = 1; st->size = 1; return 0; }
	if (!strcmp(rest, "data") || !strcmp(rest, "peek")) { st->type = VN_CHR; return 0; }
	if (!strcmp(rest, "error")) { st->type = VN_FILE; st->size = 64; return 0; }
	if (!strcmp(rest, "accept_socket") && !s->listening) return FB_ENOENT;
	int known = !strcmp(rest, "accept_socket");
	for (int i = 0; files[i].name; i++) known |= !strcmp(rest, files[i].name);
	if (!memcmp(rest, "sockopts/", 9))
		for (int i = 0; opt_names[i]; i++) known |= !strcmp(rest + 9, opt_names[i]);
	if (!known) return FB_ENOENT;
	st->type = VN_FILE; st->size = 0x1000;
	return 0;
}

static int new_socket(int udp, int hostfd, struct vhandle *h)
{
	int id = adopt(udp, hostfd, 0);
	if (!id) { model_sys(SYS_close, (long)hostfd); return FB_ENOENT; }
	h->kind = MODEL_FD_SFS;
	h->sfs_kind = SF_HANDLE; h->sfs_udp = udp; h->sfs_id = id; h->sfs_gen = table[udp][id].gen;
	return 0;
}

int sfs_open(const char *rel, int fl, struct vhandle *h)
{
	h->kind = MODEL_FD_SFS;
	h->sfs_kind = SF_NONE;
	if (fl & FB_O_CREAT) return FB_EPERM;             /* OPEN_MODE_CREATE: OPEN_ERR_NO_PERM */
	for (int i = 0; info_names[i]; i++)
		if (!strcmp(rel, info_names[i])) { h->sfs_kind = SF_INFO; h->sfs_opt = i; return 0; }
	if (!strcmp(rel, "tcp/new_socket") || !strcmp(rel, "udp/new_socket")) {
		if (fl & FB_O_ACCMODE) return FB_EPERM;
		int udp = rel[0] == 'u';
		long fd = model_sys(SYS_socket, (long)LX_AF_INET, (long)((udp ? LX_SOCK_DGRAM : LX_SOCK_STREAM) | LX_O_NONBLOCK | LX_O_CLOEXEC), 0L);
		if (fd < 0) return FB_ENOENT;
		if (udp) { int one = 1; model_sys(SYS_setsockopt, fd, (long)LX_SOL_SOCKET, 6L /* SO_BROADCAST */, (long)&one, (long)sizeof one); }
		return new_socket(udp, (int)fd, h);
	}
	int udp, id;
	const char *rest;
	struct sfs_sock *s = sock_dir(rel, &udp, &id, &rest);
	if (!s) return FB_ENOENT;
	h->sfs_udp = udp; h->sfs_id = id; h->sfs_gen = s->gen;
	if (!strcmp(rest, "accept_socket")) {
		if (!s->listening) return FB_ENOENT;
		long fd = model_sys(SYS_accept4, (long)s->hostfd, 0L, 0L, (long)(LX_O_NONBLOCK | LX_O_CLOEXEC));
		if (fd < 0) {
			model_error("accept socket failed");
			return FB_ENOENT;
		}
		return new_socket(udp, (int)fd, h);
	}
	for (int i = 0; files[i].name; i++)
		if (!strcmp(rest, files[i].name)) { h->sfs_kind = files[i].kind; return 0; }
	if (!memcmp(rest, "sockopts/", 9))
		for (int i = 0; opt_names[i]; i++)
			if (!strcmp(rest + 9, opt_names[i])) { h->sfs_kind = SF_OPT; h->sfs_opt = i; return 0; }
	model_error("/%s is UNACCESSIBLE", rest);
	return FB_ENOENT;
}

void sfs_close(struct vhandle *h)
{
	struct sfs_sock *s = sock_of(h);
	if (h->sfs_kind == SF_HANDLE && s) release(h->sfs_udp, h->sfs_id);
	h->sfs_kind = SF_NONE;
}

/* the host fd whose readiness stands for the file's, or -1 */
int sfs_hostfd(const struct vhandle *h)
{
	struct sfs_sock *s = sock_of(h);
	return s ? s->hostfd : -1;
}

int sfs_read_ready(const struct vhandle *h)
{
	struct sfs_sock *s = sock_of(h);
	switch (h->sfs_kind) {
	case SF_INFO: return 1;
	case SF_HANDLE: return 1;
	}
	if (!s) return 0;
	switch (h->sfs_kind) {
	case SF_DATA: case SF_ACCEPT: return io_host_ready(s->hostfd, LX_POLLIN);
	case SF_CONNECT: return io_host_ready(s->hostfd, LX_POLLOUT);
	case SF_REMOTE: return s->udp ? io_host_ready(s->hostfd, LX_POLLIN) : 1;
	}
	return 1;
}

int sfs_write_ready(const struct vhandle *h)
{
	struct sfs_sock *s = sock_of(h);
	if (h->sfs_kind == SF_INFO || h->sfs_kind == SF_HANDLE) return 1;
	if (!s) return 0;
	switch (h->sfs_kind) {
	case SF_DATA: return io_host_ready(s->hostfd, LX_POLLOUT);
	case SF_PEEK: case SF_ACCEPT: case SF_REMOTE: case SF_ERROR: return 0;
	case SF_OPT: return h->sfs_opt != 0;
	}
	return 1;
}

static long read_info(struct vhandle *h, char *buf, size_t n)
{
	const struct model_vfs_node *node = h->node;
	char v[24];
	const char *names[] = { "ip_addr", "netmask", "gateway", "nameserver" };
	if (h->sfs_opt == 4) model_strlcpy(v, "up", sizeof v);
	else {
		const char *f = node ? model_vfs_field(node, names[h->sfs_opt]) : 0;
		model_strlcpy(v, f && f[0] ? f : "0.0.0.0", sizeof v);
	}
	size_t l = strlen(v);
	if (l > n) l = n;
	memcpy(buf, v, l);
	if (l < n) buf[l++] = '\n';
	return (long)l;
}

static const int opt_lx[][2] = { { 1, 4 }, { 1, 9 }, { 1, 2 }, { 6, 6 }, { 6, 4 }, { 6, 5 } };

long sfs_read(struct vhandle *h, void *buf, size_t n)
{
	char *out = buf;
	if (h->sfs_kind == SF_INFO) return read_info(h, out, n);
	struct sfs_sock *s = sock_of(h);
	if (!s) return -FB_EINVAL;                                  /* READ_ERR_INVALID: the socket is gone */
	switch (h->sfs_kind) {
	case SF_HANDLE:
		return snprintf_int(out, n, "%s/%d\n", h->sfs_udp ? "udp" : "tcp", h->sfs_id);
	case SF_DATA: {
		long r = model_sys(SYS_recvfrom, (long)s->hostfd, (long)buf, (long)n, (long)LX_MSG_DONTWAIT, 0L, 0L);
		if (r == -LX_EAGAIN) { note(s, r); return -FB_EAGAIN; }
		note(s, r);
		if (r > 0) model_kick_io();
		return r < 0 ? 0 : r;                                   /* an error reads as the end */
	}
	case SF_PEEK: {
		long r = model_sys(SYS_recvfrom, (long)s->hostfd, (long)buf, (long)n, (long)(LX_MSG_DONTWAIT | LX_MSG_PEEK), 0L, 0L);
		note(s, r);
		return r == -LX_EAGAIN ? -FB_EIO : r < 0 ? 0 : r;
	}
	case SF_BIND:
		if (n < SFS_LINE) return -FB_EIO;
		{ size_t l = strlen(h->sfs_line); memcpy(out, h->sfs_line, l); return (long)l; }
	case SF_LISTEN:
		return snprintf_int(out, n, "%lu\n", s->backlog);
	case SF_CONNECT: {
		char c;
		long r = model_sys(SYS_recvfrom, (long)s->hostfd, (long)&c, 1L, (long)(LX_MSG_DONTWAIT | LX_MSG_PEEK), 0L, 0L);
		if (r == -LX_EAGAIN || r == 1) return snprintf_int(out, n, "connected");
		if (r == -111) return snprintf_int(out, n, "connection refused");
		if (r == 0) return snprintf_int(out, n, "not connected");
		model_error("Ip_connect_file::read unhandled error: %d", genode_errno((int)-r));
		return snprintf_int(out, n, "unknown error");
	}
	case SF_ACCEPT:
		if (!io_host_ready(s->hostfd, LX_POLLIN)) return -FB_EAGAIN;
		return snprintf_int(out, n, "1\n");
	case SF_LOCAL: case SF_REMOTE: {
		if (n < SFS_LINE) return -FB_EIO;
		struct lx_sockaddr_in a; uint32_t l = sizeof a;
		zero(&a, sizeof a);
		long r;
		if (h->sfs_kind == SF_LOCAL) r = model_sys(SYS_getsockname, (long)s->hostfd, (long)&a, (long)&l);
		else if (!s->udp) r = model_sys(SYS_getpeername, (long)s->hostfd, (long)&a, (long)&l);
		else {
			char b;
			r = model_sys(SYS_recvfrom, (long)s->hostfd, (long)&b, 1L, (long)(LX_MSG_DONTWAIT | LX_MSG_PEEK), (long)&a, (long)&l);
			if (r == -LX_EAGAIN) return -FB_EAGAIN;
		}
		if (r < 0) return -FB_EIO;
		return put_addr(out, n, sock_host_to_stack(a.addr), a.port);
	}
	case SF_ERROR: {
		char e[64];
		zero(e, sizeof e);
		if (s->err != SFS_ERR_NONE)
			snprintf_int(e, sizeof e, "error | name: %s | value: %d", genode_errno_name(s->err), s->err);
		size_t l = n < sizeof e ? n : sizeof e;
		memcpy(out, e, l);
		return (long)l;
	}
	case SF_OPT: {
		long v = 0; uint32_t l = sizeof(int);
		int iv = 0;
		long r = model_sys(SYS_getsockopt, (long)s->hostfd, (long)opt_lx[h->sfs_opt][0], (long)opt_lx[h->sfs_opt][1], (long)&iv, (long)&l);
		if (r < 0) return -FB_EIO;
		v = iv;
		size_t k = n < l ? n : l;   /* the length the stack reports */
		memcpy(out, &v, k);
		return (long)k;
	}
	}
	model_error("%s not readable", "file");
	return -FB_EIO;
}

long sfs_write(struct vhandle *h, const void *buf, size_t n)
{
	struct sfs_sock *s = sock_of(h);
	if (h->sfs_kind == SF_HANDLE || h->sfs_kind == SF_INFO || !s) return -FB_EINVAL;
	switch (h->sfs_kind) {
	case SF_DATA: {
		long r;
		if (s->udp && s->remote.family)
			r = model_sys(SYS_sendto, (long)s->hostfd, (long)buf, (long)n, (long)(LX_MSG_DONTWAIT | LX_MSG_NOSIGNAL), (long)&s->remote, (long)sizeof s->remote);
		else
			r = model_sys(SYS_sendto, (long)s->hostfd, (long)buf, (long)n, (long)(LX_MSG_DONTWAIT | LX_MSG_NOSIGNAL), 0L, 0L);
		note(s, r);
		if (r == -LX_EAGAIN) return -FB_EAGAIN;
		if (r > 0) model_kick_io();
		return r < 0 ? -FB_EIO : r;
	}
	case SF_BIND: {
		if (!content_line(h, buf, n)) return -FB_EIO;
		long port = parse_port(h->sfs_line);
		if (port < 0) return -FB_EIO;
		struct lx_sockaddr_in a;
		zero(&a, sizeof a);
		a.family = LX_AF_INET; a.port = __builtin_bswap16((uint16_t)port);
		a.addr = sock_stack_to_host(parse_addr(h->sfs_line));
		if (note(s, model_sys(SYS_bind, (long)s->hostfd, (long)&a, (long)sizeof a)) < 0) return -FB_EIO;
		return (long)n;
	}
	case SF_LISTEN: {
		if (s->backlog != ~0UL || !content_line(h, buf, n)) return -FB_EIO;
		const char *p = h->sfs_line;
		unsigned long b = dec(&p);
		if (p == h->sfs_line) return -FB_EIO;
		s->backlog = b;
		if (note(s, model_sys(SYS_listen, (long)s->hostfd, (long)b)) < 0) { content_line(h, "", 0); return -FB_EIO; }
		s->listening = 1;
		return (long)n;
	}
	case SF_CONNECT: {
		if (!content_line(h, buf, n)) return -FB_EIO;
		long port = parse_port(h->sfs_line);
		long fam = parse_family(h->sfs_line);
		if (port < 0) return -FB_EIO;
		struct lx_sockaddr_in a;
		zero(&a, sizeof a);
		a.family = fam == 0 ? 0 : LX_AF_INET; a.port = __builtin_bswap16((uint16_t)port);
		a.addr = sock_stack_to_host(parse_addr(h->sfs_line));
		if (a.family) sock_stack_source(s->hostfd, a.addr);
		long r = note(s, model_sys(SYS_connect, (long)s->hostfd, (long)&a, (long)sizeof a));
		if (r == -LX_EINPROGRESS) { s->connecting = 1; s->err = 0; return (long)n; }
		if (r == -114) return -FB_EIO;                            /* EALREADY */
		if (r == -106) {                                          /* EISCONN */
			if (s->connected || !s->connecting) return -FB_EIO;
			s->err = 0;
		} else if (r < 0) return -FB_EIO;
		s->connected = 1;
		s->remote = a;
		return (long)n;
	}
	case SF_REMOTE: {
		if (!content_line(h, buf, n)) return -FB_EIO;
		long port = parse_port(h->sfs_line);
		if (port < 0) return -FB_EIO;
		zero(&s->remote, sizeof s->remote);
		s->remote.family = LX_AF_INET; s->remote.port = __builtin_bswap16((uint16_t)port);
		s->remote.addr = sock_stack_to_host(parse_addr(h->sfs_line));
		return (long)n;
	}
	case SF_OPT: {
		if (h->sfs_opt == 0 || n > sizeof(long)) return -FB_EINVAL;
		long v = 0;
		memcpy(&v, buf, n);
		int iv = (int)v;
		if (model_sys(SYS_setsockopt, (long)s->hostfd, (long)opt_lx[h->sfs_opt][0], (long)opt_lx[h->sfs_opt][1], (long)&iv, (long)sizeof iv) < 0)
			return -FB_EIO;
		return (long)n;
	}
	}
	model_error("%s not writeable", "file");
	return -FB_EIO;
}

/* the host events that announce a change of the file's readiness (0: it is always ready, or never) */
short sfs_host_events(const struct vhandle *h, int want_r, int want_w)
{
	switch (h->sfs_kind) {
	case SF_DATA: return (short)((want_r ? LX_POLLIN : 0) | (want_w ? LX_POLLOUT : 0));
	case SF_ACCEPT: return want_r ? LX_POLLIN : 0;
	case SF_CONNECT: return want_r ? LX_POLLOUT : 0;
	case SF_REMOTE: return want_r && h->sfs_udp ? LX_POLLIN : 0;
	}
	return 0;
}

/* data and peek are continuous files (a short write goes on), the others transactional (vfs.cc stat) */
int sfs_continuous(const struct vhandle *h) { return h->sfs_kind == SF_DATA || h->sfs_kind == SF_PEEK; }

/* a forked child has a fresh stack (its fds of the socket fs are closed before, model_fd_after_fork_child) */
void sfs_after_fork_child(void)
{
	for (int u = 0; u < 2; u++)
		for (int i = 1; i <= SFS_MAX; i++) { table[u][i].live = 0; table[u][i].gen++; }
}
