//! behaviour: <libc><fd id path readable writeable seek cloexec> opens path at fd id before main with the given
//! behaviour: access and start offset; an <fd> without path is skipped with "unknown path for file descriptor N"
//! models: repos/libports/src/lib/libc/kernel.cc
//! stderr: Warning: unknown path for file descriptor 6
//! stderr: [io_fd_nodes] PASS
//! not-stderr: FAIL
#include "check.h"
#include "genode/io.h"
int main(void)
{
	char buf[16] = { 0 };
	CHECK(read(5, buf, sizeof buf - 1) == 2 && !strcmp(buf, "lo"));
	errno = 0;
	CHECK(write(5, "x", 1) == -1);
	CHECK(fcntl(5, F_GETFD) == FD_CLOEXEC);
	errno = 0;
	CHECK(read(6, buf, 1) == -1 && errno == EBADF);
	CHECK(write(7, "new", 3) == 3);
	errno = 0;
	CHECK(read(7, buf, 1) == -1);
	DONE();
}
