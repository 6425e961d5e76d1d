/*
 * The component's VFS view (model_cfg.vfs) and the libc's path resolution.
 *
 * Models: repos/libports/src/lib/libc/file_operations.cc (resolve_symlinks, lexical ".." via Absolute_path,
 * 10 follow levels), repos/os/include/vfs/{dir_file_system,single_file_system}.h and
 * repos/os/src/lib/vfs/{ram,fs,inline,rom,null,zero,log,terminal,rtc,symlink}_file_system.h,
 * repos/os/include/vfs/readonly_value_file_system.h.
 *
 * Confinement: every path is made absolute and canonical in the component's view before it is looked up, so
 * ".." never leaves "/", and symlinks (in the view or on a host `fs` directory) are resolved by the libc inside
 * the view. A host `fs` directory is entered only through openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS) below
 * an O_PATH descriptor of its root, so the kernel refuses any host path outside that directory even if a host
 * symlink appears between resolution and use.
 */
#include <sys/syscall.h>
#include <stdlib.h>
#include "model_fd.h"

/* internal memory: anonymous host pages (bookkeeping of the model, not of the component) */
void *io_alloc(size_t n)
{
	long r = model_sys(SYS_mmap, 0L, (long)n, (long)(LX_PROT_READ | LX_PROT_WRITE), (long)(LX_MAP_PRIVATE | LX_MAP_ANONYMOUS), -1L, 0L);
	if (r < 0 && r > -4096) model_die(137, "model: out of host memory");
	return (void *)r;
}
void io_free(void *p, size_t n) { if (p) model_sys(SYS_munmap, (long)p, (long)n); }

int io_host_ready(int hostfd, int events)
{
	struct lx_pollfd p = { hostfd, (short)events, 0 };
	struct lx_timespec ts = { 0, 0 };
	long r = model_sys(SYS_ppoll, (long)&p, 1L, (long)&ts, 0L, 8L);
	return r > 0 && (p.revents & (events | LX_POLLERR | LX_POLLHUP | LX_POLLNVAL));
}

/* ---- paths (Genode's Path_base: lexical canonicalisation, ".." stops at "/") ---- */
static char cwd_buf[VFS_PATH_MAX] = "/";
const char *vfs_cwd(void) { return cwd_buf; }
void vfs_set_cwd(const char *abs) { model_strlcpy(cwd_buf, abs, sizeof cwd_buf); }

int vfs_canon(const char *base, const char *path, char *out)
{
	char tmp[2 * VFS_PATH_MAX + 2];
	size_t n = 0, bl = strlen(base), pl = strlen(path);
	if (pl >= VFS_PATH_MAX || bl >= VFS_PATH_MAX) return FB_ENAMETOOLONG;
	if (path[0] != '/') {
		memcpy(tmp, base, bl); n = bl;
		tmp[n++] = '/';
	}
	memcpy(tmp + n, path, pl); n += pl; tmp[n] = 0;

	/* out is built element by element; ".." drops the last element, never above "/" */
	size_t o = 0;
	const char *p = tmp;
	out[0] = 0;
	while (*p) {
		while (*p == '/') p++;
		if (!*p) break;
		const char *e = p;
		while (*e && *e != '/') e++;
		size_t len = (size_t)(e - p);
		if (len == 1 && p[0] == '.') { p = e; continue; }
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/') o--;
			if (o > 0) o--;
			out[o] = 0;
			p = e; continue;
		}
		if (o + 1 + len + 1 > VFS_PATH_MAX) return FB_ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, p, len); o += len; out[o] = 0;
		p = e;
	}
	if (o == 0) { out[0] = '/'; out[1] = 0; }
	return 0;
}

static void path_parent(const char *abs, char *out)
{
	size_t n = strlen(abs);
	model_strlcpy(out, abs, VFS_PATH_MAX);
	while (n > 0 && out[n - 1] != '/') n--;
	if (n > 1) n--;
	if (n == 0) n = 1;
	out[n] = 0;
}
static const char *path_last(const char *abs)
{
	const char *l = abs;
	for (const char *p = abs; *p; p++) if (*p == '/') l = p + 1;
	return l;
}
static int path_append(char *out, const char *elem)
{
	char tmp[VFS_PATH_MAX];
	model_strlcpy(tmp, out, sizeof tmp);
	return vfs_canon(tmp, elem, out);
}

/* ---- the view ---- */
enum { L_NONE, L_VDIR, L_SINGLE, L_HOST, L_RAM, L_SPECIAL, L_SOCKFS };
struct vloc { int kind; const struct model_vfs_node *n; char rel[VFS_PATH_MAX]; };

static int is_single(const char *t)
{
	static const char *s[] = { "inline", "rom", "null", "zero", "log", "terminal", "rtc", "symlink", "rng",
	                           "readonly_value", 0 };
	for (int i = 0; s[i]; i++) if (!strcmp(t, s[i])) return 1;
	return 0;
}
static int is_backing(const char *t) { return !strcmp(t, "fs") || !strcmp(t, "ram"); }
static int is_special(const char *t) { return !strcmp(t, "pipe") || !strcmp(t, "socket"); }

/* 0: not a prefix; else the length of the matched node path */
static size_t prefix_len(const char *np, const char *abs)
{
	size_t l = strlen(np);
	if (l == 1 && np[0] == '/') return 1;
	for (size_t i = 0; i < l; i++) if (abs[i] != np[i]) return 0;
	if (abs[l] != 0 && abs[l] != '/') return 0;
	return l;
}

/* a path inside a file-system node (fs, ram): rest is what follows the node's path */
static int in_backing(struct vloc *L, const struct model_vfs_node *n, const char *rest)
{
	L->kind = !strcmp(n->type, "fs") ? L_HOST : L_RAM;
	L->n = n;
	while (*rest == '/') rest++;
	model_strlcpy(L->rel, rest, sizeof L->rel);
	return 0;
}

static const struct model_vfs_node *shorter_backing(const char *abs, size_t below, size_t *len);
static int locate(const char *abs, struct vloc *L)
{
	size_t best = 0;
	const struct model_vfs_node *single = 0, *backing = 0, *dir = 0, *special = 0;
	int ancestor = 0;
	size_t al = strlen(abs);
	for (size_t i = 0; i < model_cfg.n_vfs; i++) {
		const struct model_vfs_node *n = &model_cfg.vfs[i];
		size_t l = prefix_len(n->path, abs);
		/* abs is a strict ancestor of a configured node: an implied directory */
		if (prefix_len(abs, n->path) && strlen(n->path) > al) ancestor = 1;
		if (!l || l < best) continue;
		if (l > best) { best = l; single = backing = dir = special = 0; }
		if (is_single(n->type)) { if (!single) single = n; }
		else if (is_backing(n->type)) { if (!backing) backing = n; }
		else if (is_special(n->type)) { if (!special) special = n; }
		else if (!dir) dir = n;
	}
	L->n = 0; L->rel[0] = 0;
	int exact = best && (best == al || (best == 1 && al == 1));
	if (exact && single) { L->kind = L_SINGLE; L->n = single; return 0; }
	if (backing) return in_backing(L, backing, abs + best);
	if (exact && special) { L->kind = L_SPECIAL; L->n = special; return 0; }
	/* below the socket fs's directory, its files (model_sockfs.c) */
	if (special && !strcmp(special->type, "socket")) {
		const char *rest = abs + best;
		while (*rest == '/') rest++;
		L->kind = L_SOCKFS; L->n = special;
		model_strlcpy(L->rel, rest, sizeof L->rel);
		return 0;
	}
	if ((exact && dir) || ancestor) { L->kind = L_VDIR; L->n = dir; return 0; }
	/* A <dir> holds its sub-directories and its file systems side by side, and a lookup the first one cannot
	 * answer goes on to the next (vfs/dir_file_system.h): a file system mounted higher up serves the rest. */
	size_t fl = 0;
	const struct model_vfs_node *fb = shorter_backing(abs, best, &fl);
	if (fb) return in_backing(L, fb, abs + fl);
	L->kind = L_NONE;
	return FB_ENOENT;
}

/* the longest file-system node (fs, ram) above abs whose path is shorter than below */
static const struct model_vfs_node *shorter_backing(const char *abs, size_t below, size_t *len)
{
	const struct model_vfs_node *b = 0;
	*len = 0;
	for (size_t i = 0; i < model_cfg.n_vfs; i++) {
		const struct model_vfs_node *n = &model_cfg.vfs[i];
		if (!is_backing(n->type)) continue;
		size_t l = prefix_len(n->path, abs);
		if (l && l < below && l > *len) { *len = l; b = n; }
	}
	return b;
}

const struct model_vfs_node *vfs_find_node(const char *abs)
{
	struct vloc L;
	if (locate(abs, &L)) return 0;
	return L.n;
}

