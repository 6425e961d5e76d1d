// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package syscall

// Path names the POSIX way.
//
// Genode's libc turns every path into a canonical absolute path before it
// looks at the file system (Absolute_path in file_operations.cc): "." and
// ".." elements are removed lexically and a trailing slash is dropped. So
// "link/../f" names the f next to link, not the one next to link's target;
// "file/" and "file/." name the file; and a trailing slash neither demands
// a directory nor makes lstat, unlink or rename follow a final symlink. The
// libc then follows symlinks itself (resolve_symlinks), again dropping a
// trailing slash of a link's target. Package os (and os.Root, whose Genode
// implementation is path-based) expects POSIX.
//
// A path is handed to the libc unchanged when its meaning cannot differ:
// no "." or ".." after the first name and no trailing slash. Any other
// path is walked here, element by element with lstat and readlink, and the
// libc gets the resolved path, which has no symlinks, dots or trailing
// slash, so that its canonical form is itself.

//sys	libcLstat(path string, stat *Stat_t) (err error) = lstat
//sys	libcMkdir(path string, mode uint32) (err error) = mkdir
//sys	libcOpen(path string, mode int, perm uint32) (fd int, err error) = open
//sys	libcReadlink(path string, buf []byte) (n int, err error) = readlink
//sys	libcRename(from string, to string) (err error) = rename
//sys	libcRmdir(path string) (err error) = rmdir
//sys	libcStat(path string, stat *Stat_t) (err error) = stat
//sys	libcSymlink(path string, link string) (err error) = symlink
//sys	libcUnlink(path string) (err error) = unlink

// maxSymlinks bounds the links followed in one walk (FreeBSD's MAXSYMLINKS).
const maxSymlinks = 32

// plainPath reports whether the libc resolves path as POSIX would: it has
// no trailing slash and no "." or ".." element after a name.
func plainPath(path string) bool {
	if len(path) > 1 && path[len(path)-1] == '/' {
		return false
	}
	named := false
	for i := 0; i < len(path); {
		j := i
		for j < len(path) && path[j] != '/' {
			j++
		}
		switch e := path[i:j]; e {
		case "":
		case ".", "..":
			if named {
				return false
			}
		default:
			named = true
		}
		i = j + 1
	}
	return true
}

// lastDot reports whether the last element of path is "." or "..".
func lastDot(path string) bool {
	i := len(path)
	for i > 0 && path[i-1] == '/' {
		i--
	}
	j := i
	for j > 0 && path[j-1] != '/' {
		j--
	}
	e := path[j:i]
	return e == "." || e == ".."
}

func isDir(st *Stat_t) bool { return st.Mode&S_IFMT == S_IFDIR }

// walk resolves path. Symlinks before the last element are always
// followed, the last one if follow is set or the path ends in a slash, "."
// or "..". dir reports that the path must name a directory: it ended so,
// or a link followed for its last element ended in a slash. A missing last
// element is not an error: the caller decides.
func walk(path string, follow bool) (resolved string, dir bool, err error) {
	abs := len(path) > 0 && path[0] == '/'
	ups := 0          // leading ".." of a relative path
	var done []string // elements below the start, each a directory or the last one
	todo := path
	links := 0
	for {
		for len(todo) > 0 && todo[0] == '/' {
			todo = todo[1:]
		}
		if todo == "" {
			break
		}
		n := 0
		for n < len(todo) && todo[n] != '/' {
			n++
		}
		e, rest := todo[:n], todo[n:]
		last := true
		for i := 0; i < len(rest); i++ {
			if rest[i] != '/' {
				last = false
				break
			}
		}
		if last && rest != "" {
			dir = true
		}
		todo = rest
		switch e {
		case ".":
			dir = dir || last
			continue
		case "..":
			dir = dir || last
			if len(done) > 0 {
				done = done[:len(done)-1]
			} else if !abs {
				ups++
			}
			continue
		}
		cur := joinWalked(abs, ups, done, e)
		if last && !follow && !dir {
			done = append(done, e)
			break
		}
		var st Stat_t
		if err := libcLstat(cur, &st); err != nil {
			if err == ENOENT && last {
				done = append(done, e)
				break
			}
			return "", false, err
		}
		switch st.Mode & S_IFMT {
		case S_IFLNK:
			if links++; links > maxSymlinks {
				return "", false, ELOOP
			}
			var buf [pathMax]byte
			k, err := libcReadlink(cur, buf[:])
			if err != nil {
				return "", false, err
			}
			if k <= 0 {
				return "", false, ENOENT
			}
			if buf[0] == '/' {
				abs, ups, done = true, 0, done[:0]
			}
			// The rest of the walk is the target, then what followed
			// the link: todo is empty or starts with a slash.
			todo = string(buf[:k]) + todo
		case S_IFDIR:
			done = append(done, e)
		default:
			if !last {
				return "", false, ENOTDIR
			}
			done = append(done, e)
		}
	}
	return joinWalked(abs, ups, done, ""), dir, nil
}

