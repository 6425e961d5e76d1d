//go:build genode

// Genode's copyFileInfo and copyXAttrs (copy_unix.go on the other unixes).
//
// Genode's file systems keep no owner, no permission bits that can be changed and no settable times: its libc
// answers lchown with ENOSYS (not in the ABI), chmod with ENOSYS (a stub in dummies.cc), and utimensat with ENOSYS
// (not in the ABI); syscalls/table.tsv of the port records each. A copy on Genode therefore carries what the
// destination file system can hold, the content and the file type, as a copy onto a file system without owners
// does elsewhere: ENOSYS from these three calls is "this file system cannot record it", not a failure of the copy.
// Any other error fails the copy as on the other unixes.
//
// Genode's libc has no extended attributes at all (no extattr_* and no *xattr functions), so there is nothing to
// list on the source; copyXAttrs copies nothing, the path copy_unix.go takes when listing returns ENOTSUP.

package fs

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

func copyFileInfo(fi os.FileInfo, src, name string) error {
	st := fi.Sys().(*syscall.Stat_t)
	if err := os.Lchown(name, int(st.Uid), int(st.Gid)); err != nil && !errors.Is(err, syscall.ENOSYS) {
		if os.IsPermission(err) {
			if dstStat, err2 := os.Lstat(name); err2 == nil {
				st2 := dstStat.Sys().(*syscall.Stat_t)
				if st.Uid == st2.Uid && st.Gid == st2.Gid {
					err = nil
				}
			}
		}
		if err != nil {
			return fmt.Errorf("failed to chown %s: %w", name, err)
		}
	}

	if (fi.Mode() & os.ModeSymlink) != os.ModeSymlink {
		if err := os.Chmod(name, fi.Mode()); err != nil && !errors.Is(err, syscall.ENOSYS) {
			return fmt.Errorf("failed to chmod %s: %w", name, err)
		}
	}

	if err := utimesNano(name, StatAtime(st), StatMtime(st)); err != nil && !errors.Is(err, syscall.ENOSYS) {
		return fmt.Errorf("failed to utime %s: %w", name, err)
	}

	return nil
}

func copyXAttrs(dst, src string, excludes map[string]struct{}, errorHandler XAttrErrorHandler) error {
	return nil
}
