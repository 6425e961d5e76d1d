package initmodel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"genodego/sandbox/driver"
	"genodego/sandbox/oci"
)

// A bundle translated in host mode runs on the model: the binary (the genode child, testdata/child.c) comes from
// the rootfs through the ROM route, cwd is inside the rootfs, argv and the environment are exactly the spec's.
func TestOCIBundleOnModel(t *testing.T) {
	b := t.TempDir()
	os.MkdirAll(filepath.Join(b, "rootfs/bin"), 0o755)
	os.MkdirAll(filepath.Join(b, "rootfs/srv"), 0o755)
	os.WriteFile(filepath.Join(b, "rootfs/srv/here"), nil, 0o644)
	e := start(t, nil)
	app, err := os.ReadFile(childBinary())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(b, "rootfs/bin/app"), app, 0o755)
	s := &specs.Spec{Version: "1.2.1",
		Process: &specs.Process{Args: []string{"app", "args", "2", "one", "two words", "env", "GREETING",
			"print", "environ:", "environ", "print", "ls:", "ls", ".", "exit", "42"}, Cwd: "/srv",
			Env: []string{"PATH=/bin:/usr/bin", "GREETING=a: b | c"}},
		Root: &specs.Root{Path: "rootfs"}}
	r, err := oci.Translate(s, nil, oci.Options{ID: "box", Bundle: b, Mode: oci.Host})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.drv.Add(r.Start); err != nil {
		t.Fatal(err)
	}
	st := e.wait("box", driver.Stopped)
	if st.ExitCode != 42 {
		t.Fatalf("exit %d\n%s", st.ExitCode, e.log.String())
	}
	// the exit is reported before the last output may have been copied
	wants := []string{"[box] argv0=app args=one two words", "[box] GREETING=a: b | c",
		"[box] environ:\n[box] PATH=/bin:/usr/bin\n[box] GREETING=a: b | c\n[box] ls:\n[box] here\n"}
	if !eventually(5*time.Second, func() bool {
		for _, want := range wants {
			if !strings.Contains(e.log.String(), want) {
				return false
			}
		}
		return true
	}) {
		t.Fatalf("missing one of %q in\n%s", wants, e.log.String())
	}
}