// joinWalked builds the path of walk's state, with e appended if not "".
func joinWalked(abs bool, ups int, done []string, e string) string {
	var b []byte
	if abs {
		b = append(b, '/')
	}
	for i := 0; i < ups; i++ {
		if len(b) > 0 && b[len(b)-1] != '/' {
			b = append(b, '/')
		}
		b = append(b, ".."...)
	}
	for _, d := range done {
		if len(b) > 0 && b[len(b)-1] != '/' {
			b = append(b, '/')
		}
		b = append(b, d...)
	}
	if e != "" {
		if len(b) > 0 && b[len(b)-1] != '/' {
			b = append(b, '/')
		}
		b = append(b, e...)
	}
	if len(b) == 0 {
		return "."
	}
	return string(b)
}

// resolveFollow is walk(path, true) for a path that may be plain: there it
// costs one lstat, and walks only if the last element is a symlink (whose
// target may end in a slash or hold "..").
func resolveFollow(path string) (string, bool, error) {
	if plainPath(path) {
		var st Stat_t
		if err := libcLstat(path, &st); err != nil || st.Mode&S_IFMT != S_IFLNK {
			return path, false, nil
		}
	}
	return walk(path, true)
}

func Stat(path string, stat *Stat_t) error {
	if plainPath(path) {
		// lstat answers for anything but a symlink.
		if err := libcLstat(path, stat); err != nil || stat.Mode&S_IFMT != S_IFLNK {
			return err
		}
	}
	p, dir, err := walk(path, true)
	if err != nil {
		return err
	}
	if err := libcStat(p, stat); err != nil {
		return err
	}
	if dir && !isDir(stat) {
		return ENOTDIR
	}
	return nil
}

func Lstat(path string, stat *Stat_t) error {
	if plainPath(path) {
		return libcLstat(path, stat)
	}
	p, dir, err := walk(path, false)
	if err != nil {
		return err
	}
	if err := libcLstat(p, stat); err != nil {
		return err
	}
	if dir && !isDir(stat) {
		return ENOTDIR
	}
	return nil
}

// Open sets close-on-exec itself: Genode's open ignores O_CLOEXEC
// (vfs_plugin.cc keeps only the access mode, O_NONBLOCK and O_APPEND), so
// the flag is set with fcntl under ForkLock, which a fork holds for writing.
func Open(path string, mode int, perm uint32) (fd int, err error) {
	return openCloexec(mode, func() (int, error) { return open(path, mode, perm) })
}

// genodeOpenat is internal/syscall/unix's openat, with O_CLOEXEC as Open.
func genodeOpenat(dirfd int, path string, mode int, perm uint32) (int, error) {
	return openCloexec(mode, func() (int, error) { return openat(dirfd, path, mode, perm) })
}

