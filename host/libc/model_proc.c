/*
 * Start-up, exit and processes, identity and system information.
 *
 * Genode facts (genodelabs/genode, repos/libports/src/lib/libc unless noted):
 *  - main(argc, argv, envp) is called by posix.lib.so's Libc::Component::construct on the application stack,
 *    and its return value goes to exit() (repos/libports/src/lib/posix/construct.cc); exit runs the atexit
 *    handlers, then _exit reports the code to the parent (exit.cc, atexit.cc).
 *  - getpid: <libc pid>, 0 by default; fork's children get 1, 2, ... (fork.cc _pid_cnt); getppid: silent -1.
 *  - fork (= vfork): a new component that gets the malloc heap, data and the caller's stack, not the anonymous
 *    mmap memory (fork.cc). Called on another thread than the main thread the child resumes the main thread's
 *    context with the caller's stack: the model ends such a child with status 139 after a diagnostic.
 *  - wait4 (waitpid, wait): only forked children; with WNOHANG and no exited child it returns -1 without
 *    touching errno; otherwise it blocks until a matching child exits, forever when none matches; status is
 *    ((code >> 8) & 0x7f) | ((code & 0xff) << 8).
 *  - execve: path resolved in the VFS ("execve: executable binary '...' does not exist" + ENOENT), "#!" up to 4
 *    levels, else ELF or "invalid executable binary format" + ENOEXEC; the binary must have an exported main
 *    (Dynamic_linker::respawn), execve.cc. The model re-runs the loader with the same component config.
 *  - sysctl: read-only two-level MIBs; the CTL_KERN case falls through into CTL_HW's (sysctl.cc), so e.g.
 *    kern.hostname yields the int 1 of hw.floatingpt; sysctlbyname's name lookup is refused (ENOENT);
 *    sysconf's subset, others "sysconf(N) not implemented" + EINVAL; getrlimit (rlimit.cc).
 *  - issetugid returns 1 (issetugid.cc); getuid & co. silently 0; the set* and other dummies warn + ENOSYS
 *    (dummies.cc).
 *  - posix_spawn (FreeBSD gen/posix_spawn.c): vfork, i.e. Genode's fork, then execve; an exec failure is the
 *    child's status 127, never the parent's error.
 *  - getentropy/getrandom read <libc rng>; without it "Libc RNG not configured" and an insecure random()
 *    fallback; getentropy > 256 bytes -> EIO (getrandom.cc).
 */
#include "model.h"
#include "linux.h"
#include "model_exports.h"   /* checks the declarations against the definitions here */
#include <sys/syscall.h>
#include <sys/mman.h>
#include <string.h>
#include <stdlib.h>
#include <dlfcn.h>
#include <link.h>
#include <elf.h>

int model_pid;
const char *model_exec_fds;
const char *model_exec_ramfs;
char **environ;

/* ---------- exit ---------- */

#define ATEXIT_MAX 64
static void (*atexit_fns[ATEXIT_MAX])(void);
static int n_atexit;
static volatile int *child_exit_slot;   /* in a forked child: where the parent reads the full exit code */
static int child_exit_fd = -1;          /* its memfd, handed to the image an execve starts (exit_slot_fd) */
const char *model_exec_exit_slot;       /* flat-config key exit_slot_fd */

int atexit(void (*fn)(void))
{
	if (n_atexit >= ATEXIT_MAX) return -1;
	atexit_fns[n_atexit++] = fn;
	return 0;
}

void model_exit_hook(int status)
{
	if (child_exit_slot) { child_exit_slot[0] = status; child_exit_slot[1] = 1; }
}

void model_run_exit(int status)
{
	while (n_atexit > 0) atexit_fns[--n_atexit]();
	model_exit_hook(status);
	for (;;) model_sys(SYS_exit_group, (long)status);
}

void exit(int status) { MODEL_ENTER("exit"); model_run_exit(status); }

void _exit(int status)
{
	MODEL_ENTER("_exit");
	model_exit_hook(status);
	for (;;) model_sys(SYS_exit_group, (long)status);
}

/* ---------- start-up ---------- */

static char *lib_dir;

static void check_imports(void);

