/*
 * Internal interface of the model of Genode's libc on Linux (libc.lib.so, posix.lib.so).
 * Shared by the model's translation units; never installed for programs.
 *
 * Conventions:
 *  - Every exported libc entry point starts with MODEL_ENTER("name"): it checks that the caller runs on a
 *    stack-area stack (else diagnostic naming the function and exit 134), and notes that the calling thread is
 *    inside the libc (the main thread being inside the libc is what lets other threads' I/O proceed).
 *  - Exported entry points take and return FreeBSD-12 values (flags, errno, struct layouts from
 *    host/include/genode/); they translate to Linux and call the kernel through model_sys*() (raw syscalls), never
 *    through glibc's same-named functions (those names are ours in this library).
 *  - errno: set with model_errno(E_FREEBSD_VALUE); __error() returns the calling thread's FreeBSD errno slot.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

/* ---- configuration (model_config.c): parsed from GENODE_MODEL_CONFIG before main ---- */
struct model_vfs_node {
	const char *path;      /* absolute path in the component's view, e.g. "/tmp" */
	const char *type;      /* dir fs ram inline rom null zero log terminal rtc pipe symlink socket rng */
	const char *host;      /* fs/inline/rom: host path, else NULL */
	int         writeable; /* fs: 1 if writeable="yes" */
	const char *target;    /* symlink target, else NULL */
	const char *extra;     /* remaining name=value fields, space separated (space and '%' in a field %-encoded), else NULL */
	/* appended: the same fields, whole and decoded (see model_vfs_field) */
	const char **fields;
	size_t       n_fields;
};
struct model_config {
	const char *component;
	const char *binary;
	uint64_t    ram_quota;
	uint64_t    caps_quota;
	int         strict;
	unsigned    watchdog_ms;
	int         argc;
	char      **argv;
	char      **envp;
	size_t      n_vfs;
	struct model_vfs_node *vfs;
	const char *exec_config;
};
extern struct model_config model_cfg;
/* <libc NAME="..."> attribute, NULL when absent */
const char *model_libc_attr(const char *name);

