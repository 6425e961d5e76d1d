// Command files exercises package os on the component's VFS and prints one
// "key: value" line per check; the e2e test holds the expectations.
//
//	files DIR    works below DIR (which must exist and be writeable)
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

func say(key string, v any) { fmt.Printf("%s: %v\n", key, v) }

// res is "ok" for nil, else a classification plus the error text.
func res(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, fs.ErrNotExist):
		return "not-exist"
	case errors.Is(err, fs.ErrExist):
		return "exist"
	case errors.Is(err, syscall.ENOSYS):
		return "enosys"
	}
	return "error " + err.Error()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: files DIR")
		os.Exit(2)
	}
	base := os.Args[1]

	wd, err := os.Getwd()
	say("getwd", wd+" "+res(err))
	say("mkdirall-base", res(os.MkdirAll(base, 0o755)))
	say("chdir", res(os.Chdir(base)))
	wd, err = os.Getwd()
	say("getwd-after-chdir", wd+" "+res(err))
	h, err := os.Hostname()
	say("hostname", h+" "+res(err))
	say("sysctl-kern.hostname", fmt.Sprintf("%q", rawHostname()))
	exe, err := os.Executable()
	say("executable", exe+" "+res(err))
	say("pid", os.Getpid())
	say("ppid", os.Getppid())
	say("uid", os.Getuid())

	// Regular files, relative to the new cwd.
	say("writefile", res(os.WriteFile("a.txt", []byte("hello"), 0o644)))
	b, err := os.ReadFile(filepath.Join(base, "a.txt"))
	say("readfile", string(b)+" "+res(err))
	f, err := os.OpenFile("a.txt", os.O_WRONLY|os.O_APPEND, 0)
	if err == nil {
		_, err = f.WriteString(" world")
		f.Close()
	}
	say("append", res(err))
	f, err = os.OpenFile("a.txt", os.O_RDWR, 0)
	if err == nil {
		buf := make([]byte, 5)
		_, err = f.ReadAt(buf, 6)
		say("readat", string(buf)+" "+res(err))
		_, err = f.Seek(0, io.SeekStart)
		say("seek", res(err))
		say("ftruncate", res(f.Truncate(5)))
		fi, err := f.Stat()
		if err == nil {
			say("fstat-size", fi.Size())
			say("fstat-mode", fi.Mode().String())
		}
		say("fsync", res(f.Sync()))
		f.Close()
	} else {
		say("open-rdwr", res(err))
	}
	say("truncate-path", res(os.Truncate("a.txt", 2)))
	_, err = os.OpenFile("a.txt", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	say("create-excl-existing", res(err))
	_, err = os.Open("no-such-file")
	say("open-missing", res(err))
	_, err = os.ReadFile(".")
	say("readfile-dir", res(err))
	say("chmod", res(os.Chmod("a.txt", 0o600)))
	say("link", res(os.Link("a.txt", "hard.txt")))
	mt := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	say("chtimes", res(os.Chtimes("a.txt", mt, mt)))
	if fi, err := os.Stat("a.txt"); err == nil {
		say("chtimes-took-effect", fi.ModTime().Equal(mt))
	}

	// Directories: more entries than one getdirentries call returns.
	say("mkdir", res(os.Mkdir("d", 0o755)))
	say("mkdir-existing", res(os.Mkdir("d", 0o755)))
	const n = 300
	for i := range n {
		if err := os.WriteFile(fmt.Sprintf("d/f%03d", i), nil, 0o644); err != nil {
			say("mkfiles", res(err))
			break
		}
	}
	os.Mkdir("d/sub", 0o755)
	os.Symlink("f000", "d/ln")
	ents, err := os.ReadDir("d")
	say("readdir", fmt.Sprintf("%d %s", len(ents), res(err)))
	types := map[string]string{}
	for _, e := range ents {
		if e.Name() == "f001" || e.Name() == "sub" || e.Name() == "ln" {
			types[e.Name()] = e.Type().String()
		}
	}
	say("dirent-types", fmt.Sprintf("f001=%s sub=%s ln=%s", types["f001"], types["sub"], types["ln"]))
	if d, err := os.Open("d"); err == nil {
		total, calls := 0, 0
		for {
			names, err := d.Readdirnames(7)
			total += len(names)
			calls++
			if err == io.EOF {
				break
			}
			if err != nil {
				say("readdirnames", res(err))
				break
			}
		}
		d.Close()
		say("readdirnames-batched", total)
	}
	walked := 0
	fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			walked++
		}
		return err
	})
	say("walkdir-files", walked)

	// Rename: a file, over an existing file, a directory.
	say("rename", res(os.Rename("a.txt", "b.txt")))
	_, err = os.Stat("a.txt")
	say("rename-old-gone", res(err))
	os.WriteFile("c.txt", []byte("cc"), 0o644)
	say("rename-over", res(os.Rename("b.txt", "c.txt")))
	b, _ = os.ReadFile("c.txt")
	say("rename-over-content", string(b))
	say("rename-dir", res(os.Rename("d", "e")))
	_, err = os.Stat("e/f299")
	say("rename-dir-content", res(err))

	// Remove.
	say("remove-file", res(os.Remove("c.txt")))
	err = os.Remove("e")
	say("remove-nonempty", res(err))
	os.Mkdir("empty", 0o755)
	say("remove-emptydir", res(os.Remove("empty")))
	say("remove-missing", res(os.Remove("empty")))

	// MkdirAll and RemoveAll (no *at calls on Genode).
	say("mkdirall", res(os.MkdirAll("t/x/y/z", 0o755)))
	os.WriteFile("t/x/y/z/f", []byte("f"), 0o644)
	os.WriteFile("t/x/g", []byte("g"), 0o644)
	os.Symlink("/nowhere", "t/x/dangling")
	say("removeall-tree", res(os.RemoveAll("t")))
	_, err = os.Lstat("t")
	say("removeall-gone", res(err))
	say("removeall-big", res(os.RemoveAll("e")))
	say("removeall-missing", res(os.RemoveAll("nothing-here")))

	// Symlinks.
	os.WriteFile("target.txt", []byte("via link"), 0o644)
	say("symlink", res(os.Symlink("target.txt", "link")))
	tgt, err := os.Readlink("link")
	say("readlink", tgt+" "+res(err))
	if fi, err := os.Lstat("link"); err == nil {
		say("lstat-symlink", fi.Mode()&fs.ModeSymlink != 0)
	} else {
		say("lstat-symlink", res(err))
	}
	if fi, err := os.Stat("link"); err == nil {
		say("stat-through-link", fmt.Sprintf("%v %d", fi.Mode().IsRegular(), fi.Size()))
	} else {
		say("stat-through-link", res(err))
	}
	b, err = os.ReadFile("link")
	say("read-through-link", string(b)+" "+res(err))
	os.Symlink("missing-target", "dangling")
	_, err = os.Stat("dangling")
	say("stat-dangling", res(err))
	_, err = os.Lstat("dangling")
	say("lstat-dangling", res(err))
	say("symlink-existing", res(os.Symlink("x", "link")))

	// os.Root.
	os.MkdirAll("r/inside", 0o755)
	os.WriteFile("outside.txt", []byte("secret"), 0o644)
	os.Symlink("../outside.txt", "r/escape")
	os.Symlink("inside", "r/in")
	root, err := os.OpenRoot("r")
	say("root-open", res(err))
	if err == nil {
		say("root-writefile", res(root.WriteFile("inside/f", []byte("rooted"), 0o644)))
		b, err := root.ReadFile("in/f")
		say("root-readfile-via-link", string(b)+" "+res(err))
		_, err = root.Open("../outside.txt")
		say("root-dotdot", res(err))
		_, err = root.Open("escape")
		say("root-symlink-escape", res(err))
		_, err = root.Open("/etc")
		say("root-absolute", res(err))
		say("root-mkdir", res(root.Mkdir("m", 0o755)))
		say("root-mkdirall", res(root.MkdirAll("m/a/b", 0o755)))
		say("root-rename", res(root.Rename("inside/f", "m/a/g")))
		fi, err := root.Stat("m/a/g")
		if err == nil {
			say("root-stat", fi.Size())
		} else {
			say("root-stat", res(err))
		}
		fi, err = root.Lstat("in")
		if err == nil {
			say("root-lstat-link", fi.Mode()&fs.ModeSymlink != 0)
		} else {
			say("root-lstat-link", res(err))
		}
		tgt, err := root.Readlink("in")
		say("root-readlink", tgt+" "+res(err))
		say("root-symlink", res(root.Symlink("m", "m2")))
		say("root-remove", res(root.Remove("m/a/g")))
		sub, err := root.OpenRoot("m")
		say("root-openroot", res(err))
		if err == nil {
			_, err = sub.Open("../inside")
			say("root-sub-dotdot", res(err))
			sub.Close()
		}
		say("root-removeall", res(root.RemoveAll("m")))
		_, err = root.Stat("m")
		say("root-removeall-gone", res(err))
		var names []string
		if d, err := root.Open("."); err == nil {
			names, _ = d.Readdirnames(-1)
			d.Close()
		}
		sort.Strings(names)
		say("root-list", strings.Join(names, ","))
		root.Close()
	}
	b, _ = os.ReadFile("outside.txt")
	say("outside-untouched", string(b))

	// Pipes.
	pr, pw, err := os.Pipe()
	say("pipe", res(err))
	if err == nil {
		go func() {
			pw.WriteString("ping")
			pw.Close()
		}()
		b, err := io.ReadAll(pr)
		say("pipe-read", string(b)+" "+res(err))
		pr.Close()
	}
	pr, pw, err = os.Pipe()
	if err == nil {
		pr.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		_, err = pr.Read(make([]byte, 1))
		say("pipe-deadline", errors.Is(err, os.ErrDeadlineExceeded))
		pr.Close()
		pw.Close()
	}

	// Temporary files.
	tf, err := os.CreateTemp("", "e2e-*")
	if err == nil {
		say("createtemp-dir", filepath.Dir(tf.Name()))
		tf.Close()
		os.Remove(tf.Name())
	} else {
		say("createtemp-dir", res(err))
	}
	say("done", true)
}
