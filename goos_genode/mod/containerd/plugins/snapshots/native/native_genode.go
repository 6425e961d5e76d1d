//go:build genode

package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/containerd/containerd/v2/core/mount"
	"github.com/containerd/containerd/v2/core/snapshots"
	cfs "github.com/containerd/continuity/fs"
	"github.com/containerd/log"
)

// On Genode a program's binary is a ROM module, and a caching ROM service
// hands one dataspace to every component that loads the same file. A
// container whose rootfs is a copy of its image loads its own copy, so N
// containers of one image hold N copies of the binaries' text. Genode has no
// copy-on-write file system, so a container's active snapshot is its parent
// copied except the parent's binary directories (the top-most directories
// that hold an ELF file): those stay in the parent and are shown read-only
// at their place (mounts with a Target), so every container of the image
// loads the same files. Snapshots prepared to unpack a layer (labelled with
// the chain they become) stay whole copies: applying a layer writes and
// deletes anywhere. A commit copies the shared directories back in.

func init() {
	shareParent = shareBinaryDirs
	sharedMounts = binaryDirMounts
	unshareParent = unshareBinaryDirs
}

// binaryDirs caches, per committed parent directory (never changed once
// committed), its binary directories relative to it.
var binaryDirs sync.Map

func binaryDirsOf(parentDir string) ([]string, error) {
	if v, ok := binaryDirs.Load(parentDir); ok {
		return v.([]string), nil
	}
	var dirs []string
	err := filepath.WalkDir(parentDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		has, err := holdsELF(p)
		if err != nil {
			return err
		}
		// ELF files at the top stay copies: the root cannot be a mount
		if has && p != parentDir {
			rel, err := filepath.Rel(parentDir, p)
			if err != nil {
				return err
			}
			dirs = append(dirs, filepath.ToSlash(rel))
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("binary directories of %s: %w", parentDir, err)
	}
	binaryDirs.Store(parentDir, dirs)
	return dirs, nil
}

// holdsELF tells whether dir holds a regular ELF file: Genode's execve
// judges a binary by content, not mode bits.
func holdsELF(dir string) (bool, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return false, err
		}
		var b [4]byte
		n, _ := io.ReadFull(f, b[:])
		f.Close()
		if n == 4 && string(b[:]) == "\x7fELF" {
			return true, nil
		}
	}
	return false, nil
}

func unpacking(opts []snapshots.Opt) bool {
	var info snapshots.Info
	for _, o := range opts {
		if err := o(&info); err != nil {
			return false
		}
	}
	return info.Labels[snapshots.LabelSnapshotRef] != ""
}

func shareBinaryDirs(ctx context.Context, dir, parentDir string, opts []snapshots.Opt) error {
	if unpacking(opts) {
		return nil
	}
	dirs, err := binaryDirsOf(parentDir)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(d))); err != nil {
			return fmt.Errorf("sharing %s of the parent: %w", d, err)
		}
	}
	return nil
}

// binaryDirMounts shows the parent's binary directories that dir lacks;
// a snapshot prepared for unpacking has them all.
func binaryDirMounts(dir, parentDir string) []mount.Mount {
	dirs, err := binaryDirsOf(parentDir)
	if err != nil {
		log.L.WithError(err).Error("the snapshot's binary directories are missing from its mounts")
		return nil
	}
	var m []mount.Mount
	for _, d := range dirs {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(d))); !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		m = append(m, mount.Mount{
			Type:    mountType,
			Source:  filepath.Join(parentDir, filepath.FromSlash(d)),
			Target:  d,
			Options: append(append([]string(nil), defaultMountOptions...), "ro"),
		})
	}
	return m
}

func unshareBinaryDirs(dir, parentDir string) error {
	for _, m := range binaryDirMounts(dir, parentDir) {
		if err := cfs.CopyDir(filepath.Join(dir, filepath.FromSlash(m.Target)), m.Source); err != nil {
			return fmt.Errorf("copying shared %s from the parent before commit: %w", m.Target, err)
		}
	}
	return nil
}
