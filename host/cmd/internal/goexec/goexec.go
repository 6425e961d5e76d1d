// Package goexec is the go_genode_$GOARCH_exec commands (amd64, arm64),
// which run genode programs for the go command: with one on PATH,
// `GOOS=genode GOARCH=$GOARCH go test` and `go run` execute their
// binaries on the Linux model of Genode's libc (arm64 ones under
// qemu-user on another host, launch.TargetFor).
//
//	go_genode_$GOARCH_exec binary [args...]
//
// The go command runs it in the package directory. The component gets a
// default view (see genodego/host/launch.GoExec.Config): /dev, /tmp (a
// fresh host directory served as a file system, shared with forked
// children and removed afterwards), pipes, sockets, the package directory (writeable) and GOROOT (read-only)
// at their host paths. stdout and stderr are Terminal sessions served by
// this process's own stdout and stderr, so a program's output reaches the go
// command byte for byte (stderr falls back to the LOG session, its lines
// prefixed with the component's label, when this process's stderr is a
// socket or closed). The environment is the caller's (launch.GoExec.Env).
// The exit status is the component's.
//
// The command's architecture, not $GENODE_ARCH, selects the target and the
// default model directory (_build/model or _build/model-arm64).
// Environment: GENODE_MODEL_DIR (model libraries, which must be of the
// command's architecture), GENODE_EXEC_RAM (RAM
// quota, default 1G), GENODE_EXEC_CAPS (default 1000), GENODE_EXEC_STRICT=1
// (Genode warnings are fatal), GENODE_EXEC_VERBOSE=1 (print the flat config),
// GENODE_EXEC_TIMEOUT (a Go duration).
package goexec

import (
	"context"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"genodego/host/launch"
)

// name is the running command's name, for messages.
var name = "go_genode_exec"

// Main is the command for genode/arch; it does not return.
func Main(arch string) {
	name = "go_genode_" + arch + "_exec"
	if len(os.Args) < 2 {
		fmt.Fprintf(os.Stderr, "usage: %s binary [args...]\n", name)
		os.Exit(launch.StatusLauncherError)
	}
	// The launch package reads the target from $GENODE_ARCH (loader,
	// emulator, model directory, skip list); the command decides it.
	if err := os.Setenv("GENODE_ARCH", arch); err != nil {
		fail(err)
	}
	o := launch.RunOptions{ModelDir: os.Getenv("GENODE_MODEL_DIR"), Arch: arch}
	if o.ModelDir == "" {
		var err error
		if o.ModelDir, err = launch.FindModelDir(); err != nil {
			fail(err)
		}
	}
	if err := checkModel(o.ModelDir, arch); err != nil {
		fail(err)
	}
	bin, err := filepath.Abs(os.Args[1])
	if err != nil {
		fail(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	tmp, err := os.MkdirTemp("", "genode-tmp-")
	if err != nil {
		fail(err)
	}
	g := launch.GoExec{
		TmpDir:  tmp,
		Pid:     os.Getpid(),
		Binary:  bin,
		Args:    os.Args[2:],
		PkgDir:  wd,
		GOROOT:  launch.GoRoot(),
		HostEnv: os.Environ(),
		Stderr:  stderrServable(),
		RAM:     os.Getenv("GENODE_EXEC_RAM"),
		Caps:    os.Getenv("GENODE_EXEC_CAPS"),
	}
	c, err := launch.GoExecComponent(g, os.Getenv("GENODE_EXEC_STRICT") == "1")
	if err != nil {
		fail(err)
	}
	if os.Getenv("GENODE_EXEC_VERBOSE") == "1" {
		o.Verbose = os.Stderr
	}
	if t := os.Getenv("GENODE_EXEC_TIMEOUT"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil {
			fail(fmt.Errorf("GENODE_EXEC_TIMEOUT: %v", err))
		}
		o.Timeout = d
	}
	status, err := c.Run(context.Background(), o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	}
	os.RemoveAll(tmp)
	os.Exit(status)
}

// stderrServable reports whether this process's stderr can serve the
// component's stderr Terminal session: a file, a terminal or a pipe.
func stderrServable() bool {
	fi, err := os.Stderr.Stat()
	if err != nil {
		return false
	}
	m := fi.Mode()
	return m.IsRegular() || m&os.ModeCharDevice != 0 || m&os.ModeNamedPipe != 0
}

// checkModel fails when the model in dir is built for another
// architecture (a GENODE_MODEL_DIR meant for the other command): the
// loader's error would not say so. A missing library is left to Run.
func checkModel(dir, arch string) error {
	want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[arch]
	f, err := elf.Open(filepath.Join(dir, "libc.lib.so"))
	if err != nil {
		return nil
	}
	defer f.Close()
	if f.Machine != want {
		return fmt.Errorf("the model in %s is for %v, not %s (make model%s, or unset GENODE_MODEL_DIR)",
			dir, f.Machine, arch, map[string]string{"arm64": "-arm64"}[arch])
	}
	return nil
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	os.Exit(launch.StatusLauncherError)
}
