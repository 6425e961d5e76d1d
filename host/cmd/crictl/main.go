// Command crictl runs cri-tools' genode crictl on the Linux model of Genode
// against the CRI of the stack's containerd (genode-stack -cri up), so that
// crictl is used from a host shell as on a Kubernetes node:
//
//	crictl [global options] command [command options] [arguments...]
//
// Its view holds the stack's node directory (what containerd and runc see
// too: pod logs, volumes; TMPDIR is its tmp), the stack's run directory (where containerd's "unix" socket
// file is, which /etc/crictl.yaml names; CONTAINER_RUNTIME_ENDPOINT and
// IMAGE_SERVICE_ENDPOINT override it), the working directory and the directory of every
// absolute path on the command line, at their own paths, and the loopback
// network (containerd's streaming server for exec, attach and port-forward).
// Arguments, stdin, stdout, stderr and the exit status pass through.
// GENODE_STACK names the stack's directory (default: _build/stack beside the
// bin directory); GENODE_CRICTL_PROGRAM names another genode CRI client to
// run with this view (cri-tools' critest).
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
	fmt.Fprintf(os.Stderr, "crictl: "+format+"\n", args...)
	os.Exit(statusLauncher)
}

func main() {
	launch.KeepDescriptors()
	self, err := os.Executable()
	if err != nil {
		die("%v", err)
	}
	bin := filepath.Dir(self)
	prog := filepath.Join(bin, "crictl.genode-"+launch.Arch())
	if p := os.Getenv("GENODE_CRICTL_PROGRAM"); p != "" {
		prog = p
	}
	if _, err := os.Stat(prog); err != nil {
		die("%s is missing (make cri)", prog)
	}
	stack := os.Getenv("GENODE_STACK")
	if stack == "" {
		stack = filepath.Join(filepath.Dir(bin), "stack")
	}
	if stack, err = filepath.Abs(stack); err != nil {
		die("%v", err)
	}
	run := filepath.Join(stack, "run")
	// what the node's runtime and its clients share: pod logs, volumes
	shared := filepath.Join(stack, "node")
	cwd, err := os.Getwd()
	if err != nil {
		die("%v", err)
	}
	rw := append([]string{cwd, run, shared}, launch.ArgDirs(os.Args[1:])...)
	var env []launch.KV
	for _, e := range os.Environ() {
		k, v, _ := strings.Cut(e, "=")
		switch k {
		case "CONTAINER_RUNTIME_ENDPOINT", "IMAGE_SERVICE_ENDPOINT", "CRI_CONFIG_FILE", "HOME", "TERM", "LANG",
			"GODEBUG", "GOTRACEBACK", "NO_COLOR":
			env = append(env, launch.KV{Name: k, Value: v})
		}
	}
	// a temporary file of a client (critest's log directories and volumes)
	// is one containerd and runc can see
	env = append(env, launch.KV{Name: "TMPDIR", Value: filepath.Join(shared, "tmp")})
	// crictl's config file names the stack's endpoints, as /etc/crictl.yaml
	// does on a node; the environment and flags still override it.
	endpoint := "unix://" + filepath.Join(run, "containerd.sock")
	crictlYAML := node.New("inline", "name", "crictl.yaml")
	crictlYAML.Content = "runtime-endpoint: " + endpoint + "\nimage-endpoint: " + endpoint + "\n"
	mounts := []launch.HostMount{{Path: "/etc", Nodes: []*node.Node{crictlYAML}}}
	// crictl looks for itself (os.Executable: argv[0] along PATH) to find
	// a crictl.yaml beside it; the binary is a ROM, seen as /bin/crictl.
	env = append(env, launch.KV{Name: "PATH", Value: "/bin"})
	mounts = append(mounts, launch.HostMount{Path: "/bin", Nodes: []*node.Node{node.New("rom", "name", "crictl", "host", prog)}})
	// The node's side of the pods' network: a kubelet (and critest) reaches
	// a pod at its address. On Genode the NIC router routes the node's
	// domain to the pods'; on the model the client's stack is an address of
	// the pods' subnet (containerd's genode pod network, 10.88.0.0/16, keeps
	// the last one for the node), which the model lays onto the loopback.
	status, err := launch.HostCommand{Name: "crictl", Binary: prog, Argv: os.Args[1:], Cwd: cwd, RW: rw, Env: env,
		Mounts: mounts, Socket: true, Address: "10.88.255.254/255.255.0.0", Caps: "1000", RAM: "512M"}.Run(context.Background())
	if status < 0 {
		die("%v", err)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "crictl: %v\n", err)
	}
	os.Exit(status)
}
