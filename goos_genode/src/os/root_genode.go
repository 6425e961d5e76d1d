// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package os

import (
	"errors"
	"syscall"
)

// Genode's libc has no *at calls besides openat and fstatat, so os.Root
// uses root_noopenat.go, which asks these functions whether a name stays
// inside the root. They resolve the name component by component with
// Lstat and Readlink. Like every path-based Root, this is open to races
// with concurrent symlink changes.

func checkPathEscapes(r *Root, name string) error {
	return rootWalk(r, name, true)
}

// checkPathEscapesLstat does not follow a symlink in the last component.
func checkPathEscapesLstat(r *Root, name string) error {
	return rootWalk(r, name, false)
}

func rootWalk(r *Root, name string, followLast bool) error {
	if r.root.closed.Load() {
		return ErrClosed
	}
	todo, slash, err := splitPathInRoot(name, nil, nil)
	if err != nil {
		return err
	}
	var done []string // components below the root, already checked
	links := 0
	for len(todo) > 0 {
		c := todo[0]
		switch c {
		case ".":
			todo = todo[1:]
			continue
		case "..":
			if len(done) == 0 {
				return errPathEscapes
			}
			done = done[:len(done)-1]
			todo = todo[1:]
			continue
		}
		last := len(todo) == 1
		if last && !followLast && !slash {
			return nil
		}
		p := r.root.name
		for _, d := range done {
			p = joinPath(p, d)
		}
		p = joinPath(p, c)
		fi, err := Lstat(p)
		if err != nil {
			if IsNotExist(err) {
				// The operation itself reports the missing file.
				return nil
			}
			return underlyingError(err)
		}
		switch {
		case fi.Mode()&ModeSymlink != 0:
			if links++; links > rootMaxSymlinks {
				return errors.New("too many symlinks")
			}
			target, err := Readlink(p)
			if err != nil {
				return errPathEscapes
			}
			var tslash bool
			todo, tslash, err = splitPathInRoot(target, nil, todo[1:])
			if err != nil {
				return err
			}
			if last && tslash {
				slash = true
			}
		case !fi.IsDir() && !last:
			return syscall.ENOTDIR
		default:
			done = append(done, c)
			todo = todo[1:]
		}
	}
	return nil
}
