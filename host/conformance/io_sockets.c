//! behaviour: sockets on the socket fs (<libc socket>): IPv4 TCP/UDP; the domain is not checked (AF_UNIX and AF_INET6 give IPv4 sockets) but bind/connect accept only AF_INET (EAFNOSUPPORT); each socket takes ten libc fds before its own; only SO_REUSEADDR, SO_KEEPALIVE, TCP_KEEP*, TCP_NODELAY, SO_LINGER(off) are accepted, others ENOPROTOOPT; SO_TYPE/SO_ERROR emulated; shutdown does nothing; socketpair ENOSYS; accept4 ignores its flags; fcntl F_SETFD on a socket overwrites its status flags
//! models: repos/libports/src/lib/libc/socket_fs_plugin.cc, repos/libports/src/lib/libc/socket_operations.cc, repos/libports/src/lib/libc/dummies.cc
//! exit: 0
#include "check.h"
#include "genode/io.h"

int main(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(s == 13);                                        /* 3..12: the handle and nine control files */
	struct sockaddr_un un = { sizeof un, AF_UNIX, "/tmp/sock" };
	CHECK(bind(s, (struct sockaddr *)&un, sizeof un) == -1 && errno == EAFNOSUPPORT);
	int t;
	socklen_t l = sizeof t;
	CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &t, &l) == 0 && t == SOCK_STREAM);

	struct sockaddr_in a = { sizeof a, AF_INET, 0, { io_htonl(INADDR_LOOPBACK) }, { 0 } };
	CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
	l = sizeof a;
	CHECK(getsockname(s, (struct sockaddr *)&a, &l) == 0 && a.sin_len == sizeof a && a.sin_family == AF_INET);
	CHECK(listen(s, 4) == 0);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(c == 24);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == -1 && errno == EINPROGRESS);
	int acc = accept4(s, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(acc >= 0 && fcntl(acc, F_GETFL) == O_RDWR);       /* flags ignored, listener was blocking */
	struct pollfd pf = { c, POLLOUT, 0 };
	CHECK(poll(&pf, 1, 1000) == 1);
	int e = -1;
	l = sizeof e;
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &e, &l) == 0 && e == 0);
	CHECK(write(c, "ping", 4) == 4);
	char buf[8];
	CHECK(read(acc, buf, sizeof buf) == 4 && !memcmp(buf, "ping", 4));

	int one = 1;
	CHECK(setsockopt(c, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) == -1 && errno == ENOPROTOOPT);
	CHECK(setsockopt(c, SOL_SOCKET, SO_RCVBUF, &one, sizeof one) == -1 && errno == ENOPROTOOPT);
	CHECK(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
	CHECK(setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
	struct linger lg = { 0, 0 };
	CHECK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK(write(c, "more", 4) == 4);                       /* shutdown did nothing */

	int v6 = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 a6 = { sizeof a6, AF_INET6, 0, 0, { 0 }, 0 };
	CHECK(v6 >= 0 && connect(v6, (struct sockaddr *)&a6, sizeof a6) == -1 && errno == EAFNOSUPPORT);
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 && errno == ENOSYS);

	/* F_SETFD replaces the socket's status flags: O_NONBLOCK is gone afterwards */
	CHECK((fcntl(c, F_GETFL) & O_NONBLOCK) != 0);
	CHECK(fcntl(c, F_SETFD, FD_CLOEXEC) == 0 && (fcntl(c, F_GETFL) & O_NONBLOCK) == 0);
	CHECK(dup(c) == -1);
	DONE();
}
