// Package cri_test is containerd's CRI on the model of Genode, as a Kubernetes node's runtime: one
// real registry (Debian's docker-registry, test/harness/registry) holding the images critest pulls
// (make images: _build/images/cri) under their repository paths, one stack (genode-stack -cri, its
// registry hosts mirroring every registry to the local one, so that image names stay as critest
// and a kubelet give them) in a temporary directory, and the genode crictl (_build/bin/crictl)
// and critest (cri-tools' conformance suite, built for genode) driving it. The tests run one after
// the other on the one stack.
//
// Nothing is built here: make cri images makes what the suite needs. Without it the tests are
// skipped, unless GENODE_MODEL_REQUIRED is set (make e2e-cri), which makes it a failure;
// GENODE_REGISTRY_REQUIRED does the same for a missing docker-registry.
package cri_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"genodego/test/harness/registry"
)

var (
	top      string // the repository
	bin      string // top/_build/bin
	scratch  string // the suite's temporary directory
	stackDir string // the stack's directory (scratch/stack)
	skip     string // why the tests cannot run
	arch     = genodeArch()
)

// genodeArch is $GENODE_ARCH (genode-stack and crictl read it too), amd64 by default.
func genodeArch() string {
	if a := os.Getenv("GENODE_ARCH"); a != "" {
		return a
	}
	return "amd64"
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testMain(m))
}

func testMain(m *testing.M) (code int) {
	var err error
	if top, err = filepath.Abs(filepath.Join("..", "..")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	bin = filepath.Join(top, "_build", "bin")
	var missing []string
	for _, f := range []string{"genode-stack", "crictl", "containerd.genode-" + arch, "crictl.genode-" + arch, "critest.genode-" + arch} {
		if _, err := os.Stat(filepath.Join(bin, f)); err != nil {
			missing = append(missing, "_build/bin/"+f)
		}
	}
	archives, _ := filepath.Glob(filepath.Join(top, "_build", "images", "cri", "*.oci.tar"))
	if len(archives) == 0 {
		missing = append(missing, "_build/images/cri/*.oci.tar")
	}
	if len(missing) == 0 && !registry.Available() {
		missing = append(missing, registry.ErrMissing.Error())
	}
	if len(missing) > 0 {
		msg := strings.Join(missing, ", ") + " missing: run make cri images (and install docker-registry)"
		if os.Getenv("GENODE_MODEL_REQUIRED") != "" || os.Getenv("GENODE_REGISTRY_REQUIRED") != "" {
			fmt.Fprintln(os.Stderr, "FAIL:", msg)
			return 1
		}
		skip = msg + " (GENODE_MODEL_REQUIRED=1 makes this a failure)"
		return m.Run()
	}
	if scratch, err = os.MkdirTemp("", "e2e-cri-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if code == 0 && os.Getenv("E2E_CRI_KEEP") == "" {
			os.RemoveAll(scratch)
		} else {
			fmt.Fprintln(os.Stderr, "kept", scratch, "for a look (the stack's log: stack/init/init.log; E2E_CRI_KEEP=1 keeps it always)")
		}
	}()

	reg, err := registry.Start(filepath.Join(scratch, "registry"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: registry:", err)
		return 1
	}
	defer func() {
		if err := reg.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: registry stop:", err)
			code = 1
		}
	}()
	for _, a := range archives {
		if _, err := registry.PushArchive(reg.Addr(), a); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: pushing:", err)
			return 1
		}
	}

	stackDir = filepath.Join(scratch, "stack")
	if out, err := stack("-cri", "-mirror", reg.Addr(), "up"); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: genode-stack up: %v\n%s", err, out)
		stack("down")
		return 1
	}
	defer func() {
		if out, err := stack("down"); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: genode-stack down: %v\n%s", err, out)
			code = 1
		}
		if left := waitGone(stackDir, 10*time.Second); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: processes of the stack still run after genode-stack down: %v\n", left)
			code = 1
		}
	}()
	return m.Run()
}

func need(t *testing.T) {
	t.Helper()
	if skip != "" {
		t.Skip(skip)
	}
}

// stack runs genode-stack on the suite's stack directory.
func stack(args ...string) (string, error) {
	c := exec.Command(filepath.Join(bin, "genode-stack"), append([]string{"-dir", stackDir}, args...)...)
	out, err := c.CombinedOutput()
	return string(out), err
}

// A result is what one crictl (or critest) command did.
type result struct {
	args           []string
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("crictl %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, tail(r.stdout, 30), tail(r.stderr, 30))
}

// run runs the genode crictl (or, with program set, another genode CRI client
// in crictl's view) against the suite's stack.
func run(t *testing.T, timeout time.Duration, program string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := exec.CommandContext(ctx, filepath.Join(bin, "crictl"), args...)
	c.Dir = scratch
	for _, e := range os.Environ() {
		if k, _, _ := strings.Cut(e, "="); k != "GENODE_STACK" && k != "GENODE_CRICTL_PROGRAM" && k != "CONTAINER_RUNTIME_ENDPOINT" && k != "IMAGE_SERVICE_ENDPOINT" {
			c.Env = append(c.Env, e)
		}
	}
	c.Env = append(c.Env, "GENODE_STACK="+stackDir)
	if program != "" {
		c.Env = append(c.Env, "GENODE_CRICTL_PROGRAM="+program)
	}
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	err := c.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("crictl %v did not end within %v\n%s", args, timeout, r)
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("crictl %v: %v", args, err)
	}
	return r
}

// crictl runs crictl with a request timeout long enough for the model and
// fails the test unless it exits 0; it returns the standard output.
func crictl(t *testing.T, args ...string) string {
	t.Helper()
	r := run(t, 3*time.Minute, "", append([]string{"--timeout", "60s"}, args...)...)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	return r.stdout
}

// processesWith are the host processes whose command line contains s.
func processesWith(s string) []string {
	var ps []string
	paths, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	self := strconv.Itoa(os.Getpid())
	for _, p := range paths {
		if filepath.Base(filepath.Dir(p)) == self {
			continue
		}
		cmd, err := os.ReadFile(p)
		if err == nil && bytes.Contains(cmd, []byte(s)) {
			ps = append(ps, filepath.Base(filepath.Dir(p))+": "+string(bytes.ReplaceAll(cmd, []byte{0}, []byte{' '})))
		}
	}
	return ps
}

func waitGone(s string, d time.Duration) []string {
	deadline := time.Now().Add(d)
	for {
		left := processesWith(s)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}