/* ---- host `fs` directories ---- */
struct lx_open_how { uint64_t flags, mode, resolve; };
#define LX_RESOLVE_NO_MAGICLINKS 0x02
#define LX_RESOLVE_NO_SYMLINKS   0x04
#define LX_RESOLVE_BENEATH       0x08

static int *host_roots;

static int host_root(const struct model_vfs_node *n)
{
	size_t i = (size_t)(n - model_cfg.vfs);
	if (!host_roots) {
		host_roots = io_alloc(sizeof(int) * (model_cfg.n_vfs + 1));
		for (size_t k = 0; k < model_cfg.n_vfs; k++) host_roots[k] = -1;
	}
	if (host_roots[i] < 0 && n->host) {
		long r = model_sys(SYS_openat, (long)LX_AT_FDCWD, (long)n->host,
		                   (long)(LX_O_PATH | LX_O_DIRECTORY | LX_O_CLOEXEC), 0L);
		if (r < 0) {
			model_error("fs: host directory %s not accessible", n->host);
			return -1;
		}
		host_roots[i] = (int)r;
	}
	return host_roots[i];
}

/*
 * openat2's resolution for a kernel without it (Linux before 5.6, qemu-user before 9.0): one component at a
 * time, none followed; the same results (a symlink anywhere: ELOOP, a path above the root: EXDEV).
 */
static long host_walk(int root, const char *rel, int lxflags, int mode)
{
	char path[VFS_PATH_MAX];
	model_strlcpy(path, rel, sizeof path);
	if (path[0] == '/') return -LX_EXDEV;
	long cur = root;
	int depth = 0;
	char *p = path;
	for (;;) {
		char *e = strchr(p, '/');
		while (e && e[1] == '/') *e++ = 0;
		if (e) *e = 0;
		int last = !e || !e[1];
		const char *c = *p ? p : ".";
		if (!strcmp(c, "..") && depth == 0) { if (cur != root) model_sys(SYS_close, cur); return -LX_EXDEV; }
		depth += !strcmp(c, "..") ? -1 : strcmp(c, ".") ? 1 : 0;
		long fl = (last ? lxflags : LX_O_PATH | LX_O_DIRECTORY) | LX_O_NOFOLLOW | LX_O_CLOEXEC;
		long fd = model_sys(SYS_openat, cur, (long)c, fl, last ? (long)mode : 0L);
		struct lx_stat st;
		/* an O_PATH open with O_NOFOLLOW yields the link itself; openat2 refuses it unless asked */
		int link = (fd >= 0 && (fl & LX_O_PATH) && (!last || !(lxflags & LX_O_NOFOLLOW)) &&
		            model_sys(SYS_fstat, fd, (long)&st) == 0 && (st.st_mode & 0170000) == 0120000) ||
		           (fd == -LX_ENOTDIR && model_sys(SYS_newfstatat, cur, (long)c, (long)&st,
		                                           (long)LX_AT_SYMLINK_NOFOLLOW) == 0 &&
		            (st.st_mode & 0170000) == 0120000);
		if (link && fd >= 0) model_sys(SYS_close, fd);
		if (cur != root) model_sys(SYS_close, cur);
		if (link) return -LX_ELOOP;
		if (fd < 0 || last) return fd;
		cur = fd;
		p = e + 1;
	}
}

static long host_openat(const struct model_vfs_node *n, const char *rel, int lxflags, int mode)
{
	static int no_openat2;
	int root = host_root(n);
	if (root < 0) return -FB_ENOENT;
	struct lx_open_how how = { (uint64_t)(lxflags | LX_O_CLOEXEC), (uint64_t)mode,
	                           LX_RESOLVE_BENEATH | LX_RESOLVE_NO_SYMLINKS | LX_RESOLVE_NO_MAGICLINKS };
	if (lxflags & LX_O_PATH) how.mode = 0;
	if (!(lxflags & LX_O_CREAT)) how.mode = 0;
	long r = no_openat2 ? -LX_ENOSYS : model_sys(SYS_openat2, (long)root, (long)(rel[0] ? rel : "."), (long)&how,
	                                             (long)sizeof how);
	if (r == -LX_ENOSYS) {
		no_openat2 = 1;
		r = host_walk(root, rel, lxflags, (int)how.mode);
	}
	return model_sys_result(r);
}

/* the parent directory of rel as an O_PATH fd, and the last element */
static long host_parent(const struct model_vfs_node *n, const char *rel, const char **name)
{
	char par[VFS_PATH_MAX];
	model_strlcpy(par, rel, sizeof par);
	size_t l = strlen(par);
	while (l > 0 && par[l - 1] != '/') l--;
	*name = rel + l;
	if (l > 0) l--;
	par[l] = 0;
	return host_openat(n, par, LX_O_PATH | LX_O_DIRECTORY, 0);
}

static int host_lstat(const struct model_vfs_node *n, const char *rel, struct lx_stat *st)
{
	long r;
	if (!rel[0]) {
		int root = host_root(n);
		if (root < 0) return FB_ENOENT;
		r = model_sys(SYS_newfstatat, (long)root, (long)"", (long)st, (long)LX_AT_EMPTY_PATH);
		return r < 0 ? -(int)model_sys_result(r) : 0;
	}
	const char *name;
	long pfd = host_parent(n, rel, &name);
	if (pfd < 0) return (int)-pfd;
	r = model_sys(SYS_newfstatat, pfd, (long)name, (long)st, (long)LX_AT_SYMLINK_NOFOLLOW);
	model_sys(SYS_close, pfd);
	return r < 0 ? -(int)model_sys_result(r) : 0;
}

/* ---- the ram file system ---- */
#define RAM_MAX_NAME 128   /* ram_file_system.h MAX_NAME_LEN */
struct ram_node {
	char name[RAM_MAX_NAME];
	int type;
	struct ram_node *parent, *first, *next;
	char *data; size_t len, cap;
	char target[VFS_PATH_MAX];
	uint64_t ino;
	int open_count, unlinked;
};
static struct ram_node **ram_roots;
static uint64_t ram_inodes;

static struct ram_node *ram_new(const char *name, int type)
{
	struct ram_node *r = io_alloc(sizeof *r);
	memset(r, 0, sizeof *r);
	model_strlcpy(r->name, name, sizeof r->name);
	r->type = type;
	r->ino = ++ram_inodes;
	model_ram_charge(sizeof *r, "ram fs node");
	return r;
}
static void ram_destroy(struct ram_node *r)
{
	if (r->data) { io_free(r->data, r->cap); model_ram_release(r->cap); }
	io_free(r, sizeof *r);
	model_ram_release(sizeof *r);
}
static struct ram_node *ram_root(const struct model_vfs_node *n)
{
	size_t i = (size_t)(n - model_cfg.vfs);
	if (!ram_roots) {
		ram_roots = io_alloc(sizeof(void *) * (model_cfg.n_vfs + 1));
		for (size_t k = 0; k < model_cfg.n_vfs; k++) ram_roots[k] = 0;
	}
	if (!ram_roots[i]) ram_roots[i] = ram_new("", VN_DIR);
	return ram_roots[i];
}
static struct ram_node *ram_child(struct ram_node *d, const char *name, size_t len)
{
	for (struct ram_node *c = d->first; c; c = c->next) {
		if (strlen(c->name) == len) {
			size_t i = 0;
			while (i < len && c->name[i] == name[i]) i++;
			if (i == len) return c;
		}
	}
	return 0;
}
/* lookup of rel; with want_parent, the parent directory and the last element */
static struct ram_node *ram_lookup(const struct model_vfs_node *n, const char *rel, int want_parent,
                                   const char **last)
{
	struct ram_node *cur = ram_root(n);
	const char *p = rel;
	while (*p) {
		const char *e = p;
		while (*e && *e != '/') e++;
		if (want_parent && !*e) { if (last) *last = p; return cur->type == VN_DIR ? cur : 0; }
		if (cur->type != VN_DIR) return 0;
		cur = ram_child(cur, p, (size_t)(e - p));
		if (!cur) return 0;
		p = *e ? e + 1 : e;
	}
	if (want_parent) return 0;
	return cur;
}
static void ram_link(struct ram_node *dir, struct ram_node *c)
{
	c->parent = dir;
	c->next = dir->first;
	dir->first = c;
}
static void ram_unlink_node(struct ram_node *c)
{
	struct ram_node **pp = &c->parent->first;
	while (*pp && *pp != c) pp = &(*pp)->next;
	if (*pp) *pp = c->next;
	c->parent = 0;
	c->unlinked = 1;
	if (c->open_count == 0) ram_destroy(c);
}
static int ram_reserve(struct ram_node *r, size_t len)
{
	if (len <= r->cap) return 0;
	size_t cap = r->cap ? r->cap : 4096;
	while (cap < len) cap *= 2;
	model_ram_charge(cap - r->cap, "ram fs file");
	char *d = io_alloc(cap);
	if (r->data) { memcpy(d, r->data, r->len); io_free(r->data, r->cap); }
	memset(d + r->len, 0, cap - r->len);
	r->data = d; r->cap = cap;
	return 0;
}

