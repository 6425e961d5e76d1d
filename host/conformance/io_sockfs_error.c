//! behaviour: a failed call of a socket's file (bind to an address in use) fails the write with EIO, and the socket's error file then names the error as Genode's generator writes a node: "error | name: EADDRINUSE | value: 3" (genode_c_api Errno numbers); before any call it reads empty; sockopts/so_reuseaddr reads and writes a long, sockopts/so_error is read-only (EINVAL)
//! models: repos/os/src/lib/vfs/ip/socket_error.h, repos/os/src/lib/vfs/ip/sockopt.h, repos/os/src/lib/vfs/ip/vfs.cc
//! exit: 0
#include "check.h"
#include "sockfs.h"

int main(void)
{
	char n1[32], n2[32], buf[80], line[32];
	int h1 = sfs_new("tcp", n1, sizeof n1), h2 = sfs_new("tcp", n2, sizeof n2);
	CHECK(h1 >= 0 && h2 >= 0);
	int e2 = sfs_file(n2, "error", O_RDONLY);
	memset(buf, 1, sizeof buf);
	CHECK(e2 >= 0 && read(e2, buf, sizeof buf) == 64 && buf[0] == 0);
	int b1 = sfs_file(n1, "bind", O_WRONLY), l1 = sfs_file(n1, "listen", O_WRONLY), lo = sfs_file(n1, "local", O_RDONLY);
	CHECK(write(b1, "127.0.0.1:0", 11) == 11 && write(l1, "1", 1) == 1);
	memset(buf, 0, sizeof buf);
	CHECK(read(lo, buf, sizeof buf) > 10);
	buf[strlen(buf) - 1] = 0;
	snprintf(line, sizeof line, "%s", buf);
	int b2 = sfs_file(n2, "bind", O_WRONLY);
	CHECK(b2 >= 0 && write(b2, line, strlen(line)) == -1 && errno == EIO);
	memset(buf, 0, sizeof buf);
	CHECK(read(e2, buf, sizeof buf) == 64 && !strcmp(buf, "error | name: EADDRINUSE | value: 3"));

	int ra = sfs_file(n2, "sockopts/so_reuseaddr", O_RDWR);
	long v = 1, got = 0;
	CHECK(ra >= 0 && write(ra, &v, sizeof v) == sizeof v);
	CHECK(read(ra, &got, sizeof got) == sizeof(int) && got == 1);
	int se = sfs_file(n2, "sockopts/so_error", O_RDWR);
	CHECK(se >= 0 && write(se, &v, sizeof v) == -1 && errno == EINVAL);
	DONE();
}
