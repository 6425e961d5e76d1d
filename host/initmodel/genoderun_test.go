package initmodel

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
)

// The genode-run launcher (host/cmd/genode-run, written in parallel) is
// used when it can be built and the model libraries exist.
func TestGenodeRunLauncher(t *testing.T) {
	root, _ := filepath.Abs("../..")
	modelDir := filepath.Join(root, "_build", "model")
	if _, err := os.Stat(filepath.Join(modelDir, "libc.lib.so")); err != nil {
		t.Skip("model libraries not built")
	}
	bin := filepath.Join(t.TempDir(), "genode-run")
	build := exec.Command("go", "build", "-o", bin, "genodego/host/cmd/genode-run")
	build.Dir = filepath.Join(root, "host")
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("genode-run does not build: %v\n%s", err, out)
	}
	t.Setenv("GENODE_MODEL_DIR", modelDir)
	dir := t.TempDir()
	d, err := driver.Open(filepath.Join(dir, "init.config"), filepath.Join(dir, "state"), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuf{}
	m := New(Options{ConfigPath: d.ConfigPath, StatePath: d.StatePath, Log: log, Poll: 5 * time.Millisecond, Launcher: GenodeRun{Path: bin}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	d.Add(&initcfg.Start{Name: "f", Binary: "/bin/false", Caps: 100, RAM: 8 * initcfg.MiB,
		Config: &initcfg.ChildConfig{VFS: nodeVFS(), Args: []string{"false"}}})
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	s, err := d.WaitFor(wctx, "f", func(s driver.Status) bool { return s.State == driver.Stopped })
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if s.ExitCode != 1 {
		t.Fatalf("exit %d\n%s", s.ExitCode, log.String())
	}
}

func nodeVFS() *nodeT { return nodeNew("vfs").Add(initcfg.Dir("dev", nodeNew("log"))) }
