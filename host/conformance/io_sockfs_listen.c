//! behaviour: writing "a.b.c.d:port" to a socket's bind file binds it (the file reads the line back), writing the backlog to listen (once) makes it listen and reads back "%lu\n"; then accept reads "1\n" when a connection is pending (O_NONBLOCK without one: EAGAIN), opening accept_socket gives the connection's handle ("tcp/M\n"), and local and remote read "a.b.c.d:port\n"
//! models: repos/os/src/lib/vfs/ip/vfs.cc, repos/libports/src/lib/libc/socket_fs_plugin.cc
//! exit: 0
#include "check.h"
#include "sockfs.h"

int main(void)
{
	char ln[32], cn[32], an[32], buf[64];
	int lh = sfs_new("tcp", ln, sizeof ln);
	CHECK(lh >= 0);
	int b = sfs_file(ln, "bind", O_RDWR);
	CHECK(b >= 0 && write(b, "127.0.0.1:0", 11) == 11);
	CHECK(read(b, buf, sizeof buf) == 12 && !memcmp(buf, "127.0.0.1:0\n", 12));
	CHECK(read(b, buf, 8) == -1 && errno == EIO);   /* a buffer smaller than the line buffer */
	int l = sfs_file(ln, "listen", O_RDWR);
	CHECK(l >= 0 && write(l, "5", 1) == 1);
	CHECK(write(l, "7", 1) == -1 && errno == EIO);   /* write-once */
	memset(buf, 0, sizeof buf);
	CHECK(read(l, buf, sizeof buf) == 2 && !strcmp(buf, "5\n"));
	int lo = sfs_file(ln, "local", O_RDONLY);
	memset(buf, 0, sizeof buf);
	CHECK(lo >= 0 && read(lo, buf, sizeof buf) > 10 && !memcmp(buf, "127.0.0.1:", 10));
	char port[16];
	snprintf(port, sizeof port, "%s", buf + 10);
	port[strlen(port) - 1] = 0;
	int acc = sfs_file(ln, "accept", O_RDONLY | O_NONBLOCK);
	CHECK(acc >= 0 && read(acc, buf, sizeof buf) == -1 && errno == EAGAIN);
	struct pollfd p = { acc, POLLIN, 0 };
	CHECK(poll(&p, 1, 0) == 0);

	int ch = sfs_new("tcp", cn, sizeof cn);
	int c = sfs_file(cn, "connect", O_RDWR);
	char to[32];
	int tl = snprintf(to, sizeof to, "127.0.0.1:%s", port);
	CHECK(ch >= 0 && c >= 0 && write(c, to, (size_t)tl) == tl);
	CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
	memset(buf, 0, sizeof buf);
	CHECK(read(acc, buf, sizeof buf) == 2 && !strcmp(buf, "1\n"));
	int ah = sfs_file(ln, "accept_socket", O_RDONLY);
	memset(an, 0, sizeof an);
	CHECK(ah >= 0 && read(ah, an, sizeof an) > 4 && !memcmp(an, "tcp/", 4));
	an[strlen(an) - 1] = 0;
	CHECK(strcmp(an, ln) && strcmp(an, cn));
	int r = sfs_file(an, "remote", O_RDONLY);
	memset(buf, 0, sizeof buf);
	CHECK(r >= 0 && read(r, buf, sizeof buf) > 10 && !memcmp(buf, "127.0.0.1:", 10));
	int cl = sfs_file(cn, "local", O_RDONLY);
	char cbuf[64] = { 0 };
	CHECK(cl >= 0 && read(cl, cbuf, sizeof cbuf) > 10 && !strcmp(cbuf, buf));   /* the client's own end */
	int ad = sfs_file(an, "data", O_RDWR), cd = sfs_file(cn, "data", O_RDWR);
	CHECK(ad >= 0 && cd >= 0 && write(cd, "ping", 4) == 4);
	memset(buf, 0, sizeof buf);
	CHECK(read(ad, buf, sizeof buf) == 4 && !strcmp(buf, "ping"));
	DONE();
}
