//go:build genode

package fifo

import (
	"errors"
	"fmt"
	"syscall"
)

// ErrNoFifos is what OpenFifo's error wraps when it is asked to create a FIFO on Genode, together with the
// libc's ENOSYS (and so errors.ErrUnsupported).
//
// Genode's libc has no FIFOs: mkfifo is a stub that warns and fails with ENOSYS (repos/libports/src/lib/libc/
// dummies.cc), and no file system of the VFS makes a node a FIFO on request. A named pipe on Genode is a
// <fifo name="..."/> node of the VFS pipe plugin (repos/gems/src/lib/vfs/pipe), declared in a component's
// configuration; OpenFifo opens such a node like any existing path, without O_CREAT's mkfifo.
var ErrNoFifos = errors.New("Genode has no FIFOs: mkfifo is ENOSYS in its libc; a named pipe is a <fifo> node of the VFS pipe plugin, configured, not created")

func init() {
	mkfifo = genodeMkfifo
}

func genodeMkfifo(path string, mode uint32) error {
	err := syscall.Mkfifo(path, mode)
	if errors.Is(err, syscall.ENOSYS) {
		return fmt.Errorf("%w (%w)", ErrNoFifos, err)
	}
	return err
}
