/*
 * Users, groups, the resolver, terminals, timers and posix_spawn with the FreeBSD 12 ABI as Genode's libc has it
 * (repos/libports/include/libc: pwd.h, grp.h, netdb.h, termios.h, sys/time.h, spawn.h). Include after
 * genode/libc.h and genode/io.h.
 */
#ifndef GENODE_DB_H
#define GENODE_DB_H

struct passwd {
	char  *pw_name, *pw_passwd;
	uid_t  pw_uid;
	gid_t  pw_gid;
	time_t pw_change;
	char  *pw_class, *pw_gecos, *pw_dir, *pw_shell;
	time_t pw_expire;
	int    pw_fields;
};
struct group { char *gr_name, *gr_passwd; gid_t gr_gid; char **gr_mem; };
int getpwnam_r(const char *, struct passwd *, char *, size_t, struct passwd **);
int getpwuid_r(uid_t, struct passwd *, char *, size_t, struct passwd **);
int getgrnam_r(const char *, struct group *, char *, size_t, struct group **);
int getgrgid_r(gid_t, struct group *, char *, size_t, struct group **);
int getgrouplist(const char *, gid_t, gid_t *, int *);

char *realpath(const char *, char *);

struct addrinfo {
	int ai_flags, ai_family, ai_socktype, ai_protocol;
	socklen_t ai_addrlen;
	char *ai_canonname;           /* FreeBSD: before ai_addr */
	struct sockaddr *ai_addr;
	struct addrinfo *ai_next;
};
enum { FREEBSD_EAI(FREEBSD_NAME) };
enum { FREEBSD_NETDB(FREEBSD_NAME) };
int  getaddrinfo(const char *, const char *, const struct addrinfo *, struct addrinfo **);
void freeaddrinfo(struct addrinfo *);
const char *gai_strerror(int);
int  getnameinfo(const struct sockaddr *, socklen_t, char *, size_t, char *, size_t, int);

typedef uint32_t tcflag_t;
typedef uint8_t  cc_t;
typedef uint32_t speed_t;
struct termios { tcflag_t c_iflag, c_oflag, c_cflag, c_lflag; cc_t c_cc[20]; speed_t c_ispeed, c_ospeed; };
#define ECHO      0x00000008
int tcgetattr(int, struct termios *);
int tcsetattr(int, int, const struct termios *);
int grantpt(int);
int unlockpt(int);
char *ptsname(int);

int setitimer(int, const struct itimerval *, struct itimerval *);

typedef struct posix_spawn_file_actions *posix_spawn_file_actions_t;
typedef struct posix_spawnattr          *posix_spawnattr_t;
int posix_spawn(pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
                char *const[], char *const[]);

#endif
