/*
 * Internal declarations shared by the core parts of the model (config, log, threads, memory, signals, time,
 * processes). Not part of the interface the I/O part uses (that is model.h).
 */
#ifndef MODEL_INT_H
#define MODEL_INT_H

#include "model.h"
#include <time.h>

/* FreeBSD values the core needs (host/include/genode/libc.h has the full set for programs) */
enum {
	F_EPERM = 1, F_ENOENT = 2, F_ESRCH = 3, F_EINTR = 4, F_EIO = 5, F_ENOEXEC = 8, F_EBADF = 9, F_ECHILD = 10,
	F_EDEADLK = 11, F_ENOMEM = 12, F_EACCES = 13, F_EFAULT = 14, F_EBUSY = 16, F_EINVAL = 22, F_ERANGE = 34,
	F_EAGAIN = 35, F_ETIMEDOUT = 60, F_ENOSYS = 78,
};
#define F_NSIG 32
#define F_SIGALRM 14

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
void model_log_write(const char *s, size_t n);

/* ---- config (model_config.c) ---- */
void model_config_load(char **host_envp);
extern const char *model_config_text;      /* the raw file, for execve */
extern size_t      model_config_text_len;
extern char      **model_host_envp;        /* the Linux environment the loader got */
extern const char *model_exec_fds;         /* fd state handed over by execve (see model_fd_exec_state) */
extern const char *model_exec_ramfs;
extern const char *model_exec_exit_slot;   /* fd of a forked child's exit-value page, kept across execve */       /* host file with the RAM file systems handed over by execve */
int  model_vfs_ram_save(const char *host_path);
void model_vfs_ram_restore(const char *host_path);
int64_t model_libc_number(const char *name, int64_t dflt);

/* ---- per-thread data: one page at the base of each 1 MiB stack-area slot ---- */
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

/* ---- time (model_time.c) ---- */
uint64_t model_uptime_us(void);
void model_time_init(void);
void model_millisleep(uint64_t ms);

/* ---- memory (model_mem.c) ---- */
void model_mem_init_quota(void);
void model_mem_after_fork_child(void);
void *model_raw_alloc(size_t size);   /* Linux pages for the model's own bookkeeping (not charged) */

/* ---- processes (model_proc.c) ---- */
void model_exit_hook(int status);     /* forked child: report the full exit code to the parent */
void model_run_exit(int status) __attribute__((noreturn));
extern int model_pid;

/* ---- signals (model_signal.c) ---- */
void model_signals_init(void);
/* Charge sig (if it is one) and run the pending handlers, as kill() to the own pid does. */
void model_signal_deliver(int sig);
void model_fault_handlers_install(void);

#endif
