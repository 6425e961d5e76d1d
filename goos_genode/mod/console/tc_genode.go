//go:build genode

package console

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Genode's libc takes FreeBSD's termios ioctls on a Terminal session.
const (
	cmdTcGet = unix.TIOCGETA
	cmdTcSet = unix.TIOCSETA
)

// errNoPty: Genode has no pseudo terminals; a component's terminal is a
// Terminal session its parent routes to a terminal server.
var errNoPty = errors.New("Genode has no pseudo terminals: a terminal is a Terminal session routed to a terminal server")

func openpt() (*os.File, error) { return nil, errNoPty }

func unlockpt(f File) error { return errNoPty }

func ptsname(f File) (string, error) { return "", errNoPty }
