//go:build genode

package term

import (
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// TestGenodeFileIsNoTerminal: Genode's libc answers TIOCGETA for a plain file (vfs_plugin.cc _ioctl_tio); the
// file must still not count as a terminal, and the termios functions must refuse it as other systems do.
func TestGenodeFileIsNoTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "file")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	if IsTerminal(fd) {
		t.Fatal("IsTerminal: a temporary file is a terminal")
	}
	if _, err := MakeRaw(fd); !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("MakeRaw: %v, want ENOTTY", err)
	}
	if _, err := GetState(fd); !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("GetState: %v, want ENOTTY", err)
	}
	if err := Restore(fd, &State{}); !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("Restore: %v, want ENOTTY", err)
	}
	if _, err := ReadPassword(fd); !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("ReadPassword: %v, want ENOTTY", err)
	}
	if _, _, err := GetSize(fd); err == nil {
		t.Fatal("GetSize of a file succeeded")
	}
}