__attribute__((constructor(101)))
static void model_libc_init(int argc, char **argv, char **envp)
{
	(void)argc; (void)argv;
	model_glibc_init();
	model_time_init();
	model_config_load(envp);
	model_mem_init_quota();
	model_pid = (int)model_libc_number("pid", 0);
	environ = model_cfg.envp;
	model_fault_handlers_install();
	model_threads_init();
	Dl_info info;
	if (dladdr((void *)model_libc_init, &info) && info.dli_fname) {
		lib_dir = strdup(info.dli_fname);
		char *slash = strrchr(lib_dir, '/');
		if (slash) *slash = 0; else lib_dir = strdup(".");
	}
	check_imports();
	/* Genode's libc calls Libc::Component::construct, which posix.lib.so provides */
	if (!dlopen("posix.lib.so", RTLD_LAZY | RTLD_NOLOAD)) {
		model_error("LD: symbol not found: 'Libc::Component::construct(Libc::Env&)'");
		model_die(127, "model: posix.lib.so is not loaded (link with -Wl,--no-as-needed -l:posix.lib.so); status 127");
	}
}

/* Every symbol the binary imports must come from libc.lib.so or posix.lib.so, as on Genode where nothing else
 * is there to provide it (ld.lib.so: "symbol not found"). Without this check the host's glibc would. */
static void check_imports(void)
{
	struct link_map *lm = dlopen(NULL, RTLD_NOW | RTLD_NOLOAD);
	if (!lm) return;
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const ElfW(Word) *hash = NULL;
	for (const ElfW(Dyn) *d = lm->l_ld; d && d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_SYMTAB) symtab = (const void *)d->d_un.d_ptr;
		if (d->d_tag == DT_STRTAB) strtab = (const void *)d->d_un.d_ptr;
		if (d->d_tag == DT_HASH) hash = (const void *)d->d_un.d_ptr;
	}
	if (!symtab || !strtab || !hash) return;
	unsigned nsyms = hash[1];
	int missing = 0;
	for (unsigned i = 1; i < nsyms; i++) {
		const ElfW(Sym) *s = &symtab[i];
		int bind = ELF64_ST_BIND(s->st_info);
		if (s->st_shndx != SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK) || !s->st_name) continue;
		const char *name = strtab + s->st_name;
		/* weak imports of the C start files, absent on Genode and harmless */
		if (!strcmp(name, "__gmon_start__") || !strncmp(name, "_ITM_", 5) || !strcmp(name, "__cxa_finalize"))
			continue;
		/* a weak import Genode lacks would be NULL there; here the host's glibc would fill it in */
		if (bind == STB_WEAK && !dlsym(RTLD_DEFAULT, name)) continue;
		void *addr = dlsym(RTLD_DEFAULT, name);
		Dl_info di;
		const char *from = (addr && dladdr(addr, &di) && di.dli_fname) ? di.dli_fname : "";
		const char *base = strrchr(from, '/'); base = base ? base + 1 : from;
		if (strcmp(base, "libc.lib.so") && strcmp(base, "posix.lib.so")) {
			model_error("LD: jump slot relocation failed for symbol: '%s'", name);
			missing++;
		}
	}
	if (missing)
		model_die(127, "model: the binary imports %d symbol(s) Genode's libc does not provide (status 127)", missing);
}

static int (*main_fn)(int, char **, char **);

static void main_entry(void *unused)
{
	(void)unused;
	model_fault_init_thread(model_cur);
	if (model_exec_exit_slot) {
		/* the exit-value page of a forked child that called execve */
		long fd = glibc.strtol(model_exec_exit_slot, NULL, 10);
		long p = model_sys(SYS_mmap, 0L, 4096L, (long)(PROT_READ | PROT_WRITE), (long)MAP_SHARED, fd, 0L);
		if (p < 0 && p > -4096) p = 0;
		if (p) { child_exit_slot = (volatile int *)p; child_exit_fd = (int)fd; }
		model_sys(SYS_fcntl, fd, (long)LX_F_SETFD, (long)LX_FD_CLOEXEC);
	}
	if (model_exec_ramfs) model_vfs_ram_restore(model_exec_ramfs);
	if (model_exec_fds) model_fd_exec_restore(model_exec_fds);
	model_io_init();
	int r = main_fn(model_cfg.argc, model_cfg.argv, model_cfg.envp);
	exit(r);
}

/* Called by posix.lib.so's constructor: Libc::Component::construct -> main on the application stack. */
void __model_component_start(int (*fn)(int, char **, char **))
{
	main_fn = fn;
	model_call_on_stack(model_slot_top(model_cur->slot) - 64, main_entry, NULL);
	model_run_exit(0);
}

/* ---------- identity ---------- */

