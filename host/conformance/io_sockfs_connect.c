//! behaviour: writing "a.b.c.d:port" to a socket's connect file starts the connection (in progress counts as written); the file is read-ready once the socket is writable and then reads "connected" (a refused one: "connection refused"); peek reads what data will read without taking it (nothing there: EIO), and data on an O_NONBLOCK handle without input is EAGAIN
//! models: repos/os/src/lib/vfs/ip/vfs.cc, repos/libports/src/lib/libc/socket_fs_plugin.cc
//! exit: 0
#include "check.h"
#include "sockfs.h"

int main(void)
{
	/* a listener made with the libc's calls, on the same socket fs */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { sizeof a, AF_INET, 0, { io_htonl(0x7f000001) }, { 0 } };
	socklen_t al = sizeof a;
	CHECK(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 && listen(s, 4) == 0);
	CHECK(getsockname(s, (struct sockaddr *)&a, &al) == 0);
	unsigned port = io_htons(a.sin_port);

	char cn[32], buf[64], to[32];
	int ch = sfs_new("tcp", cn, sizeof cn);
	int c = sfs_file(cn, "connect", O_RDWR);
	int tl = snprintf(to, sizeof to, "127.0.0.1:%u", port);
	CHECK(ch >= 0 && c >= 0 && write(c, to, (size_t)tl) == tl);
	struct pollfd p = { c, POLLIN, 0 };
	CHECK(poll(&p, 1, 5000) == 1);
	memset(buf, 0, sizeof buf);
	CHECK(read(c, buf, sizeof buf) == 9 && !strcmp(buf, "connected"));
	int acc = accept(s, 0, 0);
	CHECK(acc >= 0 && write(acc, "hello", 5) == 5);
	int pk = sfs_file(cn, "peek", O_RDONLY), d = sfs_file(cn, "data", O_RDWR | O_NONBLOCK);
	struct pollfd pd = { d, POLLIN, 0 };
	CHECK(pk >= 0 && d >= 0 && poll(&pd, 1, 5000) == 1);
	memset(buf, 0, sizeof buf);
	CHECK(read(pk, buf, sizeof buf) == 5 && !strcmp(buf, "hello"));
	memset(buf, 0, sizeof buf);
	CHECK(read(d, buf, sizeof buf) == 5 && !strcmp(buf, "hello"));
	CHECK(read(d, buf, sizeof buf) == -1 && errno == EAGAIN);
	CHECK(read(pk, buf, sizeof buf) == -1 && errno == EIO);
	close(acc);   /* the peer's end: data reads the end */
	pd.revents = 0;
	CHECK(poll(&pd, 1, 5000) == 1 && read(d, buf, sizeof buf) == 0);

	/* a port nobody listens on */
	close(s);
	char rn[32];
	int rh = sfs_new("tcp", rn, sizeof rn);
	int rc = sfs_file(rn, "connect", O_RDWR);
	CHECK(rh >= 0 && rc >= 0 && write(rc, to, (size_t)tl) == tl);
	struct pollfd pr = { rc, POLLIN, 0 };
	CHECK(poll(&pr, 1, 5000) == 1);
	memset(buf, 0, sizeof buf);
	CHECK(read(rc, buf, sizeof buf) > 0 && !strcmp(buf, "connection refused"));
	DONE();
}