/* ---- single-file nodes ---- */
static int single_type(const struct model_vfs_node *n)
{
	const char *t = n->type;
	if (!strcmp(t, "symlink")) return VN_SYMLINK;
	if (!strcmp(t, "inline") || !strcmp(t, "rom")) return VN_FILE;
	if (!strcmp(t, "rtc") || !strcmp(t, "zero") || !strcmp(t, "null")) return VN_FILE;
	return VN_CHR;   /* log, terminal, rng: transactional files */
}

static char *slurp_host(const char *host, size_t *len)
{
	*len = 0;
	if (!host) return 0;
	long fd = model_sys(SYS_openat, (long)LX_AT_FDCWD, (long)host, (long)(LX_O_RDONLY | LX_O_CLOEXEC), 0L);
	if (fd < 0) { model_error("cannot read %s", host); return 0; }
	struct lx_stat st;
	model_sys(SYS_fstat, fd, (long)&st);
	size_t cap = (size_t)st.st_size + 1;
	char *buf = io_alloc(cap);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		long r = model_sys(SYS_read, fd, (long)(buf + got), (long)((size_t)st.st_size - got));
		if (r <= 0) break;
		got += (size_t)r;
	}
	model_sys(SYS_close, fd);
	*len = got;
	return buf;
}

struct content { const struct model_vfs_node *n; char *data; size_t len; };
static struct content contents[64];
static const char *single_content(const struct model_vfs_node *n, size_t *len)
{
	for (int i = 0; i < 64; i++) {
		if (contents[i].n == n) { *len = contents[i].len; return contents[i].data; }
		if (!contents[i].n) {
			contents[i].n = n;
			contents[i].data = slurp_host(n->host, &contents[i].len);
			*len = contents[i].len;
			return contents[i].data;
		}
	}
	*len = 0;
	return 0;
}

/* ---- terminal sessions (terminal_file_system.h) ----
 * A <terminal> node opens one Terminal session, which every handle of the node shares. The launcher serves it
 * (host/launch/terminal.go): by default as its own stdin (fd 0, read) and stdout (fd 1, write); when init's route
 * sends the session to a host file, as that file's host fd (flat-config field hostfd=), opened read-only,
 * write-only or read-write as the launcher decided. A Terminal session has no end of file: the VFS plugin answers
 * READ_QUEUED while the server has nothing (read blocks, O_NONBLOCK gives EAGAIN, poll reports no POLLIN), so a
 * host file at its end, a hung-up tty and a write-only file give nothing, never 0. The launcher's own stdin keeps
 * passing the host's end of file on, as it always did on the model (kinder than Genode; host/README.md). */
struct term { int ready; int rfd, wfd; int host_eof; };
static struct term *terms;

static struct term *term_of(const struct model_vfs_node *n)
{
	size_t i = (size_t)(n - model_cfg.vfs);
	if (!terms) {
		terms = io_alloc(sizeof(struct term) * (model_cfg.n_vfs + 1));
		memset(terms, 0, sizeof(struct term) * (model_cfg.n_vfs + 1));
	}
	struct term *t = &terms[i];
	if (t->ready) return t;
	t->ready = 1;
	const char *hf = model_vfs_field(n, "hostfd");
	if (!hf) { t->rfd = 0; t->wfd = 1; t->host_eof = 1; return t; }
	long fd = 0;
	for (const char *p = hf; *p >= '0' && *p <= '9'; p++) fd = fd * 10 + (*p - '0');
	long fl = model_sys(SYS_fcntl, fd, (long)LX_F_GETFL, 0L);
	if (fl < 0) {
		const char *hp = model_vfs_field(n, "hostpath");
		model_die(125, "model: terminal %s: host fd %ld (%s) is not open", n->path, fd, hp ? hp : "?");
	}
	int acc = (int)(fl & 3);
	t->rfd = acc == LX_O_WRONLY ? -1 : (int)fd;
	t->wfd = acc == LX_O_RDONLY ? -1 : (int)fd;
	/* the model's own host fds are close-on-exec; model_fd_exec_state clears it for the new image */
	model_sys(SYS_fcntl, fd, (long)LX_F_SETFD, (long)LX_FD_CLOEXEC);
	return t;
}

/* 1 if a read of the session's host fd would give data now (no data and end of file both give 0) */
int vfs_terminal_host_ready(int fd)
{
	if (fd < 0) return 0;
	struct lx_stat st;
	if (model_sys(SYS_fstat, (long)fd, (long)&st) == 0 && (st.st_mode & 0170000) == 0100000) {
		long off = model_sys(SYS_lseek, (long)fd, 0L, 1L /* SEEK_CUR */);
		return off >= 0 && off < st.st_size;
	}
	struct lx_pollfd p = { fd, LX_POLLIN, 0 };
	struct lx_timespec ts = { 0, 0 };
	return model_sys(SYS_ppoll, (long)&p, 1L, (long)&ts, 0L, 8L) > 0 && (p.revents & LX_POLLIN);
}

static int term_read_ready(struct term *t)
{
	if (t->host_eof) return io_host_ready(t->rfd, LX_POLLIN);
	return vfs_terminal_host_ready(t->rfd);
}

int vfs_terminal_waitfd(const struct vhandle *h)
{
	return term_of(h->node)->rfd;
}

static long term_read(struct term *t, void *buf, size_t n)
{
	if (!term_read_ready(t)) return -FB_EAGAIN;
	long r = model_sys_result(model_sys(SYS_read, (long)t->rfd, (long)buf, (long)n));
	if (t->host_eof) return r;
	return r > 0 ? r : -FB_EAGAIN;
}

/* the session's write: the client hands the bytes over until the server takes fewer (terminal_session/client.h);
 * the launcher's host file takes all unless the host write fails; a session without a write side takes none */
static long term_write(struct term *t, const void *buf, size_t n)
{
	if (t->host_eof) return model_sys_result(model_sys(SYS_write, (long)t->wfd, (long)buf, (long)n));
	size_t done = 0;
	while (t->wfd >= 0 && done < n) {
		long r = model_sys(SYS_write, (long)t->wfd, (long)((const char *)buf + done), (long)(n - done));
		if (r == -4) continue;   /* EINTR */
		if (r <= 0) break;
		done += (size_t)r;
	}
	return (long)done;
}

/* execve: the new image reads the same vfs lines, so every terminal's host fd must outlive the host execve */
void vfs_terminals_keep_on_exec(void)
{
	for (size_t i = 0; i < model_cfg.n_vfs; i++) {
		const struct model_vfs_node *n = &model_cfg.vfs[i];
		if (strcmp(n->type, "terminal") || !model_vfs_field(n, "hostfd")) continue;
		struct term *t = term_of(n);
		int fd = t->rfd >= 0 ? t->rfd : t->wfd;
		model_sys(SYS_fcntl, (long)fd, (long)LX_F_SETFD, 0L);
	}
}

/* The terminal's size as its server reports it (Terminal::Session::size): the host tty's, else 0 x 0, which is what
 * Genode's servers without a screen answer (file_terminal, log_terminal, tcp_terminal, terminal_crosslink). A session
 * that a component serves (a connection to a "unix" listener, host/launch TermServer) answers what that server last
 * set: the model's size() RPC reads "ROWS COLS" from the file beside the listener's socket file, NAME.size. */
static void term_size(const struct model_vfs_node *n, struct term *t, unsigned *rows, unsigned *cols)
{
	int fds[2] = { t->wfd, t->rfd };
	*rows = *cols = 0;
	for (int i = 0; i < 2; i++) {
		unsigned short ws[4];
		if (fds[i] >= 0 && model_sys(SYS_ioctl, (long)fds[i], 0x5413L /* TIOCGWINSZ */, (long)ws) == 0) {
			*rows = ws[0]; *cols = ws[1];
			return;
		}
	}
	const char *hp = model_vfs_field(n, "hostpath");
	if (!hp || strlen(hp) + 6 > VFS_PATH_MAX) return;
	char sp[VFS_PATH_MAX], text[32];
	snprintf_int(sp, sizeof sp, "%s.size", hp);
	long fd = model_sys(SYS_openat, (long)LX_AT_FDCWD, (long)sp, (long)(LX_O_RDONLY | LX_O_CLOEXEC), 0L);
	if (fd < 0) return;
	long len = model_sys(SYS_read, fd, (long)text, (long)sizeof text - 1);
	model_sys(SYS_close, fd);
	if (len <= 0) return;
	text[len] = 0;
	unsigned v[2] = { 0, 0 };
	const char *p = text;
	for (int i = 0; i < 2; i++) {
		while (*p == ' ') p++;
		if (*p < '0' || *p > '9') return;
		while (*p >= '0' && *p <= '9') v[i] = v[i] * 10 + (unsigned)(*p++ - '0');
	}
	*rows = v[0]; *cols = v[1];
}

