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
