/*
 * FreeBSD 12.0 (amd64, arm64) ABI as seen by programs linked against Genode's libc.lib.so: the constants, types
 * and prototypes the model's conformance tests use (the two 64-bit ABIs differ only where marked). Values follow
 * FreeBSD 12's headers as Genode ships them (repos/libports/include/libc, lib/symbols/libc); pthread types are
 * pointers as in Genode's libc.
 * Tests are built with -nostdlib and include only this header (and genode/io.h, genode/db.h); the values are
 * those of freebsd_values.h, which the model uses too.
 */
#ifndef GENODE_LIBC_H
#define GENODE_LIBC_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include "freebsd_values.h"

typedef int64_t  ssize_t;
typedef int64_t  off_t;
typedef int64_t  time_t;
typedef int64_t  suseconds_t;
typedef uint32_t useconds_t;
typedef int32_t  pid_t;
typedef uint32_t uid_t;
typedef uint32_t gid_t;
typedef uint16_t mode_t;
typedef int32_t  clockid_t;
typedef int64_t  rlim_t;
typedef uint64_t dev_t;
typedef uint64_t ino_t;
typedef uint64_t nlink_t;
typedef int64_t  blkcnt_t;
typedef int32_t  blksize_t;
typedef uint32_t fflags_t;
typedef uint32_t socklen_t;

/* ---- errno (sys/errno.h) ---- */
enum { FREEBSD_ERRNO(FREEBSD_NAME) };
#define EWOULDBLOCK EAGAIN
#define ENOTSUP EOPNOTSUPP
int *__error(void);
#define errno (*__error())

/* ---- fcntl.h / unistd.h ---- */
enum { FREEBSD_FCNTL(FREEBSD_NAME) };
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2
#define F_OK 0
#define X_OK 0x01
#define W_OK 0x02
#define R_OK 0x04

/* ---- sys/stat.h ---- */
enum { FREEBSD_STAT(FREEBSD_NAME) };
#define S_ISDIR(m) (((m) & 0170000) == 0040000)
#define S_ISREG(m) (((m) & 0170000) == 0100000)
#define S_ISLNK(m) (((m) & 0170000) == 0120000)
#define S_IRWXU 0000700
#define S_IRUSR 0000400
#define S_IWUSR 0000200
#define S_IXUSR 0000100

struct timespec { time_t tv_sec; long tv_nsec; };
struct timeval  { time_t tv_sec; suseconds_t tv_usec; };
struct timezone { int tz_minuteswest; int tz_dsttime; };

/* FreeBSD 12 "ino64" layout, 224 bytes on amd64 and arm64 */
struct stat {
	dev_t     st_dev;
	ino_t     st_ino;
	nlink_t   st_nlink;
	mode_t    st_mode;
	int16_t   st_padding0;
	uid_t     st_uid;
	gid_t     st_gid;
	int32_t   st_padding1;
	dev_t     st_rdev;
	struct timespec st_atim;
	struct timespec st_mtim;
	struct timespec st_ctim;
	struct timespec st_birthtim;
	off_t     st_size;
	blkcnt_t  st_blocks;
	blksize_t st_blksize;
	fflags_t  st_flags;
	uint64_t  st_gen;
	uint64_t  st_spare[10];
};

/* 280 bytes */
struct dirent {
	ino_t    d_fileno;
	off_t    d_off;
	uint16_t d_reclen;
	uint8_t  d_type;
	uint8_t  d_pad0;
	uint16_t d_namlen;
	uint16_t d_pad1;
	char     d_name[256];
};

struct iovec { void *iov_base; size_t iov_len; };

/* ---- sys/mman.h ---- */
enum { FREEBSD_MMAN(FREEBSD_NAME) };
#define MAP_ANONYMOUS MAP_ANON
#define MAP_ALIGNED(n) ((n) << 24)
#define MAP_FAILED ((void *)-1)
#define MS_SYNC       0x0000
#define MS_ASYNC      0x0001
#define MS_INVALIDATE 0x0002