int getpid(void) { MODEL_ENTER("getpid"); return model_pid; }
int getppid(void) { MODEL_ENTER("getppid"); return model_errno(FB_ENOSYS); }
int issetugid(void) { MODEL_ENTER("issetugid"); return 1; }

#define SILENT0(name) unsigned name(void) { MODEL_ENTER(#name); model_errno(FB_ENOSYS); return 0; }
SILENT0(getuid)
SILENT0(geteuid)
SILENT0(getgid)
SILENT0(getegid)

#define DUMMY(ret, val, name, params) \
	ret name params { MODEL_ENTER(#name); model_warning(#name ": " #name " not implemented"); \
	                  model_errno(FB_ENOSYS); return val; }
DUMMY(int, -1, getgroups, (int n, unsigned *g))
DUMMY(int, -1, setgroups, (int n, const unsigned *g))
DUMMY(int, -1, setuid, (unsigned u))
DUMMY(int, -1, setgid, (unsigned g))
DUMMY(int, -1, seteuid, (unsigned u))
DUMMY(int, -1, setegid, (unsigned g))
DUMMY(int, -1, setreuid, (unsigned a, unsigned b))
DUMMY(int, -1, setregid, (unsigned a, unsigned b))
DUMMY(int, -1, setsid, (void))
DUMMY(int, -1, setpgid, (int a, int b))
DUMMY(int, -1, getpgrp, (void))
DUMMY(int, -1, getsid, (int p))
DUMMY(int, -1, getpriority, (int a, int b))
DUMMY(int, -1, setpriority, (int a, int b, int c))
DUMMY(int, -1, getrusage, (int who, void *ru))
DUMMY(int, -1, setrlimit, (int r, const void *l))

/* ---------- limits and system information ---------- */

struct f_rlimit { int64_t cur, max; };

int getrlimit(int res, struct f_rlimit *r)
{
	MODEL_ENTER("getrlimit");
	if (res == FB_RLIMIT_STACK) { r->cur = -1; r->max = -1; return 0; }
	if (res == FB_RLIMIT_AS || res == FB_RLIMIT_DATA) {
		r->cur = 0x7fffffffffffffffL; r->max = 0x7fffffffffffffffL; return 0;
	}
	if (res == FB_RLIMIT_NOFILE) { r->cur = 1024; r->max = 1024; return 0; }
	model_warning("getrlimit called for unsupported resource %d, returning 0", res);
	r->cur = 0; r->max = 0;
	return 0;
}

int getdtablesize(void) { MODEL_ENTER("getdtablesize"); return 1024; /* MAX_NUM_FDS, fd_alloc.h */ }

static long ncpu(void)
{
	long n = model_libc_number("ncpu", 0);
	if (n > 0) return n;
	unsigned char mask[128];
	long r = model_sys(SYS_sched_getaffinity, 0L, (long)sizeof mask, (long)mask);
	if (r <= 0) return 1;
	long c = 0;
	for (long i = 0; i < r; i++) c += __builtin_popcount(mask[i]);
	return c ? c : 1;
}

long sysconf(int name)
{
	MODEL_ENTER("sysconf");
	switch (name) {
	case FB__SC_CHILD_MAX:   return 40;     /* CHILD_MAX */
	case FB__SC_CLK_TCK:     return 128;    /* STATHZ */
	case FB__SC_OPEN_MAX:    return getdtablesize();
	case FB__SC_PAGESIZE:    return 4096;
	case FB__SC_PHYS_PAGES:  return (long)(model_cfg.ram_quota / 4096);
	case FB__SC_NPROCESSORS_CONF: case FB__SC_NPROCESSORS_ONLN: return ncpu();   /* affinity space */
	case FB__SC_GETPW_R_SIZE_MAX: return -1;
	default:
		model_warning("sysconf(%d) not implemented", name);
		return model_errno(FB_EINVAL);
	}
}

int getpagesize(void) { MODEL_ENTER("getpagesize"); return 4096; }

int getentropy(void *buf, size_t len);

/* __sysctl of sysctl.cc, including its fall-through from CTL_KERN into CTL_HW */
static int genode_sysctl(const int *name, unsigned namelen, void *oldp, size_t *oldlenp, const void *newp)
{
	if (!oldp) return model_errno(newp ? FB_EPERM : FB_EINVAL);
	if (namelen != 2) return model_errno(FB_ENOENT);
	if (name[0] == 0 && name[1] == 3) return model_errno(FB_ENOENT);
	char *buf = oldp;
	int a = name[0], b = name[1];
	memset(buf, 0, *oldlenp);
	switch (a) {
	case FB_CTL_KERN:
		if (b == FB_KERN_ARND) return getentropy(oldp, *oldlenp);
		/* Genode's switch has no break here */
		__attribute__((fallthrough));
	case FB_CTL_HW:
		switch (b) {
		case FB_HW_REALMEM: case FB_HW_PHYSMEM: case FB_HW_USERMEM:
			if (*oldlenp == 4) *(int32_t *)oldp = (int32_t)model_cfg.ram_quota;
			else if (*oldlenp == 8) *(int64_t *)oldp = (int64_t)model_cfg.ram_quota;
			else return model_errno(FB_EINVAL);
			return 0;
		case FB_HW_PAGESIZE: *(int *)oldp = 4096; *oldlenp = sizeof(int); return 0;
		case FB_HW_FLOATINGPT: *(int *)oldp = 1; *oldlenp = sizeof(int); return 0;
		}
		break;
	case FB_CTL_P1003_1B:
		if (b == FB_CTL_P1003_1B_PAGESIZE) { *(int *)oldp = 4096; *oldlenp = sizeof(int); return 0; }
		break;
	}
	switch (a) {
	case FB_CTL_KERN:
		switch (b) {
		case FB_KERN_OSTYPE: snprintf_int(buf, *oldlenp, "%s", "Genode"); return 0;
		case FB_KERN_OSRELEASE: case FB_KERN_OSREV: case FB_KERN_VERSION: return 0;
		case FB_KERN_HOSTNAME: snprintf_int(buf, *oldlenp, "%s", "localhost"); return 0;   /* unreachable: see above */
		}
		break;
	case FB_CTL_HW:
		switch (b) {
		case FB_HW_MACHINE: return 0;
		case FB_HW_NCPU: *(int *)oldp = (int)ncpu(); *oldlenp = sizeof(int); return 0;
		}
		break;
	}
	model_warning("missing sysctl for [%d][%d]", a, b);
	return model_errno(FB_ENOENT);
}

int sysctl(const int *name, unsigned namelen, void *oldp, size_t *oldlenp, const void *newp, size_t newlen)
{
	MODEL_ENTER("sysctl"); (void)newlen;
	return genode_sysctl(name, namelen, oldp, oldlenp, newp);
}

int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, const void *newp, size_t newlen)
{
	MODEL_ENTER("sysctlbyname"); (void)name; (void)newlen; (void)newp;
	/* FreeBSD's sysctlnametomib asks for MIB {0, 3}, which Genode refuses */
	int mib[2] = { 0, 3 };
	char tmp[64];
	size_t len = sizeof tmp;
	(void)oldp; (void)oldlenp;
	return genode_sysctl(mib, 2, tmp, &len, NULL);
}

