package oci

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestHostilePaths: a bundle cannot widen the container's view beyond its
// rootfs and mounts with links, "..", "/" or paths Genode cannot hold; each
// is refused by field. test/runc/hostile_test.go runs the same bundles
// through runc on the model.
func TestHostilePaths(t *testing.T) {
	b := makeBundle(t, nil)
	outside := t.TempDir()
	os.Symlink("/", filepath.Join(b, "root-link"))
	os.Symlink(outside, filepath.Join(b, "out-link"))
	os.Symlink("rootfs", filepath.Join(b, "inner-link")) // stays in the bundle, still a link
	os.MkdirAll(filepath.Join(b, "rootfs", "deep"), 0o755)
	long := "/" + strings.Repeat("d/", 300)
	bind := func(src, dst string) func(*specs.Spec) {
		return func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: dst, Type: "bind", Source: src, Options: []string{"rbind"}})
		}
	}
	for _, c := range []struct {
		name, field, want string
		mod               func(*specs.Spec)
	}{
		{"rootfs link to /", "root.path", "symbolic link", func(s *specs.Spec) { s.Root.Path = "root-link" }},
		{"rootfs link out of the bundle", "root.path", "symbolic link", func(s *specs.Spec) { s.Root.Path = "out-link" }},
		{"rootfs link inside the bundle", "root.path", "symbolic link", func(s *specs.Spec) { s.Root.Path = "inner-link" }},
		{"rootfs through a link", "root.path", "symbolic link", func(s *specs.Spec) { s.Root.Path = "inner-link/deep" }},
		{"rootfs /", "root.path", "root directory", func(s *specs.Spec) { s.Root.Path = "/" }},
		{"rootfs .. out of the bundle", "root.path", "leaves the bundle", func(s *specs.Spec) {
			s.Root.Path, _ = filepath.Rel(b, outside) // "../../…"
		}},
		// a source's links are followed, as mount(2) does, and what they
		// lead to is judged
		{"source link to /", "mounts[0].source", "root directory", bind("root-link", "/mnt")},
		{"source link out of the bundle", "mounts[0].source", "leaves the bundle", bind("out-link", "/mnt")},
		{"absolute source link to /", "mounts[0].source", "root directory", bind(filepath.Join(b, "root-link"), "/mnt")},
		{"source .. out of the bundle", "mounts[0].source", "leaves the bundle", bind("data/../..", "/mnt")},
		{"source /", "mounts[0].source", "root directory", bind("/", "/mnt")},
		{"destination over the path limit", "mounts[0].destination", "path limit", bind("data", long)},
		{"cwd over the path limit", "process.cwd", "path limit", func(s *specs.Spec) { s.Process.Cwd = long }},
	} {
		s := baseSpec()
		c.mod(s)
		_, err := Translate(s, nil, Options{ID: "c1", Bundle: b, Mode: Host})
		var re *RefusedError
		if !errors.As(err, &re) {
			t.Errorf("%s: got %v, want a refusal of %s", c.name, err, c.field)
			continue
		}
		found := false
		for _, r := range re.Refusals {
			if r.Field == c.field && strings.Contains(r.Reason, c.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: refusals %v, want %s: ...%s...", c.name, re, c.field, c.want)
		}
	}

	// confined, so accepted: ".." in a destination and the cwd stays in the
	// view; an absolute source is the caller's choice
	s := baseSpec()
	s.Process.Cwd = "/../.."
	bind("data", "/../../mnt")(s)
	bind(outside, "/out")(s)
	bind(filepath.Join(b, "out-link"), "/linked")(s) // kubelet's hostPath may be a link
	r, err := Translate(s, nil, Options{ID: "c1", Bundle: b, Mode: Host})
	if err != nil {
		t.Fatal(err)
	}
	hid := string(r.Start.Node().EncodeHID())
	realOutside, _ := filepath.EvalSymlinks(outside)
	for _, want := range []string{"cwd: /", "+ dir mnt", "host: " + filepath.Join(b, "data"), "+ dir linked", "host: " + realOutside} {
		if !strings.Contains(hid, want) {
			t.Errorf("missing %q in\n%s", want, hid)
		}
	}
}

// A program under a bind mount whose source is a link (an image volume on
// Genode: its mount point links to the snapshot) is found where the link
// leads, as the container sees it.
func TestBinaryUnderLinkedBind(t *testing.T) {
	b := makeBundle(t, nil)
	vol := t.TempDir()
	os.MkdirAll(filepath.Join(vol, "bin"), 0o755)
	os.WriteFile(filepath.Join(vol, "bin", "tool"), []byte("\x7fELF fake"), 0o755)
	os.Symlink("tool", filepath.Join(vol, "bin", "ls"))
	link := filepath.Join(t.TempDir(), "mountpoint")
	os.Symlink(vol, link)
	s := baseSpec()
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/mnt/vol", Type: "bind", Source: link, Options: []string{"rbind", "ro"}})
	s.Process.Args = []string{"/mnt/vol/bin/ls", "/mnt/vol"}
	r, err := Translate(s, nil, Options{ID: "c1", Bundle: b, Mode: Host})
	if err != nil {
		t.Fatal(err)
	}
	realVol, _ := filepath.EvalSymlinks(vol)
	if r.Binary != "/mnt/vol/bin/tool" || r.HostBinary != filepath.Join(realVol, "bin", "tool") {
		t.Errorf("binary %q (host %q), want /mnt/vol/bin/tool in %s", r.Binary, r.HostBinary, realVol)
	}
}
