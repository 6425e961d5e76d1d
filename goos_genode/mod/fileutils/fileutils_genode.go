//go:build genode

// Owners and modes on Genode.
//
// Genode's file systems keep no owner and no permission bits that a program can change: its libc has no
// lchown in the ABI and answers chown and chmod with ENOSYS (stubs in repos/libports/src/lib/libc/
// dummies.cc; the port's syscalls/table.tsv records each). A copy on Genode therefore carries what the
// destination can hold, content and file type, as continuity's copy does on genode: ENOSYS from these calls
// means "this file system cannot record it", not a failed copy. Any other error fails as elsewhere.

package fileutils

import (
	"errors"
	"os"
	"syscall"
)

func init() {
	lchown = func(name string, uid, gid int) error { return unrecordable(os.Lchown(name, uid, gid)) }
	chown = func(name string, uid, gid int) error { return unrecordable(os.Chown(name, uid, gid)) }
	chmod = func(name string, mode os.FileMode) error { return unrecordable(os.Chmod(name, mode)) }
}

func unrecordable(err error) error {
	if errors.Is(err, syscall.ENOSYS) {
		return nil
	}
	return err
}