struct f_utsname { char sysname[256], nodename[256], release[256], version[256], machine[256]; };

/* FreeBSD's __xuname over Genode's sysctl */
int uname(struct f_utsname *u)
{
	MODEL_ENTER("uname");
	int mib[2];
	size_t len;
	mib[0] = 1; mib[1] = 1; len = 256; if (genode_sysctl(mib, 2, u->sysname, &len, NULL)) return -1;
	mib[0] = 1; mib[1] = 10; len = 256; if (genode_sysctl(mib, 2, u->nodename, &len, NULL)) return -1;
	mib[0] = 1; mib[1] = 2; len = 256; if (genode_sysctl(mib, 2, u->release, &len, NULL)) return -1;
	mib[0] = 1; mib[1] = 4; len = 256; if (genode_sysctl(mib, 2, u->version, &len, NULL)) return -1;
	mib[0] = 6; mib[1] = 1; len = 256; if (genode_sysctl(mib, 2, u->machine, &len, NULL)) return -1;
	return 0;
}

int gethostname(char *name, size_t n)
{
	MODEL_ENTER("gethostname");
	int mib[2] = { 1, 10 };
	size_t len = n;
	return genode_sysctl(mib, 2, name, &len, NULL) ? -1 : 0;
}

/* ---------- entropy ---------- */

int     open(const char *, int, ...);
long    read(int, void *, size_t);

static uint64_t fallback_state;
static int rng_fallback;
static int rng_fd = -1;

