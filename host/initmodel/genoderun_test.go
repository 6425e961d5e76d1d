package initmodel

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"genodego/host"
	"genodego/sandbox/initcfg"
)

// The lifecycle tests run genode binaries: testdata/child.c, built against the model's libc, as init's children
// through host/cmd/genode-run. Both are built once per test binary, on first use.
var tools struct {
	once     sync.Once
	dir      string // holds genode-run and the ROM "child"
	modelDir string
	skip     string // why the tests cannot run
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if tools.dir != "" {
		os.RemoveAll(tools.dir)
	}
	os.Exit(code)
}

func buildTools() {
	root, _ := filepath.Abs("../..")
	tools.modelDir = filepath.Join(root, "_build", "model")
	if d := os.Getenv("GENODE_MODEL_DIR"); d != "" {
		tools.modelDir = d // as genode-run takes it
	}
	if _, err := os.Stat(filepath.Join(tools.modelDir, "libc.lib.so")); err != nil {
		tools.skip = fmt.Sprintf("model libraries not built: %s/libc.lib.so is missing (run `make model`)", tools.modelDir)
		return
	}
	dir, err := os.MkdirTemp("", "initmodel-test-")
	if err != nil {
		tools.err = err
		return
	}
	tools.dir = dir
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "genode-run"), "genodego/host/cmd/genode-run")
	build.Dir = filepath.Join(root, "host")
	if out, err := build.CombinedOutput(); err != nil {
		tools.err = fmt.Errorf("genode-run does not build: %v\n%s", err, out)
		return
	}
	cc := host.CompileCommand(root, tools.modelDir, filepath.Join(root, "host", "initmodel", "testdata", "child.c"), filepath.Join(dir, "child"))
	if out, err := cc.CombinedOutput(); err != nil {
		tools.err = fmt.Errorf("testdata/child.c does not compile: %v\n%s", err, out)
	}
}

// needTools builds genode-run and the child, or skips the test (fails it with GENODE_MODEL_REQUIRED set) when the
// model is not built.
func needTools(t *testing.T) {
	t.Helper()
	tools.once.Do(buildTools)
	if tools.skip != "" {
		if os.Getenv("GENODE_MODEL_REQUIRED") != "" {
			t.Fatalf("GENODE_MODEL_REQUIRED is set but %s", tools.skip)
		}
		t.Skip(tools.skip)
	}
	if tools.err != nil {
		t.Fatal(tools.err)
	}
}

// genodeRun is the launcher the tests use.
func genodeRun() Launcher {
	return GenodeRun{Path: filepath.Join(tools.dir, "genode-run"), Flags: []string{"-model", tools.modelDir}}
}

// childBinary is the child's host path.
func childBinary() string { return filepath.Join(tools.dir, "child") }

// childVFS is the view every test child gets: its LOG session as stdout and stderr, and extra file systems.
func childVFS(extra ...*nodeT) (*nodeT, *initcfg.Libc) {
	vfs := nodeNew("vfs").Add(initcfg.Dir("dev", nodeNew("log"), nodeNew("null")))
	vfs.Add(extra...)
	libc := &initcfg.Libc{Attrs: []nodeAttr{{Name: "stdin", Value: "/dev/null"}, {Name: "stdout", Value: "/dev/log"}, {Name: "stderr", Value: "/dev/log"}}}
	return vfs, libc
}

// genodeChild is a start node for the ROM "child" running steps (testdata/child.c).
func genodeChild(name string, steps ...string) *initcfg.Start {
	vfs, libc := childVFS()
	return &initcfg.Start{Name: name, Binary: "child", Caps: 100, RAM: 4 * initcfg.MiB,
		Config: &initcfg.ChildConfig{VFS: vfs, Libc: libc, Args: append([]string{"child"}, steps...)}}
}

// childSteps is a child config in HID (arguments as quoted content) for tests that write init's config by hand.
func childSteps(indent string, steps ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s+ vfs\n%s  + dir dev | + log\n", indent, indent)
	fmt.Fprintf(&b, "%s+ libc | stdout: /dev/log | stderr: /dev/log\n", indent)
	fmt.Fprintf(&b, "%s+ arg child\n", indent)
	for _, s := range steps {
		fmt.Fprintf(&b, "%s+ arg\n%s  : %s\n", indent, indent, s)
	}
	return b.String()
}

// waitGone waits until no process runs the child binary: killed children really end.
func waitGone(t *testing.T) {
	t.Helper()
	bin := childBinary()
	var left []string
	if !eventually(5*time.Second, func() bool {
		left = nil
		cmds, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, c := range cmds {
			if b, err := os.ReadFile(c); err == nil && containsArg(b, bin) {
				left = append(left, filepath.Base(filepath.Dir(c)))
			}
		}
		return len(left) == 0
	}) {
		t.Fatalf("child processes still running: %v", left)
	}
}

func containsArg(cmdline []byte, arg string) bool {
	for _, a := range strings.Split(string(cmdline), "\x00") {
		if a == arg {
			return true
		}
	}
	return false
}
