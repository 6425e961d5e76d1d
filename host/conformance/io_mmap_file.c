//! behaviour: file mmap: MAP_PRIVATE is a copy of the file (later writes to the file are not seen); MAP_SHARED on a host fs file fails with ENODEV, on a ram file it is a copy; PROT_EXEC is EACCES, MAP_FIXED EINVAL
//! models: repos/libports/src/lib/libc/vfs_plugin.cc, repos/libports/src/lib/libc/file_operations.cc, repos/os/src/lib/vfs/ram_file_system.h, repos/os/src/lib/vfs/fs_file_system.h
//! exit: 0
#include "check.h"
#include "genode/io.h"

int main(void)
{
	int fd = open("/data/f", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0 && write(fd, "abcd", 4) == 4);
	char *m = mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED && !memcmp(m, "abcd", 4) && m[4] == 0);
	CHECK(pwrite(fd, "X", 1, 0) == 1 && m[0] == 'a');       /* a copy */
	CHECK(mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == ENODEV);
	CHECK(mmap(0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EACCES);
	int r = open("/tmp/r", O_CREAT | O_RDWR, 0644);
	CHECK(write(r, "ram!", 4) == 4);
	char *s = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, r, 0);
	CHECK(s != MAP_FAILED && !memcmp(s, "ram!", 4));
	s[0] = 'R';
	char b[4];
	CHECK(pread(r, b, 4, 0) == 4 && b[0] == 'r');           /* not coherent: a snapshot */
	CHECK(munmap(m, 4096) == 0);
	DONE();
}
