//! behaviour: each <terminal> node is a Terminal session of its own, labelled by its label attribute; init picks
//! behaviour: the first rule that matches the label (label_last against the last element, label against the label
//! behaviour: without the child's name), so two labelled terminals routed to two host files write there, each
//! behaviour: only its own bytes, and an unlabelled one ("NAME -> ") matched by a rule without label attributes
//! behaviour: and routed to a plain <parent/> is the launcher's own stdout
//! models: repos/os/src/lib/vfs/terminal_file_system.h
//! models: repos/os/src/lib/sandbox/route_model.h
//! models: repos/os/src/lib/sandbox/utils.h
//! models: repos/os/src/lib/sandbox/child.cc
//! models: repos/base/include/base/session_label.h
//! stdout: via the unlabelled terminal
//! not-stdout: to stdout
//! not-stdout: to errors
//! stderr: PASS
#include "genode/io.h"

static int fails;
#define CHECK(c) do { if (!(c)) { dprintf(2, "FAIL line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static int put(int fd, const char *s) { return write(fd, s, strlen(s)) == (ssize_t)strlen(s); }

static void expect(const char *path, const char *want)
{
	char buf[256] = { 0 };
	int f = open(path, O_RDONLY);
	CHECK(f >= 0);
	ssize_t n = read(f, buf, sizeof buf - 1);
	close(f);
	if (n != (ssize_t)strlen(want) || strcmp(buf, want)) {
		dprintf(2, "FAIL %s holds %zd bytes: %s\n", path, n, buf);
		fails++;
	}
}

int main(void)
{
	int e = open("/dev/err", O_WRONLY);
	int t = open("/dev/terminal", O_WRONLY);
	CHECK(e >= 0 && t >= 0);
	CHECK(put(1, "to stdout 1\n"));
	CHECK(put(e, "to errors 1\n"));
	CHECK(put(1, "to stdout 2\n"));
	CHECK(put(e, "to errors 2\n"));
	CHECK(put(t, "via the unlabelled terminal\n"));
	expect("/view/out", "to stdout 1\nto stdout 2\n");
	expect("/view/err", "to errors 1\nto errors 2\n");
	if (fails) return 1;
	dprintf(2, "PASS\n");
	return 0;
}