func openCloexec(mode int, open func() (int, error)) (int, error) {
	if mode&O_CLOEXEC == 0 {
		return open()
	}
	ForkLock.RLock()
	fd, err := open()
	if err == nil {
		CloseOnExec(fd)
	}
	ForkLock.RUnlock()
	return fd, err
}

// open follows POSIX for O_CREAT as well: with O_EXCL an existing name,
// even a dangling symlink, is EEXIST (Genode's open follows the link and
// creates its target); without, a dangling symlink creates its target.
// Without O_CREAT a plain path goes to the libc unchanged.
func open(path string, mode int, perm uint32) (fd int, err error) {
	creat := mode&O_CREAT != 0
	excl := creat && mode&O_EXCL != 0
	if !creat && plainPath(path) {
		return libcOpen(path, mode, perm)
	}
	var (
		p   string
		dir bool
	)
	if excl || mode&O_NOFOLLOW != 0 {
		p, dir, err = walkMaybe(path, false)
	} else {
		p, dir, err = resolveFollow(path)
	}
	if err != nil {
		return -1, err
	}
	if excl || dir {
		var st Stat_t
		switch err := libcLstat(p, &st); {
		case err == nil && excl:
			return -1, EEXIST
		case err == nil && dir && !isDir(&st):
			return -1, ENOTDIR
		case err == ENOENT && dir && creat:
			return -1, EISDIR
		}
	}
	return libcOpen(p, mode, perm)
}

// walkMaybe is walk(path, follow) for a path that is not plain.
func walkMaybe(path string, follow bool) (string, bool, error) {
	if plainPath(path) {
		return path, false, nil
	}
	return walk(path, follow)
}

func Mkdir(path string, mode uint32) error {
	p, _, err := walkMaybe(path, false)
	if err != nil {
		return err
	}
	return libcMkdir(p, mode)
}

func Rmdir(path string) error {
	if lastDot(path) {
		return EINVAL
	}
	p, _, err := walkMaybe(path, false)
	if err != nil {
		return err
	}
	return libcRmdir(p)
}

// Unlink of "name/" removes nothing that is not a directory (ENOTDIR), and
// no directory (EPERM, as FreeBSD's unlink; os.Remove then tries rmdir).
func Unlink(path string) error {
	p, dir, err := walkMaybe(path, false)
	if err != nil {
		return err
	}
	if dir {
		var st Stat_t
		if err := libcLstat(p, &st); err != nil {
			return err
		}
		if !isDir(&st) {
			return ENOTDIR
		}
		return EPERM
	}
	return libcUnlink(p)
}

func Readlink(path string, buf []byte) (n int, err error) {
	p, _, err := walkMaybe(path, false)
	if err != nil {
		return 0, err
	}
	return libcReadlink(p, buf)
}

func Symlink(path string, link string) error {
	p, _, err := walkMaybe(link, false)
	if err != nil {
		return err
	}
	return libcSymlink(path, p)
}

// Rename of a path that is not plain applies rename(2)'s type rules here:
// the libc, having dropped the slashes and dots, would not.
func Rename(from string, to string) error {
	if plainPath(from) && plainPath(to) {
		return libcRename(from, to)
	}
	if lastDot(from) || lastDot(to) {
		return EINVAL
	}
	f, fdir, err := walk(from, false)
	if err != nil {
		return err
	}
	t, tdir, err := walk(to, false)
	if err != nil {
		return err
	}
	var fst, tst Stat_t
	if err := libcLstat(f, &fst); err != nil {
		return err
	}
	switch terr := libcLstat(t, &tst); {
	case (fdir || tdir) && !isDir(&fst):
		return ENOTDIR
	case terr == nil && isDir(&fst) && !isDir(&tst):
		return ENOTDIR
	case terr == nil && !isDir(&fst) && isDir(&tst):
		return EISDIR
	}
	return libcRename(f, t)
}
