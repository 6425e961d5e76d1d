// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package os

import (
	"internal/filepathlite"
	"syscall"
	"time"
)

// typeMode maps the S_IFMT part of a FreeBSD 12 st_mode to FileMode bits.
func typeMode(m uint16) FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return ModeDir
	case syscall.S_IFLNK:
		return ModeSymlink
	case syscall.S_IFIFO:
		return ModeNamedPipe
	case syscall.S_IFSOCK:
		return ModeSocket
	case syscall.S_IFCHR:
		return ModeDevice | ModeCharDevice
	case syscall.S_IFBLK:
		return ModeDevice
	}
	return 0
}

func fillFileStatFromSys(fs *fileStat, name string) {
	m := fs.sys.Mode
	fs.name = filepathlite.Base(name)
	fs.size = fs.sys.Size
	fs.modTime = time.Unix(fs.sys.Mtimespec.Unix())
	fs.mode = FileMode(m&0o777) | typeMode(m)
	if m&syscall.S_ISUID != 0 {
		fs.mode |= ModeSetuid
	}
	if m&syscall.S_ISGID != 0 {
		fs.mode |= ModeSetgid
	}
	if m&syscall.S_ISVTX != 0 {
		fs.mode |= ModeSticky
	}
}

// For testing.
func atime(fi FileInfo) time.Time {
	return time.Unix(fi.Sys().(*syscall.Stat_t).Atimespec.Unix())
}
