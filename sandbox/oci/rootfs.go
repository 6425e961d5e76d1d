package oci

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// resolveInRoot resolves the container path p (absolute) inside the host
// directory root the way the container would see it: symbolic links are
// followed, absolute link targets and ".." are interpreted relative to root
// and never leave it. It returns the host path of the final component.
func resolveInRoot(root, p string) (string, error) {
	const maxLinks = 64
	links := 0
	var done string // resolved container path so far, "" is "/"
	rest := strings.Split(path.Clean("/"+p), "/")
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			done = path.Dir("/" + done)
			if done == "/" {
				done = ""
			}
			continue
		}
		cand := done + "/" + c
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(cand)))
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = cand
			continue
		}
		links++
		if links > maxLinks {
			return "", errors.New("too many symbolic links")
		}
		target, err := os.Readlink(filepath.Join(root, filepath.FromSlash(cand)))
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(target, "/") {
			done = ""
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return filepath.Join(root, filepath.FromSlash(done)), nil
}

// lookPath finds args[0] inside the rootfs as runc does inside the
// container: a name with a '/' is taken relative to cwd, anything else is
// searched in PATH. It returns the container path and the host path.
func lookPath(root, cwd, name, pathEnv string) (string, string, error) {
	try := func(p string) (string, string, error) {
		h, err := resolveInRoot(root, p)
		if err != nil {
			return "", "", err
		}
		fi, err := os.Stat(h)
		if err != nil {
			return "", "", err
		}
		if !fi.Mode().IsRegular() {
			return "", "", errors.New("not a regular file")
		}
		if fi.Mode()&0o111 == 0 {
			return "", "", errors.New("not executable")
		}
		return p, h, nil
	}
	if strings.Contains(name, "/") {
		p := name
		if !strings.HasPrefix(p, "/") {
			p = path.Join(cwd, p)
		}
		return try(path.Clean(p))
	}
	if pathEnv == "" {
		pathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	var first error
	for _, dir := range strings.Split(pathEnv, ":") {
		if dir == "" {
			dir = cwd
		}
		if !strings.HasPrefix(dir, "/") {
			dir = path.Join(cwd, dir)
		}
		c, h, err := try(path.Join(dir, name))
		if err == nil {
			return c, h, nil
		}
		if first == nil {
			first = err
		}
	}
	return "", "", errors.New("not found in PATH " + pathEnv)
}
