//! behaviour: pipes (with <libc pipe>): pipe2 honours O_NONBLOCK only (EAGAIN on an empty pipe), the ends are fds with paths <pipe>/N/out and /in that fstat as regular files (out read-only, in write-only); poll skips unknown fds (no POLLNVAL) and reports only POLLIN/POLLOUT; select is poll; kqueue is level-triggered (EV_CLEAR ignored), returns events with flags 0, EV_ERROR entries for failed changes, other change flags EINVAL
//! models: repos/libports/src/lib/libc/file_operations.cc, repos/libports/src/lib/libc/vfs_plugin.cc, repos/gems/src/lib/vfs/pipe/plugin.cc, repos/libports/src/lib/libc/poll.cc, repos/libports/src/lib/libc/select.cc, repos/libports/src/lib/libc/kqueue.cc
//! exit: 0
#include "check.h"
#include "genode/io.h"

int main(void)
{
	int p[2];
	char c;
	struct stat st;
	CHECK(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
	CHECK(fcntl(p[0], F_GETFD) == 0);                      /* O_CLOEXEC ignored */
	CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
	CHECK(read(p[0], &c, 1) == -1 && errno == EAGAIN);
	CHECK(fstat(p[0], &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0400);
	CHECK(fstat(p[1], &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0200);

	struct pollfd pf[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { 500, POLLIN, 0 } };
	CHECK(poll(pf, 3, 0) == 1 && pf[1].revents == POLLOUT && pf[2].revents == 0);
	CHECK(poll(pf, 1, 20) == 0);                           /* times out */
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(poll(pf, 3, -1) == 2 && pf[0].revents == POLLIN);

	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timeval tv = { 0, 0 };
	CHECK(select(p[0] + 1, &rd, 0, 0, &tv) == 1 && FD_ISSET(p[0], &rd));

	int kq = kqueue();
	struct kevent ch[2], ev[4];
	struct timespec zero = { 0, 0 };
	EV_SET(&ch[0], p[0], EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, 0);
	CHECK(kevent(kq, ch, 1, ev, 4, &zero) == 1 && ev[0].flags == 0 && ev[0].data == 0);
	CHECK(kevent(kq, 0, 0, ev, 4, &zero) == 1);            /* still ready: level-triggered */
	CHECK(read(p[0], &c, 1) == 1);
	CHECK(kevent(kq, 0, 0, ev, 4, &zero) == 0);
	EV_SET(&ch[0], 99, EVFILT_READ, EV_DELETE, 0, 0, 0);
	CHECK(kevent(kq, ch, 1, ev, 4, &zero) == 0 && ev[0].flags == EV_ERROR && ev[0].data == EINVAL);
	EV_SET(&ch[0], p[0], EVFILT_READ, EV_ADD | EV_RECEIPT, 0, 0, 0);
	CHECK(kevent(kq, ch, 1, ev, 4, &zero) == -1 && errno == EINVAL);
	DONE();
}
