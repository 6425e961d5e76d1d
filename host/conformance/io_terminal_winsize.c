//! behaviour: TIOCGWINSZ reads the "info" file of the fd's ioctl directory (".NAME" beside the file) and answers
//! behaviour: only if it holds a <terminal> node: rows and columns (defaults 25 and 80), nothing else of the
//! behaviour: winsize written; every other fd (a RAM file, /dev/null, /dev/log, a directory) gets EINVAL, as does a
//! behaviour: NULL argument. A <terminal NAME> node brings that directory: .NAME/info, rows, columns, interrupts,
//! behaviour: read-only values whose text ends with its NUL; info is "terminal | rows: R | columns: C" in HID with
//! behaviour: the size the session's server reports, 0 x 0 for one without a screen (a host file, a pipe); any file
//! behaviour: with such an info file beside it answers the same way
//! models: repos/libports/src/lib/libc/vfs_plugin.cc
//! models: repos/libports/src/lib/libc/internal/vfs_plugin.h
//! models: repos/os/src/lib/vfs/terminal_file_system.h
//! models: repos/os/include/vfs/readonly_value_file_system.h
//! models: repos/gems/src/server/file_terminal/main.cc
//! models: repos/base/src/lib/base/hid.cc
//! stderr: PASS
#include "check.h"
#include "genode/io.h"

static struct winsize ws;

static int winsize(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) return -2;
	ws.ws_row = ws.ws_col = ws.ws_xpixel = ws.ws_ypixel = 0x5a5a;
	errno = 0;
	int r = ioctl(fd, TIOCGWINSZ, &ws);
	close(fd);
	return r;
}

static void file(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, content, strlen(content)) == (ssize_t)strlen(content));
	close(fd);
}

int main(void)
{
	/* a terminal whose server is a host file (routed), and the launcher's own stdout (not a tty here) */
	CHECK(winsize("/dev/out") == 0 && ws.ws_row == 0 && ws.ws_col == 0);
	CHECK(ws.ws_xpixel == 0x5a5a && ws.ws_ypixel == 0x5a5a);
	CHECK(winsize("/dev/terminal") == 0 && ws.ws_row == 0 && ws.ws_col == 0);
	int fd = open("/dev/out", O_WRONLY);
	errno = 0;
	CHECK(ioctl(fd, TIOCGWINSZ, NULL) == -1 && errno == EINVAL);
	close(fd);

	/* everything else */
	file("/tmp/plain", "text\n");
	CHECK(winsize("/tmp/plain") == -1 && errno == EINVAL && ws.ws_row == 0x5a5a);
	CHECK(winsize("/dev/null") == -1 && errno == EINVAL);
	CHECK(winsize("/dev/log") == -1 && errno == EINVAL);
	CHECK(winsize("/tmp") == -1 && errno == EINVAL);

	/* the terminal's hidden directory */
	struct stat st;
	CHECK(stat("/dev/.out", &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR);
	static const char info[] = "terminal | rows: 0 | columns: 0\n-\n";
	CHECK(stat("/dev/.out/info", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR && !(st.st_mode & 0200) &&
	      st.st_size == (off_t)sizeof info);
	char buf[256];
	memset(buf, 'x', sizeof buf);
	int i = open("/dev/.out/info", O_RDONLY);
	CHECK(i >= 0 && read(i, buf, sizeof buf) == (ssize_t)sizeof info && !memcmp(buf, info, sizeof info));
	CHECK(read(i, buf, sizeof buf) == 0);
	close(i);
	i = open("/dev/.out/rows", O_RDONLY);
	CHECK(i >= 0 && read(i, buf, sizeof buf) == 2 && !memcmp(buf, "0", 2));
	close(i);
	CHECK(stat("/dev/.out/columns", &st) == 0 && stat("/dev/.out/interrupts", &st) == 0);
	CHECK(stat("/dev/.terminal/info", &st) == 0);
	i = open("/dev/.out/info", O_WRONLY);
	errno = 0;
	CHECK(i >= 0 && write(i, "x", 1) == -1 && errno == EIO);
	close(i);

	/* any file whose ioctl directory holds an info file with a terminal node */
	CHECK(mkdir("/tmp/.fake", 0755) == 0);
	file("/tmp/fake", "");
	file("/tmp/.fake/info", "terminal | rows: 24 | columns: 100\n-\n");
	CHECK(winsize("/tmp/fake") == 0 && ws.ws_row == 24 && ws.ws_col == 100 && ws.ws_xpixel == 0x5a5a);
	file("/tmp/.fake/info", "<terminal rows=\"30\"/>");
	CHECK(winsize("/tmp/fake") == 0 && ws.ws_row == 30 && ws.ws_col == 80);
	file("/tmp/.fake/info", "terminal\n-\n");
	CHECK(winsize("/tmp/fake") == 0 && ws.ws_row == 25 && ws.ws_col == 80);
	file("/tmp/.fake/info", "block | size: 512\n-\n");
	CHECK(winsize("/tmp/fake") == -1 && errno == EINVAL);
	DONE();
}
