//go:build genode

package term

// term_unix.go for genode; termios_unix.go (MakeRaw) is shared. Genode's libc answers TIOCGETA for every file
// with one fixed termios and accepts TIOCSETA for every file without effect (Libc::Vfs_plugin::_ioctl_tio in
// repos/libports/src/lib/libc/vfs_plugin.cc), so term_unix.go's test, a TIOCGETA that succeeds, would call
// every file a terminal. TIOCGWINSZ is answered only for a node whose info file says "terminal" (the terminal
// VFS plugin, repos/os/src/lib/vfs/terminal_file_system.h), so it is the test here, and the termios requests
// on what is not a terminal fail with ENOTTY as on other systems. On a terminal they succeed and change
// nothing: a Genode terminal has no line discipline that termios controls (input arrives byte by byte
// without echo; whether ^C interrupts is the `raw` attribute of the terminal's VFS configuration).
// TIOCSWINSZ is not served (SetWinsize fails with EINVAL): a Genode terminal's size is the terminal
// session's.

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

const (
	getTermios = unix.TIOCGETA
	setTermios = unix.TIOCSETA
)

// ErrInvalidState is returned if the state of the terminal is invalid.
//
// Deprecated: ErrInvalidState is no longer used.
var ErrInvalidState = errors.New("Invalid terminal state")

// terminalState holds the platform-specific state / console mode for the terminal.
type terminalState struct {
	termios unix.Termios
}

func stdStreams() (stdIn io.ReadCloser, stdOut, stdErr io.Writer) {
	return os.Stdin, os.Stdout, os.Stderr
}

func getFdInfo(in interface{}) (uintptr, bool) {
	var inFd uintptr
	var isTerminalIn bool
	if file, ok := in.(*os.File); ok {
		inFd = file.Fd()
		isTerminalIn = isTerminal(inFd)
	}
	return inFd, isTerminalIn
}

func getWinsize(fd uintptr) (*Winsize, error) {
	uws, err := unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ)
	ws := &Winsize{Height: uws.Row, Width: uws.Col, x: uws.Xpixel, y: uws.Ypixel}
	return ws, err
}

func setWinsize(fd uintptr, ws *Winsize) error {
	return unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, &unix.Winsize{
		Row:    ws.Height,
		Col:    ws.Width,
		Xpixel: ws.x,
		Ypixel: ws.y,
	})
}

func isTerminal(fd uintptr) bool {
	_, err := unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ)
	return err == nil
}

func restoreTerminal(fd uintptr, state *State) error {
	if state == nil {
		return errors.New("invalid terminal state")
	}
	return tcset(fd, &state.termios)
}

func saveState(fd uintptr) (*State, error) {
	termios, err := tcget(fd)
	if err != nil {
		return nil, err
	}
	return &State{termios: *termios}, nil
}

func disableEcho(fd uintptr, state *State) error {
	newState := state.termios
	newState.Lflag &^= unix.ECHO

	return tcset(fd, &newState)
}

func setRawTerminal(fd uintptr) (*State, error) {
	return makeRaw(fd)
}

func setRawTerminalOutput(uintptr) (*State, error) {
	return nil, nil
}

func tcget(fd uintptr) (*unix.Termios, error) {
	if !isTerminal(fd) {
		return nil, unix.ENOTTY
	}
	return unix.IoctlGetTermios(int(fd), getTermios)
}

func tcset(fd uintptr, p *unix.Termios) error {
	if !isTerminal(fd) {
		return unix.ENOTTY
	}
	return unix.IoctlSetTermios(int(fd), setTermios, p)
}
