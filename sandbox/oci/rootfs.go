package oci

import (
	"errors"
	"fmt"
	"io"
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

func executable(host string) bool {
	f, err := os.Open(host)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [4]byte
	n, _ := io.ReadFull(f, b[:])
	return n == 4 && string(b[:]) == "\x7fELF" || n >= 2 && string(b[:2]) == "#!"
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
		// Genode's execve judges a binary by its content, not by mode bits,
		// which its file systems do not keep (libc/execve.cc)
		if !executable(h) {
			return "", "", errors.New("not executable (neither an ELF binary nor a #! script)")
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

// maxPath is the longest path Genode's libc holds: Vfs::MAX_PATH_LEN is 512
// bytes with the terminating NUL (repos/os/include/vfs/types.h), the
// capacity of the libc's Absolute_path. A longer <libc cwd> or <dir> path
// would be cut or dropped, never refused, so Translate refuses it.
const maxPath = 511

// dirProblem tells why the directory p (absolute, or joined to the bundle
// when the config gave it relative; cleaned) cannot be one of the
// container's file systems, which the container sees as a whole:
//
//   - "/" would give it every file system of runc's view;
//   - a path given relative to the bundle names the bundle's own content and
//     must stay in the bundle;
//   - a path through a symbolic link names what the link points to, which
//     the bundle's content decides and may change before the container
//     starts; runc refuses such a rootfs too (libcontainer/configs/validate:
//     "invalid rootfs: not an absolute path, or a symlink"). The host model
//     enters the directory by its path, following links, and confines the
//     container below it.
func dirProblem(p, bundle string, relative bool) string {
	if p == "/" {
		return "is the root directory: the container would see every file system of runc's view"
	}
	if relative && bundle != "" && !under(p, filepath.Clean(bundle)) {
		return fmt.Sprintf("%s leaves the bundle: a path relative to the bundle must stay in it", p)
	}
	if r, err := filepath.EvalSymlinks(p); err == nil && r != p {
		return fmt.Sprintf("%s is a symbolic link or passes through one (it resolves to %s): name the directory itself", p, r)
	}
	return ""
}
