// Package bbolt tests go.etcd.io/bbolt on genode (patched by patches/bbolt and
// goos_genode/mod/bbolt) beyond its own test suite: a genode writer killed with
// SIGKILL at random points must leave a database that opens, checks and holds
// exactly the transactions that committed.
//
// The programs are built with the patched toolchain in the repository's
// workspace (make toolchain modules) and run on the model by genode-run (make
// model host-tools). Without them the tests skip, unless
// GENODE_MODEL_REQUIRED=1.
package bbolt

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
	binDir    string
)

func TestMain(m *testing.M) {
	wd, err := os.Getwd()
	if err == nil {
		top = filepath.Clean(filepath.Join(wd, "..", ".."))
	}
	goGenode = filepath.Join(top, "_build", "goroot", "bin", "go")
	genodeRun = filepath.Join(top, "_build", "bin", "genode-run")
	modelDir = filepath.Join(top, "_build", "model")
	if binDir, err = os.MkdirTemp("", "genode-bbolt-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

func need(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the model runs on linux/amd64 only")
	}
	for _, f := range []string{goGenode, genodeRun, filepath.Join(modelDir, "libc.lib.so"),
		filepath.Join(top, "_build", "modules", "bbolt", "bolt_genode.go")} {
		if _, err := os.Stat(f); err != nil {
			if os.Getenv("GENODE_MODEL_REQUIRED") == "1" {
				t.Fatalf("%s is missing (make toolchain modules model host-tools)", f)
			}
			t.Skipf("%s is missing (make toolchain modules model host-tools; GENODE_MODEL_REQUIRED=1 makes this a failure)", f)
		}
	}
}

var buildMu sync.Mutex

// build compiles the main package pkg for goos/amd64 in the repository's
// workspace (so with the patched bbolt of _build/modules).
func build(t *testing.T, pkg, goos string) string {
	t.Helper()
	need(t)
	buildMu.Lock()
	defer buildMu.Unlock()
	out := filepath.Join(binDir, goos, filepath.Base(pkg))
	if _, err := os.Stat(out); err == nil {
		return out
	}
	cmd := exec.Command(goGenode, "build", "-o", out, pkg)
	cmd.Dir = top
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "GOWORK="+filepath.Join(top, "go.work"),
		"GOTOOLCHAIN=local", "GOFLAGS=", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s for %s: %v\n%s", pkg, goos, err, msg)
	}
	return out
}

// config is a component with the database's directory at /data, stdout on
// the terminal, rtc and rng (so that a strict run sees no warning).
func config(name, dataDir string, args ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<start name=%q caps=\"300\" ram=\"256M\">\n  <binary name=%q/>\n  <config>\n", name, name)
	fmt.Fprintf(&b, `    <vfs><dir name="dev"><log/><terminal/><null/><rtc/><jitterentropy name="random"/></dir>`+
		`<dir name="pipe"><pipe/></dir><dir name="data"><fs host=%q writeable="yes"/></dir></vfs>`+"\n", dataDir)
	b.WriteString(`    <libc stdin="/dev/null" stdout="/dev/terminal" stderr="/dev/log" pipe="/pipe" rtc="/dev/rtc" rng="/dev/random"/>` + "\n")
	for _, a := range append([]string{name}, args...) {
		fmt.Fprintf(&b, "    <arg value=%q/>\n", a)
	}
	b.WriteString("  </config>\n</start>\n")
	return b.String()
}

// genodeCmd returns the genode-run command for bin with the given arguments,
// strict: any Genode warning (a flock or madvise stub, say) fails the run.
func genodeCmd(t *testing.T, bin, dataDir string, args ...string) *exec.Cmd {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), filepath.Base(bin)+".config")
	if err := os.WriteFile(cfg, []byte(config(filepath.Base(bin), dataDir, args...)), 0o644); err != nil {
		t.Fatal(err)
	}
	return exec.Command(genodeRun, "-strict", "-model", modelDir, "-binary", bin, "-timeout", "120s", cfg)
}

// component returns the pid of genode-run's child, the component (the
// leader of its own process group).
func component(launcher int) (int, error) {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", launcher))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		if fs := strings.Fields(string(b)); len(fs) > 0 {
			return strconv.Atoi(fs[0])
		}
	}
	return 0, fmt.Errorf("genode-run (pid %d) has no child", launcher)
}

