//go:build genode

package logrus

import "golang.org/x/sys/unix"

// isTerminal asks for the window size, not for the termios as the BSD variant does: Genode's libc answers
// TIOCGETA for every file (a fixed termios with ECHO, Libc::Vfs_plugin::_ioctl_tio in
// repos/libports/src/lib/libc/vfs_plugin.cc), so /dev/log or a log file would count as a terminal and get
// colour escapes. TIOCGWINSZ is answered only for a node whose info file says "terminal" (the terminal
// VFS plugin); for anything else it fails with EINVAL.
func isTerminal(fd int) bool {
	_, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	return err == nil
}
