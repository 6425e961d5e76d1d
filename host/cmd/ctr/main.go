// Command ctr runs containerd's genode ctr on the Linux model of Genode
// against the containerd of the stack (genode-stack up), so that ctr is used
// from a host shell as on Linux:
//
//	ctr [global options] command [command options] [arguments...]
//
// Its view holds containerd's root (read-only), the stack's run directory (where containerd's "unix"
// socket file is; CONTAINERD_ADDRESS names it unless the caller did), the
// working directory and the directory of every absolute path on the command
// line, all at their own paths, and the loopback network. Arguments, stdin,
// stdout, stderr and the exit status pass through. GENODE_STACK names the
// stack's directory (default: _build/stack beside the bin directory).
// GENODE_CTR_PROGRAM names another genode client of containerd to run with
// this view instead of ctr (containerd's integration/client test binary), and
// GENODE_CTR_VIEW adds read-only directories to the view as
// "PATH=HOSTDIR,...": what the integrator shares between containerd and such
// a client (the suite runs containerd's own commands from /bin, which is then
// PATH).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"genodego/host/launch"
	"genodego/sandbox/node"
)

const statusLauncher = 125

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ctr: "+format+"\n", args...)
	os.Exit(statusLauncher)
}

func main() {
	launch.KeepDescriptors()
	self, err := os.Executable()
	if err != nil {
		die("%v", err)
	}
	bin := filepath.Dir(self)
	ctrBin := filepath.Join(bin, "ctr.genode-"+launch.Arch()) // $GENODE_ARCH picks arm64, under qemu-user
	if p := os.Getenv("GENODE_CTR_PROGRAM"); p != "" {
		ctrBin = p
	}
	if _, err := os.Stat(ctrBin); err != nil {
		die("%s is missing (make containerd)", ctrBin)
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
	rw := append([]string{cwd, run}, launch.ArgDirs(os.Args[1:])...)
	var env []launch.KV
	for _, e := range os.Environ() {
		k, v, _ := strings.Cut(e, "=")
		switch {
		case strings.HasPrefix(k, "CONTAINERD_"), k == "HOME", k == "TERM", k == "LANG", strings.HasPrefix(k, "LC_"),
			k == "GODEBUG", k == "GOTRACEBACK", k == "NO_COLOR", k == "TMPDIR":
			env = append(env, launch.KV{Name: k, Value: v})
		}
	}
	if _, ok := os.LookupEnv("CONTAINERD_ADDRESS"); !ok {
		env = append(env, launch.KV{Name: "CONTAINERD_ADDRESS", Value: filepath.Join(run, "containerd.sock")})
	}
	mounts := []launch.HostMount{
		// A task's streams are "unix" sockets ctr listens on where the shim
		// connects to them: /var/run/containerd/fifo.
		{Path: "/run/containerd/fifo", Nodes: []*node.Node{node.New("fs", "host", filepath.Join(stack, "fifo"), "writeable", "yes")}},
		{Path: "/var", Nodes: []*node.Node{node.New("symlink", "name", "run", "target", "/run")}},
	}
	if v := os.Getenv("GENODE_CTR_VIEW"); v != "" {
		for _, m := range strings.Split(v, ",") {
			guest, host, ok := strings.Cut(m, "=")
			if !ok || !filepath.IsAbs(guest) || !filepath.IsAbs(host) {
				die("GENODE_CTR_VIEW: %q is not PATH=HOSTDIR with both absolute", m)
			}
			mounts = append(mounts, launch.HostMount{Path: guest, Nodes: []*node.Node{node.New("fs", "host", host, "writeable", "no")}})
			if guest == "/bin" {
				env = append(env, launch.KV{Name: "PATH", Value: "/bin"})
			}
		}
	}
	// The client side of a run reads the image's /etc/passwd and group
	// from the snapshot, which containerd's root holds.
	ro := []string{filepath.Join(stack, "root")}
	status, err := launch.HostCommand{Name: "ctr", Binary: ctrBin, Argv: os.Args[1:], Cwd: cwd, RW: rw, RO: ro, Env: env,
		Socket: true, Caps: "1000", RAM: "512M", Mounts: mounts}.Run(context.Background())
	if status < 0 {
		die("%v", err)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ctr: %v\n", err)
	}
	os.Exit(status)
}