/* terminal_file_system.h: the compound of a <terminal NAME> node is the data file NAME and the directory .NAME
 * (Name(".", name), a String<64>) with the read-only values info, rows, columns and interrupts */
void model_vfs_expand(void)
{
	static const char *values[] = { "info", "rows", "columns", "interrupts" };
	size_t extra = 0;
	for (size_t i = 0; i < model_cfg.n_vfs; i++)
		if (!strcmp(model_cfg.vfs[i].type, "terminal")) extra += 5;
	if (!extra) return;
	struct model_vfs_node *v = malloc((model_cfg.n_vfs + extra) * sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < model_cfg.n_vfs; i++) {
		v[k++] = model_cfg.vfs[i];
		if (strcmp(model_cfg.vfs[i].type, "terminal")) continue;
		size_t owner = k - 1;
		const char *p = model_cfg.vfs[i].path;
		char dir[VFS_PATH_MAX], hidden[64];
		path_parent(p, dir);
		snprintf_int(hidden, sizeof hidden, ".%s", path_last(p));
		size_t dl = strlen(dir);
		char *d = malloc(dl + strlen(hidden) + 2);
		snprintf_int(d, dl + strlen(hidden) + 2, "%s%s%s", dir, dl > 1 ? "/" : "", hidden);
		memset(&v[k], 0, sizeof v[k]);
		v[k].path = d; v[k].type = "dir";
		k++;
		for (int j = 0; j < 4; j++) {
			size_t l = strlen(d) + strlen(values[j]) + 2;
			char *f = malloc(l);
			snprintf_int(f, l, "%s/%s", d, values[j]);
			memset(&v[k], 0, sizeof v[k]);
			v[k].path = f; v[k].type = "readonly_value"; v[k].value = values[j]; v[k].owner = owner;
			k++;
		}
	}
	model_cfg.vfs = v;
	model_cfg.n_vfs = k;
}

/* the text of a readonly value: its String's bytes with the terminating NUL; the length */
#define VALUE_TEXT_MAX 160
static size_t value_text(const struct model_vfs_node *n, char *text)
{
	unsigned rows = 0, cols = 0;
	if (strcmp(n->value, "interrupts")) term_size(&model_cfg.vfs[n->owner], term_of(&model_cfg.vfs[n->owner]), &rows, &cols);
	int l;
	/* Info::print: Generator output, HID unless the component's config asks for XML (base/src/lib/base/hid.cc) */
	if (!strcmp(n->value, "info")) l = snprintf_int(text, VALUE_TEXT_MAX, "terminal | rows: %u | columns: %u\n-\n", rows, cols);
	else if (!strcmp(n->value, "rows")) l = snprintf_int(text, VALUE_TEXT_MAX, "%u", rows);
	else if (!strcmp(n->value, "columns")) l = snprintf_int(text, VALUE_TEXT_MAX, "%u", cols);
	else l = snprintf_int(text, VALUE_TEXT_MAX, "0");   /* interrupts: control-c is not modelled */
	return (size_t)l + 1;
}

/* rtc_file_system.h: "%Y-%m-%d %H:%M:%S\n" */
static size_t rtc_text(char *buf)
{
	struct lx_timespec ts;
	model_sys(SYS_clock_gettime, 0L, (long)&ts);
	long s = ts.tv_sec, days = s / 86400, rem = s % 86400;
	long z = days + 719468, era = z / 146097, doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2) y++;
	long v[6] = { y, m, d, rem / 3600, rem / 60 % 60, rem % 60 };
	int w[6] = { 4, 2, 2, 2, 2, 2 };
	char sep[6] = { '-', '-', ' ', ':', ':', '\n' };
	size_t o = 0;
	for (int i = 0; i < 6; i++) {
		for (int k = w[i] - 1; k >= 0; k--) { long t = v[i]; for (int j = 0; j < k; j++) t /= 10; buf[o++] = (char)('0' + t % 10); }
		buf[o++] = sep[i];
	}
	buf[o] = 0;
	return o;
}

/* ---- stat ---- */
void vfs_fill_stat(const struct vstat *vs, const char *abs, struct fb_stat *st)
{
	enum { FS_BLOCK_SIZE = 4096 * 16 };
	memset(st, 0, sizeof *st);
	unsigned mode = (vs->r ? 0400 : 0) | (vs->w ? 0200 : 0) | (vs->x ? 0100 : 0);
	switch (vs->type) {
	case VN_DIR:     mode |= FB_S_IFDIR; break;
	case VN_FILE:    mode |= FB_S_IFREG; break;
	case VN_CHR:     mode |= FB_S_IFCHR; break;
	case VN_SYMLINK: mode |= FB_S_IFLNK; break;
	}
	st->st_mode = (uint16_t)mode;
	st->st_size = (int64_t)vs->size;
	st->st_blksize = FS_BLOCK_SIZE;
	st->st_blocks = (st->st_size + FS_BLOCK_SIZE - 1) / FS_BLOCK_SIZE;
	/* vfs_plugin.cc pseudo_inode_from_path: xorshift64 over the path bytes */
	uint64_t sum = 0;
	for (const unsigned char *s = (const unsigned char *)abs; *s; s++) {
		sum ^= *s;
		uint64_t x = sum;
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		sum = x;
	}
	st->st_ino = sum;
	st->st_dev = vs->dev;
	st->st_mtim.tv_sec = (int64_t)(vs->mtime_ms / 1000);
	st->st_mtim.tv_nsec = (long)((vs->mtime_ms % 1000) * 1000000);
	st->st_nlink = 1;
}

int vfs_stat(const char *abs, struct vstat *st)
{
	struct vloc L;
	memset(st, 0, sizeof *st);
	if (locate(abs, &L)) return FB_ENOENT;
	switch (L.kind) {
	case L_VDIR: case L_SPECIAL:
		st->type = VN_DIR; st->r = st->w = st->x = 1;
		return 0;
	case L_SOCKFS:
		return sfs_stat(L.rel, st);
	case L_SINGLE: {
		const struct model_vfs_node *n = L.n;
		st->type = single_type(n);
		st->r = 1; st->w = 1;
		if (!strcmp(n->type, "inline")) { st->w = 0; st->x = 1; }
		if (!strcmp(n->type, "rom") || !strcmp(n->type, "rtc")) st->w = 0;
		if (!strcmp(n->type, "rom")) st->x = 1;   /* rom_file_system.h: rwx = r-x */
		if (n->value) {
			/* readonly_value_file_system.h: Node_rwx::ro(), size = the String's length with its terminating NUL */
			char text[VALUE_TEXT_MAX];
			st->w = 0;
			st->size = value_text(n, text);
		}
		if (!strcmp(n->type, "inline") || !strcmp(n->type, "rom")) {
			size_t len; single_content(n, &len); st->size = len;
		}
		if (st->type == VN_SYMLINK) st->size = n->target ? strlen(n->target) : 0;
		st->dev = (uint64_t)(uintptr_t)n;
		return 0;
	}
	case L_RAM: {
		struct ram_node *r = ram_lookup(L.n, L.rel, 0, 0);
		if (!r) return FB_ENOENT;
		st->type = r->type; st->r = st->w = st->x = 1;
		st->size = r->type == VN_SYMLINK ? strlen(r->target) : r->len;
		st->dev = (uint64_t)(uintptr_t)ram_root(L.n);
		st->fileno = r->ino;
		return 0;
	}
	case L_HOST: {
		struct lx_stat hs;
		int e = host_lstat(L.n, L.rel, &hs);
		if (e) return e;
		unsigned t = hs.st_mode & 0170000;
		/* a host FIFO stands for a <fifo> of a VFS server's pipe plugin: a continuous file (S_IFCHR) */
		st->type = t == 0040000 ? VN_DIR : t == 0120000 ? VN_SYMLINK : t == 0010000 ? VN_CHR : VN_FILE;
		st->r = !!(hs.st_mode & 0400);
		st->w = !!(hs.st_mode & 0200) && L.n->writeable;
		st->x = !!(hs.st_mode & 0100);
		st->size = (uint64_t)hs.st_size;
		st->dev = hs.st_dev;
		st->fileno = hs.st_ino;
		st->mtime_ms = (uint64_t)hs.st_mtim.tv_sec * 1000 + (uint64_t)hs.st_mtim.tv_nsec / 1000000;
		return 0;
	}
	}
	return FB_ENOENT;
}

