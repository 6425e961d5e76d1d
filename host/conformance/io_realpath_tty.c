//! behaviour: realpath is FreeBSD's code over lstat/readlink/getcwd in the VFS: ".", ".." and VFS symlinks are
//! behaviour: resolved, a relative path starts at the cwd, a missing component is ENOENT, a file followed by more
//! behaviour: components ENOTDIR, NULL EINVAL, "" ENOENT. tcgetattr/tcsetattr are ioctl TIOCGETA/TIOCSETA, which
//! behaviour: the VFS plugin answers for any file; TCSADRAIN/TCSAFLUSH use TIOCSETAW/AF, which it does not (EINVAL);
//! behaviour: grantpt/unlockpt/ptsname need TIOCPTMASTER, which no plugin serves (EINVAL, EBADF for a bad fd)
//! models: repos/libports/lib/mk/libc-stdlib.mk
//! models: repos/libports/lib/mk/libc-gen.inc
//! models: repos/libports/src/lib/libc/vfs_plugin.cc
//! stderr: [io_realpath_tty] PASS
//! not-stderr: FAIL
#include "check.h"
#include "genode/io.h"
#include "genode/db.h"
int main(void)
{
	char buf[1024];
	int fd = open("/data/f", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(mkdir("/data/sub", 0755) == 0);
	char *r = realpath("/data/./sub/../f", NULL);
	CHECK(r && !strcmp(r, "/data/f"));
	free(r);
	CHECK(realpath("/data/l", buf) == buf && !strcmp(buf, "/data/f"));
	CHECK(realpath("/data/dl/../f", buf) == buf && !strcmp(buf, "/data/f"));
	CHECK(chdir("/data/sub") == 0);
	CHECK(realpath("../f", buf) == buf && !strcmp(buf, "/data/f"));
	CHECK(realpath("/", buf) == buf && !strcmp(buf, "/"));
	errno = 0;
	CHECK(realpath("/data/none", buf) == NULL && errno == ENOENT);
	errno = 0;
	CHECK(realpath("/data/f/x", buf) == NULL && errno == ENOTDIR);
	errno = 0;
	CHECK(realpath(NULL, buf) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(realpath("", buf) == NULL && errno == ENOENT);

	struct termios t;
	memset(&t, 0x55, sizeof t);
	CHECK(tcgetattr(1, &t) == 0 && (t.c_lflag & ECHO));
	CHECK(tcsetattr(1, TCSANOW, &t) == 0);
	errno = 0;
	CHECK(tcsetattr(1, TCSADRAIN, &t) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(tcsetattr(1, 7, &t) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(grantpt(1) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(unlockpt(1) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(ptsname(1) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(grantpt(77) == -1 && errno == EBADF);
	DONE();
}
