//! behaviour: a protocol directory of the socket fs holds 128 sockets (MAX_SOCKETS), counting the libc's sockets and the handles opened directly: the next new_socket fails (ENOENT, logged "unhandle error during accept"), the next socket() fails with EACCES; closing one makes room again. A socket opened directly costs the libc one fd for its handle and one per file opened, so 128 sockets with their data files fit in the 1024 fds
//! models: repos/os/src/lib/vfs/ip/vfs.cc, repos/libports/src/lib/libc/socket_fs_plugin.cc, repos/libports/src/lib/libc/internal/fd_alloc.h
//! exit: 0
#include "check.h"
#include "genode/io.h"

int main(void)
{
	int h[128], d[128], ok = 1;
	int s = socket(AF_INET, SOCK_STREAM, 0);   /* one libc socket takes one of the 128 */
	CHECK(s >= 0);
	for (int i = 0; i < 127; i++) {
		char name[32] = { 0 }, p[64];
		h[i] = open("/socket/tcp/new_socket", O_RDONLY);
		long r = h[i] >= 0 ? read(h[i], name, sizeof name - 1) : -1;
		if (r < 2) { ok = 0; break; }
		name[r - 1] = 0;
		snprintf(p, sizeof p, "/socket/%s/data", name);
		d[i] = open(p, O_RDWR);
		if (d[i] < 0) { ok = 0; break; }
	}
	CHECK(ok);
	CHECK(open("/socket/tcp/new_socket", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(socket(AF_INET, SOCK_STREAM, 0) == -1 && errno == EACCES);
	int u = open("/socket/udp/new_socket", O_RDONLY);   /* udp is a directory of its own */
	CHECK(u >= 0);
	CHECK(close(h[5]) == 0);
	int again = open("/socket/tcp/new_socket", O_RDONLY);
	CHECK(again >= 0);
	CHECK(close(s) == 0);
	int s2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(s2 >= 0);
	DONE();
}
