// Package runc tests runc on genode end to end, as runc's users see it: the
// host command _build/bin/runc runs the genode runc on the model, which
// drives a dynamic init (the init model, one per --root) whose children are
// the containers. The containers run progs/probe, a genode program whose
// arguments are a script of steps (see its package comment).
//
// This file is the harness other tests of runc on genode use too (hostile
// bundles, conformance): build the probe once per run (Probe), make a bundle
// (NewBundle: rootfs with the probe at /bin/probe, config.json from Spec),
// run runc against a root of the test's own (NewRoot, Root.Runc), and at
// cleanup stop the root's init and whatever it started.
//
// Without the built artefacts (make runc) the tests skip, unless
// GENODE_MODEL_REQUIRED=1, which makes that a failure. RUNC_TEST_BIN names
// another directory holding runc, runc.genode-amd64, genode-init and
// genode-run (a private build); the default is _build/bin.
//
// With GENODE_ARCH=arm64 (make runc-test-arm64) the genode runc is
// runc.genode-arm64, the probe programs are built for genode/arm64 and the
// model is _build/model-arm64: runc, init's children and the hooks run under
// qemu-user (the host command, genode-init and genode-run read GENODE_ARCH).
package runc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	top      string // the repository root
	goGenode string // the patched go command
	binDir   string // runc, runc.genode-$arch, genode-init, genode-run
	modelDir string // the model's libc.lib.so and posix.lib.so
	progDir  string // programs built by this run
)

var arch = genodeArch() // GOARCH of the genode runc and programs

// genodeArch is $GENODE_ARCH (amd64 or arm64; the host command and
// genode-run read it too), amd64 by default.
func genodeArch() string {
	if a := os.Getenv("GENODE_ARCH"); a != "" {
		return a
	}
	return "amd64"
}

// runcGenode is the file name of the genode runc in binDir.
func runcGenode() string { return "runc.genode-" + arch }

// emulated: the genode programs run under qemu-user (launch.TargetFor).
func emulated() bool { return arch != runtime.GOARCH }

