/*
 * TestTerminalTTY's component: its stdin and stdout are a Terminal session routed to a host tty. It reports on its
 * log what TIOCGWINSZ and the terminal's info file say, writes a line to the terminal and reads one from it.
 */
#include "genode/io.h"

int main(void)
{
	struct winsize ws = { 0, 0, 0, 0 };
	int r = ioctl(1, TIOCGWINSZ, &ws);
	dprintf(2, "winsize %d %u %u\n", r, ws.ws_row, ws.ws_col);
	char info[128] = { 0 };
	int fd = open("/dev/.tty/info", O_RDONLY);
	if (fd >= 0 && read(fd, info, sizeof info - 1) > 0) {
		for (char *p = info; *p; p++) if (*p == '\n') *p = ' ';
		dprintf(2, "info %s\n", info);
	}
	write(1, "to the tty\n", 11);
	char line[64] = { 0 };
	ssize_t n = read(0, line, sizeof line - 1);
	if (n > 0 && line[n - 1] == '\n') line[n - 1] = 0;
	dprintf(2, "read %zd %s\n", n, line);
	return 0;
}