/* ---- signal.h ---- */
enum { FREEBSD_SIGNAL(FREEBSD_NAME) };
typedef struct { uint32_t __bits[4]; } sigset_t;
typedef struct __siginfo siginfo_t;
typedef void (*sig_t)(int);
#define SIG_DFL ((sig_t)0)
#define SIG_IGN ((sig_t)1)
#define SIG_ERR ((sig_t)-1)
struct sigaction {
	union {
		void (*__sa_handler)(int);
		void (*__sa_sigaction)(int, siginfo_t *, void *);
	} __sigaction_u;
	int      sa_flags;
	sigset_t sa_mask;
};
#define sa_handler   __sigaction_u.__sa_handler
#define sa_sigaction __sigaction_u.__sa_sigaction
#define SIG_BLOCK   1
#define SIG_UNBLOCK 2
#define SIG_SETMASK 3
typedef struct { void *ss_sp; size_t ss_size; int ss_flags; } stack_t;
/* machine/_limits.h: arm64's signal frame is larger */
#if defined(__aarch64__)
#define MINSIGSTKSZ 4096
#else
#define MINSIGSTKSZ 2048
#endif
#define SIGSTKSZ (MINSIGSTKSZ + 32768)

/* ---- sys/wait.h ---- */
enum { FREEBSD_WAIT(FREEBSD_NAME) };
#define WAIT_ANY  (-1)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WTERMSIG(s)    ((s) & 0177)
#define WIFEXITED(s)   (((s) & 0177) == 0)

/* ---- time.h ---- */
enum { FREEBSD_CLOCK(FREEBSD_NAME) };
struct itimerval { struct timeval it_interval; struct timeval it_value; };

/* ---- sys/resource.h ---- */
struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; };
enum { FREEBSD_RLIMIT(FREEBSD_NAME) };
#define RLIM_INFINITY ((rlim_t)(((uint64_t)1 << 63) - 1))

/* ---- unistd.h: sysconf ---- */
enum { FREEBSD_SYSCONF(FREEBSD_NAME) };
#define _SC_PAGE_SIZE _SC_PAGESIZE

/* ---- sys/sysctl.h ---- */
enum { FREEBSD_SYSCTL(FREEBSD_NAME) };
#define SYS_NMLN 256
struct utsname {
	char sysname[SYS_NMLN];
	char nodename[SYS_NMLN];
	char release[SYS_NMLN];
	char version[SYS_NMLN];
	char machine[SYS_NMLN];
};

/* ---- pthread.h: every object is a pointer to a libc-internal object ---- */
typedef struct pthread            *pthread_t;
typedef struct pthread_attr       *pthread_attr_t;
typedef struct pthread_mutex      *pthread_mutex_t;
typedef struct pthread_mutex_attr *pthread_mutexattr_t;
typedef struct pthread_cond       *pthread_cond_t;
typedef struct pthread_cond_attr  *pthread_condattr_t;
typedef int                        pthread_key_t;
typedef struct sem                *sem_t;
#define PTHREAD_MUTEX_INITIALIZER NULL
#define PTHREAD_COND_INITIALIZER  NULL
#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#define PTHREAD_MUTEX_ERRORCHECK 1
#define PTHREAD_MUTEX_RECURSIVE  2
#define PTHREAD_MUTEX_NORMAL     3
#define PTHREAD_KEYS_MAX 256

/* ---- prototypes (the syscalls table, plus the ABI-neutral C functions the model exports) ---- */
void  exit(int) __attribute__((noreturn));
void  _exit(int) __attribute__((noreturn));
void  abort(void) __attribute__((noreturn));
int   atexit(void (*)(void));
pid_t getpid(void);
pid_t getppid(void);
int   kill(pid_t, int);
int   raise(int);
int   issetugid(void);
pid_t fork(void);
pid_t vfork(void);
int   execve(const char *, char *const[], char *const[]);
pid_t waitpid(pid_t, int *, int);
pid_t wait(int *);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int   setuid(uid_t);
int   setgid(gid_t);
pid_t setsid(void);
int   getrlimit(int, struct rlimit *);
int   setrlimit(int, const struct rlimit *);
long  sysconf(int);
int   sysctl(const int *, unsigned, void *, size_t *, const void *, size_t);
int   sysctlbyname(const char *, void *, size_t *, const void *, size_t);
int   uname(struct utsname *);
int   gethostname(char *, size_t);
int   getpagesize(void);
int   getdtablesize(void);
int   sched_yield(void);

void *mmap(void *, size_t, int, int, int, off_t);
int   munmap(void *, size_t);
int   mprotect(void *, size_t, int);
int   madvise(void *, size_t, int);
int   msync(void *, size_t, int);

int   clock_gettime(clockid_t, struct timespec *);
int   clock_nanosleep(clockid_t, int, const struct timespec *, struct timespec *);
int   nanosleep(const struct timespec *, struct timespec *);
int   usleep(useconds_t);
unsigned sleep(unsigned);
int   gettimeofday(struct timeval *, struct timezone *);
int   setitimer(int, const struct itimerval *, struct itimerval *);

