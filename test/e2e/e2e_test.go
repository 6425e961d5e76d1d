// Package e2e runs genode/amd64 programs on the model of Genode's libc; with
// GENODE_ARCH=arm64, genode/arm64 programs on the arm64 model under qemu-user
// (make e2e-arm64).
//
// Each program under progs/ is built with the patched toolchain
// (_build/goroot/bin/go) and started by genode-run with a <start> node the
// test writes: exactly the view (VFS, <libc> attributes, RAM quota) the case
// needs. The programs print "key: value" lines; the expectations are here.
// Where Genode cannot do what POSIX promises, the test asserts what Genode's
// libc does and names the source (genodelabs/genode, repos/libports/src/lib/libc).
//
// Without a built toolchain or model the tests skip, unless
// GENODE_MODEL_REQUIRED=1 (make e2e).
package e2e

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	top       string // the repository root
	goGenode  string // the patched go command
	genodeRun string
	modelDir  string
	arch      = genodeArch() // GOARCH of the genode programs
	binDir    string         // built programs, shared by all tests of one run
)

func TestMain(m *testing.M) {
	wd, err := os.Getwd()
	if err == nil {
		top = filepath.Clean(filepath.Join(wd, "..", ".."))
	}
	goGenode = filepath.Join(top, "_build", "goroot", "bin", "go")
	genodeRun = filepath.Join(top, "_build", "bin", "genode-run")
	modelDir = filepath.Join(top, "_build", "model")
	if arch == "arm64" {
		modelDir = filepath.Join(top, "_build", "model-arm64")
	}
	dir, err := os.MkdirTemp("", "genode-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// genodeArch is $GENODE_ARCH (amd64 or arm64; genode-run reads it too),
// amd64 by default.
func genodeArch() string {
	if a := os.Getenv("GENODE_ARCH"); a != "" {
		return a
	}
	return "amd64"
}

// need skips (or, with GENODE_MODEL_REQUIRED=1, fails) the test when the
// toolchain, genode-run or the model libraries are missing.
func need(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the model runs on linux/amd64 only")
	}
	for _, f := range []string{goGenode, genodeRun, filepath.Join(modelDir, "libc.lib.so"), filepath.Join(modelDir, "posix.lib.so")} {
		if _, err := os.Stat(f); err != nil {
			if os.Getenv("GENODE_MODEL_REQUIRED") == "1" {
				t.Fatalf("%s is missing (make toolchain model model-arm64 host-tools)", f)
			}
			t.Skipf("%s is missing (make toolchain model host-tools; GENODE_MODEL_REQUIRED=1 makes this a failure)", f)
		}
	}
}

var (
	buildMu sync.Mutex
	built   = map[string]error{}
)

// build compiles progs/<name> for genode/$arch once per run and returns the
// binary's path.
func build(t *testing.T, name string) string {
	t.Helper()
	return buildProg(t, filepath.Join("test", "e2e", "progs", name), "genode")
}

// buildProg compiles the main package in dir (relative to the repository
// root) for goos (genode/$arch, or linux/amd64) once per run and returns the binary's path. Programs
// under test/e2e/progs need nothing but std and are built alone
// (GOWORK=off); any other is built in the repository's workspace, so that
// it gets the patched upstream modules of _build/modules (make modules).
func buildProg(t *testing.T, dir, goos string) string {
	t.Helper()
	need(t)
	out := filepath.Join(binDir, goos, filepath.Base(dir))
	gowork := "off"
	if !strings.HasPrefix(dir, filepath.Join("test", "e2e", "progs")+string(filepath.Separator)) {
		gowork = filepath.Join(top, "go.work")
		out = filepath.Join(binDir, goos, strings.ReplaceAll(dir, string(filepath.Separator), "_"))
	}
	goarch := "amd64"
	if goos == "genode" {
		goarch = arch
		out += "." + arch
	}
	key := goos + " " + goarch + " " + dir
	buildMu.Lock()
	defer buildMu.Unlock()
	err, done := built[key]
	if !done {
		cmd := exec.Command(goGenode, "build", "-o", out, ".")
		cmd.Dir = filepath.Join(top, dir)
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "GOWORK="+gowork, "GOTOOLCHAIN=local", "GOFLAGS=",
			"CGO_ENABLED=0", "PATH="+filepath.Dir(goGenode)+string(os.PathListSeparator)+os.Getenv("PATH"))
		if msg, e := cmd.CombinedOutput(); e != nil {
			err = fmt.Errorf("go build %s for %s: %v\n%s", dir, goos, e, msg)
		}
		built[key] = err
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A component is the <start> node of one run.
type component struct {
	prog   string            // progs/<prog>, or the name of the program in dir
	dir    string            // the program's package directory under the repository root, if not progs/<prog>
	ram    string            // RAM quota; default 64M
	vfs    string            // the <vfs> node's content (XML)
	libc   map[string]string // <libc> attributes
	args   []string          // argv after argv[0]
	argv0  string            // default: prog
	env    [][2]string
	strict bool
}

// base gives a component /dev (log, terminal, null), a pipe file system
// (the runtime's netpoller needs <libc pipe>) and stdout on the terminal,
// stderr on the log. Nothing else: no rtc, no rng.
func base(prog string) component {
	return component{
		prog: prog,
		vfs:  `<dir name="dev"><log/><terminal/><null/></dir><dir name="pipe"><pipe/></dir>`,
		libc: map[string]string{"stdin": "/dev/null", "stdout": "/dev/terminal", "stderr": "/dev/log", "pipe": "/pipe"},
	}
}

// withRtc and withRng add /dev/rtc and /dev/random (jitterentropy) to the
// view and configure them in <libc>.
func (c component) withRtc() component {
	c.vfs += `<dir name="dev"><rtc/></dir>`
	c.libc = clone(c.libc)
	c.libc["rtc"] = "/dev/rtc"
	return c
}

func (c component) withRng() component {
	c.vfs += `<dir name="dev"><jitterentropy name="random"/></dir>`
	c.libc = clone(c.libc)
	c.libc["rng"] = "/dev/random"
	return c
}

func clone(m map[string]string) map[string]string {
	n := make(map[string]string, len(m))
	for k, v := range m {
		n[k] = v
	}
	return n
}

func attr(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}

func (c component) config() string {
	var b strings.Builder
	ram := c.ram
	if ram == "" {
		ram = "64M"
	}
	fmt.Fprintf(&b, "<start name=%q caps=\"300\" ram=%q>\n  <binary name=%q/>\n  <config>\n", c.prog, ram, c.prog)
	fmt.Fprintf(&b, "    <vfs>%s</vfs>\n    <libc", c.vfs)
	for _, k := range slices.Sorted(maps.Keys(c.libc)) {
		fmt.Fprintf(&b, " %s=\"%s\"", k, attr(c.libc[k]))
	}
	b.WriteString("/>\n")
	argv0 := c.argv0
	if argv0 == "" {
		argv0 = c.prog
	}
	for _, a := range append([]string{argv0}, c.args...) {
		fmt.Fprintf(&b, "    <arg value=\"%s\"/>\n", attr(a))
	}
	for _, kv := range c.env {
		fmt.Fprintf(&b, "    <env key=\"%s\" value=\"%s\"/>\n", attr(kv[0]), attr(kv[1]))
	}
	b.WriteString("  </config>\n</start>\n")
	return b.String()
}

// A result is one finished run.
type result struct {
	status int
	stdout string
	stderr string // the component's LOG (stderr, libc warnings) and the model's lines
	lines  map[string]string
	keys   []string
}

func (r result) String() string {
	return fmt.Sprintf("status %d\n--- stdout\n%s--- stderr\n%s", r.status, r.stdout, r.stderr)
}

// run builds the program and runs the component on the model.
func run(t *testing.T, c component) result {
	t.Helper()
	return runCtx(t, context.Background(), c)
}

// statusStopped is the status of a component the test stopped by ending
// runCtx's context: genode-run gets SIGTERM and passes it on, and the
// component (which does not handle it on the host) ends at once, as a
// component that init removes does.
const statusStopped = -15

// runCtx is run for a component the test may stop by ending ctx.
func runCtx(t *testing.T, ctx context.Context, c component) result {
	t.Helper()
	var bin string
	if c.dir != "" {
		bin = buildProg(t, c.dir, "genode")
	} else {
		bin = build(t, c.prog)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, c.prog+".config")
	if err := os.WriteFile(cfg, []byte(c.config()), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-model", modelDir, "-binary", bin, "-timeout", "120s"}
	if c.strict {
		args = append(args, "-strict")
	}
	tctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(tctx, genodeRun, append(args, cfg)...)
	cmd.Dir = dir
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Start(); err != nil {
		t.Fatalf("genode-run: %v", err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var err error
	select {
	case err = <-waited:
	case <-ctx.Done():
		cmd.Process.Signal(syscall.SIGTERM)
		err = <-waited
	}
	r := result{stdout: so.String(), stderr: se.String(), lines: map[string]string{}}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil && errors.As(err, &ee) && ee.ExitCode() == 128+int(syscall.SIGTERM):
		r.status = statusStopped
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		r.status = ee.ExitCode()
	default:
		t.Fatalf("genode-run: %v\n%s", err, r)
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok {
			if _, dup := r.lines[k]; !dup {
				r.keys = append(r.keys, k)
			}
			r.lines[k] = v
		}
	}
	if r.status == 125 {
		t.Fatalf("launcher error\nconfig:\n%s\n%s", c.config(), r)
	}
	return r
}

// expect checks one "key: value" line.
func (r result) expect(t *testing.T, key, want string) {
	t.Helper()
	got, ok := r.lines[key]
	if !ok {
		t.Errorf("%s: no such line in the output", key)
		return
	}
	if got != want {
		t.Errorf("%s: got %q, want %q", key, got, want)
	}
}

// expectAll checks many lines and dumps the run once if any failed.
func (r result) expectAll(t *testing.T, want [][2]string) {
	t.Helper()
	failed := false
	for _, kv := range want {
		got, ok := r.lines[kv[0]]
		if !ok {
			t.Errorf("%s: no such line in the output", kv[0])
			failed = true
		} else if got != kv[1] {
			t.Errorf("%s: got %q, want %q", kv[0], got, kv[1])
			failed = true
		}
	}
	if failed {
		t.Logf("run:\n%s", r)
	}
}

func (r result) status0(t *testing.T) {
	t.Helper()
	if r.status != 0 {
		t.Fatalf("exit status %d, want 0\n%s", r.status, r)
	}
}

func (r result) num(t *testing.T, key string) int64 {
	t.Helper()
	v, ok := r.lines[key]
	if !ok {
		t.Fatalf("%s: no such line in the output\n%s", key, r)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("%s: %v\n%s", key, err, r)
	}
	return n
}

// count counts lines of the component's log that contain s.
func (r result) count(s string) int {
	n := 0
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}
