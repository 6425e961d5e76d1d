//go:build genode

// mknod_freebsd.go for genode: Genode's libc is FreeBSD's, whose mknod takes a 64-bit dev_t. Genode's mknod is a
// stub that returns ENOSYS (dummies.cc): the VFS creates no device nodes, so device entries cannot be restored.

package devices

import "golang.org/x/sys/unix"

func mknod(path string, mode uint32, dev uint64) (err error) {
	return unix.Mknod(path, mode, dev)
}
