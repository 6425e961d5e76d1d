package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"genodego/test/rootfs"
)

// epoch is every file's mtime and the configs' creation time.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

var (
	genodeAmd64 = v1.Platform{OS: "genode", Architecture: "amd64"}
	genodeArm64 = v1.Platform{OS: "genode", Architecture: "arm64"}
	linuxAmd64  = v1.Platform{OS: "linux", Architecture: "amd64"}
	genode      = []v1.Platform{genodeAmd64, genodeArm64}
)

// catalog names every image; each function returns the image's index.
var catalog = map[string]func(*builder) (v1.ImageIndex, error){
	"hello":      func(b *builder) (v1.ImageIndex, error) { return b.index(b.hello, genode...) },
	"server":     func(b *builder) (v1.ImageIndex, error) { return b.index(b.server, genode...) },
	"toolbox":    func(b *builder) (v1.ImageIndex, error) { return b.index(b.toolbox, genode...) },
	"mixed":      func(b *builder) (v1.ImageIndex, error) { return b.index(b.hello, linuxAmd64, genodeAmd64, genodeArm64) },
	"linux-only": func(b *builder) (v1.ImageIndex, error) { return b.index(b.hello, linuxAmd64) },
}

func names() []string {
	return []string{"hello", "server", "toolbox", "mixed", "linux-only"}
}

// A builder compiles programs once per run.
type builder struct {
	top, bin, elfcheck string
	built              map[string][]byte // "dir goos/goarch" -> binary
}

func (b *builder) hello(p v1.Platform) (v1.Image, error) { return b.helloWith(p, nil, v1.Config{}) }

// helloWith is the hello image with the entries extra added to its tree and the settings of c (Cmd
// /bin/hello unless c has its own).
func (b *builder) helloWith(p v1.Platform, extra []rootfs.Entry, c v1.Config) (v1.Image, error) {
	prog, err := b.program("test/hello", "hello", p)
	if err != nil {
		return nil, err
	}
	if len(c.Cmd)+len(c.Entrypoint) == 0 {
		c.Cmd = []string{"/bin/hello"}
	}
	return image(p, append(binTree("hello", prog), extra...), c)
}

func (b *builder) server(p v1.Platform) (v1.Image, error) { return b.serverOn(p, 8080) }

// serverOn is the server image listening on port.
func (b *builder) serverOn(p v1.Platform, port int) (v1.Image, error) {
	prog, err := b.program("test/images/server", "server", p)
	if err != nil {
		return nil, err
	}
	// it listens on every address of its stack: a container's own (docker
	// run -p 8080:8080), or the host's loopback where it shares the host's
	addr := fmt.Sprintf(":%d", port)
	return image(p, binTree("server", prog), v1.Config{Entrypoint: []string{"/bin/server"},
		Cmd: []string{"-addr", addr}, ExposedPorts: map[string]struct{}{addr[1:] + "/tcp": {}}})
}

func (b *builder) toolbox(p v1.Platform) (v1.Image, error) { return b.toolboxWith(p, nil, v1.Config{}) }

// toolboxWith is the toolbox image with the entries extra added to its tree (replacing those of the
// same name) and the settings of c (Cmd /bin/sh unless c has its own).
func (b *builder) toolboxWith(p v1.Platform, extra []rootfs.Entry, c v1.Config) (v1.Image, error) {
	key := "test/rootfs/toolbox " + p.OS + "/" + p.Architecture
	prog, ok := b.built[key]
	if !ok {
		bin := filepath.Join(b.bin, "toolbox."+p.OS+"-"+p.Architecture)
		if err := rootfs.Program(rootfs.Options{Top: b.top, GOARCH: p.Architecture, Elfcheck: b.elfcheck}, bin); err != nil {
			return nil, err
		}
		var err error
		if prog, err = os.ReadFile(bin); err != nil {
			return nil, err
		}
		b.built[key] = prog
	}
	var tree []rootfs.Entry
	for _, e := range rootfs.Tree(prog) {
		if !slices.ContainsFunc(extra, func(x rootfs.Entry) bool { return x.Name == e.Name }) {
			tree = append(tree, e)
		}
	}
	if len(c.Cmd)+len(c.Entrypoint) == 0 {
		c.Cmd = []string{"/bin/sh"}
	}
	return image(p, append(tree, extra...), c)
}

