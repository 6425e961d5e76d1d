/*
 * FreeBSD 12.0 (amd64) ABI as seen by programs linked against Genode's libc.lib.so: the constants, types and
 * prototypes the model's conformance tests use. Values follow FreeBSD 12's headers as Genode ships them
 * (repos/libports/include/libc, lib/symbols/libc); pthread types are pointers as in Genode's libc.
 * Tests are built with -nostdlib and include only this header (and genode/io.h).
 */
#ifndef GENODE_LIBC_H
#define GENODE_LIBC_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

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
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EDEADLK 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EMLINK 31
#define EPIPE 32
#define EDOM 33
#define ERANGE 34
#define EAGAIN 35
#define EWOULDBLOCK EAGAIN
#define EINPROGRESS 36
#define EALREADY 37
#define ENOTSOCK 38
#define EDESTADDRREQ 39
#define EMSGSIZE 40
#define EPROTOTYPE 41
#define ENOPROTOOPT 42
#define EPROTONOSUPPORT 43
#define ESOCKTNOSUPPORT 44
#define EOPNOTSUPP 45
#define ENOTSUP EOPNOTSUPP
#define EPFNOSUPPORT 46
#define EAFNOSUPPORT 47
#define EADDRINUSE 48
#define EADDRNOTAVAIL 49
#define ENETDOWN 50
#define ENETUNREACH 51
#define ENETRESET 52
#define ECONNABORTED 53
#define ECONNRESET 54
#define ENOBUFS 55
#define EISCONN 56
#define ENOTCONN 57
#define ESHUTDOWN 58
#define ETOOMANYREFS 59
#define ETIMEDOUT 60
#define ECONNREFUSED 61
#define ELOOP 62
#define ENAMETOOLONG 63
#define EHOSTDOWN 64
#define EHOSTUNREACH 65
#define ENOTEMPTY 66
#define EPROCLIM 67
#define EUSERS 68
#define EDQUOT 69
#define ESTALE 70
#define ENOLCK 77
#define ENOSYS 78
#define EFTYPE 79
#define EIDRM 82
#define ENOMSG 83
#define EOVERFLOW 84
#define ECANCELED 85
#define EILSEQ 86
#define ENOATTR 87
#define EBADMSG 89
#define EMULTIHOP 90
#define ENOLINK 91
#define EPROTO 92
#define ENOTCAPABLE 93
#define ECAPMODE 94
#define ENOTRECOVERABLE 95
#define EOWNERDEAD 96
int *__error(void);
#define errno (*__error())

/* ---- fcntl.h / unistd.h ---- */
#define O_RDONLY    0x0000
#define O_WRONLY    0x0001
#define O_RDWR      0x0002
#define O_ACCMODE   0x0003
#define O_NONBLOCK  0x0004
#define O_APPEND    0x0008
#define O_SHLOCK    0x0010
#define O_EXLOCK    0x0020
#define O_ASYNC     0x0040
#define O_FSYNC     0x0080
#define O_SYNC      0x0080
#define O_NOFOLLOW  0x0100
#define O_CREAT     0x0200
#define O_TRUNC     0x0400
#define O_EXCL      0x0800
#define O_NOCTTY    0x8000
#define O_DIRECT    0x00010000
#define O_DIRECTORY 0x00020000
#define O_EXEC      0x00040000
#define O_TTY_INIT  0x00080000
#define O_CLOEXEC   0x00100000
#define AT_FDCWD            -100
#define AT_EACCESS          0x0100
#define AT_SYMLINK_NOFOLLOW 0x0200
#define AT_SYMLINK_FOLLOW   0x0400
#define AT_REMOVEDIR        0x0800
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETOWN 5
#define F_SETOWN 6
#define F_GETLK 11
#define F_SETLK 12
#define F_SETLKW 13
#define F_DUPFD_CLOEXEC 17
#define FD_CLOEXEC 1
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
#define S_IFMT   0170000
#define S_IFIFO  0010000
#define S_IFCHR  0020000
#define S_IFDIR  0040000
#define S_IFBLK  0060000
#define S_IFREG  0100000
#define S_IFLNK  0120000
#define S_IFSOCK 0140000
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

/* FreeBSD 12 "ino64" layout, 224 bytes on amd64 */
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
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

struct iovec { void *iov_base; size_t iov_len; };

