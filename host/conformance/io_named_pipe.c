//! behaviour: a named pipe of a VFS server's pipe plugin (<pipe> <fifo name/> </pipe>, exported as a File_system;
//! behaviour: the model: a host FIFO in an <fs> directory, made by the launcher for fifo="NAME"): it stats as a
//! behaviour: character device (a continuous file); it opens read-only ("out") or write-only ("in") without waiting
//! behaviour: for the other side; read-write, creation and writing through a read-only session are refused; a read
//! behaviour: with nothing queued waits (O_NONBLOCK: EAGAIN) also before any writer came, poll reports data and,
//! behaviour: once a writer has come and all are gone, the end: read gives 0. <libc stdin> can name it.
//! models: repos/gems/src/lib/vfs/pipe/plugin.cc
//! models: repos/gems/src/lib/vfs/pipe/README
//! models: repos/libports/src/lib/libc/vfs_plugin.cc
//! stderr: PASS
#include "check.h"
#include "genode/io.h"

int main(void)
{
	struct stat st;
	char buf[16];
	CHECK(stat("/p/upstream", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR);

	/* stdin is the reader, opened at start-up; no writer has come yet: nothing, not the end */
	struct pollfd pf = { 0, POLLIN, 0 };
	CHECK(poll(&pf, 1, 30) == 0);
	int other = open("/p/other", O_RDONLY | O_NONBLOCK);
	CHECK(other >= 0 && read(other, buf, sizeof buf) == -1 && errno == EAGAIN);

	CHECK(open("/p/upstream", O_RDWR) == -1 && errno == EPERM);
	CHECK(open("/p/upstream", O_WRONLY | O_CREAT, 0600) == -1 && errno == EPERM);
	CHECK(open("/ro/upstream", O_WRONLY) == -1 && errno == EPERM);

	int w = open("/p/upstream", O_WRONLY);
	CHECK(w >= 0);
	CHECK(poll(&pf, 1, 30) == 0);                      /* a writer, nothing queued: still waiting */
	CHECK(write(w, "hello", 5) == 5);
	CHECK(poll(&pf, 1, -1) == 1 && (pf.revents & POLLIN));
	CHECK(read(0, buf, sizeof buf) == 5 && !memcmp(buf, "hello", 5));
	CHECK(poll(&pf, 1, 30) == 0);
	CHECK(write(w, "!", 1) == 1);
	close(w);
	/* the data first, then the end */
	CHECK(read(0, buf, sizeof buf) == 1 && buf[0] == '!');
	CHECK(poll(&pf, 1, -1) == 1);
	CHECK(read(0, buf, sizeof buf) == 0);

	/* a read-only handle of the other pipe sees a writer's data and its end */
	w = open("/p/other", O_WRONLY);
	CHECK(w >= 0 && write(w, "x", 1) == 1);
	close(w);
	CHECK(read(other, buf, sizeof buf) == 1 && read(other, buf, sizeof buf) == 0);
	close(other);
	DONE();
}