// binTree is a layer holding one program as /bin/NAME.
func binTree(n string, prog []byte) []rootfs.Entry {
	return []rootfs.Entry{
		{Name: "bin/", Type: tar.TypeDir, Mode: 0o755},
		{Name: "bin/" + n, Type: tar.TypeReg, Mode: 0o755, Data: prog},
	}
}

// program builds the main package in dir (relative to the repository root) for p: genode with the
// patched toolchain, checked with genode-elfcheck; linux with the go command on PATH.
func (b *builder) program(dir, n string, p v1.Platform) ([]byte, error) {
	key := dir + " " + p.OS + "/" + p.Architecture
	if prog, ok := b.built[key]; ok {
		return prog, nil
	}
	out, err := filepath.Abs(filepath.Join(b.bin, n+"."+p.OS+"-"+p.Architecture))
	if err != nil {
		return nil, err
	}
	gocmd, path := "go", os.Getenv("PATH")
	if p.OS == "genode" {
		gobin := filepath.Join(b.top, "_build", "goroot", "bin")
		gocmd, path = filepath.Join(gobin, "go"), gobin+string(os.PathListSeparator)+path
	}
	cmd := exec.Command(gocmd, "build", "-trimpath", "-o", out, ".")
	cmd.Dir = filepath.Join(b.top, dir)
	cmd.Env = append(os.Environ(), "GOOS="+p.OS, "GOARCH="+p.Architecture, "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=0",
		"GOTOOLCHAIN=local", "PATH="+path)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building %s for %s/%s: %v\n%s", dir, p.OS, p.Architecture, err, msg)
	}
	if p.OS == "genode" {
		if msg, err := exec.Command(b.elfcheck, out).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("genode-elfcheck %s: %v\n%s", out, err, msg)
		}
	}
	prog, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	b.built[key] = prog
	return prog, nil
}

// index makes one image per platform with mk and returns their OCI index.
func (b *builder) index(mk func(v1.Platform) (v1.Image, error), ps ...v1.Platform) (v1.ImageIndex, error) {
	var adds []mutate.IndexAddendum
	for _, p := range ps {
		img, err := mk(p)
		if err != nil {
			return nil, err
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	return mutate.IndexMediaType(mutate.AppendManifests(empty.Index, adds...), types.OCIImageIndex), nil
}

// image is an OCI image for p with one layer of tree and the process settings of c (PATH=/bin).
func image(p v1.Platform, tree []rootfs.Entry, c v1.Config) (v1.Image, error) {
	gz, err := layer(tree)
	if err != nil {
		return nil, err
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(gz)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	c.Env = []string{"PATH=/bin"}
	c.WorkingDir = "/"
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: p.Architecture,
		OS:           p.OS,
		Created:      v1.Time{Time: epoch},
		Config:       c,
		RootFS:       v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, mutate.Addendum{
		Layer:     l,
		MediaType: types.OCILayer,
		History:   v1.History{Created: v1.Time{Time: epoch}, CreatedBy: "genode-images " + strings.Join(append(c.Entrypoint, c.Cmd...), " ")},
	})
}

// layer is tree as a gzip-compressed tar archive: sorted by name, mtime epoch, owner 0:0.
func layer(tree []rootfs.Entry) ([]byte, error) {
	tree = slices.Clone(tree)
	sort.Slice(tree, func(i, j int) bool { return tree[i].Name < tree[j].Name })
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(zw)
	for _, e := range tree {
		h := &tar.Header{Typeflag: e.Type, Name: e.Name, Linkname: e.Link, Mode: e.Mode, Size: int64(len(e.Data)),
			ModTime: epoch, Uid: 0, Gid: 0}
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