/* ---- sys/mman.h ---- */
#define PROT_NONE  0x00
#define PROT_READ  0x01
#define PROT_WRITE 0x02
#define PROT_EXEC  0x04
#define MAP_SHARED  0x0001
#define MAP_PRIVATE 0x0002
#define MAP_FIXED   0x0010
#define MAP_STACK   0x0400
#define MAP_NOSYNC  0x0800
#define MAP_ANON    0x1000
#define MAP_ANONYMOUS MAP_ANON
#define MAP_EXCL    0x4000
#define MAP_NOCORE  0x00020000
#define MAP_ALIGNED(n) ((n) << 24)
#define MAP_FAILED ((void *)-1)
#define MADV_NORMAL     0
#define MADV_RANDOM     1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED   3
#define MADV_DONTNEED   4
#define MADV_FREE       5
#define MS_SYNC       0x0000
#define MS_ASYNC      0x0001
#define MS_INVALIDATE 0x0002

/* ---- signal.h ---- */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGEMT 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGBUS 10
#define SIGSEGV 11
#define SIGSYS 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGURG 16
#define SIGSTOP 17
#define SIGTSTP 18
#define SIGCONT 19
#define SIGCHLD 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGIO 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGINFO 29
#define SIGUSR1 30
#define SIGUSR2 31
#define SIGTHR 32
#define NSIG 32
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
#define SA_ONSTACK   0x0001
#define SA_RESTART   0x0002
#define SA_RESETHAND 0x0004
#define SA_NODEFER   0x0010
#define SA_NOCLDWAIT 0x0020
#define SA_SIGINFO   0x0040
#define SIG_BLOCK   1
#define SIG_UNBLOCK 2
#define SIG_SETMASK 3
typedef struct { void *ss_sp; size_t ss_size; int ss_flags; } stack_t;
#define SS_ONSTACK 0x0001
#define SS_DISABLE 0x0004
#define MINSIGSTKSZ 2048
#define SIGSTKSZ (MINSIGSTKSZ + 32768)

/* ---- sys/wait.h ---- */
#define WNOHANG   1
#define WUNTRACED 2
#define WAIT_ANY  (-1)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WTERMSIG(s)    ((s) & 0177)
#define WIFEXITED(s)   (((s) & 0177) == 0)

/* ---- time.h ---- */
#define CLOCK_REALTIME  0
#define CLOCK_VIRTUAL   1
#define CLOCK_PROF      2
#define CLOCK_MONOTONIC 4
#define CLOCK_UPTIME    5
#define CLOCK_SECOND    13
#define CLOCK_THREAD_CPUTIME_ID  14
#define CLOCK_PROCESS_CPUTIME_ID 15
#define TIMER_ABSTIME   1
struct itimerval { struct timeval it_interval; struct timeval it_value; };
#define ITIMER_REAL    0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2

/* ---- sys/resource.h ---- */
struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; };
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_MEMLOCK 6
#define RLIMIT_NPROC 7
#define RLIMIT_NOFILE 8
#define RLIMIT_AS 10
#define RLIM_INFINITY ((rlim_t)(((uint64_t)1 << 63) - 1))

/* ---- unistd.h: sysconf ---- */
#define _SC_ARG_MAX 1
#define _SC_CHILD_MAX 2
#define _SC_CLK_TCK 3
#define _SC_NGROUPS_MAX 4
#define _SC_OPEN_MAX 5
#define _SC_PAGESIZE 47
#define _SC_PAGE_SIZE _SC_PAGESIZE
#define _SC_NPROCESSORS_CONF 57
#define _SC_NPROCESSORS_ONLN 58
#define _SC_GETGR_R_SIZE_MAX 70
#define _SC_GETPW_R_SIZE_MAX 71
#define _SC_PHYS_PAGES 121

/* ---- sys/sysctl.h ---- */
#define CTL_KERN 1
#define CTL_VM 2
#define CTL_HW 6
#define CTL_USER 8
#define CTL_P1003_1B 9
#define KERN_OSTYPE 1
#define KERN_OSRELEASE 2
#define KERN_OSREV 3
#define KERN_VERSION 4
#define KERN_MAXPROC 6
#define KERN_ARGMAX 8
#define KERN_HOSTNAME 10
#define KERN_ARND 37
#define HW_MACHINE 1
#define HW_MODEL 2
#define HW_NCPU 3
#define HW_BYTEORDER 4
#define HW_PHYSMEM 5
#define HW_USERMEM 6
#define HW_PAGESIZE 7
#define HW_FLOATINGPT 10
#define HW_MACHINE_ARCH 11
#define HW_REALMEM 12
#define CTL_P1003_1B_PAGESIZE 20
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
