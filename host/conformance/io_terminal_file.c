//! behaviour: a <terminal> node opens a Terminal session labelled "NAME -> label", which init routes by the start
//! behaviour: node's <route> (first matching rule); routed to <parent label="/host/path"/>, the session is that host
//! behaviour: file (the model's parent, the launcher, serves it; created and appended to): the component's stdout
//! behaviour: bytes land there and not on the launcher's stdout, through fd 1, its dup/dup2 copies and a new open
//! behaviour: of the node; the session shares one stream for all of them, stats as a character device, and a
//! behaviour: session that only writes gives a reader nothing (O_NONBLOCK: EAGAIN), never an end of file
//! models: repos/os/src/lib/vfs/terminal_file_system.h
//! models: repos/os/src/lib/sandbox/route_model.h
//! models: repos/os/src/lib/sandbox/utils.h
//! models: repos/base/src/lib/base/child.cc
//! models: repos/libports/src/lib/libc/vfs_plugin.cc
//! stderr: PASS
//! not-stdout: line
#include "genode/io.h"

/* stdout is the terminal under test: failures go to stderr, the log */
static int fails;
#define CHECK(c) do { if (!(c)) { dprintf(2, "FAIL line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static int put(int fd, const char *s) { return write(fd, s, strlen(s)) == (ssize_t)strlen(s); }

int main(void)
{
	CHECK(put(1, "line one\n"));
	int d = dup(1);
	CHECK(d > 2 && put(d, "line two\n"));
	CHECK(dup2(1, 9) == 9 && put(9, "line three\n"));
	int o = open("/dev/stdout", O_WRONLY);
	CHECK(o >= 0 && put(o, "line four\n"));
	CHECK(close(o) == 0 && close(d) == 0 && close(9) == 0);

	struct stat st;
	CHECK(fstat(1, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR);
	CHECK(stat("/dev/stdout", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR);

	/* the session's server only writes the file: a read finds nothing, and never an end of file */
	int r = open("/dev/stdout", O_RDONLY | O_NONBLOCK);
	char c;
	CHECK(r >= 0);
	errno = 0;
	CHECK(read(r, &c, 1) == -1 && errno == EAGAIN);
	struct pollfd p = { r, POLLIN, 0 };
	CHECK(poll(&p, 1, 50) == 0 && p.revents == 0);
	close(r);

	/* the host file, seen through the view */
	char buf[256] = { 0 };
	int f = open("/view/out", O_RDONLY);
	CHECK(f >= 0);
	ssize_t n = read(f, buf, sizeof buf - 1);
	const char *want = "line one\nline two\nline three\nline four\n";
	CHECK(n == (ssize_t)strlen(want) && !strcmp(buf, want));
	if (fails) { dprintf(2, "host file holds %zd bytes: %s\n", n, buf); return 1; }
	dprintf(2, "PASS\n");
	return 0;
}
