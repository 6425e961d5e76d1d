//go:build genode

package archive

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Genode's VFS has no device nodes or FIFOs (libc's mknod is a stub).
func mknod(path string, mode uint32, dev uint64) error {
	return &os.PathError{Op: "mknod", Path: path, Err: fmt.Errorf("a Genode file system has no device nodes or FIFOs: %w", unix.ENOSYS)}
}

// Genode's VFS has no extended attributes; like a file system without them
// on Linux, they are dropped.
func lsetxattrCreate(link string, attr string, data []byte) error {
	return nil
}

// Genode's file systems keep no permission bits (chmod fails with ENOSYS).
func lchmod(path string, mode os.FileMode) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return nil
	}
	if err := os.Chmod(path, mode); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}
