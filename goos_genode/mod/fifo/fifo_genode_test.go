//go:build genode

package fifo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestGenodeNoFifos: creating a FIFO fails at once, with an error that says Genode has none, for every way of
// opening (a blocking open must not wait for a peer that can never come).
func TestGenodeNoFifos(t *testing.T) {
	dir := t.TempDir()
	for i, flag := range []int{
		syscall.O_CREAT | syscall.O_RDONLY,
		syscall.O_CREAT | syscall.O_WRONLY,
		syscall.O_CREAT | syscall.O_RDWR,
		syscall.O_CREAT | syscall.O_RDONLY | syscall.O_NONBLOCK,
	} {
		fn := filepath.Join(dir, "fifo"+string(rune('a'+i)))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		start := time.Now()
		f, err := OpenFifo(ctx, fn, flag, 0o600)
		cancel()
		if f != nil {
			f.Close()
		}
		if err == nil {
			t.Fatalf("OpenFifo(%#x) succeeded", flag)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("OpenFifo(%#x) took %v", flag, d)
		}
		for _, target := range []error{ErrNoFifos, syscall.ENOSYS, errors.ErrUnsupported} {
			if !errors.Is(err, target) {
				t.Errorf("OpenFifo(%#x): %v, does not wrap %v", flag, err, target)
			}
		}
		if _, err := os.Lstat(fn); !os.IsNotExist(err) {
			t.Errorf("OpenFifo(%#x) left %s behind (%v)", flag, fn, err)
		}
		if _, err := OpenFifoDup2(context.Background(), fn, flag, 0o600, 100); !errors.Is(err, ErrNoFifos) {
			t.Errorf("OpenFifoDup2(%#x): %v, want ErrNoFifos", flag, err)
		}
		t.Logf("OpenFifo(%#x): %v", flag, err)
	}
}
