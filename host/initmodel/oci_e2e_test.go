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

// A bundle translated in host mode runs on the model: the binary comes from
// the rootfs through the ROM route, cwd is inside the rootfs, argv and the
// environment are exactly the spec's.
func TestOCIBundleOnModel(t *testing.T) {
	b := t.TempDir()
	os.MkdirAll(filepath.Join(b, "rootfs/bin"), 0o755)
	os.MkdirAll(filepath.Join(b, "rootfs/srv"), 0o755)
	os.WriteFile(filepath.Join(b, "rootfs/srv/here"), nil, 0o644)
	os.WriteFile(filepath.Join(b, "rootfs/bin/app"), []byte("#!/bin/sh\necho \"argv0=$0 args=$* greeting=$GREETING\"\nls\nexit 42\n"), 0o755)
	s := &specs.Spec{Version: "1.2.1",
		Process: &specs.Process{Args: []string{"app", "one", "two words"}, Cwd: "/srv",
			Env: []string{"PATH=/bin:/usr/bin", "GREETING=a: b | c"}},
		Root: &specs.Root{Path: "rootfs"}}
	r, err := oci.Translate(s, nil, oci.Options{ID: "box", Bundle: b, Mode: oci.Host})
	if err != nil {
		t.Fatal(err)
	}
	e := start(t, nil)
	if err := e.drv.Add(r.Start); err != nil {
		t.Fatal(err)
	}
	st := e.wait("box", driver.Stopped)
	if st.ExitCode != 42 {
		t.Fatalf("exit %d\n%s", st.ExitCode, e.log.String())
	}
	time.Sleep(20 * time.Millisecond)
	log := e.log.String()
	for _, want := range []string{"[box] argv0=" + filepath.Join(b, "rootfs/bin/app") + " args=one two words greeting=a: b | c", "[box] here"} {
		if !strings.Contains(log, want) {
			t.Fatalf("missing %q in\n%s", want, log)
		}
	}
}
