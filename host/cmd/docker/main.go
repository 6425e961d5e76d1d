// Command docker runs the upstream docker CLI, built for genode, on the Linux
// model of Genode against the engine of the stack (genode-stack up), so that
// docker is used from a host shell as on Linux:
//
//	docker [OPTIONS] COMMAND [ARG...]
//
// Its view holds the stack's run directory (where the engine's "unix" socket
// file is; DOCKER_HOST names it unless the caller did), the CLI's
// configuration directory (DOCKER_CONFIG, default: the stack's docker-config),
// the working directory and the directory of every absolute path on the
// command line, all at their own paths, and the loopback network (a
// tcp:// DOCKER_HOST). Arguments, stdin, stdout, stderr, the terminal and the
// exit status pass through. GENODE_STACK names the stack's directory
// (default: _build/stack beside the bin directory).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"genodego/host/launch"
)

// statusLauncher is the docker CLI's own status for a failure to run.
const statusLauncher = 125

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "docker: "+format+"\n", args...)
	os.Exit(statusLauncher)
}

func main() {
	launch.KeepDescriptors()
	self, err := os.Executable()
	if err != nil {
		die("%v", err)
	}
	bin := filepath.Dir(self)
	cli := filepath.Join(bin, "docker.genode-"+launch.Arch()) // $GENODE_ARCH picks arm64, under qemu-user
	if _, err := os.Stat(cli); err != nil {
		die("%s is missing (make docker)", cli)
	}
	stack := os.Getenv("GENODE_STACK")
	if stack == "" {
		stack = filepath.Join(filepath.Dir(bin), "stack")
	}
	if stack, err = filepath.Abs(stack); err != nil {
		die("%v", err)
	}
	run := filepath.Join(stack, "run")
	cwd, err := os.Getwd()
	if err != nil {
		die("%v", err)
	}
	config := os.Getenv("DOCKER_CONFIG")
	if config == "" {
		config = filepath.Join(stack, "docker-config")
	}
	if config, err = filepath.Abs(config); err != nil {
		die("%v", err)
	}
	if err := os.MkdirAll(config, 0o700); err != nil {
		die("%v", err)
	}
	rw := append([]string{cwd, run, config}, launch.ArgDirs(os.Args[1:])...)
	env := []launch.KV{{Name: "DOCKER_CONFIG", Value: config}}
	for _, e := range os.Environ() {
		k, v, _ := strings.Cut(e, "=")
		switch {
		case k == "DOCKER_CONFIG":
		case strings.HasPrefix(k, "DOCKER_"), k == "HOME", k == "TERM", k == "LANG", strings.HasPrefix(k, "LC_"),
			k == "GODEBUG", k == "GOTRACEBACK", k == "NO_COLOR", k == "TMPDIR":
			env = append(env, launch.KV{Name: k, Value: v})
		}
	}
	if _, ok := os.LookupEnv("DOCKER_HOST"); !ok {
		env = append(env, launch.KV{Name: "DOCKER_HOST", Value: "unix://" + filepath.Join(run, "docker.sock")})
	}
	status, err := launch.HostCommand{Name: "docker", Binary: cli, Argv: os.Args[1:], Cwd: cwd, RW: rw, Env: env,
		Socket: true, Caps: "1000", RAM: "512M"}.Run(context.Background())
	if status < 0 {
		die("%v", err)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "docker: %v\n", err)
	}
	os.Exit(status)
}
