// Command go_genode_amd64_exec runs genode/amd64 programs for the go command:
// with it on PATH, `GOOS=genode GOARCH=amd64 go test` and `go run` execute
// their binaries on the Linux model of Genode's libc.
//
//	go_genode_amd64_exec binary [args...]
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
// Environment: GENODE_MODEL_DIR (model libraries), GENODE_EXEC_RAM (RAM
// quota, default 1G), GENODE_EXEC_CAPS (default 1000), GENODE_EXEC_STRICT=1
// (Genode warnings are fatal), GENODE_EXEC_VERBOSE=1 (print the flat config),
// GENODE_EXEC_TIMEOUT (a Go duration).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"genodego/host/launch"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go_genode_amd64_exec binary [args...]")
		os.Exit(launch.StatusLauncherError)
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
	o := launch.RunOptions{ModelDir: os.Getenv("GENODE_MODEL_DIR")}
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
		fmt.Fprintf(os.Stderr, "go_genode_amd64_exec: %v\n", err)
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

func fail(err error) {
	fmt.Fprintf(os.Stderr, "go_genode_amd64_exec: %v\n", err)
	os.Exit(launch.StatusLauncherError)
}
