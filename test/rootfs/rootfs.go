// Package rootfs builds the genode userland that test/runtime-tools runs containers from: the multi-call
// program toolbox/ built for genode, checked against ld.lib.so's contract with genode-elfcheck, and packed
// as a rootfs tarball in the layout of runtime-tools' own rootfs-amd64.tar.gz (a busybox tree):
//
//	./bin/toolbox          the program (0755)
//	./bin/NAME -> toolbox  one relative symbolic link per applet (sh, true, false, sleep, ...)
//	./dev/                 empty: the runtime gives /dev its nodes
//	./etc/passwd, group    root only
//
// The links are relative so that they resolve inside whatever tree the archive is unpacked into: a
// component's view resolves an absolute link target against its own root, and the runtime's hooks run in
// the runtime's view, not the container's.
package rootfs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Applets are the names linked to the toolbox; they must be the toolbox's applets (toolbox --list).
var Applets = []string{"cat", "echo", "env", "false", "hostname", "ls", "mkdir", "pgrep", "pwd", "rm", "seq", "sh", "sleep",
	"stty", "sync", "tar", "top", "touch", "true", "wget"}

// Options say where the tools are.
type Options struct {
	Top      string // the repository root
	GOARCH   string // amd64 (default)
	Out      string // the output directory: toolbox and rootfs-GOARCH.tar.gz
	Elfcheck string // default: Top/_build/bin/genode-elfcheck
}

// Build compiles the toolbox for genode, checks it, and writes Out/toolbox and Out/rootfs-GOARCH.tar.gz.
// It returns the tarball's path.
func Build(o Options) (string, error) {
	if o.GOARCH == "" {
		o.GOARCH = "amd64"
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(o.Out, "toolbox")
	if err := Program(o, bin); err != nil {
		return "", err
	}
	prog, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	tgz := filepath.Join(o.Out, "rootfs-"+o.GOARCH+".tar.gz")
	data, err := pack(prog)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(tgz+".tmp", data, 0o644); err != nil {
		return "", err
	}
	return tgz, os.Rename(tgz+".tmp", tgz)
}

// Program compiles the toolbox for genode/o.GOARCH (default amd64) into bin and checks it with
// genode-elfcheck. o.Out is not used.
func Program(o Options, bin string) error {
	if o.GOARCH == "" {
		o.GOARCH = "amd64"
	}
	if o.Elfcheck == "" {
		o.Elfcheck = filepath.Join(o.Top, "_build", "bin", "genode-elfcheck")
	}
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	gobin := filepath.Join(o.Top, "_build", "goroot", "bin")
	cmd := exec.Command(filepath.Join(gobin, "go"), "build", "-trimpath", "-o", bin, ".")
	cmd.Dir = filepath.Join(o.Top, "test", "rootfs", "toolbox")
	cmd.Env = append(os.Environ(), "GOOS=genode", "GOARCH="+o.GOARCH, "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=0",
		"GOTOOLCHAIN=local", "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the toolbox for genode/%s: %v\n%s", o.GOARCH, err, out)
	}
	if out, err := exec.Command(o.Elfcheck, bin).CombinedOutput(); err != nil {
		return fmt.Errorf("genode-elfcheck %s: %v\n%s", bin, err, out)
	}
	return nil
}

// An Entry is one member of the tree; Name is relative ("bin/toolbox"), a directory's ends in "/".
type Entry struct {
	Name string
	Type byte  // tar.TypeDir, tar.TypeReg or tar.TypeSymlink
	Mode int64 // permission bits
	Data []byte
	Link string // a symbolic link's target
}

// Tree is the rootfs around the toolbox program prog, in archive order (the root itself excluded).
func Tree(prog []byte) []Entry {
	t := []Entry{
		{Name: "bin/", Type: tar.TypeDir, Mode: 0o755},
		{Name: "bin/toolbox", Type: tar.TypeReg, Mode: 0o755, Data: prog},
	}
	for _, a := range Applets {
		t = append(t, Entry{Name: "bin/" + a, Type: tar.TypeSymlink, Mode: 0o777, Link: "toolbox"})
	}
	return append(t,
		Entry{Name: "dev/", Type: tar.TypeDir, Mode: 0o755},
		Entry{Name: "etc/", Type: tar.TypeDir, Mode: 0o755},
		Entry{Name: "etc/passwd", Type: tar.TypeReg, Mode: 0o644, Data: []byte("root:x:0:0:root:/:/bin/sh\n")},
		Entry{Name: "etc/group", Type: tar.TypeReg, Mode: 0o644, Data: []byte("root:x:0:\n")},
	)
}

// pack writes ./ and the tree as a gzip-compressed tar archive with fixed times and owners, so that
// the same program gives the same bytes.
func pack(prog []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	mtime := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	entries := append([]Entry{{Name: "", Type: tar.TypeDir, Mode: 0o755}}, Tree(prog)...)
	for _, e := range entries {
		h := &tar.Header{Typeflag: e.Type, Name: "./" + e.Name, Mode: e.Mode, Size: int64(len(e.Data)), Linkname: e.Link,
			ModTime: mtime, Uname: "root", Gname: "root"}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