// kill starts the writer on the database, lets it commit for a random time
// and kills the component with SIGKILL. It returns the last transaction
// the writer reported as committed.
func kill(t *testing.T, writer, dataDir string, rng *rand.Rand, mode string) uint64 {
	t.Helper()
	args := []string{"write", "/data/db"}
	if mode != "" {
		args = append(args, mode)
	}
	cmd := genodeCmd(t, writer, dataDir, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var last uint64
	started := make(chan struct{})
	lines := make(chan struct{})
	var tail []string
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		once := sync.Once{}
		for sc.Scan() {
			l := sc.Text()
			mu.Lock()
			if v, ok := strings.CutPrefix(l, "committed: "); ok {
				last, _ = strconv.ParseUint(v, 10, 64)
				once.Do(func() { close(started) })
			} else {
				tail = append(tail, l)
			}
			mu.Unlock()
		}
	}()
	select {
	case <-started:
	case <-lines:
		cmd.Wait()
		t.Fatalf("the writer ended before its first commit:\n%s\n%s", strings.Join(tail, "\n"), stderr.String())
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("no commit within 60s:\n%s", stderr.String())
	}
	ended := func(why string) {
		<-lines
		err := cmd.Wait()
		t.Fatalf("the writer ended %s: %v\n%s\n%s", why, err, strings.Join(tail, "\n"), stderr.String())
	}
	select {
	case <-lines:
		ended("by itself")
	case <-time.After(time.Duration(rng.Intn(800)) * time.Millisecond):
	}
	pid, err := component(cmd.Process.Pid)
	if err != nil {
		ended("before the kill (" + err.Error() + ")")
	}
	syscall.Kill(-pid, syscall.SIGKILL)
	<-lines
	err = cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 128+int(syscall.SIGKILL) {
		t.Fatalf("writer: %v, want status 137 (killed)\n%s\n%s", err, strings.Join(tail, "\n"), stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	return last
}

// TestBboltCrash kills a genode bbolt writer with SIGKILL at random points
// (GENODE_BBOLT_CRASH_RUNS times, default 20; alternately with
// NoFreelistSync, as containerd opens its databases) and checks the database
// after each kill three ways: the writer's verify mode on the model (opens,
// tx.Check, the content is exactly transactions 1..n with n the last commit
// the writer reported or the one in flight), `bbolt check` built for genode on
// the model, and `bbolt check` built for linux on the same file.
func TestBboltCrash(t *testing.T) {
	runs := 20
	if s := os.Getenv("GENODE_BBOLT_CRASH_RUNS"); s != "" {
		var err error
		if runs, err = strconv.Atoi(s); err != nil {
			t.Fatalf("GENODE_BBOLT_CRASH_RUNS: %v", err)
		}
	}
	writer := build(t, "./test/bbolt/crashdb", "genode")
	checkGenode := build(t, "go.etcd.io/bbolt/cmd/bbolt", "genode")
	checkLinux := build(t, "go.etcd.io/bbolt/cmd/bbolt", "linux")
	dataDir := t.TempDir()
	db := filepath.Join(dataDir, "db")
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))

	var n uint64
	for i := 0; i < runs; i++ {
		mode := ""
		if i%2 == 1 {
			mode = "nofreelistsync"
		}
		last := kill(t, writer, dataDir, rng, mode)

		out, err := genodeCmd(t, writer, dataDir, "verify", "/data/db").CombinedOutput()
		if err != nil {
			t.Fatalf("run %d: verify on the model: %v\n%s", i, err, out)
		}
		var got uint64
		found := false
		for _, l := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(l, "verified: "); ok {
				got, err = strconv.ParseUint(v, 10, 64)
				found = err == nil
			}
		}
		if !found {
			t.Fatalf("run %d: verify said:\n%s", i, out)
		}
		if got < last || got > last+1 {
			t.Fatalf("run %d: the database holds transactions 1..%d, the writer had committed %d when killed", i, got, last)
		}
		if got <= n {
			t.Fatalf("run %d: no progress: %d transactions before, %d now", i, n, got)
		}
		n = got

		out, err = genodeCmd(t, checkGenode, dataDir, "check", "/data/db").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "OK") {
			t.Fatalf("run %d: bbolt check on the model: %v\n%s", i, err, out)
		}
		out, err = exec.Command(checkLinux, "check", db).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "OK") {
			t.Fatalf("run %d: bbolt check (linux): %v\n%s", i, err, out)
		}
	}
	fi, _ := os.Stat(db)
	t.Logf("%d kills, %d transactions, database %d bytes", runs, n, fi.Size())
}