int   sigaction(int, const struct sigaction *, struct sigaction *);
sig_t signal(int, sig_t);
int   sigprocmask(int, const sigset_t *, sigset_t *);
int   sigaltstack(const stack_t *, stack_t *);
int   sigsuspend(const sigset_t *);
int   sigemptyset(sigset_t *);
int   sigfillset(sigset_t *);
int   sigaddset(sigset_t *, int);
int   sigdelset(sigset_t *, int);
int   sigismember(const sigset_t *, int);

int   getentropy(void *, size_t);
ssize_t getrandom(void *, size_t, unsigned);
void  arc4random_buf(void *, size_t);
uint32_t arc4random(void);

int   pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
int   pthread_join(pthread_t, void **);
int   pthread_detach(pthread_t);
pthread_t pthread_self(void);
int   pthread_equal(pthread_t, pthread_t);
int   pthread_kill(pthread_t, int);
int   pthread_sigmask(int, const sigset_t *, sigset_t *);
int   pthread_attr_init(pthread_attr_t *);
int   pthread_attr_destroy(pthread_attr_t *);
int   pthread_attr_getstacksize(const pthread_attr_t *, size_t *);
int   pthread_attr_setstacksize(pthread_attr_t *, size_t);
int   pthread_attr_setdetachstate(pthread_attr_t *, int);
int   pthread_mutex_init(pthread_mutex_t *, const pthread_mutexattr_t *);
int   pthread_mutex_destroy(pthread_mutex_t *);
int   pthread_mutex_lock(pthread_mutex_t *);
int   pthread_mutex_trylock(pthread_mutex_t *);
int   pthread_mutex_unlock(pthread_mutex_t *);
int   pthread_mutexattr_init(pthread_mutexattr_t *);
int   pthread_mutexattr_settype(pthread_mutexattr_t *, int);
int   pthread_mutexattr_destroy(pthread_mutexattr_t *);
int   pthread_cond_init(pthread_cond_t *, const pthread_condattr_t *);
int   pthread_cond_destroy(pthread_cond_t *);
int   pthread_cond_wait(pthread_cond_t *, pthread_mutex_t *);
int   pthread_cond_timedwait(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
int   pthread_cond_signal(pthread_cond_t *);
int   pthread_cond_broadcast(pthread_cond_t *);
int   pthread_condattr_init(pthread_condattr_t *);
int   pthread_condattr_destroy(pthread_condattr_t *);
int   pthread_condattr_setclock(pthread_condattr_t *, clockid_t);
int   pthread_key_create(pthread_key_t *, void (*)(void *));
int   pthread_key_delete(pthread_key_t);
void *pthread_getspecific(pthread_key_t);
int   pthread_setspecific(pthread_key_t, const void *);
int   sem_init(sem_t *, int, unsigned);
int   sem_destroy(sem_t *);
int   sem_wait(sem_t *);
int   sem_trywait(sem_t *);
int   sem_timedwait(sem_t *, const struct timespec *);
int   sem_post(sem_t *);

/* file descriptors (implemented by the model's I/O part) */
int     open(const char *, int, ...);
int     close(int);
ssize_t read(int, void *, size_t);
ssize_t write(int, const void *, size_t);
off_t   lseek(int, off_t, int);
int     stat(const char *, struct stat *);
int     fstat(int, struct stat *);
int     pipe(int[2]);

/* ABI-neutral C functions */
void  *malloc(size_t);
void  *calloc(size_t, size_t);
void  *realloc(void *, size_t);
void   free(void *);
int    posix_memalign(void **, size_t, size_t);
void  *memcpy(void *, const void *, size_t);
void  *memmove(void *, const void *, size_t);
void  *memset(void *, int, size_t);
int    memcmp(const void *, const void *, size_t);
size_t strlen(const char *);
int    strcmp(const char *, const char *);
int    strncmp(const char *, const char *, size_t);
char  *strcpy(char *, const char *);
char  *strncpy(char *, const char *, size_t);
char  *strchr(const char *, int);
char  *strrchr(const char *, int);
char  *strstr(const char *, const char *);
char  *strdup(const char *);
char  *strerror(int);
long   strtol(const char *, char **, int);
unsigned long strtoul(const char *, char **, int);
int    atoi(const char *);
char  *getenv(const char *);
int    printf(const char *, ...) __attribute__((format(printf, 1, 2)));
int    dprintf(int, const char *, ...) __attribute__((format(printf, 2, 3)));
int    snprintf(char *, size_t, const char *, ...) __attribute__((format(printf, 3, 4)));
int    vsnprintf(char *, size_t, const char *, va_list);
int    vprintf(const char *, va_list);
int    puts(const char *);
extern char **environ;

#endif
