// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package unix

import (
	"syscall"
	_ "unsafe" // for linkname
)

// FreeBSD 12 values, as in Genode's libc headers.
const (
	AT_FDCWD            = -0x64
	AT_EACCESS          = 0x100
	AT_SYMLINK_NOFOLLOW = 0x200
	AT_SYMLINK_FOLLOW   = 0x400
	AT_REMOVEDIR        = 0x800

	UTIME_OMIT = -0x2
)

// Genode's libc has openat and fstatat (package syscall wraps them); the
// rest of the *at family is missing. Those calls work relative to the
// current directory only and fail with ENOSYS for a directory descriptor,
// so package os uses its path-based code on genode (removeall_noat.go,
// root_noopenat.go).

//go:linkname openat syscall.genodeOpenat
func openat(dirfd int, path string, flags int, perm uint32) (int, error)

//go:linkname fstatat syscall.fstatat
func fstatat(dirfd int, path string, stat *syscall.Stat_t, flags int) error

func Openat(dirfd int, path string, flags int, perm uint32) (int, error) {
	return openat(dirfd, path, flags, perm)
}

func Fstatat(dirfd int, path string, stat *syscall.Stat_t, flags int) error {
	return fstatat(dirfd, path, stat, flags)
}

func Unlinkat(dirfd int, path string, flags int) error {
	if dirfd != AT_FDCWD || flags&^AT_REMOVEDIR != 0 {
		return syscall.ENOSYS
	}
	if flags&AT_REMOVEDIR != 0 {
		return syscall.Rmdir(path)
	}
	return syscall.Unlink(path)
}

func Readlinkat(dirfd int, path string, buf []byte) (int, error) {
	if dirfd != AT_FDCWD {
		return 0, syscall.ENOSYS
	}
	return syscall.Readlink(path, buf)
}

func Mkdirat(dirfd int, path string, mode uint32) error {
	if dirfd != AT_FDCWD {
		return syscall.ENOSYS
	}
	return syscall.Mkdir(path, mode)
}

func Fchmodat(dirfd int, path string, mode uint32, flags int) error {
	if dirfd != AT_FDCWD || flags != 0 {
		return syscall.ENOSYS
	}
	return syscall.Chmod(path, mode)
}

func Fchownat(dirfd int, path string, uid, gid int, flags int) error {
	if dirfd != AT_FDCWD || flags != 0 {
		return syscall.ENOSYS
	}
	return syscall.Chown(path, uid, gid)
}

func Renameat(olddirfd int, oldpath string, newdirfd int, newpath string) error {
	if olddirfd != AT_FDCWD || newdirfd != AT_FDCWD {
		return syscall.ENOSYS
	}
	return syscall.Rename(oldpath, newpath)
}

func Linkat(olddirfd int, oldpath string, newdirfd int, newpath string, flag int) error {
	if olddirfd != AT_FDCWD || newdirfd != AT_FDCWD || flag != 0 {
		return syscall.ENOSYS
	}
	return syscall.Link(oldpath, newpath)
}

func Symlinkat(oldpath string, newdirfd int, newpath string) error {
	if newdirfd != AT_FDCWD {
		return syscall.ENOSYS
	}
	return syscall.Symlink(oldpath, newpath)
}

// faccessat serves Eaccess. Genode's libc has access only, and every
// process runs with uid 0, so the effective-id check equals access.
func faccessat(dirfd int, path string, mode uint32, flags int) error {
	if dirfd != AT_FDCWD || flags&^AT_EACCESS != 0 {
		return syscall.ENOSYS
	}
	return syscall.Access(path, mode)
}