/* ---- diagnostics (model_log.c) ---- */
/* A line of the component's log in Genode's style: "[component] text". */
void model_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A Genode warning ("Warning: ..."): printed, counted; in strict mode ends the component with status 3. */
void model_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error Genode's libc prints before failing ("Error: ..."). */
void model_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned long model_warning_count(void);
/* End the component as Genode would, with a diagnostic line, never returning. */
void model_die(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* ---- threads, stacks, the libc "kernel" (model_thread.c) ---- */
#define MODEL_STACK_AREA_BASE 0x40000000UL
#define MODEL_STACK_AREA_SIZE 0x10000000UL  /* 256 MiB */
#define MODEL_STACK_SLOT_SIZE 0x00100000UL  /* 1 MiB */
void model_enter(const char *fn);            /* see MODEL_ENTER */
void model_leave(void);
#define MODEL_ENTER(fn) model_enter(fn)
int  model_is_main_thread(void);
int *model_errno_slot(void);                 /* the calling thread's FreeBSD errno */
static inline int model_errno(int e) { *model_errno_slot() = e; return -1; }

/*
 * The I/O funnel. On Genode, file, pipe, socket, poll, select and kqueue operations of threads other than the
 * main thread are executed by the main thread while it is blocked inside the libc. model_funnel(fn, arg) runs
 * fn(arg) right away on the main thread, and otherwise queues it, wakes the main thread if it is blocked in the
 * libc, and waits until the main thread has executed it (reporting a stall after watchdog_ms). Blocking entry
 * points on the main thread call model_block_until(): it waits for an event while serving queued requests.
 */
long model_funnel(long (*fn)(void *), void *arg);
/* Block the calling thread inside the libc until ready(arg) is true or timeout_ms (-1: forever) passes.
 * On the main thread this serves funneled requests meanwhile. Returns 1 when ready, 0 on timeout. Other
 * threads call model_kick() when they change state a blocked thread may wait for. */
int  model_block_until(int (*ready)(void *), void *arg, long timeout_ms);
void model_kick(void);

/* ---- memory (model_mem.c) ---- */
/* Charge or release RAM against the quota; exceeding it ends the component (status 137) with Genode's
 * resource-request diagnostic naming the request. */
void model_ram_charge(size_t bytes, const char *what);
void model_ram_release(size_t bytes);

/* ---- raw Linux system calls (model_sys.c): return -errno (Linux) on failure ---- */
long model_sys(long nr, ...);
/* Linux errno → FreeBSD errno. */
int  model_errno_from_linux(int linux_errno);

/* ---- VFS (model_vfs.c): the component's file-system view ---- */
/* Resolve a component path (absolute or relative to the cwd) to a VFS node and a host path inside it.
 * Never yields a host path outside the configured view: "..", symlinks (absolute and relative) and long paths
 * are resolved inside the view. Returns 0 or a FreeBSD errno. */
struct model_vfs_node;
int model_vfs_resolve(const char *path, int follow_last, const struct model_vfs_node **node,
                      char *host_path, size_t host_path_len, char *view_path, size_t view_path_len);

/* ---- file descriptors (model_fd.c): the libc's own fd table ---- */
enum model_fd_kind { MODEL_FD_FREE, MODEL_FD_FILE, MODEL_FD_DIR, MODEL_FD_PIPE, MODEL_FD_SOCKET,
                     MODEL_FD_LOG, MODEL_FD_NULL, MODEL_FD_ZERO, MODEL_FD_RTC, MODEL_FD_RNG, MODEL_FD_TERMINAL,
                     MODEL_FD_KQUEUE, MODEL_FD_SOCKETFS };
struct model_fd;  /* defined in model_fd.c */
int  model_fd_kind(int fd);

/* ---- I/O start-up and hooks (model_fd.c; appended by the io helper) ---- */
/* Open <libc stdin/stdout/stderr> as fds 0-2 and take <libc cwd>; idempotent, also done lazily by the first
 * I/O call. Start-up should call it on the main thread before main so that its warnings come first. */
void  model_io_init(void);
/* File-backed mmap (vfs_plugin.cc): called by mmap for fd != -1 with FreeBSD prot/flags. Returns the mapping,
 * or (void *)-1 with errno set. The memory is obtained through the model's own anonymous mmap (so it is
 * registered and charged there); the caller must not register it again. MAP_PRIVATE: a copy of the file;
 * MAP_SHARED: a copy for ram files and rom modules, ENODEV otherwise; neither flag: NULL (as Genode). */
void *model_file_mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
/* execve: close every fd whose close-on-exec flag is set (execve.cc). */
void  model_io_close_on_exec(void);


/* ---- appended by the core helper: optional hooks of the I/O part (weak: the core links without them) ---- */
/* execve: hand the fd table to the new image as one string (valid until the exec); the new image passes it to
 * model_fd_exec_restore() before main. Without them the new image starts with <libc stdin/stdout/stderr> only. */
const char *model_fd_exec_state(void) __attribute__((weak));
void        model_fd_exec_restore(const char *state) __attribute__((weak));
/* fork: called in the child before fork returns 0 there. */
void        model_fd_after_fork_child(void) __attribute__((weak));
/* Start-up order: core's constructor (priority 101) parses the config and sets up the stack area and the main
 * thread before any other constructor of libc.lib.so runs; main is called later from posix.lib.so's
 * constructor, on the main thread's stack-area stack, after model_io_init(). */
/* ---- appended by the issue-3 helper ---- */
/* An attribute of a <libc> sub node (<passwd>, <group>): flat-config key "libc_sub" node name value; NULL if absent. */
const char *model_libc_sub_attr(const char *node, const char *name);
/* ITIMER_REAL (alarm.cc): arm (0 disarms) in ms, time left in ms, and the check the blocked main thread makes. */
void     model_alarm_arm(uint64_t ms);
uint64_t model_alarm_left_ms(void);
void     model_alarm_check(void);
uint64_t model_uptime_us(void);
/* <libc><fd id path readable writeable cloexec seek> nodes (kernel.cc), flat-config key "libc_fd". */
struct model_libc_fd { int id; const char *path; int readable, writeable, cloexec; uint64_t seek; };
const struct model_libc_fd *model_libc_fds(size_t *n);
/* The value of a VFS node's name=value field (e.g. "label"), decoded; NULL if absent. */
const char *model_vfs_field(const struct model_vfs_node *v, const char *name);

#endif