static long read_rng(char *buf, size_t len)
{
	if (rng_fallback) {
		for (size_t off = 0; off < len; off += 4) {
			/* random(): 31 bits per call, insecure */
			fallback_state = fallback_state * 6364136223846793005ULL + 1442695040888963407ULL;
			uint32_t v = (uint32_t)(fallback_state >> 33);
			memcpy(buf + off, &v, len - off < 4 ? len - off : 4);
		}
		return (long)len;
	}
	if (rng_fd == -1) {
		const char *rng = model_libc_attr("rng");
		if (!rng || strlen(rng) <= 1) {
			model_warning("Libc RNG not configured");
			fallback_state = model_uptime_us() | 1;
			rng_fallback = 1;
			return read_rng(buf, len);
		}
		rng_fd = open(rng, 0);
		if (rng_fd == -1) {
			model_error("RNG device %s not readable!", rng);
			model_run_exit(~0);
		}
	}
	return read(rng_fd, buf, len);
}

long getrandom(void *buf, size_t len, unsigned flags)
{
	MODEL_ENTER("getrandom"); (void)flags;
	size_t off = 0;
	while (off < len && off < 256) {
		long n = read_rng((char *)buf + off, len - off);
		if (n < 1) return model_errno(FB_EIO);
		off += (size_t)n;
	}
	return (long)off;
}

int getentropy(void *buf, size_t len)
{
	MODEL_ENTER("getentropy");
	if (len > 256) return model_errno(FB_EIO);
	size_t off = 0;
	while (off < len) {
		long n = read_rng((char *)buf + off, len - off);
		if (n < 1) return model_errno(FB_EIO);
		off += (size_t)n;
	}
	return 0;
}

/* FreeBSD's arc4random, seeded through sysctl KERN_ARND (= getentropy). The model's generator is not
 * cryptographic; what it models is where the seed comes from (and the warning without <libc rng>). */
static uint64_t arc_state[2];
static size_t arc_left;

void arc4random_buf(void *buf, size_t n)
{
	MODEL_ENTER("arc4random_buf");
	unsigned char *p = buf;
	while (n > 0) {
		if (arc_left == 0) {
			int mib[2] = { 1, 37 };
			size_t len = sizeof arc_state;
			genode_sysctl(mib, 2, arc_state, &len, NULL);
			arc_state[0] |= 1;
			arc_left = 1600000;
		}
		uint64_t x = arc_state[0], y = arc_state[1];
		arc_state[0] = y; x ^= x << 23;
		arc_state[1] = x ^ y ^ (x >> 17) ^ (y >> 26);
		uint64_t v = arc_state[1] + y;
		size_t k = n < 8 ? n : 8;
		memcpy(p, &v, k);
		p += k; n -= k;
		arc_left = arc_left > k ? arc_left - k : 0;
	}
}

/* ---------- fork, wait ---------- */

struct child { int pid; int linux_pid; volatile int *slot; int exited; int code; struct child *next; };
static struct child *children;
static int pid_cnt;

int fork(void)
{
	MODEL_ENTER("fork");
	struct model_thread *me = model_thread_self();
	/* Genode's wait4 reports the child's whole exit value (fork.cc); a host status keeps 8 bits. The child writes
	 * the value into a shared page, a memfd so that the page outlives the child's execve. */
	long mfd = model_sys(SYS_memfd_create, (long)"genode-exit", (long)LX_MFD_CLOEXEC);
	if (mfd >= 0) model_sys(SYS_ftruncate, mfd, 4096L);
	volatile int *slot = (volatile int *)model_sys(SYS_mmap, 0L, 4096L, (long)(PROT_READ | PROT_WRITE),
	                                               mfd >= 0 ? (long)MAP_SHARED : (long)(MAP_SHARED | MAP_ANONYMOUS),
	                                               mfd, 0L);
	int pid = ++pid_cnt;
	model_mem_prefork();
	int r = glibc.fork();
	if (r != 0) model_mem_postfork();
	if (r < 0) { if (mfd >= 0) model_sys(SYS_close, mfd); return model_errno(model_errno_from_linux(-r)); }
	if (r == 0) {
		child_exit_slot = slot;
		child_exit_fd = (int)mfd;
		model_pid = pid;
		children = NULL;
		pid_cnt = 0;
		/* before PR_SET_PDEATHSIG, which follows the forking thread: this one may end before the line is out */
		if (!me->is_main) {
			model_mem_postfork();
			model_error("model: fork called on thread '%s': the forked child resumes the main thread's "
			            "context with another thread's stack (libc/fork.cc, kernel.cc); ending the child", me->name);
			model_exit_hook(139);
			model_sys(SYS_exit_group, 139L);
		}
		/* hosted by the component: ends with it (PR_SET_PDEATHSIG; the main thread lives as long) */
		model_sys(SYS_prctl, 1L, 9L);
		model_mem_after_fork_child();
		model_threads_after_fork_child();
		model_fd_after_fork_child();
		return 0;
	}
	if (mfd >= 0) model_sys(SYS_close, mfd);
	struct child *c = calloc(1, sizeof *c);
	c->pid = pid; c->linux_pid = r; c->slot = slot;
	c->next = children; children = c;
	return pid;
}

