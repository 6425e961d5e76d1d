//! behaviour: a Terminal session serving as stdin only, routed to an existing host file (here this source file),
//! behaviour: delivers the file's bytes, and then nothing: a Terminal session has no end of file (the VFS plugin
//! behaviour: answers READ_QUEUED while the server has no data), so read never returns 0: poll reports no POLLIN and
//! behaviour: a non-blocking read fails with EAGAIN; a write to the session, which takes no bytes, is a partial
//! behaviour: write on a transactional file: Genode's warning and EIO
//! models: repos/os/src/lib/vfs/terminal_file_system.h
//! models: repos/os/include/terminal_session/client.h
//! models: repos/libports/src/lib/libc/vfs_plugin.cc
//! models: repos/os/src/lib/sandbox/route_model.h
//! stderr: [io_terminal_stdin] read the whole file
//! stderr: Warning: partial write on transactional file
//! stderr: PASS
#include "check.h"
#include "genode/io.h"

static char file[65536], got[65536];

int main(void)
{
	int f = open("/conf/io_terminal_stdin.c", O_RDONLY);
	CHECK(f >= 0);
	ssize_t len = 0, n;
	while ((n = read(f, file + len, sizeof file - (size_t)len)) > 0) len += n;
	close(f);
	CHECK(len > 1000);

	/* blocking reads: the data are there, so none of them waits */
	ssize_t have = 0;
	while (have < len && (n = read(0, got + have, (size_t)(len - have))) > 0) have += n;
	CHECK(have == len && !memcmp(got, file, (size_t)len));
	if (have == len) printf("read the whole file\n");

	/* then nothing, and no end of file */
	struct pollfd p = { 0, POLLIN, 0 };
	CHECK(poll(&p, 1, 100) == 0 && p.revents == 0);
	CHECK(fcntl(0, F_SETFL, O_NONBLOCK) == 0);
	char c;
	errno = 0;
	CHECK(read(0, &c, 1) == -1 && errno == EAGAIN);

	/* the libc opened stdin read-only; the node itself can be opened for writing, but the session takes nothing */
	errno = 0;
	CHECK(write(0, "x", 1) == -1 && errno == EBADF);
	int w = open("/dev/stdin", O_WRONLY);
	CHECK(w >= 0);
	errno = 0;
	CHECK(write(w, "x", 1) == -1 && errno == EIO);
	DONE();
}
