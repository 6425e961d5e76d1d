//go:build genode

package logrus

import "golang.org/x/sys/unix"

// isTerminal asks for the window size, not for the termios as the BSD variant does: Genode's libc answers
// TIOCGETA for every file (a fixed termios with ECHO, Libc::Vfs_plugin::_ioctl_tio in
// repos/libports/src/lib/libc/vfs_plugin.cc), so /dev/log or a log file would count as a terminal and get
// colour escapes. TIOCGWINSZ is answered only for a node whose info file says "terminal" (the terminal
// VFS plugin); for anything else it fails with EINVAL. A Terminal session of 0 x 0 is one without a
// screen (file_terminal, log_terminal, tcp_terminal and terminal_crosslink report no size): its output
// lands in a file or a log, where colour escapes do not belong either.
func isTerminal(fd int) bool {
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	return err == nil && ws.Row > 0 && ws.Col > 0
}