int vfork(void) { MODEL_ENTER("vfork"); return fork(); }

static int child_poll(struct child *c)
{
	if (c->exited) return 1;
	int st = 0;
	int r = (int)model_sys(SYS_wait4, (long)c->linux_pid, (long)&st, (long)LX_WNOHANG, 0L);
	if (r != c->linux_pid) return 0;
	c->exited = 1;
	if (c->slot[1]) c->code = c->slot[0];
	else if ((st & 0x7f) == 0) c->code = (st >> 8) & 0xff;
	else c->code = 139;
	return 1;
}

struct wait_req { int pid; struct child *found; };

static int any_exited(void *p)
{
	struct wait_req *w = p;
	for (struct child *c = children; c; c = c->next)
		if ((w->pid == -1 || w->pid == c->pid) && child_poll(c)) { w->found = c; return 1; }
	return 0;
}

int waitpid(int pid, int *status, int options)
{
	MODEL_ENTER("waitpid");
	struct wait_req w = { pid, NULL };
	if (options & FB_WNOHANG) any_exited(&w);
	else model_block_until_sync(any_exited, &w, -1);
	if (!w.found) return -1;   /* errno untouched, as fork.cc's wait4 */
	struct child *c = w.found;
	for (struct child **p = &children; *p; p = &(*p)->next) if (*p == c) { *p = c->next; break; }
	if (status) *status = ((c->code >> 8) & 0x7f) | ((c->code & 0xff) << 8);
	int r = c->pid;
	model_sys(SYS_munmap, (long)c->slot, 4096L);
	free(c);
	return r;
}

int wait(int *status) { MODEL_ENTER("wait"); return waitpid(-1, status, 0); }

/* ---------- execve ---------- */

static char *percent(const char *s)
{
	size_t n = strlen(s);
	char *o = malloc(3 * n + 1), *w = o;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '%' || c == '\t' || c == '\n' || c < 32) { snprintf_int(w, 4, "%%%02X", c); w += 3; }
		else *w++ = (char)c;
	}
	*w = 0;
	return o;
}

struct sbuf { char *p; size_t len, cap; };
static void sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) { b->cap = 2 * (b->len + n + 1); b->p = realloc(b->p, b->cap); }
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

/* ld.lib.so's own checks of a new image (host/cmd/genode-ldcheck): not the port's symbol-table or instruction rules */
static int run_ldcheck(const char *host_path)
{
	char tool[4096];
	snprintf_int(tool, sizeof tool, "%s/../bin/genode-ldcheck", lib_dir ? lib_dir : ".");
	char *argv[] = { tool, (char *)"-q", (char *)host_path, NULL };
	int pid;
	if (glibc.posix_spawn(&pid, tool, NULL, NULL, argv, model_host_envp) != 0) {
		model_log("model: execve: cannot run %s; skipping the loader checks", tool);
		return 0;
	}
	int st = 0;
	glibc.waitpid(pid, &st, 0);
	return (st & 0x7f) == 0 && ((st >> 8) & 0xff) == 0 ? 0 : -1;
}

