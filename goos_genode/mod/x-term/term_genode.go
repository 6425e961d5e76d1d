// Copyright 2019 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build genode

package term

import "golang.org/x/sys/unix"

// Genode's libc answers TIOCGETA for every file with one fixed termios (ECHO set, everything else clear) and
// accepts TIOCSETA for every file without effect (Libc::Vfs_plugin::_ioctl_tio in
// repos/libports/src/lib/libc/vfs_plugin.cc); term_unix.go's test, a TIOCGETA that succeeds, would call every
// file a terminal. TIOCGWINSZ is answered only for a node whose info file says "terminal" (the terminal VFS
// plugin, repos/os/src/lib/vfs/terminal_file_system.h) and fails with EINVAL for anything else, so it is the
// test here, and what is not a terminal by it fails with ENOTTY as on other systems.
//
// A Genode terminal has no line discipline that termios controls: input arrives byte by byte without echo,
// and whether ^C interrupts is the `raw` attribute of the terminal's VFS configuration. So MakeRaw, Restore
// and ReadPassword on a terminal succeed without changing anything: the terminal already is what they ask for.

type state struct {
	termios unix.Termios
}

func isTerminal(fd int) bool {
	_, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	return err == nil
}

func getTermios(fd int) (*unix.Termios, error) {
	if !isTerminal(fd) {
		return nil, unix.ENOTTY
	}
	return unix.IoctlGetTermios(fd, unix.TIOCGETA)
}

func makeRaw(fd int) (*State, error) {
	termios, err := getTermios(fd)
	if err != nil {
		return nil, err
	}
	oldState := State{state{termios: *termios}}
	termios.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	termios.Oflag &^= unix.OPOST
	termios.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	termios.Cflag &^= unix.CSIZE | unix.PARENB
	termios.Cflag |= unix.CS8
	termios.Cc[unix.VMIN] = 1
	termios.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TIOCSETA, termios); err != nil {
		return nil, err
	}
	return &oldState, nil
}

func getState(fd int) (*State, error) {
	termios, err := getTermios(fd)
	if err != nil {
		return nil, err
	}
	return &State{state{termios: *termios}}, nil
}

func restore(fd int, state *State) error {
	if !isTerminal(fd) {
		return unix.ENOTTY
	}
	return unix.IoctlSetTermios(fd, unix.TIOCSETA, &state.termios)
}

func getSize(fd int) (width, height int, err error) {
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0, err
	}
	return int(ws.Col), int(ws.Row), nil
}

type passwordReader int

func (r passwordReader) Read(buf []byte) (int, error) {
	return unix.Read(int(r), buf)
}

func readPassword(fd int) ([]byte, error) {
	if !isTerminal(fd) {
		return nil, unix.ENOTTY
	}
	return readPasswordLine(passwordReader(fd))
}
