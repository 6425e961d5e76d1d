//! behaviour: execve keeps the VFS: a <ram> file system's files, directories and symlinks are there for the new
//! behaviour: image, and an fd open on a RAM file keeps its offset
//! models: repos/libports/src/lib/libc/execve.cc
//! models: repos/os/src/lib/vfs/ram_file_system.h
//! stderr: [core_execve_ramfs] new image: file=hello ram fs link=/tmp/d/f fd=ram
//! stderr: PASS
#include "check.h"
#include "genode/io.h"
int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child")) {
		char f[32] = { 0 }, l[64] = { 0 }, r[8] = { 0 };
		int fd = open("/tmp/d/f", O_RDONLY);
		CHECK(fd >= 0 && read(fd, f, sizeof f - 1) > 0);
		CHECK(readlink("/tmp/link", l, sizeof l - 1) > 0);
		CHECK(read(atoi(argv[2]), r, 3) == 3);
		printf("new image: file=%s link=%s fd=%s\n", f, l, r);
		DONE();
	}
	CHECK(mkdir("/tmp/d", 0700) == 0);
	int fd = open("/tmp/d/f", O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0 && write(fd, "hello ram fs", 12) == 12 && close(fd) == 0);
	CHECK(symlink("/tmp/d/f", "/tmp/link") == 0);
	int keep = open("/tmp/d/f", O_RDONLY);
	CHECK(keep >= 0 && lseek(keep, 6, SEEK_SET) == 6);
	char a[16];
	snprintf(a, sizeof a, "%d", keep);
	char *args[] = { "core_execve_ramfs", "child", a, NULL };
	char *env[] = { NULL };
	execve("/bin/core_execve_ramfs", args, env);
	CHECK(!"execve returned");
	DONE();
}