long vfs_readlink(const char *abs, char *buf, size_t len)
{
	struct vloc L;
	if (locate(abs, &L)) return -FB_ENOENT;
	const char *t = 0;
	char hbuf[VFS_PATH_MAX];
	if (L.kind == L_SINGLE && !strcmp(L.n->type, "symlink")) t = L.n->target ? L.n->target : "";
	else if (L.kind == L_RAM) {
		struct ram_node *r = ram_lookup(L.n, L.rel, 0, 0);
		if (!r) return -FB_ENOENT;
		if (r->type != VN_SYMLINK) return -FB_EINVAL;
		t = r->target;
	} else if (L.kind == L_HOST) {
		const char *name;
		if (!L.rel[0]) return -FB_EINVAL;
		long pfd = host_parent(L.n, L.rel, &name);
		if (pfd < 0) return pfd;
		long r = model_sys(SYS_readlinkat, pfd, (long)name, (long)hbuf, (long)sizeof hbuf - 1);
		model_sys(SYS_close, pfd);
		if (r < 0) return model_sys_result(r);
		hbuf[r] = 0;
		t = hbuf;
	} else return -FB_EINVAL;
	size_t n = strlen(t);
	if (n > len) n = len;
	memcpy(buf, t, n);
	return (long)n;
}

/* ---- resolution (file_operations.cc resolve_symlinks and friends) ---- */
static int resolve_one(const char *link_abs, char *out)
{
	char target[VFS_PATH_MAX + 1];
	long n = vfs_readlink(link_abs, target, VFS_PATH_MAX);
	if (n < 1) return n < 0 ? (int)-n : FB_ENOENT;
	if (n == VFS_PATH_MAX) return FB_ENAMETOOLONG;
	target[n] = 0;
	if (target[0] == '/') return vfs_canon(cwd_buf, target, out);
	char dir[VFS_PATH_MAX];
	path_parent(link_abs, dir);
	return vfs_canon(dir, target, out);
}

int vfs_resolve_all(const char *path, char *out)
{
	char next[VFS_PATH_MAX], cur[VFS_PATH_MAX];
	int e = vfs_canon(cwd_buf, path, next);
	if (e) return e;
	for (int follow = 0;; follow++) {
		if (follow == 10) return FB_ELOOP;
		model_strlcpy(cur, next, sizeof cur);
		next[0] = '/'; next[1] = 0;
		int resolved = 0;
		const char *p = cur;
		while (*p) {
			while (*p == '/') p++;
			if (!*p) break;
			const char *q = p;
			while (*q && *q != '/') q++;
			char elem[VFS_PATH_MAX];
			size_t len = (size_t)(q - p);
			memcpy(elem, p, len); elem[len] = 0;
			if ((e = path_append(next, elem))) return e;
			if (!resolved) {
				struct vstat st;
				if ((e = vfs_stat(next, &st))) return e;
				if (st.type == VN_SYMLINK) {
					char t[VFS_PATH_MAX];
					if ((e = resolve_one(next, t))) return e;
					model_strlcpy(next, t, sizeof next);
					resolved = 1;
				}
			}
			p = q;
		}
		if (!resolved) break;
	}
	model_strlcpy(out, next, VFS_PATH_MAX);
	return 0;
}

int vfs_resolve_parent(const char *path, char *out)
{
	char abs[VFS_PATH_MAX], dir[VFS_PATH_MAX];
	int e = vfs_canon(cwd_buf, path, abs);
	if (e) return e;
	path_parent(abs, dir);
	if ((e = vfs_resolve_all(dir, out))) return e;
	if (abs[1] == 0) return 0;
	return path_append(out, path_last(abs));
}

/* ---- modifying operations ---- */
static int host_writeable(const struct vloc *L) { return L->n->writeable; }

/* A new node at L (the parent must exist, the name fit ram_file_system.h's MAX_NAME_LEN); NULL with *err set. */
static struct ram_node *ram_create(const struct vloc *L, int type, int *err)
{
	const char *last;
	struct ram_node *d = ram_lookup(L->n, L->rel, 1, &last);
	if (!d) { *err = FB_ENOENT; return NULL; }
	if (strlen(last) >= RAM_MAX_NAME) { *err = FB_ENAMETOOLONG; return NULL; }
	struct ram_node *r = ram_new(last, type);
	ram_link(d, r);
	return r;
}

int vfs_mkdir(const char *abs)
{
	struct vloc L;
	struct vstat st;
	if (!vfs_stat(abs, &st)) return FB_EEXIST;
	if (locate(abs, &L)) return FB_ENOENT;
	if (L.kind == L_RAM) {
		int e;
		return ram_create(&L, VN_DIR, &e) ? 0 : e;
	}
	if (L.kind == L_HOST) {
		if (!host_writeable(&L)) return FB_EPERM;
		const char *name;
		long pfd = host_parent(L.n, L.rel, &name);
		if (pfd < 0) return (int)-pfd;
		long r = model_sys(SYS_mkdirat, pfd, (long)name, 0700L);
		model_sys(SYS_close, pfd);
		return r < 0 ? (int)-model_sys_result(r) : 0;
	}
	return FB_EPERM;
}

int vfs_unlink(const char *abs)
{
	struct vloc L;
	if (locate(abs, &L)) return FB_ENOENT;
	if (L.kind == L_RAM) {
		if (!L.rel[0]) return FB_EPERM;
		struct ram_node *r = ram_lookup(L.n, L.rel, 0, 0);
		if (!r) return FB_ENOENT;
		if (r->type == VN_DIR && r->first) return FB_ENOTEMPTY;
		ram_unlink_node(r);
		return 0;
	}
	if (L.kind == L_HOST) {
		if (!L.rel[0]) return FB_EPERM;
		struct lx_stat hs;
		int e = host_lstat(L.n, L.rel, &hs);
		if (e) return e;
		if (!host_writeable(&L)) return FB_EPERM;
		const char *name;
		long pfd = host_parent(L.n, L.rel, &name);
		if (pfd < 0) return (int)-pfd;
		long r = model_sys(SYS_unlinkat, pfd, (long)name,
		                   (long)(((hs.st_mode & 0170000) == 0040000) ? LX_AT_REMOVEDIR : 0));
		model_sys(SYS_close, pfd);
		return r < 0 ? (int)-model_sys_result(r) : 0;
	}
	if (L.kind == L_NONE) return FB_ENOENT;
	return FB_EPERM;
}

int vfs_rename(const char *from, const char *to)
{
	struct vloc A, B;
	if (locate(from, &A)) return FB_ENOENT;
	if (locate(to, &B)) return FB_ENOENT;
	if (A.kind != B.kind || A.n != B.n || (A.kind != L_RAM && A.kind != L_HOST)) {
		struct vstat st;
		if (vfs_stat(from, &st)) return FB_ENOENT;
		return FB_EXDEV;
	}
	if (A.kind == L_RAM) {
		if (!strcmp(from, to)) return ram_lookup(A.n, A.rel, 0, 0) ? 0 : FB_ENOENT;
		const char *last;
		struct ram_node *td = ram_lookup(B.n, B.rel, 1, &last);
		struct ram_node *fn = ram_lookup(A.n, A.rel, 0, 0);
		if (!td || !fn || !A.rel[0]) return FB_ENOENT;
		if (strlen(last) >= RAM_MAX_NAME) return FB_EPERM;
		for (struct ram_node *p = td; p; p = p->parent) if (p == fn) return FB_EINVAL;
		struct ram_node *old = ram_child(td, last, strlen(last));
		if (old == fn) return 0;
		if (old) ram_unlink_node(old);
		struct ram_node **pp = &fn->parent->first;
		while (*pp && *pp != fn) pp = &(*pp)->next;
		if (*pp) *pp = fn->next;
		model_strlcpy(fn->name, last, sizeof fn->name);
		ram_link(td, fn);
		return 0;
	}
	if (!host_writeable(&A)) return FB_EPERM;
	const char *n1, *n2;
	long p1 = host_parent(A.n, A.rel, &n1);
	if (p1 < 0) return (int)-p1;
	long p2 = host_parent(B.n, B.rel, &n2);
	if (p2 < 0) { model_sys(SYS_close, p1); return (int)-p2; }
	long r = model_sys(SYS_renameat, p1, (long)n1, p2, (long)n2);
	model_sys(SYS_close, p1); model_sys(SYS_close, p2);
	return r < 0 ? (int)-model_sys_result(r) : 0;
}

