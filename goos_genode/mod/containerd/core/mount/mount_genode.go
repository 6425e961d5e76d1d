//go:build genode

package mount

import (
	"fmt"

	"github.com/containerd/errdefs"
)

// A Genode component has no mount(2): its file system is the VFS its parent
// configured. Snapshots are handed on as "bind" mounts that the runtime turns
// into the container's VFS (HasBindMounts is false, so the differ writes into
// the snapshot directory itself).
func (m *Mount) mount(target string) error {
	return fmt.Errorf("mount %s of %q on %q: a Genode component cannot mount: %w", m.Type, m.Source, target, errdefs.ErrNotImplemented)
}

// Nothing is ever mounted on Genode, so there is nothing to unmount: a
// rootfs "mount" is the directory itself.

// Unmount has nothing to do on Genode.
func Unmount(target string, flags int) error {
	return nil
}

// UnmountAll has nothing to do on Genode.
func UnmountAll(target string, flags int) error {
	return nil
}

// UnmountRecursive has nothing to do on Genode.
func UnmountRecursive(target string, flags int) error {
	return nil
}