func TestMain(m *testing.M) {
	wd, err := os.Getwd()
	if err == nil {
		top = filepath.Clean(filepath.Join(wd, "..", ".."))
	}
	goGenode = filepath.Join(top, "_build", "goroot", "bin", "go")
	binDir = filepath.Join(top, "_build", "bin")
	if d := os.Getenv("RUNC_TEST_BIN"); d != "" {
		binDir = d
	}
	modelDir = filepath.Join(top, "_build", "model")
	if arch == "arm64" {
		modelDir = filepath.Join(top, "_build", "model-arm64")
	}
	if d := os.Getenv("GENODE_MODEL_DIR"); d != "" {
		modelDir = d
	}
	dir, err := os.MkdirTemp("", "genode-runc-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	progDir = dir
	stop := reapInits()
	code := m.Run()
	stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// reapInits makes this process the reaper of the inits the host command
// starts and releases (PR_SET_CHILD_SUBREAPER), and reaps them when they
// exit, as a host's init process does. Where PID 1 does not reap (some
// containers and VMs), an exited init would otherwise stay a zombie, which
// kill(pid, 0) cannot tell from a running process. Only processes named
// genode-init are reaped here; the test's own children are waited for by
// os/exec.
func reapInits() (stop func()) {
	const prSetChildSubreaper = 36
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); e != 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		me := strconv.Itoa(os.Getpid())
		for {
			for _, pid := range pids() {
				data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
				if err != nil || !bytes.HasPrefix(data, []byte(strconv.Itoa(pid)+" (genode-init) ")) {
					continue
				}
				if f := stat(pid); len(f) > 1 && f[0] == "Z" && f[1] == me {
					var ws syscall.WaitStatus
					syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
				}
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-finished }
}

// Need skips (or, with GENODE_MODEL_REQUIRED=1, fails) the test when an
// artefact it needs is missing.
func Need(t testing.TB) {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the model runs on linux/amd64 only")
	}
	for _, f := range []string{
		filepath.Join(binDir, "runc"), filepath.Join(binDir, runcGenode()),
		filepath.Join(binDir, "genode-init"), filepath.Join(binDir, "genode-run"), goGenode,
		filepath.Join(modelDir, "libc.lib.so"), filepath.Join(modelDir, "posix.lib.so"),
	} {
		if _, err := os.Stat(f); err != nil {
			if os.Getenv("GENODE_MODEL_REQUIRED") == "1" {
				t.Fatalf("%s is missing (make runc%s)", f, modelTarget())
			}
			t.Skipf("%s is missing (make runc%s; GENODE_MODEL_REQUIRED=1 makes this a failure)", f, modelTarget())
		}
	}
	if emulated() {
		qemu := os.Getenv("GENODE_QEMU")
		if qemu == "" {
			qemu = "qemu-aarch64" // launch.TargetFor's default
		}
		if _, err := exec.LookPath(qemu); err != nil {
			if os.Getenv("GENODE_MODEL_REQUIRED") == "1" {
				t.Fatalf("GENODE_ARCH=%s needs qemu-user: %v", arch, err)
			}
			t.Skipf("GENODE_ARCH=%s needs qemu-user: %v", arch, err)
		}
	}
}

// modelTarget is the make target of the arm64 model, which make runc does
// not build.
func modelTarget() string {
	if arch == "arm64" {
		return " model-arm64"
	}
	return ""
}

var (
	buildMu sync.Mutex
	built   = map[string]error{}
)

// BuildProg compiles the genode program in progs/<name> (package main,
// std only) for genode/$arch once per run and returns the binary's path.
func BuildProg(t testing.TB, name string) string {
	t.Helper()
	Need(t)
	out := filepath.Join(progDir, name)
	buildMu.Lock()
	defer buildMu.Unlock()
	err, done := built[name]
	if !done {
		cmd := exec.Command(goGenode, "build", "-o", out, ".")
		cmd.Dir = filepath.Join(top, "test", "runc", "progs", name)
		cmd.Env = append(os.Environ(), "GOOS=genode", "GOARCH="+arch, "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=",
			"CGO_ENABLED=0", "PATH="+filepath.Dir(goGenode)+string(os.PathListSeparator)+os.Getenv("PATH"))
		if msg, e := cmd.CombinedOutput(); e != nil {
			err = fmt.Errorf("go build progs/%s for genode/%s: %v\n%s", name, arch, e, msg)
		}
		built[name] = err
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Probe returns the probe (progs/probe) built for genode/$arch. It is also
// the hook program of the tests: hooks run in runc's own view, which holds
// the directory of each hook program (read-only).
func Probe(t testing.TB) string { return BuildProg(t, "probe") }

// Spec is a config.json as a JSON object, so that a test can set any field,
// including ones runc's spec types do not have.
type Spec map[string]any

// DefaultSpec is `runc spec` on genode adapted to the probe: no terminal,
// args = probe and the script, a read-only rootfs, a tmpfs on /tmp, 64 MiB.
func DefaultSpec(script ...string) Spec {
	var spec Spec
	if err := json.Unmarshal([]byte(`{
	"ociVersion": "1.3.0",
	"process": {
		"terminal": false,
		"user": {"uid": 0, "gid": 0},
		"env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
		"cwd": "/"
	},
	"root": {"path": "rootfs", "readonly": true},
	"mounts": [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}],
	"linux": {"resources": {"memory": {"limit": 67108864}}}
}`), &spec); err != nil {
		panic(err)
	}
	spec.Process()["args"] = append([]any{"probe"}, anys(script)...)
	return spec
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// Process returns spec.process, created if missing.
func (s Spec) Process() map[string]any { return s.Object("process") }

// Object returns the object at a dotted path, creating the objects on the
// way.
func (s Spec) Object(path string) map[string]any {
	m := map[string]any(s)
	for _, k := range strings.Split(path, ".") {
		n, ok := m[k].(map[string]any)
		if !ok {
			n = map[string]any{}
			m[k] = n
		}
		m = n
	}
	return m
}

// Set sets the value at a dotted path (objects created on the way).
func (s Spec) Set(path string, v any) {
	i := strings.LastIndex(path, ".")
	if i < 0 {
		s[path] = v
		return
	}
	s.Object(path[:i])[path[i+1:]] = v
}

// SetArgs sets process.args to the probe and script.
func (s Spec) SetArgs(script ...string) {
	s.Process()["args"] = append([]any{"probe"}, anys(script)...)
}

// AddMount appends a mount.
func (s Spec) AddMount(dest, typ, source string, options ...string) {
	m := map[string]any{"destination": dest, "type": typ, "source": source}
	if len(options) > 0 {
		m["options"] = anys(options)
	}
	l, _ := s["mounts"].([]any)
	s["mounts"] = append(l, m)
}

// AddHook appends a hook of kind (createRuntime, poststart, ...) that runs
// path with argv args.
func (s Spec) AddHook(kind, path string, args ...string) {
	h := map[string]any{"path": path}
	if len(args) > 0 {
		h["args"] = anys(args)
	}
	hooks := s.Object("hooks")
	l, _ := hooks[kind].([]any)
	hooks[kind] = append(l, h)
}

// A Bundle is an OCI bundle in a temporary directory: rootfs/bin/probe and
// config.json.
type Bundle struct {
	Dir    string
	Rootfs string
	Spec   Spec
	t      testing.TB
}

// NewBundle makes a bundle whose process is the probe with script, and
// writes its config.json.
func NewBundle(t testing.TB, script ...string) *Bundle {
	t.Helper()
	probe := Probe(t)
	dir := t.TempDir()
	b := &Bundle{Dir: dir, Rootfs: filepath.Join(dir, "rootfs"), Spec: DefaultSpec(script...), t: t}
	data, err := os.ReadFile(probe)
	if err != nil {
		t.Fatal(err)
	}
	b.AddFile("bin/probe", data, 0o755)
	b.Write()
	return b
}

// AddFile puts a file into the rootfs (path relative to it).
func (b *Bundle) AddFile(path string, data []byte, mode os.FileMode) {
	b.t.Helper()
	p := filepath.Join(b.Rootfs, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, mode); err != nil {
		b.t.Fatal(err)
	}
}

// MkDir makes a directory inside the bundle (path relative to the bundle)
// and returns its absolute path: a source for bind mounts, which has to be
// in the view runc gets from the host command (the bundle is).
func (b *Bundle) MkDir(path string) string {
	b.t.Helper()
	p := filepath.Join(b.Dir, path)
	if err := os.MkdirAll(p, 0o755); err != nil {
		b.t.Fatal(err)
	}
	return p
}

// Write writes b.Spec to config.json.
func (b *Bundle) Write() {
	b.t.Helper()
	data, err := json.MarshalIndent(b.Spec, "", "\t")
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.Dir, "config.json"), data, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// A Root is a runc --root of one test. Its init (started by the host
// command on the first container command) is stopped at cleanup, with
// every process it started.
type Root struct {
	Dir string
	t   testing.TB
}

// NewRoot makes an empty root directory for the test.
func NewRoot(t testing.TB) *Root {
	t.Helper()
	Need(t)
	r := &Root{Dir: filepath.Join(t.TempDir(), "root"), t: t}
	t.Cleanup(r.stop)
	return r
}

// Opts are how Runc starts the host command.
type Opts struct {
	Dir     string    // working directory (default: the test's)
	Stdin   io.Reader // default: /dev/null
	Stdout  io.Writer // default: captured in Result.Stdout
	Stderr  io.Writer // default: captured in Result.Stderr
	Env     []string  // added to the environment (NAME=value)
	Timeout time.Duration
}

// A Result is one runc command's outcome.
type Result struct {
	Args   []string
	Code   int // exit status; -1 when it did not exit (timeout, signal)
	Stdout string
	Stderr string
	Took   time.Duration
}

// Errors is Stderr as one text: the model's LOG session prefixes each line
// runc writes to stderr with "[runc] " and splits long ones; Errors undoes
// both, so that a test can look for a phrase.
func (r Result) Errors() string {
	s := strings.ReplaceAll(r.Stderr, "\n[runc] ", "")
	return strings.TrimPrefix(s, "[runc] ")
}

func (r Result) String() string {
	return fmt.Sprintf("runc %s: exit %d after %v\nstdout:\n%s\nstderr:\n%s", strings.Join(r.Args, " "), r.Code,
		r.Took.Round(time.Millisecond), r.Stdout, r.Stderr)
}

// Runc runs `runc --root <root> args...` and returns its result.
func (r *Root) Runc(args ...string) Result {
	r.t.Helper()
	return r.RuncWith(Opts{}, args...)
}

// RuncWith runs `runc --root <root> args...` as o says.
func (r *Root) RuncWith(o Opts, args ...string) Result {
	r.t.Helper()
	return Runc(r.t, o, append([]string{"--root", r.Dir}, args...)...)
}

// RuncIn runs `runc --root <root> args...` in directory dir.
func (r *Root) RuncIn(dir string, args ...string) Result {
	r.t.Helper()
	return r.RuncWith(Opts{Dir: dir}, args...)
}

// MustRunc runs runc and fails the test unless it exits with 0.
func (r *Root) MustRunc(args ...string) Result {
	r.t.Helper()
	return r.mustRunc(Opts{}, args...)
}

// MustRuncIn is MustRunc in directory dir.
func (r *Root) MustRuncIn(dir string, args ...string) Result {
	r.t.Helper()
	return r.mustRunc(Opts{Dir: dir}, args...)
}

func (r *Root) mustRunc(o Opts, args ...string) Result {
	r.t.Helper()
	res := r.RuncWith(o, args...)
	if res.Code != 0 {
		r.t.Fatalf("%v\ninit's log:\n%s", res, r.InitLog())
	}
	return res
}

// Command returns the host command for `runc --root <root> args...`,
// not started, for runs in the background. Stdin is /dev/null; the process
// is in a group of its own, which the test's cleanup kills.
func (r *Root) Command(args ...string) *exec.Cmd {
	cmd := command(append([]string{"--root", r.Dir}, args...)...)
	r.t.Cleanup(func() {
		if cmd.Process != nil && cmd.ProcessState == nil {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Wait()
		}
	})
	return cmd
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(binDir, "runc"), args...)
	env := []string{"GENODE_MODEL_DIR=" + modelDir}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "RUNC_GENODE_") && !strings.HasPrefix(e, "NOTIFY_SOCKET=") &&
			!strings.HasPrefix(e, "GENODE_MODEL_DIR=") {
			env = append(env, e)
		}
	}
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// Runc runs the host command with args (no --root added) as o says.
func Runc(t testing.TB, o Opts, args ...string) Result {
	t.Helper()
	Need(t)
	cmd := command(args...)
	cmd.Dir = o.Dir
	cmd.Stdin = o.Stdin
	cmd.Env = append(cmd.Env, o.Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if o.Stdout != nil {
		cmd.Stdout = o.Stdout
	}
	if o.Stderr != nil {
		cmd.Stderr = o.Stderr
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	res := Result{Args: args}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("runc %s: %v", strings.Join(args, " "), err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(timeout):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		err = <-done
		t.Errorf("runc %s: no exit within %v (killed)", strings.Join(args, " "), timeout)
	}
	res.Took = time.Since(begin)
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	res.Code = 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("runc %s: %v", strings.Join(args, " "), err)
	}
	return res
}

// State is `runc state`: runc's containerState JSON.
type State struct {
	OCIVersion  string            `json:"ociVersion"`
	ID          string            `json:"id"`
	Pid         int               `json:"pid"`
	Status      string            `json:"status"`
	Bundle      string            `json:"bundle"`
	Rootfs      string            `json:"rootfs"`
	Created     time.Time         `json:"created"`
	Annotations map[string]string `json:"annotations"`
	Owner       string            `json:"owner"`
}

// State returns `runc state id`, failing the test if runc fails.
func (r *Root) State(id string) State {
	r.t.Helper()
	res := r.MustRunc("state", id)
	var st State
	if err := json.Unmarshal([]byte(res.Stdout), &st); err != nil {
		r.t.Fatalf("runc state %s: %v\n%s", id, err, res.Stdout)
	}
	return st
}

// WaitStatus polls `runc state id` until the status is want, failing the
// test after timeout.
func (r *Root) WaitStatus(id, want string, timeout time.Duration) State {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st := r.State(id)
		if st.Status == want {
			return st
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%s: status %q, not %q after %v\ninit's log:\n%s", id, st.Status, want, timeout, r.InitLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// File returns the content of a file under the root ("" if missing).
func (r *Root) File(name string) string {
	data, _ := os.ReadFile(filepath.Join(r.Dir, name))
	return string(data)
}

// InitConfig is the hosting init's config, as runc wrote it.
func (r *Root) InitConfig() string { return r.File("init.config") }

// InitState is the hosting init's state report.
func (r *Root) InitState() string { return r.File("init.state") }

// InitLog is the hosting init's log (its own lines and, where no Terminal
// route leads elsewhere, the children's LOG output), for failure messages.
func (r *Root) InitLog() string {
	s := r.File("init.log")
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return s
}

// Children returns the names of the start nodes in init's config.
func (r *Root) Children() []string {
	var names []string
	for _, l := range strings.Split(r.InitConfig(), "\n") {
		if rest, ok := strings.CutPrefix(l, "+ start "); ok {
			name, _, _ := strings.Cut(rest, " ")
			names = append(names, name)
		}
	}
	return names
}

// InitPid is the pid of the root's init, 0 if none runs.
func (r *Root) InitPid() int {
	pid, _ := strconv.Atoi(strings.TrimSpace(r.File("init.pid")))
	if pid <= 0 || !alive(pid) {
		return 0
	}
	return pid
}

// stop ends the root's init and everything it started: the inits whose
// command line names this root's config (normally one, <root>/init.pid),
// then any process left in their sessions (init starts each child in its
// session).
func (r *Root) stop() {
	cfg := filepath.Join(r.Dir, "init.config")
	var inits []int
	for _, pid := range pids() {
		cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		args := strings.Split(string(cmd), "\x00")
		if len(args) > 0 && filepath.Base(args[0]) == "genode-init" && containsPair(args, "-config", cfg) {
			inits = append(inits, pid)
		}
	}
	for _, pid := range inits {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range inits {
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if alive(pid) {
			r.t.Errorf("init %d of %s ignored SIGTERM for 5s; killed", pid, r.Dir)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	for _, sid := range inits {
		for _, pid := range pids() {
			if s, ok := session(pid); ok && s == sid && alive(pid) {
				r.t.Errorf("process %d of init %d outlived it; killed", pid, sid)
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
}

// processesWith returns the live processes with arg in their command line.
func processesWith(arg string) []int {
	var out []int
	for _, pid := range pids() {
		cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err == nil && slices.Contains(strings.Split(string(cmd), "\x00"), arg) && alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

func containsPair(args []string, k, v string) bool {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == k && args[i+1] == v {
			return true
		}
	}
	return false
}

func pids() []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// stat returns the fields of /proc/pid/stat after the command name.
func stat(pid int) []string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(data[i+1:]))
}

// alive: the process exists and is no zombie (nothing here reaps an init
// that the host command released).
func alive(pid int) bool {
	f := stat(pid)
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

func session(pid int) (int, bool) {
	f := stat(pid)
	if len(f) < 4 {
		return 0, false
	}
	sid, err := strconv.Atoi(f[3])
	return sid, err == nil
}

// within runs f until it returns true or d passes.
func within(d time.Duration, f func() bool) bool {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		if f() {
			return true
		}
		select {
		case <-ctx.Done():
			return f()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
