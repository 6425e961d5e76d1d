/*
 * Internal interface of the model of Genode's libc on Linux (libc.lib.so): what every unit of host/libc may
 * use. The units call each other freely (processes call the VFS and the fd table for execve and fork, the fd
 * table calls the thread funnel, the string functions call malloc); model_vfs.h and model_fd.h add the internals
 * of the VFS and the fd table for the units that implement files, pipes, sockets and polling.
 *
 * Conventions:
 *  - Every exported libc entry point starts with MODEL_ENTER("name"): it checks that the caller runs on a
 *    stack-area stack (else a diagnostic naming the function and status 134), and notes that the calling thread
 *    is inside the libc (the main thread being inside the libc is what lets other threads' I/O proceed).
 *  - Exported entry points take and return FreeBSD-12 values (freebsd.h: FB_ names and fb_ structures); they
 *    translate to Linux (linux.h) and call the kernel through model_sys() (raw system calls), never through
 *    glibc's same-named functions (those names are the model's in this library).
 *  - errno: set with model_errno(FB_E...); __error() returns the calling thread's FreeBSD errno slot.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include "freebsd.h"

/* ---- configuration (model_config.c): the flat file of GENODE_MODEL_CONFIG (host/MODEL-CONFIG.md) ---- */
struct model_vfs_node {
	const char *path;      /* absolute path in the component's view, e.g. "/tmp" */
	const char *type;      /* dir fs ram inline rom null zero log terminal rtc pipe symlink socket rng */
	const char *host;      /* fs/inline/rom: host path, else NULL */
	int         writeable; /* fs: 1 if writeable="yes" */
	const char *target;    /* symlink target, else NULL */
	const char *extra;     /* remaining name=value fields, space separated (space and '%' in a field %-encoded), else NULL */
	/* the same fields, whole and decoded (see model_vfs_field) */
	const char **fields;
	size_t       n_fields;
	/* a file of a plugin's own making, not of a flat-config line (model_vfs_expand): type "readonly_value", the
	 * value it shows ("info", "rows", ...) and the index of the node it belongs to; NULL and 0 otherwise */
	const char *value;
	size_t      owner;
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

/* <libc NAME="..."> attribute, NULL when absent */
const char *model_libc_attr(const char *name);
/* <libc NAME> as a number, dflt when absent */
int64_t model_libc_number(const char *name, int64_t dflt);
/* An attribute of a <libc> sub node (<passwd>, <group>): flat-config key "libc_sub" node name value; NULL if absent. */
const char *model_libc_sub_attr(const char *node, const char *name);
/* <libc><fd id path readable writeable cloexec seek> nodes (kernel.cc), flat-config key "libc_fd". */
struct model_libc_fd { int id; const char *path; int readable, writeable, cloexec; uint64_t seek; };
const struct model_libc_fd *model_libc_fds(size_t *n);
/* The value of a VFS node's name=value field (e.g. "label"), decoded; NULL if absent. */
const char *model_vfs_field(const struct model_vfs_node *v, const char *name);
void model_config_load(char **host_envp);
/* Adds the nodes a plugin makes of one config node (the terminal's hidden .NAME directory); model_config_load
 * calls it once the vfs lines are read. */
void model_vfs_expand(void);
extern const char *model_config_text;      /* the raw file, for execve */
#define MODEL_EXEC_CONFIG_PREFIX "/tmp/genode-model-exec."   /* an execve's config, removed once read */
extern size_t      model_config_text_len;
extern char      **model_host_envp;        /* the Linux environment the loader got */
extern const char *model_exec_fds;         /* flat-config key exec_fds: the fd table handed over by execve */
extern const char *model_exec_ramfs;       /* exec_ramfs: host file with the RAM file systems handed over by execve */
extern const char *model_exec_exit_slot;   /* exit_slot_fd: a forked child's exit-value page, kept across execve */

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

void model_log_write(const char *s, size_t n);

/* ---- the host's glibc underneath and formatting (model_glibc.c) ---- */
/* glibc's own functions, found with dlsym(RTLD_NEXT): the model's exported names shadow them. */
struct model_glibc {
	int  (*pthread_create)(unsigned long *, const void *, void *(*)(void *), void *);
	int  (*pthread_join)(unsigned long, void **);
	int  (*pthread_attr_init)(void *);
	int  (*pthread_attr_destroy)(void *);
	int  (*pthread_attr_setstack)(void *, void *, size_t);
	int  (*sigaction)(int, const void *, void *);
	int  (*vsnprintf)(char *, size_t, const char *, va_list);
	int  (*fork)(void);
	int  (*posix_spawn)(int *, const char *, const void *, const void *, char *const[], char *const[]);
	int  (*waitpid)(int, int *, int);
	long (*strtol)(const char *, char **, int);
	unsigned long (*strtoul)(const char *, char **, int);
};
extern struct model_glibc glibc;
void model_glibc_init(void);

int snprintf_int(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf_int(char *buf, size_t n, const char *fmt, va_list ap);

/* ---- byte helpers (model_cstr.c, beside the exported string functions the model uses itself) ---- */
void  model_strlcpy(char *d, const char *s, size_t n);   /* always terminated when n > 0 */
char *model_put_num(char *o, long v);                     /* decimal digits of v at o; returns the end */

/* ---- raw Linux system calls (model_sys.c): return -errno (Linux) on failure ---- */
long model_sys(long nr, ...);
/* Linux errno → FreeBSD errno. */
int  model_errno_from_linux(int linux_errno);
/* A model_sys() result with a Linux -errno made a -FB errno. */
long model_sys_result(long r);

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
/* Block the calling thread inside the libc until ready(arg) is true or timeout_ms (-1: forever) passes; returns
 * 1 when ready, 0 on timeout. The thread sleeps until a kick (model_kick and friends, called by threads that change
 * state a blocked thread may wait for; a queued request wakes the main thread) or 1 ms has passed (10 ms once the
 * wait is old), since child processes send no kick, then checks ready again. On the main thread each round first
 * executes the queued requests and the ITIMER_REAL check. */
int  model_block_until(int (*ready)(void *), void *arg, long timeout_ms);
/* The same for a condition that only the host fds in wake[0..n) (their events) and model_kick() can change:
 * the thread sleeps in the host's poll on them, as Genode's libc sleeps until an I/O-progress signal of the VFS,
 * instead of re-checking every millisecond. */
struct lx_pollfd;
int  model_block_until_fds(int (*ready)(void *), void *arg, long timeout_ms, const struct lx_pollfd *wake, int n);
#define MODEL_WAKE_MAX 1024   /* more host fds than this: re-checks, as model_block_until */
/* The same for a condition of a synchronisation object (mutex, condition, semaphore, thread exit, sleep), which
 * only model_kick() and model_kick_sync() end. */
int  model_block_until_sync(int (*ready)(void *), void *arg, long timeout_ms);
/* The same for a condition of one object (key): only model_kick(), model_kick_sync() and model_kick_key(key)
 * end it, as Genode's libc blocks a waiter on the object's own applicants (pthread.cc), not on every object. */
int  model_block_until_key(int (*ready)(void *), void *arg, long timeout_ms, const void *key);
void model_kick(void);        /* every sleeper */
void model_kick_sync(void);   /* sleepers on synchronisation objects */
void model_kick_key(const void *key);   /* sleepers on the object key, and those on no particular object */
void model_kick_io(void);     /* sleepers on I/O */

#define MODEL_THREAD_MAGIC 0x67656e6fU
#define MODEL_KEYS_MAX 256
struct model_thread {
	uint32_t magic;
	int      slot;
	int      is_main;
	int      errno_val;
	struct model_thread *owner;   /* secondary stacks (signal, sigaltstack): the thread that owns them */
	char     name[32];
	void  *(*start)(void *);
	void    *arg;
	void    *retval;
	volatile int exited;
	int      detached;
	int      reaped;
	int      never_started;       /* the stack area was exhausted: Genode's Thread::start() failed silently */
	unsigned long real;           /* glibc pthread_t */
	size_t   stack_size;          /* bytes charged */
	uintptr_t map_lo, map_hi;     /* committed stack range */
	void    *keys[MODEL_KEYS_MAX];
	void    *linux_altstack;
	int      kick_fd1;            /* 1 + the eventfd that a kick writes while the thread sleeps in the host's poll */
	volatile int wake;            /* the word the thread sleeps on, bumped by a kick */
	volatile int in_poll;         /* asleep in the host's poll: a kick writes the eventfd */
	int      wait_cls;            /* what it sleeps for (model_thread.c) */
	const void *wait_key;         /* the object of a synchronisation wait, or NULL for any */
};
#define MODEL_THREAD_PAGE 0x3000UL
struct model_thread *model_thread_self(void);          /* from the stack pointer; NULL off the stack area */
struct model_thread *model_slot_thread(int slot);
int  model_slot_alloc(void);                            /* -1 when the stack area is exhausted */
void model_slot_free(int slot);
/* Map a slot: thread page at the base, 'commit' bytes of stack ending at the slot top. */
struct model_thread *model_slot_map(int slot, size_t commit);
void model_slot_unmap(int slot);
uintptr_t model_slot_top(int slot);
void model_threads_init(void);
void model_threads_after_fork_child(void);
void model_fault_init_thread(struct model_thread *t);
extern __thread struct model_thread *model_cur;
/* Run fn(arg) on another stack and come back. */
void model_call_on_stack(uintptr_t top, void (*fn)(void *), void *arg);
/* Allocate a secondary stack in a fresh slot (Thread::alloc_secondary_stack), returns its top or 0. */
uintptr_t model_alloc_secondary_stack(const char *name, size_t size);
void model_funnel_serve(void);

/* ---- memory (model_mem.c) ---- */
/* Charge or release RAM against the quota; exceeding it ends the component (status 137) with Genode's
 * resource-request diagnostic naming the request. */
void model_ram_charge(size_t bytes, const char *what);
void model_ram_release(size_t bytes);
void model_mem_init_quota(void);
void model_mem_prefork(void);           /* around fork: the heap and mmap registry held */
void model_mem_postfork(void);
void model_mem_after_fork_child(void);
void *model_raw_alloc(size_t size);   /* Linux pages for the model's own bookkeeping (not charged) */

/* ---- time (model_time.c) ---- */
uint64_t model_uptime_us(void);
void model_time_init(void);
void model_millisleep(uint64_t ms);

/* ---- signals (model_signal.c, model_fault.c) and ITIMER_REAL (model_alarm.c) ---- */
void model_signals_init(void);
void model_fault_handlers_install(void);
/* Charge sig (if it is one) and run the pending handlers, as kill() to the own pid does. */
void model_signal_deliver(int sig);
/* Arm (0 disarms) in ms, time left in ms, and the check the blocked main thread makes. */
void     model_alarm_arm(uint64_t ms);
uint64_t model_alarm_left_ms(void);
int      model_alarm_armed(void);
void     model_alarm_check(void);

/* ---- processes (model_proc.c): start-up, exit, fork, execve ---- */
/* Start-up order: the constructor of model_proc.c (priority 101) parses the config and sets up the stack area
 * and the main thread before any other constructor of libc.lib.so runs; posix.lib.so's constructor then calls
 * __model_component_start, which switches to the main thread's stack, runs model_io_init() and main. */
void model_exit_hook(int status);     /* forked child: report the full exit code to the parent */
void model_run_exit(int status) __attribute__((noreturn));
extern int model_pid;

/* ---- what processes need of the VFS (model_vfs.c) and the fd table (model_fd.c) ---- */
/* Resolve a component path (absolute or relative to the cwd) to a VFS node and a host path inside it.
 * Never yields a host path outside the configured view: "..", symlinks (absolute and relative) and long paths
 * are resolved inside the view. Returns 0 or a FreeBSD errno. */
int model_vfs_resolve(const char *path, int follow_last, const struct model_vfs_node **node,
                      char *host_path, size_t host_path_len, char *view_path, size_t view_path_len);
/* execve: the RAM file systems to a host file and back (flat-config key exec_ramfs) */
int  model_vfs_ram_save(const char *host_path);
void model_vfs_ram_restore(const char *host_path);
enum model_fd_kind { MODEL_FD_FREE, MODEL_FD_FILE, MODEL_FD_DIR, MODEL_FD_PIPE, MODEL_FD_SOCKET,
                     MODEL_FD_LOG, MODEL_FD_NULL, MODEL_FD_ZERO, MODEL_FD_RTC, MODEL_FD_RNG, MODEL_FD_TERMINAL,
                     MODEL_FD_KQUEUE, MODEL_FD_SOCKETFS, MODEL_FD_VALUE, MODEL_FD_SFS };
/* Open <libc stdin/stdout/stderr> as fds 0-2, the <libc><fd> nodes, and take <libc cwd>; idempotent, also done
 * lazily by the first I/O call. Start-up calls it on the main thread before main so that its warnings come first. */
void  model_io_init(void);
/* File-backed mmap (vfs_plugin.cc): called by mmap for fd != -1 with FreeBSD prot/flags. Returns the mapping,
 * or (void *)-1 with errno set. The memory is obtained through the model's own anonymous mmap (so it is
 * registered and charged there); the caller must not register it again. MAP_PRIVATE: a copy of the file;
 * MAP_SHARED: a copy for ram files and rom modules, ENODEV otherwise; neither flag: NULL (as Genode). */
void *model_file_mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
/* execve: close every fd whose close-on-exec flag is set (execve.cc). */
void  model_io_close_on_exec(void);
/* execve: the fd table and the cwd as one string (valid until the exec), which the new image passes to
 * model_fd_exec_restore() before main (flat-config key exec_fds). */
const char *model_fd_exec_state(void);
void        model_fd_exec_restore(const char *state);
/* fork: called in the child before fork returns 0 there (sockets and kqueues are closed). */
void        model_fd_after_fork_child(void);

#endif
