//go:build genode

package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/containerd/containerd/v2/core/mount"
)

// An image volume on Genode. A component cannot mount, and runc turns a bind
// mount's source into a file system of the container's view after following
// the source's links (sandbox/oci, as mount(2) follows them). So the volume's
// mount point becomes a symbolic link to a directory that holds the image's
// files, and the container's read-only bind mount of the mount point reaches
// them. That directory is the snapshot's (the native snapshotter's first
// bind mount) or, when the snapshotter shows some of the parent's
// directories at their place (further bind mounts with a Target: genode's
// native snapshotter shares the image's binary directories), the parent's:
// the image's committed snapshot, complete and never changed, which a
// read-only volume may see as it is.
func init() {
	mountImageVolume = linkImageVolume
	unmountImageVolume = unlinkImageVolume
}

func linkImageVolume(mounts []mount.Mount, target string) error {
	dir, err := volumeDir(mounts)
	if err != nil {
		return fmt.Errorf("image volume at %s: %w", target, err)
	}
	// the mount point the CRI made: empty, as before a mount
	if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("image volume at %s: %w", target, err)
	}
	return os.Symlink(dir, target)
}

// volumeDir is the directory holding everything mounts show.
func volumeDir(mounts []mount.Mount) (string, error) {
	if len(mounts) == 0 || mounts[0].Type != "bind" || mounts[0].Target != "" {
		return "", fmt.Errorf("%d mount(s), the first of type %q: on Genode a volume is a directory of a snapshotter (bind mounts)", len(mounts), firstType(mounts))
	}
	if len(mounts) == 1 {
		return mounts[0].Source, nil
	}
	parent := ""
	for _, m := range mounts[1:] {
		t := filepath.Clean(filepath.FromSlash(strings.TrimPrefix(m.Target, "/")))
		p, ok := strings.CutSuffix(filepath.Clean(m.Source), string(filepath.Separator)+t)
		if m.Type != "bind" || t == "." || !ok || (parent != "" && p != parent) {
			return "", fmt.Errorf("mount of %q at %q: not a directory of the snapshot's parent shown at its place", m.Source, m.Target)
		}
		parent = p
	}
	return parent, nil
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
