package oci

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// view is the container's file tree as far as runc can see it before the
// start: the rootfs with the bind mounts of the config over it.
type view struct {
	root  string
	binds []viewBind // deepest destination first
}

type viewBind struct{ dst, src string } // container path, host directory

// bindView is the rootfs with the config's bind mounts, sources taken as
// translateMounts takes them (a relative source is in the bundle).
func bindView(root string, mounts []specs.Mount, bundle string) view {
	v := view{root: root}
	for _, m := range mounts {
		if m.Type != "bind" && !slices.Contains(m.Options, "bind") && !slices.Contains(m.Options, "rbind") {
			continue
		}
		if m.Source == "" || m.Destination == "" {
			continue
		}
		src := m.Source
		if !filepath.IsAbs(src) {
			src = filepath.Join(bundle, src)
		}
		v.binds = append(v.binds, viewBind{dst: path.Clean("/" + m.Destination), src: followLinks(filepath.Clean(src))})
	}
	slices.SortStableFunc(v.binds, func(a, b viewBind) int { return len(b.dst) - len(a.dst) })
	return v
}

// host is the host path of the container path p (clean, absolute):
// under the deepest bind mount that holds it, else in the rootfs.
func (v view) host(p string) string {
	for _, b := range v.binds {
		if p == b.dst || b.dst == "/" || strings.HasPrefix(p, b.dst+"/") {
			return filepath.Join(b.src, filepath.FromSlash(strings.TrimPrefix(p, b.dst)))
		}
	}
	return filepath.Join(v.root, filepath.FromSlash(p))
}

// followLinks is p with its links followed, as mount(2) follows a bind
// mount's source; p as it is if it does not resolve.
func followLinks(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// holdsBind reports whether the container path p is above a mount point.
func (v view) holdsBind(p string) bool {
	for _, b := range v.binds {
		if strings.HasPrefix(b.dst, p+"/") {
			return true
		}
	}
	return false
}

// bindOf is the deepest bind mount that holds the container path p.
func (v view) bindOf(p string) (viewBind, bool) {
	for _, b := range v.binds {
		if p == b.dst || strings.HasPrefix(p, b.dst+"/") {
			return b, true
		}
	}
	return viewBind{}, false
}

// resolve resolves the container path p (absolute) the way the container
// would see it: symbolic links are followed, absolute link targets and ".."
// are interpreted inside the view and never leave it. It returns the
// symlink-free container path and the host path of the final component.
func (v view) resolve(p string) (string, string, error) {
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
		fi, err := os.Lstat(v.host(cand))
		if err != nil {
			if v.holdsBind(cand) {
				// a directory on the way to a mount point, which the
				// view has whether or not the rootfs does
				done = cand
				continue
			}
			return "", "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = cand
			continue
		}
		links++
		if links > maxLinks {
			return "", "", errors.New("too many symbolic links")
		}
		target, err := os.Readlink(v.host(cand))
		if err != nil {
			return "", "", err
		}
		if strings.HasPrefix(target, "/") {
			done = ""
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	if done == "" {
		done = "/"
	}
	return done, v.host(done), nil
}

// resolveInRoot resolves p in the rootfs alone (view.resolve).
func resolveInRoot(root, p string) (string, error) {
	_, h, err := view{root: root}.resolve(p)
	return h, err
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

// lookPath finds args[0] in the container's view as runc does inside the
// container: a name with a '/' is taken relative to cwd, anything else is
// searched in PATH. It returns the symlink-free container path and the host
// path.
func lookPath(v view, cwd, name, pathEnv string) (string, string, error) {
	try := func(p string) (string, string, error) {
		p, h, err := v.resolve(p)
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
//     container below it. A bind mount's source comes here with its links
//     followed (as mount(2) follows them), so only the rootfs meets this.
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
