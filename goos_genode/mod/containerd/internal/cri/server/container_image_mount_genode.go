//go:build genode

package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/containerd/containerd/v2/core/mount"
)

// An image volume on Genode. A component cannot mount, and runc turns a bind
// mount's source into a file system of the container's view after following
// the source's links (sandbox/oci, as mount(2) follows them). So the volume's
// mount point becomes a symbolic link to the snapshot's directory (the
// native snapshotter's one bind mount), and the container's bind mount of
// the mount point reaches the image's files.
func init() {
	mountImageVolume = linkImageVolume
	unmountImageVolume = unlinkImageVolume
}

func linkImageVolume(mounts []mount.Mount, target string) error {
	if len(mounts) != 1 || mounts[0].Type != "bind" {
		return fmt.Errorf("image volume at %s: %d mount(s), the first of type %q: on Genode a volume is one directory of a snapshotter (a bind mount)",
			target, len(mounts), firstType(mounts))
	}
	// the mount point the CRI made: empty, as before a mount
	if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("image volume at %s: %w", target, err)
	}
	return os.Symlink(mounts[0].Source, target)
}

// unlinkImageVolume leaves an empty mount point, as an unmount does.
func unlinkImageVolume(target string) error {
	fi, err := os.Lstat(target)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	if err := os.Remove(target); err != nil {
		return err
	}
	return os.Mkdir(target, 0o755)
}

func firstType(ms []mount.Mount) string {
	if len(ms) == 0 {
		return ""
	}
	return ms[0].Type
}