int vfs_symlink(const char *target, const char *abs)
{
	struct vloc L;
	struct vstat st;
	if (!vfs_stat(abs, &st)) return FB_EEXIST;
	if (locate(abs, &L)) return FB_ENOENT;
	if (strlen(target) >= VFS_PATH_MAX) return FB_ENAMETOOLONG;
	if (L.kind == L_RAM) {
		int e;
		struct ram_node *s = ram_create(&L, VN_SYMLINK, &e);
		if (!s) return e;
		model_strlcpy(s->target, target, sizeof s->target);
		return 0;
	}
	if (L.kind == L_HOST) {
		if (!host_writeable(&L)) return FB_EPERM;
		const char *name;
		long pfd = host_parent(L.n, L.rel, &name);
		if (pfd < 0) return (int)-pfd;
		/* the host symlink is only ever read back by this resolver, never followed by the kernel */
		long r = model_sys(SYS_symlinkat, (long)target, pfd, (long)name);
		model_sys(SYS_close, pfd);
		return r < 0 ? (int)-model_sys_result(r) : 0;
	}
	return FB_EPERM;
}

/* ---- open files ---- */
/* A host FIFO in an <fs> directory is the model of a named pipe that a VFS server's pipe plugin declares
 * (gems/src/lib/vfs/pipe: <pipe> <fifo name="..."/> </pipe>, exported by the server as a File_system): a reader
 * opens its "out" side, a writer its "in" side, neither waits for the other; data waits in the pipe; a read with
 * nothing queued blocks, and gives end of file once a writer has been there and none is left. The handle is a pipe
 * end (MODEL_FD_PIPE, as pipe() makes): host reads never block, a writer's host fd is opened O_RDWR so that it
 * never waits for a reader, and the reader's poll says whether data or the end is there (Linux reports POLLHUP
 * on a FIFO only after a writer has come, as the plugin's waiting_for_writers). No component creates one: the
 * launcher does, for an <fs fifo="NAME"> node (host/launch). */
static int fifo_open(const struct vloc *L, int acc, int fl, struct vhandle *h)
{
	if (fl & FB_O_CREAT) return (fl & FB_O_EXCL) ? FB_EEXIST : FB_EPERM;   /* the plugin: no OPEN_MODE_CREATE */
	if (acc == FB_O_RDWR) return FB_EPERM;                                    /* only "in" or "out" */
	if (acc == FB_O_WRONLY && !L->n->writeable) return FB_EPERM;
	int lx = (acc == FB_O_WRONLY ? LX_O_RDWR : LX_O_RDONLY) | LX_O_NONBLOCK | LX_O_NOFOLLOW | LX_O_CLOEXEC;
	long fd = host_openat(L->n, L->rel, lx, 0);
	if (fd < 0) return (int)-fd;
	h->kind = MODEL_FD_PIPE;
	h->hostfd = (int)fd;
	return 0;
}

int vfs_open(const char *abs, int fl, struct vhandle *h)
{
	struct vloc L;
	memset(h, 0, sizeof *h);
	h->hostfd = -1;
	if (locate(abs, &L)) return FB_ENOENT;
	h->node = L.n;
	int acc = fl & FB_O_ACCMODE;
	switch (L.kind) {
	case L_VDIR: case L_SPECIAL:
		h->kind = MODEL_FD_DIR;
		return 0;
	case L_SOCKFS: {
		struct vstat st;
		if (!sfs_stat(L.rel, &st) && st.type == VN_DIR) { h->kind = MODEL_FD_DIR; return 0; }
		return sfs_open(L.rel, fl, h);
	}
	case L_SINGLE: {
		const char *t = L.n->type;
		if ((fl & FB_O_CREAT) && (fl & FB_O_EXCL)) return FB_EEXIST;
		if (!strcmp(t, "symlink")) return FB_ENOENT;
		if (!strcmp(t, "null")) h->kind = MODEL_FD_NULL;
		else if (!strcmp(t, "zero")) h->kind = MODEL_FD_ZERO;
		else if (!strcmp(t, "log")) h->kind = MODEL_FD_LOG;
		else if (!strcmp(t, "rng")) h->kind = MODEL_FD_RNG;
		else if (!strcmp(t, "terminal")) h->kind = MODEL_FD_TERMINAL;
		else if (!strcmp(t, "rtc")) h->kind = MODEL_FD_RTC;
		else if (L.n->value) h->kind = MODEL_FD_VALUE;
		else {
			h->kind = MODEL_FD_FILE;
			h->data = single_content(L.n, &h->data_len);
		}
		return 0;
	}
	case L_RAM: {
		struct ram_node *r = ram_lookup(L.n, L.rel, 0, 0);
		if (r && (fl & FB_O_CREAT) && (fl & FB_O_EXCL)) return FB_EEXIST;
		if (!r) {
			if (!(fl & FB_O_CREAT)) return FB_ENOENT;
			int e;
			if (!(r = ram_create(&L, VN_FILE, &e))) return e;
		}
		if (r->type == VN_DIR) { h->kind = MODEL_FD_DIR; h->rn = r; r->open_count++; return 0; }
		if (r->type == VN_SYMLINK) return FB_ENOENT;
		h->kind = MODEL_FD_FILE; h->rn = r; r->open_count++;
		return 0;
	}
	case L_HOST: {
		struct lx_stat hs;
		int e = host_lstat(L.n, L.rel, &hs);
		if (!e && (fl & FB_O_CREAT) && (fl & FB_O_EXCL)) return FB_EEXIST;
		if (!e && (hs.st_mode & 0170000) == 0040000) { h->kind = MODEL_FD_DIR; return 0; }
		if (e && !(e == FB_ENOENT && (fl & FB_O_CREAT))) return e;
		if (!e && (hs.st_mode & 0170000) == 0010000) return fifo_open(&L, acc, fl, h);
		if (!e && (hs.st_mode & 0170000) != 0100000) return FB_ENOENT;  /* host symlinks/devices: not opened */
		if (!L.n->writeable && (acc != FB_O_RDONLY || (fl & FB_O_CREAT))) return FB_EPERM;
		int lx = acc == FB_O_WRONLY ? LX_O_WRONLY : acc == FB_O_RDWR ? LX_O_RDWR : LX_O_RDONLY;
		/* vfs_plugin.cc creates with flags | O_EXCL once the plain open found nothing: the file-system
		 * server creates exclusively, and one created by someone else meanwhile is EEXIST */
		if (e) lx |= LX_O_CREAT | LX_O_EXCL;
		lx |= LX_O_NOFOLLOW | LX_O_NONBLOCK;
		long fd = host_openat(L.n, L.rel, lx, 0600);
		if (fd < 0) return (int)-fd;
		h->kind = MODEL_FD_FILE; h->hostfd = (int)fd;
		return 0;
	}
	}
	return FB_ENOENT;
}

void vfs_close(struct vhandle *h)
{
	if (h->kind == MODEL_FD_SFS) { sfs_close(h); return; }
	if (h->kind == MODEL_FD_LOG && h->linepos) {
		h->linebuf[h->linepos] = 0;
		model_log("%s", h->linebuf);
		h->linepos = 0;
	}
	if (h->rn) {
		struct ram_node *r = h->rn;
		h->rn = 0;
		if (--r->open_count == 0 && r->unlinked) ram_destroy(r);
	}
	if (h->hostfd >= 0 && h->kind != MODEL_FD_TERMINAL) model_sys(SYS_close, (long)h->hostfd);
	h->hostfd = -1;
}

long vfs_read(struct vhandle *h, void *buf, size_t n)
{
	if (h->kind == MODEL_FD_SFS) return sfs_read(h, buf, n);
	switch (h->kind) {
	case MODEL_FD_NULL: case MODEL_FD_LOG: return 0;
	case MODEL_FD_ZERO: memset(buf, 0, n); return (long)n;
	case MODEL_FD_RNG: {
		long r = model_sys(SYS_getrandom, (long)buf, (long)n, 0L);
		return model_sys_result(r);
	}
	case MODEL_FD_TERMINAL: return term_read(term_of(h->node), buf, n);
	case MODEL_FD_VALUE: {
		/* readonly_value_file_system.h: the value's text from the seek offset, NUL included; past it INVALID */
		char text[VALUE_TEXT_MAX];
		size_t len = value_text(h->node, text);
		if (h->seek > len) return -FB_EINVAL;
		size_t l = len - (size_t)h->seek;
		if (l > n) l = n;
		memcpy(buf, text + h->seek, l);
		h->seek += l;
		return (long)l;
	}
	case MODEL_FD_RTC: {
		char t[32];
		size_t l = rtc_text(t);
		if (n < l) l = n;
		memcpy(buf, t, l);
		return (long)l;
	}
	case MODEL_FD_DIR: return -FB_EISDIR;
	case MODEL_FD_FILE:
		if (h->rn) {
			if (h->seek >= h->rn->len) return 0;
			size_t l = h->rn->len - h->seek;
			if (l > n) l = n;
			memcpy(buf, h->rn->data + h->seek, l);
			h->seek += l;
			return (long)l;
		}
		if (h->hostfd >= 0) {
			long r = model_sys_result(model_sys(SYS_pread64, (long)h->hostfd, (long)buf, (long)n, (long)h->seek));
			if (r > 0) h->seek += (uint64_t)r;
			return r;
		}
		{
			if (h->seek >= h->data_len) return 0;
			size_t l = h->data_len - h->seek;
			if (l > n) l = n;
			memcpy(buf, h->data + h->seek, l);
			h->seek += l;
			return (long)l;
		}
	}
	return -FB_EINVAL;
}

