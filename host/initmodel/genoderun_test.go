package initmodel

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"genodego/host"
	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
)

// The genode-run launcher starts a genode binary (a C program built against the model's libc) as init's child,
// and its exit code comes back through the state report.
func TestGenodeRunLauncher(t *testing.T) {
	root, _ := filepath.Abs("../..")
	modelDir := filepath.Join(root, "_build", "model")
	if _, err := os.Stat(filepath.Join(modelDir, "libc.lib.so")); err != nil {
		if os.Getenv("GENODE_MODEL_REQUIRED") != "" {
			t.Fatalf("GENODE_MODEL_REQUIRED is set but %s/libc.lib.so is missing (run `make model`)", modelDir)
		}
		t.Skip("model libraries not built (make model)")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "genode-run")
	build := exec.Command("go", "build", "-o", bin, "genodego/host/cmd/genode-run")
	build.Dir = filepath.Join(root, "host")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("genode-run does not build: %v\n%s", err, out)
	}
	src := filepath.Join(tmp, "exitcode.c")
	prog := `#include "genode/libc.h"
int main(int argc, char **argv)
{
	int code = 0;
	for (const char *p = argc > 1 ? argv[1] : ""; *p >= '0' && *p <= '9'; p++)
		code = code * 10 + (*p - '0');
	return code;
}
`
	if err := os.WriteFile(src, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	child := filepath.Join(tmp, "exitcode")
	if out, err := host.CompileCommand(root, modelDir, src, child).CombinedOutput(); err != nil {
		t.Fatalf("compile: %v\n%s", err, out)
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
	d.Add(&initcfg.Start{Name: "f", Binary: child, Caps: 100, RAM: 8 * initcfg.MiB,
		Config: &initcfg.ChildConfig{VFS: nodeVFS(), Args: []string{"exitcode", "7"}}})
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	s, err := d.WaitFor(wctx, "f", func(s driver.Status) bool { return s.State == driver.Stopped })
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if s.ExitCode != 7 {
		t.Fatalf("exit %d\n%s", s.ExitCode, log.String())
	}
}

func nodeVFS() *nodeT { return nodeNew("vfs").Add(initcfg.Dir("dev", nodeNew("log"))) }