int execve(const char *filename, char *const argv[], char *const envp[])
{
	MODEL_ENTER("execve");
	model_io_close_on_exec();
	char path[4096], host[4096], view[4096];
	snprintf_int(path, sizeof path, "%s", filename);
	/* argument list, extended by "#!" interpreters */
	size_t nargs = 0;
	while (argv && argv[nargs]) nargs++;
	char **args = calloc(nargs + 16, sizeof *args);
	for (size_t i = 0; i < nargs; i++) args[i] = argv[i];
	int level;
	for (level = 0; level < 4; level++) {
		const struct model_vfs_node *node = NULL;
		if (model_vfs_resolve(path, 1, &node, host, sizeof host, view, sizeof view) != 0) {
			model_warning("execve: executable binary '%s' does not exist", filename);
			return model_errno(FB_ENOENT);
		}
		long fd = model_sys(SYS_openat, (long)LX_AT_FDCWD, (long)host, 0L, 0L);
		char head[256];
		long n = fd >= 0 ? model_sys(SYS_read, fd, (long)head, (long)sizeof head - 1) : -1;
		if (fd >= 0) model_sys(SYS_close, fd);
		if (n < 0) {
			model_warning("execve: executable binary inaccessible as ROM module");
			return model_errno(FB_ENOENT);
		}
		head[n] = 0;
		if (n >= 4 && !memcmp(head, "\177ELF", 4)) break;
		if (n < 2 || head[0] != '#' || head[1] != '!') {
			model_warning("invalid executable binary format: %s", view);
			return model_errno(FB_ENOEXEC);
		}
		/* execve.cc: the interpreter path and its arguments, the script's path, then the caller's arguments
		 * without its argv[0] (at every level: a nested interpreter gets the caller's, not the outer ones') */
		char *words[8]; int nw = 0;
		char *q = head + 2;
		char *eol = strchr(q, '\n'); if (eol) *eol = 0;
		while (*q && nw < 8) {
			while (*q == ' ' || *q == '\t') q++;
			if (!*q) break;
			words[nw++] = q;
			while (*q && *q != ' ' && *q != '\t') q++;
			if (*q) *q++ = 0;
		}
		if (!nw) { model_warning("invalid executable binary format: %s", view); return model_errno(FB_ENOEXEC); }
		size_t orig = 0;
		while (argv && argv[orig]) orig++;
		char **nargs_v = calloc(orig + (size_t)nw + 16, sizeof *nargs_v);
		size_t k = 0;
		for (int i = 0; i < nw; i++) nargs_v[k++] = strdup(words[i]);
		nargs_v[k++] = strdup(view);
		for (size_t i = 1; i < orig; i++) nargs_v[k++] = argv[i];
		args = nargs_v; nargs = k;
		snprintf_int(path, sizeof path, "%s", words[0]);
	}
	if (level == 4) { model_warning("invalid executable binary format: %s", view); return model_errno(FB_ENOEXEC); }
	if (run_ldcheck(host) != 0) {
		model_error("Dynamic_linker::respawn could not obtain binary entry point");
		return model_errno(FB_EACCES);
	}
	/* the new image: same component config, new binary, arguments and environment */
	struct sbuf cfg = { 0 };
	const char *t = model_config_text;
	while (t && *t) {
		const char *e = strchr(t, '\n');
		size_t l = e ? (size_t)(e - t) : strlen(t);
		int drop = (!strncmp(t, "arg\t", 4) || !strncmp(t, "env\t", 4) || !strncmp(t, "binary\t", 7) ||
		            !strncmp(t, "exec_fds\t", 9) || !strncmp(t, "exec_ramfs\t", 11) || !strncmp(t, "exit_slot_fd\t", 13));
		if (!drop) { char *line = strndup(t, l); sb_add(&cfg, line); sb_add(&cfg, "\n"); free(line); }
		t = e ? e + 1 : t + l;
	}
	char *enc = percent(host);
	sb_add(&cfg, "binary\t"); sb_add(&cfg, enc); sb_add(&cfg, "\n"); free(enc);
	for (size_t i = 0; i < nargs; i++) {
		enc = percent(args[i]); sb_add(&cfg, "arg\t"); sb_add(&cfg, enc); sb_add(&cfg, "\n"); free(enc);
	}
	for (size_t i = 0; envp && envp[i]; i++) {
		const char *eq = strchr(envp[i], '=');
		if (!eq) continue;
		char *k = strndup(envp[i], (size_t)(eq - envp[i]));
		char *ek = percent(k), *ev = percent(eq + 1);
		sb_add(&cfg, "env\t"); sb_add(&cfg, ek); sb_add(&cfg, "\t"); sb_add(&cfg, ev); sb_add(&cfg, "\n");
		free(k); free(ek); free(ev);
	}
	const char *st = model_fd_exec_state();
	if (st) { enc = percent(st); sb_add(&cfg, "exec_fds\t"); sb_add(&cfg, enc); sb_add(&cfg, "\n"); free(enc); }
	if (child_exit_fd >= 0) {
		char num[32];
		model_sys(SYS_fcntl, (long)child_exit_fd, (long)LX_F_SETFD, 0L);
		snprintf_int(num, sizeof num, "exit_slot_fd\t%d\n", child_exit_fd);
		sb_add(&cfg, num);
	}
	char ram_path[128];
	snprintf_int(ram_path, sizeof ram_path, "/tmp/genode-model-ram.%ld.%lu", model_sys(SYS_getpid),
	             (unsigned long)model_uptime_us());
	if (model_vfs_ram_save(ram_path) == 0) {
		sb_add(&cfg, "exec_ramfs\t"); sb_add(&cfg, ram_path); sb_add(&cfg, "\n");
	}
	char cfg_path[128];
	snprintf_int(cfg_path, sizeof cfg_path, MODEL_EXEC_CONFIG_PREFIX "%ld.%lu", model_sys(SYS_getpid),
	             (unsigned long)model_uptime_us());
	long fd = model_sys(SYS_openat, (long)LX_AT_FDCWD, (long)cfg_path, (long)(LX_O_WRONLY | LX_O_CREAT | LX_O_TRUNC),
	                    0600L);
	if (fd < 0) { model_error("model: execve: cannot write %s", cfg_path); return model_errno(FB_EACCES); }
	model_sys(SYS_write, fd, (long)cfg.p, (long)cfg.len);
	model_sys(SYS_close, fd);

	/* Linux environment: the loader's, with GENODE_MODEL_CONFIG pointing at the new file */
	size_t ne = 0;
	while (model_host_envp && model_host_envp[ne]) ne++;
	char **lenv = calloc(ne + 2, sizeof *lenv);
	size_t k = 0;
	for (size_t i = 0; i < ne; i++)
		if (strncmp(model_host_envp[i], "GENODE_MODEL_CONFIG=", 20)) lenv[k++] = model_host_envp[i];
	char *cv = malloc(strlen(cfg_path) + 32);
	snprintf_int(cv, strlen(cfg_path) + 32, "GENODE_MODEL_CONFIG=%s", cfg_path);
	lenv[k++] = cv;
	char loader[4096];
	long ln = model_sys(SYS_readlinkat, (long)LX_AT_FDCWD, (long)"/proc/self/exe", (long)loader,
	                    (long)sizeof loader - 1);
	if (ln < 0) return model_errno(FB_EACCES);
	loader[ln] = 0;
	/* under qemu-user (GENODE_MODEL_EMULATOR, host/launch/arch.go) the kernel cannot run the loader itself */
	char *emu = NULL;
	for (size_t i = 0; i < ne; i++)
		if (!strncmp(model_host_envp[i], "GENODE_MODEL_EMULATOR=", 22) && model_host_envp[i][22])
			emu = model_host_envp[i] + 22;
	char *largv[] = { emu, loader, (char *)"--library-path", lib_dir, host, NULL };
	char **lv = emu ? largv : largv + 1;
	long r = model_sys(SYS_execve, (long)lv[0], (long)lv, (long)lenv);
	model_sys(SYS_unlinkat, (long)LX_AT_FDCWD, (long)cfg_path, 0L);
	model_sys(SYS_unlinkat, (long)LX_AT_FDCWD, (long)ram_path, 0L);
	model_error("model: execve of the loader failed (%ld)", r);
	return model_errno(FB_EACCES);
}

void __model_missing_main(void)
{
	model_error("LD: Reloc_non_plt(posix.lib.so): symbol not found: 'main'");
	model_die(127, "model: the binary exports no 'main' (status 127)");
}

/* ---------- posix_spawn (FreeBSD 12 lib/libc/gen/posix_spawn.c) ---------- */

/*
 * FreeBSD's code runs the child through vfork and reports an exec failure through memory it shares with the
 * parent; Genode's vfork is fork, so that report never arrives: the parent gets 0 and the pid, the child exits
 * with status 127. File actions and attributes are FreeBSD's opaque objects, which the port does not import, so
 * only NULL ones are meaningful here.
 */
int posix_spawn(int *pid, const char *path, const void *const *fa, const void *const *sa, char *const argv[],
                char *const envp[])
{
	MODEL_ENTER("posix_spawn");
	int p = fork();
	if (p < 0) return *model_errno_slot();
	if (p == 0) {
		if ((fa && *fa) || (sa && *sa)) _exit(127);
		execve(path, argv, envp ? envp : environ);
		_exit(127);
	}
	if (pid) *pid = p;
	return 0;
}