long vfs_write(struct vhandle *h, const void *buf, size_t n)
{
	if (h->kind == MODEL_FD_SFS) return sfs_write(h, buf, n);
	switch (h->kind) {
	case MODEL_FD_NULL: case MODEL_FD_ZERO: return (long)n;
	case MODEL_FD_RNG: case MODEL_FD_RTC: return -FB_EINVAL;
	case MODEL_FD_LOG: {
		/* log_file_system.h: lines are flushed at '\n' or when the line buffer is full */
		const char *s = buf;
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '\n' || h->linepos >= sizeof h->linebuf - 2) {
				if (s[i] != '\n') h->linebuf[h->linepos++] = s[i];
				h->linebuf[h->linepos] = 0;
				model_log("%s", h->linebuf);
				h->linepos = 0;
				continue;
			}
			h->linebuf[h->linepos++] = s[i];
		}
		return (long)n;
	}
	case MODEL_FD_TERMINAL: return term_write(term_of(h->node), buf, n);
	case MODEL_FD_VALUE: return -FB_EIO;   /* readonly_value_file_system.h: WRITE_ERR_IO */
	case MODEL_FD_DIR: return -FB_EISDIR;
	case MODEL_FD_FILE:
		if (h->rn) {
			struct ram_node *r = h->rn;
			ram_reserve(r, h->seek + n);
			if (h->seek > r->len) memset(r->data + r->len, 0, h->seek - r->len);
			memcpy(r->data + h->seek, buf, n);
			h->seek += n;
			if (h->seek > r->len) r->len = h->seek;
			return (long)n;
		}
		if (h->hostfd >= 0) {
			long r = model_sys_result(model_sys(SYS_pwrite64, (long)h->hostfd, (long)buf, (long)n, (long)h->seek));
			if (r > 0) h->seek += (uint64_t)r;
			return r;
		}
		return -FB_EINVAL;   /* inline/rom: WRITE_ERR_INVALID */
	}
	return -FB_EINVAL;
}

int vfs_ftruncate(struct vhandle *h, uint64_t len)
{
	if (h->kind != MODEL_FD_FILE) return h->kind == MODEL_FD_NULL ? 0 : FB_EPERM;
	if (h->rn) {
		struct ram_node *r = h->rn;
		ram_reserve(r, len);
		if (len > r->len) memset(r->data + r->len, 0, len - r->len);
		r->len = len;
		return 0;
	}
	if (h->hostfd >= 0) {
		long r = model_sys(SYS_ftruncate, (long)h->hostfd, (long)len);
		return r < 0 ? (int)-model_sys_result(r) : 0;
	}
	return FB_EPERM;
}

int vfs_read_ready(struct vhandle *h)
{
	if (h->kind == MODEL_FD_SFS) return sfs_read_ready(h);
	if (h->kind == MODEL_FD_TERMINAL) return term_read_ready(term_of(h->node));
	return 1;
}
int vfs_write_ready(struct vhandle *h) { return h->kind == MODEL_FD_SFS ? sfs_write_ready(h) : 1; }

int vfs_has_dataspace(const struct vhandle *h)
{
	if (h->rn) return 1;                                              /* ram_file_system.h: a copy */
	if (h->node && !strcmp(h->node->type, "rom")) return 1;        /* rom_file_system.h */
	return 0;                                                         /* fs, inline, devices: none */
}

/* ---- directories ---- */
struct dent { char name[VFS_PATH_MAX]; int type; uint64_t fileno; };

/* the idx-th entry of directory abs: configured nodes first, then the backing file system */
/* 1 if a configured node lies at or below abs/name (listed once, with the configured children) */
static int configured_child(const char *abs, const char *name)
{
	char child[VFS_PATH_MAX];
	model_strlcpy(child, abs, sizeof child);
	path_append(child, name);
	for (size_t i = 0; i < model_cfg.n_vfs; i++)
		if (prefix_len(child, model_cfg.vfs[i].path)) return 1;
	return 0;
}

static int dir_entry(const char *abs, int idx, struct dent *out)
{
	size_t al = strlen(abs);
	int k = 0;
	/* configured children, each name once */
	for (size_t i = 0; i < model_cfg.n_vfs; i++) {
		const char *p = model_cfg.vfs[i].path;
		if (!prefix_len(abs, p) || strlen(p) <= al) continue;
		const char *c = p + (al == 1 ? 1 : al + 1);
		size_t cl = 0;
		while (c[cl] && c[cl] != '/') cl++;
		int dup = 0;
		for (size_t j = 0; j < i && !dup; j++) {
			const char *q = model_cfg.vfs[j].path;
			if (!prefix_len(abs, q) || strlen(q) <= al) continue;
			const char *d = q + (al == 1 ? 1 : al + 1);
			size_t dl = 0;
			while (d[dl] && d[dl] != '/') dl++;
			if (dl == cl) { size_t m = 0; while (m < cl && c[m] == d[m]) m++; if (m == cl) dup = 1; }
		}
		if (dup) continue;
		if (k++ == idx) {
			memcpy(out->name, c, cl); out->name[cl] = 0;
			char child[VFS_PATH_MAX];
			model_strlcpy(child, abs, sizeof child);
			path_append(child, out->name);
			struct vstat st;
			out->type = vfs_stat(child, &st) ? VN_DIR : st.type;
			out->fileno = 1;
			return 1;
		}
	}
	struct vloc L;
	if (locate(abs, &L)) return 0;
	if (L.kind == L_VDIR) {
		/* the entries of a file system mounted higher up come after the sub-directories (dir_file_system.h) */
		size_t fl;
		const struct model_vfs_node *fb = shorter_backing(abs, al + 1, &fl);
		if (!fb) return 0;
		L.kind = !strcmp(fb->type, "fs") ? L_HOST : L_RAM;
		L.n = fb;
		const char *r = abs + fl;
		while (*r == '/') r++;
		model_strlcpy(L.rel, r, sizeof L.rel);
	}
	if (L.kind == L_RAM) {
		struct ram_node *d = ram_lookup(L.n, L.rel, 0, 0);
		if (!d || d->type != VN_DIR) return 0;
		for (struct ram_node *c = d->first; c; c = c->next)
			if (!configured_child(abs, c->name) && k++ == idx) {
				model_strlcpy(out->name, c->name, sizeof out->name);
				out->type = c->type; out->fileno = c->ino;
				return 1;
			}
		return 0;
	}
	if (L.kind == L_HOST) {
		long fd = host_openat(L.n, L.rel, LX_O_RDONLY | LX_O_DIRECTORY, 0);
		if (fd < 0) return 0;
		char buf[4096];
		int found = 0;
		for (;;) {
			long r = model_sys(SYS_getdents64, fd, (long)buf, (long)sizeof buf);
			if (r <= 0) break;
			for (long o = 0; o < r;) {
				uint64_t ino = *(uint64_t *)(buf + o);
				unsigned short reclen = *(unsigned short *)(buf + o + 16);
				unsigned char type = *(unsigned char *)(buf + o + 18);
				const char *name = buf + o + 19;
				o += reclen;
				if (!strcmp(name, ".") || !strcmp(name, "..") || configured_child(abs, name)) continue;
				if (k++ == idx) {
					model_strlcpy(out->name, name, sizeof out->name);
					out->type = type == 4 ? VN_DIR : type == 10 ? VN_SYMLINK : VN_FILE;
					out->fileno = ino;
					found = 1;
					break;
				}
			}
			if (found) break;
		}
		model_sys(SYS_close, fd);
		return found;
	}
	return 0;
}

int vfs_readdir(struct vhandle *h, const char *dir_abs, struct fb_dirent *de)
{
	struct dent d;
	if (!dir_entry(dir_abs, h->dir_index, &d)) return 0;
	h->dir_index++;
	memset(de, 0, sizeof *de);
	de->d_type = d.type == VN_DIR ? FB_DT_DIR : d.type == VN_FILE ? FB_DT_REG :
	             d.type == VN_SYMLINK ? FB_DT_LNK : d.type == VN_CHR ? FB_DT_CHR : FB_DT_UNKNOWN;
	de->d_fileno = d.fileno;
	de->d_reclen = sizeof *de;
	model_strlcpy(de->d_name, d.name, sizeof de->d_name);
	de->d_namlen = (uint16_t)strlen(de->d_name);
	return 1;
}

