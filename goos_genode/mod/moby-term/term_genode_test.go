//go:build genode

package term

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// TestGenodeFileIsNoTerminal: Genode's libc answers TIOCGETA for a plain file (vfs_plugin.cc _ioctl_tio); the
// file must still not count as a terminal, and the termios functions must refuse it as other systems do.
func TestGenodeFileIsNoTerminal(t *testing.T) {
	f := newTempFile(t)
	if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TIOCGETA); err != nil {
		t.Logf("TIOCGETA on a file fails here (%v): this libc is not Genode's", err)
	}
	if IsTerminal(f.Fd()) {
		t.Fatal("IsTerminal: a temporary file is a terminal")
	}
	if _, isTerm := GetFdInfo(f); isTerm {
		t.Fatal("GetFdInfo: a temporary file is a terminal")
	}
	if _, err := SaveState(f.Fd()); !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("SaveState: %v, want ENOTTY", err)
	}
	if _, err := MakeRaw(f.Fd()); !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("MakeRaw: %v, want ENOTTY", err)
	}
	if _, err := SetRawTerminal(f.Fd()); !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("SetRawTerminal: %v, want ENOTTY", err)
	}
	if err := RestoreTerminal(f.Fd(), &State{}); !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("RestoreTerminal: %v, want ENOTTY", err)
	}
	if err := DisableEcho(f.Fd(), &State{}); !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("DisableEcho: %v, want ENOTTY", err)
	}
	if _, err := GetWinsize(f.Fd()); err == nil {
		t.Fatal("GetWinsize of a file succeeded")
	}
}
