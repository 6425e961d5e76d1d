//go:build genode

package archive

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Genode's libc makes no device nodes (mknod is ENOSYS): an archive's device
// entries fail to extract with that error. Its dev_t is 64 bits wide.

func mknod(path string, mode uint32, dev uint64) error {
	return unix.Mknod(path, mode, dev)
}

// mknodInRoot: a Genode component has no directory descriptors to make the
// node relative to (no mknodat); the parent is looked up through root, which
// refuses a path that leaves it, and the node made by its path.
func mknodInRoot(root *os.Root, path string, mode uint32, dev uint64) error {
	if _, err := root.Stat(filepath.Dir(path)); err != nil {
		return err
	}
	return unix.Mknod(filepath.Join(root.Name(), path), mode, dev)
}