int vfs_num_dirent(const char *abs)
{
	struct dent d;
	int n = 0;
	while (dir_entry(abs, n, &d)) n++;
	return n;
}

/* ---- the interface of model.h ---- */
int model_vfs_resolve(const char *path, int follow_last, const struct model_vfs_node **node,
                      char *host_path, size_t host_path_len, char *view_path, size_t view_path_len)
{
	char abs[VFS_PATH_MAX];
	int e = follow_last ? vfs_resolve_all(path, abs) : vfs_resolve_parent(path, abs);
	if (e) return e;
	struct vloc L;
	if (locate(abs, &L)) return FB_ENOENT;
	if (node) *node = L.n;
	if (view_path) model_strlcpy(view_path, abs, view_path_len);
	if (host_path && host_path_len) {
		host_path[0] = 0;
		if (L.kind == L_HOST && L.n->host) {
			/* refuse a host path if any element on the host is a symlink */
			long fd = host_openat(L.n, L.rel, LX_O_PATH, 0);
			if (fd < 0) return (int)-fd;
			model_sys(SYS_close, fd);
			size_t hl = strlen(L.n->host);
			model_strlcpy(host_path, L.n->host, host_path_len);
			if (L.rel[0] && hl + 1 < host_path_len) {
				host_path[hl] = '/';
				model_strlcpy(host_path + hl + 1, L.rel, host_path_len - hl - 1);
			}
		} else if (L.kind == L_SINGLE && L.n->host) {
			model_strlcpy(host_path, L.n->host, host_path_len);
		}
	}
	return 0;
}

void vfs_init(void)
{
	for (size_t i = 0; i < model_cfg.n_vfs; i++)
		if (!strcmp(model_cfg.vfs[i].type, "terminal")) term_of(&model_cfg.vfs[i]);
	const char *cwd = model_libc_attr("cwd");
	if (cwd) {
		char abs[VFS_PATH_MAX];
		if (!vfs_canon("/", cwd, abs)) vfs_set_cwd(abs);
	}
}

int vfs_ram_unlinked(const struct vhandle *h) { return h->rn && h->rn->unlinked; }

/* ---- RAM file systems across execve ----
 * Genode's execve keeps the VFS, and so every <ram> file system's content (execve.cc; only the malloc heap is
 * reset). The model's execve starts a new host process: model_proc.c has the old process write the content to a
 * host file (model_vfs_ram_save) and the new one read it back before main (model_vfs_ram_restore). Per node:
 * type (1 byte), inode (8), name length (2) and name; then for a file its length (8) and bytes, for a symlink the
 * target's length (2) and target, for a directory its child count (4) and the children. Unlinked files are gone. */
struct wbuf { int fd; int err; };
static void w_put(struct wbuf *w, const void *p, size_t n)
{
	const char *c = p;
	while (n && !w->err) {
		long r = model_sys(SYS_write, (long)w->fd, (long)c, (long)n);
		if (r == -4) continue;
		if (r <= 0) { w->err = 1; return; }
		c += r; n -= (size_t)r;
	}
}
static void ram_save_node(struct wbuf *w, const struct ram_node *r)
{
	unsigned char t = (unsigned char)r->type;
	uint16_t nl = (uint16_t)strlen(r->name);
	w_put(w, &t, 1); w_put(w, &r->ino, 8); w_put(w, &nl, 2); w_put(w, r->name, nl);
	if (r->type == VN_FILE) { uint64_t l = r->len; w_put(w, &l, 8); w_put(w, r->data, r->len); }
	else if (r->type == VN_SYMLINK) { uint16_t tl = (uint16_t)strlen(r->target); w_put(w, &tl, 2); w_put(w, r->target, tl); }
	else {
		uint32_t n = 0;
		for (const struct ram_node *c = r->first; c; c = c->next) n++;
		w_put(w, &n, 4);
		/* children are kept newest first; write them oldest first so that the restored list has the same order */
		for (uint32_t k = n; k > 0; k--) {
			const struct ram_node *c = r->first;
			for (uint32_t j = 1; j < k; j++) c = c->next;
			ram_save_node(w, c);
		}
	}
}

/* writes every RAM file system to host file path; 0 or -1 */
int model_vfs_ram_save(const char *path)
{
	if (!ram_roots) return -1;
	long fd = model_sys(SYS_openat, (long)LX_AT_FDCWD, (long)path, (long)(LX_O_WRONLY | LX_O_CREAT | LX_O_TRUNC),
	                    0600L);
	if (fd < 0) return -1;
	struct wbuf w = { (int)fd, 0 };
	uint64_t inodes = ram_inodes;
	w_put(&w, &inodes, 8);
	for (size_t i = 0; i < model_cfg.n_vfs; i++) {
		if (!ram_roots[i]) continue;
		uint32_t idx = (uint32_t)i;
		w_put(&w, &idx, 4);
		ram_save_node(&w, ram_roots[i]);
	}
	model_sys(SYS_close, fd);
	return w.err ? -1 : 0;
}

struct rbuf { const char *p, *end; int err; };
static void r_get(struct rbuf *b, void *out, size_t n)
{
	if (b->err || (size_t)(b->end - b->p) < n) { b->err = 1; memset(out, 0, n); return; }
	memcpy(out, b->p, n);
	b->p += n;
}
static struct ram_node *ram_load_node(struct rbuf *b, struct ram_node *parent, int depth)
{
	unsigned char t; uint64_t ino; uint16_t nl; char name[RAM_MAX_NAME];
	r_get(b, &t, 1); r_get(b, &ino, 8); r_get(b, &nl, 2);
	if (b->err || nl >= sizeof name || depth > 256) { b->err = 1; return 0; }
	r_get(b, name, nl); name[nl] = 0;
	struct ram_node *r = ram_new(name, t);
	r->ino = ino;
	if (t == VN_FILE) {
		uint64_t l; r_get(b, &l, 8);
		if (b->err || l > (uint64_t)(b->end - b->p)) { b->err = 1; return r; }
		if (l) { ram_reserve(r, (size_t)l); r_get(b, r->data, (size_t)l); r->len = (size_t)l; }
	} else if (t == VN_SYMLINK) {
		uint16_t tl; r_get(b, &tl, 2);
		if (tl >= sizeof r->target) { b->err = 1; return r; }
		r_get(b, r->target, tl); r->target[tl] = 0;
	} else {
		uint32_t n; r_get(b, &n, 4);
		for (uint32_t k = 0; k < n && !b->err; k++) {
			struct ram_node *c = ram_load_node(b, r, depth + 1);
			if (c) ram_link(r, c);
		}
	}
	(void)parent;
	return r;
}

/* reads what model_vfs_ram_save wrote, then removes the host file */
void model_vfs_ram_restore(const char *path)
{
	long fd = model_sys(SYS_openat, (long)LX_AT_FDCWD, (long)path, 0L, 0L);
	if (fd < 0) { model_error("model: execve: RAM file systems lost (%s)", path); return; }
	struct lx_stat st;
	model_sys(SYS_fstat, fd, (long)&st);
	size_t n = (size_t)st.st_size;
	char *buf = io_alloc(n ? n : 1);
	size_t got = 0;
	while (got < n) {
		long r = model_sys(SYS_read, fd, (long)(buf + got), (long)(n - got));
		if (r == -4) continue;
		if (r <= 0) break;
		got += (size_t)r;
	}
	model_sys(SYS_close, fd);
	model_sys(SYS_unlinkat, (long)LX_AT_FDCWD, (long)path, 0L);
	struct rbuf b = { buf, buf + got, 0 };
	uint64_t inodes; r_get(&b, &inodes, 8);
	if (!ram_roots) {
		ram_roots = io_alloc(sizeof(void *) * (model_cfg.n_vfs + 1));
		for (size_t k = 0; k < model_cfg.n_vfs; k++) ram_roots[k] = 0;
	}
	while (!b.err && b.p < b.end) {
		uint32_t idx; r_get(&b, &idx, 4);
		if (b.err || idx >= model_cfg.n_vfs || strcmp(model_cfg.vfs[idx].type, "ram")) { b.err = 1; break; }
		ram_roots[idx] = ram_load_node(&b, 0, 0);
	}
	if (b.err) model_error("model: execve: RAM file systems damaged (%s)", path);
	ram_inodes = inodes;
	io_free(buf, n ? n : 1);
}
