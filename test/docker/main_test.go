// Package docker_test is docker on the model of Genode, end to end: Debian's docker-registry
// (test/harness/registry) with make images' images, one stack with containerd and the engine
// (genode-stack -engine) in a temporary directory, and the genode docker CLI (_build/bin/docker)
// driving it the way a user would. The tests run one after the other: some count what the stack
// holds, one restarts the engine.
//
// Nothing is built here: make docker containerd images makes what the suite needs. Without it the
// tests are skipped, unless GENODE_MODEL_REQUIRED is set (make e2e-docker), which makes it a failure.
package docker_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
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
	top       string // the repository
	bin       string // top/_build/bin
	scratch   string // the suite's temporary directory
	stackDir  string // scratch/stack
	regAddr   string // the registry's host:port
	engineTCP string // the engine's loopback TCP address
	skipModel string // why the tests cannot run
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testMain(m))
}

// The stack's architecture: $GENODE_ARCH (genode-stack and docker read it too), amd64 by default;
// arm64 runs the genode/arm64 engine, CLI, containerd, shim and runc on the arm64 model under
// qemu-user (make e2e-docker-arm64), and platform is what the engine pulls and runs.
var (
	arch     = genodeArch()
	platform = "genode/" + arch
)

func genodeArch() string {
	if a := os.Getenv("GENODE_ARCH"); a != "" {
		return a
	}
	return "amd64"
}

func testMain(m *testing.M) (code int) {
	var err error
	if top, err = filepath.Abs(filepath.Join("..", "..")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	bin = filepath.Join(top, "_build", "bin")
	var missing []string
	for _, f := range []string{"genode-stack", "docker", "docker.genode-" + arch, "engine.genode-" + arch, "containerd.genode-" + arch, "genode-images"} {
		if _, err := os.Stat(filepath.Join(bin, f)); err != nil {
			missing = append(missing, "_build/bin/"+f)
		}
	}
	if !registry.Available() {
		missing = append(missing, registry.ErrMissing.Error())
	}
	if len(missing) > 0 {
		msg := strings.Join(missing, ", ") + " missing: run make docker containerd images"
		if os.Getenv("GENODE_MODEL_REQUIRED") != "" {
			fmt.Fprintln(os.Stderr, "FAIL:", msg)
			return 1
		}
		skipModel = msg + " (GENODE_MODEL_REQUIRED=1 makes this a failure)"
		return m.Run()
	}
	if scratch, err = os.MkdirTemp("", "e2e-docker-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if code == 0 && os.Getenv("E2E_DOCKER_KEEP") == "" {
			os.RemoveAll(scratch)
		} else {
			fmt.Fprintln(os.Stderr, "kept", scratch, "for a look (the stack's log: stack/init/init.log; E2E_DOCKER_KEEP=1 keeps it always)")
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
	regAddr = reg.Addr()
	push := exec.Command(filepath.Join(bin, "genode-images"), "-top", top, "-elfcheck", filepath.Join(bin, "genode-elfcheck"),
		"-out", filepath.Join(top, "_build", "images"), "-push", regAddr)
	if out, err := push.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: pushing the images: %v\n%s", err, out)
		return 1
	}
	// the engine also serves a loopback TCP address, as dockerd -H tcp:// would
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	engineTCP = l.Addr().String()
	l.Close()
	stackDir = filepath.Join(scratch, "stack")
	if out, err := stack("up"); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: genode-stack up: %v\n%s", err, out)
		stack("down")
		return 1
	}
	defer func() {
		if out, err := stack("down"); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: genode-stack down: %v\n%s", err, out)
			code = 1
		}
	}()
	return m.Run()
}

func needStack(t *testing.T) {
	t.Helper()
	if skipModel != "" {
		t.Skip(skipModel)
	}
}

// ref is the registry's reference of image n.
func ref(n string) string { return regAddr + "/genode/" + n + ":latest" }

func stack(cmd string) (string, error) {
	c := exec.Command(filepath.Join(bin, "genode-stack"), "-dir", stackDir, "-engine", "-engine-tcp", engineTCP, cmd)
	out, err := c.CombinedOutput()
	return string(out), err
}

// A result is what one docker command did.
type result struct {
	args           []string
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("docker %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

func dockerCommand(ctx context.Context, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, filepath.Join(bin, "docker"), args...)
	c.Dir = scratch
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DOCKER_") && !strings.HasPrefix(e, "GENODE_STACK=") {
			c.Env = append(c.Env, e)
		}
	}
	c.Env = append(c.Env, "GENODE_STACK="+stackDir)
	return c
}

// try runs docker and returns what it did; a docker that does not end in two minutes fails the test.
func try(t *testing.T, args ...string) result {
	t.Helper()
	return tryEnv(t, nil, args...)
}

// tryEnv is try with env added to docker's environment.
func tryEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := dockerCommand(ctx, args...)
	c.Env = append(c.Env, env...)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	err := c.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("docker %v did not end within 2 minutes\n%s", args, r)
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("docker %v: %v", args, err)
	}
	return r
}

// docker runs docker and fails the test unless it exits 0; it returns the standard output.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	r := try(t, args...)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	return r.stdout
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// inspect is docker inspect -f format of name.
func inspect(t *testing.T, format, name string) string {
	t.Helper()
	return strings.TrimSpace(docker(t, "inspect", "-f", format, name))
}

// waitStatus waits until container name has status (as inspect's .State.Status says).
func waitStatus(t *testing.T, name, status string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		s := inspect(t, "{{.State.Status}}", name)
		if s == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s: status %s, want %s within a minute", name, s, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}
