// Package gotool runs the patched go command (_build/goroot) for the test
// runners: outside our go.work, with the exec wrapper and the toolchain
// first on PATH, each run in a process group that is killed as a whole.
package gotool

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// Tool is the patched toolchain of a project checkout.
type Tool struct {
	Root   string   // project root
	GOROOT string   // Root/_build/goroot
	Go     string   // its go command
	Env    []string // environment for Go, without GOOS and GOARCH
	Arch   string   // GOARCH of both platforms: amd64 (New's default) or arm64 (under qemu-user)
}

// New finds the toolchain under root; an empty root is found upward from
// the working directory.
func New(root string) (*Tool, error) {
	if root == "" {
		r, err := findRoot()
		if err != nil {
			return nil, err
		}
		root = r
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	t := &Tool{Root: root, GOROOT: filepath.Join(root, "_build", "goroot"), Arch: "amd64"}
	t.Go = filepath.Join(t.GOROOT, "bin", "go")
	if _, err := os.Stat(t.Go); err != nil {
		return nil, fmt.Errorf("no patched toolchain: %v (make toolchain)", err)
	}
	t.Env = env(root, t.GOROOT)
	return t, nil
}

// findRoot walks up from the working directory to the directory holding
// go.work and test/.
func findRoot() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "test", "genode-skips.txt")); err == nil {
				return d, nil
			}
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no project root (go.work and test/genode-skips.txt) above the working directory; use -root")
		}
		d = filepath.Dir(d)
	}
}

// env is the caller's environment without what would steer the go command
// or the tests elsewhere (GOMAXPROCS included: the runners set -cpu or leave
// it to the tests).
func env(root, goroot string) []string {
	var env []string
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		switch k {
		case "GOROOT", "GOWORK", "GOTOOLCHAIN", "GOFLAGS", "GOOS", "GOARCH", "PATH", "GOEXPERIMENT", "GOMAXPROCS":
			continue
		}
		env = append(env, e)
	}
	return append(env,
		"PATH="+filepath.Join(root, "_build", "bin")+":"+filepath.Join(goroot, "bin")+":"+os.Getenv("PATH"),
		"GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=")
}

// Platform returns Env for a run on platform "genode" (genode/Arch through
// go_genode_Arch_exec, whose component ends after execTimeout) or "native"
// (linux/Arch; go_linux_arm64_exec runs arm64 under qemu-user).
func (t *Tool) Platform(platform string, execTimeout time.Duration) []string {
	env := append([]string(nil), t.Env...)
	if platform == "genode" {
		return append(env, "GOOS=genode", "GOARCH="+t.Arch, "GENODE_EXEC_TIMEOUT="+execTimeout.String())
	}
	return append(env, "GOOS=linux", "GOARCH="+t.Arch)
}

// Target names a platform as GOOS/GOARCH: "genode/arm64", "linux/amd64".
func (t *Tool) Target(platform string) string {
	if platform == "genode" {
		return "genode/" + t.Arch
	}
	return "linux/" + t.Arch
}

// ExecWrapper is the command the go command runs platform's binaries with,
// or "" when they run directly.
func (t *Tool) ExecWrapper(platform string) string {
	if platform == "genode" {
		return "go_genode_" + t.Arch + "_exec"
	}
	if t.Arch != runtime.GOARCH {
		return "go_linux_" + t.Arch + "_exec"
	}
	return ""
}

// Command is the go command with args in dir, in its own process group:
// when ctx ends, the whole group is killed, test binaries and the model's
// components included.
func (t *Tool) Command(ctx context.Context, dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, t.Go, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// KillGroup ends what a finished command left behind in its process group.
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
