package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// tar -x|-t [-v] [-z] -f ARCHIVE [-C DIR] [MEMBER...]: extract or list a tar archive, gzip-compressed or
// not (detected from the data, as GNU tar does for -x). Options may be bundled ("-xzf F", "xf F").
//
// On Genode a file's owner, mode and times cannot be set (chmod, chown: ENOSYS stubs; utimensat: not in
// the ABI), so only content and type are extracted there; a hard link (link is an ENOSYS stub too) becomes
// a copy of its target. Members that would land outside DIR are refused.
func tarMain(p *proc, argv []string) int {
	var mode byte
	var archive, dir string
	verbose := false
	var members []string
	args := argv[1:]
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		args[0] = "-" + args[0] // old-style bundled options: "xf F"
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			members = append(members, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "--directory="):
			dir = strings.TrimPrefix(a, "--directory=")
		case strings.HasPrefix(a, "--file="):
			archive = strings.TrimPrefix(a, "--file=")
		case strings.HasPrefix(a, "-") && len(a) > 1 && !strings.HasPrefix(a, "--"):
			opts := a[1:]
			for j := 0; j < len(opts); j++ {
				switch c := opts[j]; c {
				case 'x', 't':
					mode = c
				case 'v':
					verbose = true
				case 'z', 'o', 'p':
				case 'f', 'C':
					var val string
					if j+1 < len(opts) {
						val = opts[j+1:]
					} else if i+1 < len(args) {
						i++
						val = args[i]
					} else {
						fmt.Fprintf(p.stderr, "tar: option requires an argument -- '%c'\n", c)
						return 2
					}
					if c == 'f' {
						archive = val
					} else {
						dir = val
					}
					j = len(opts)
				default:
					fmt.Fprintf(p.stderr, "tar: unsupported option -- '%c' (this tar extracts and lists)\n", c)
					return 2
				}
			}
		default:
			members = append(members, a)
		}
	}
	if mode == 0 {
		fmt.Fprintln(p.stderr, "tar: one of -x or -t is required")
		return 2
	}
	var in io.Reader = p.stdin
	if archive != "" && archive != "-" {
		f, err := os.Open(archive)
		if err != nil {
			fmt.Fprintf(p.stderr, "tar: %v\n", err)
			return 2
		}
		defer f.Close()
		in = f
	}
	br := bufio.NewReader(in)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			fmt.Fprintf(p.stderr, "tar: %v\n", err)
			return 2
		}
		in = zr
	} else {
		in = br
	}
	if dir == "" {
		dir = "."
	}
	tr := tar.NewReader(in)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(p.stderr, "tar: %v\n", err)
			return 2
		}
		if !selected(h.Name, members) {
			continue
		}
		if mode == 't' || verbose {
			fmt.Fprintln(p.stdout, h.Name)
		}
		if mode == 't' {
			continue
		}
		if err := extract(tr, h, dir); err != nil {
			fmt.Fprintf(p.stderr, "tar: %s: %v\n", h.Name, err)
			return 2
		}
	}
	return 0
}

func selected(name string, members []string) bool {
	if len(members) == 0 {
		return true
	}
	n := strings.TrimPrefix(path.Clean("/"+name), "/")
	for _, m := range members {
		m = strings.TrimPrefix(path.Clean("/"+m), "/")
		if n == m || strings.HasPrefix(n, m+"/") {
			return true
		}
	}
	return false
}

// inside joins name to dir, refusing names that leave dir.
func inside(dir, name string) (string, error) {
	clean := path.Clean("/" + name)
	if clean == "/" {
		return dir, nil
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return "", errors.New("member name leaves the target directory")
		}
	}
	return filepath.Join(dir, filepath.FromSlash(clean[1:])), nil
}

// settable: where a file's mode can be set. Genode's chmod is an ENOSYS stub that also logs a warning, so
// tar does not call it there.
var settable = runtime.GOOS != "genode"

func extract(tr *tar.Reader, h *tar.Header, dir string) error {
	target, err := inside(dir, h.Name)
	if err != nil {
		return err
	}
	if target == dir && h.Typeflag == tar.TypeDir {
		return os.MkdirAll(dir, 0o777)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o777); err != nil {
		return err
	}
	switch h.Typeflag {
	case tar.TypeDir:
		if err := os.Mkdir(target, 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	case tar.TypeReg, tar.TypeRegA:
		return writeFile(target, tr, h.FileInfo().Mode().Perm())
	case tar.TypeSymlink:
		if fi, err := os.Lstat(target); err == nil && !fi.IsDir() {
			os.Remove(target)
		}
		return os.Symlink(h.Linkname, target)
	case tar.TypeLink:
		src, err := inside(dir, h.Linkname)
		if err != nil {
			return err
		}
		os.Remove(target)
		if err := os.Link(src, target); err == nil {
			return nil
		}
		f, err := os.Open(src) // no hard links (Genode): a copy
		if err != nil {
			return err
		}
		defer f.Close()
		fi, _ := f.Stat()
		return writeFile(target, f, fi.Mode().Perm())
	default:
		return fmt.Errorf("unsupported member type %q", string(h.Typeflag))
	}
	if settable {
		os.Chmod(target, h.FileInfo().Mode().Perm())
	}
	return nil
}

func writeFile(target string, r io.Reader, perm fs.FileMode) error {
	if fi, err := os.Lstat(target); err == nil && !fi.Mode().IsRegular() {
		os.Remove(target)
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if settable {
		return os.Chmod(target, perm)
	}
	return nil
}
