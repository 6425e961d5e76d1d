//! behaviour: execve keeps the libc: every fd without close-on-exec survives with its offset (a pipe keeps its
//! behaviour: unread data, a file its seek position), close-on-exec fds are closed first, and the current
//! behaviour: directory stays what chdir made it
//! models: repos/libports/src/lib/libc/execve.cc
//! stderr: [core_execve_fds] new image: pipe=abc file=ELF cwd=/bin cloexec=closed
//! stderr: PASS
#include "check.h"
#include "genode/io.h"
int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child")) {
		int rfd = atoi(argv[2]), ffd = atoi(argv[3]), cfd = atoi(argv[4]);
		char p[8] = { 0 }, f[8] = { 0 }, cwd[64] = { 0 };
		CHECK(read(rfd, p, 3) == 3);
		CHECK(read(ffd, f, 3) == 3);
		CHECK(getcwd(cwd, sizeof cwd) != NULL);
		errno = 0;
		int gone = fcntl(cfd, F_GETFD) == -1 && errno == EBADF;
		printf("new image: pipe=%s file=%s cwd=%s cloexec=%s\n", p, f, cwd, gone ? "closed" : "open");
		DONE();
	}
	int pfd[2];
	CHECK(pipe(pfd) == 0);
	CHECK(write(pfd[1], "abc", 3) == 3);
	int ffd = open("/bin/core_execve_fds", O_RDONLY);
	CHECK(ffd >= 0);
	CHECK(lseek(ffd, 1, SEEK_SET) == 1);
	int cfd = open("/bin/core_execve_fds", O_RDONLY);
	CHECK(cfd >= 0 && fcntl(cfd, F_SETFD, FD_CLOEXEC) == 0);
	CHECK(chdir("/bin") == 0);
	char a[3][16];
	snprintf(a[0], sizeof a[0], "%d", pfd[0]);
	snprintf(a[1], sizeof a[1], "%d", ffd);
	snprintf(a[2], sizeof a[2], "%d", cfd);
	char *args[] = { "core_execve_fds", "child", a[0], a[1], a[2], NULL };
	char *env[] = { NULL };
	execve("core_execve_fds", args, env);
	CHECK(!"execve returned");
	DONE();
}
