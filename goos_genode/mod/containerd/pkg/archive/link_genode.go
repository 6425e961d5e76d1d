//go:build genode

package archive

import (
	"errors"
	"io"
	"os"
)

// link makes newname a copy of oldname where the file system has no hard
// links (Genode's libc link is a stub, ENOSYS): a layer's hard link then
// unpacks as a second file with the same content. The two no longer share
// their identity, which nothing sees in a read-only layer.
func link(oldname, newname string) error {
	err := os.Link(oldname, newname)
	if err == nil || !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	in, err := os.Open(oldname)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(newname, os.O_CREATE|os.O_EXCL|os.O_WRONLY, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(newname)
		return err
	}
	return out.Close()
}
