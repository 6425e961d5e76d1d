// Command toolbox is the userland of the genode rootfs that the runtime-tools validation suite runs
// containers from (test/runtime-tools), and of the busybox stand-in critest runs its containers from
// (genode-images -cri: e2e-test-images/busybox): one multi-call program, built for genode, that every name
// in the rootfs's /bin links to. The name it is called by (argv[0]'s last element) selects the applet;
// called as "toolbox", the first argument does.
//
// Applets: sh (sh.go), true, false, echo, cat, touch, sleep, ls, mkdir, rm, pwd, env, tar (tar.go), stty
// (size only), seq, wget (wget.go), top, pgrep, hostname, sync. They cover what the suite's bundles run
// (ls, true, sleep 30, sh -c "echo ... >> /output", sh -c "touch /output", sh -c "trap ... SIG; sleep 10 &
// wait $!"), what its hooks run on the runtime's side (sh -c "echo ... >> FILE", sh -c "cat > FILE", false)
// and what the validation programs exec themselves (tar -xf rootfs-amd64.tar.gz -C DIR); and what
// critest's portable specs (cri-tools pkg/validate) run in containers: top, sh -c top, echo -n hello,
// sleep 4321, sh -c "pgrep sleep || true", /bin/sh fed commands on stdin, ls -A PATH, ls -R PATH, PATH/bin/ls
// PATH, touch PATH, cat /etc/resolv.conf, hostname, sh -c "while true; do echo ...; sleep 1; done" and sh -c
// "mkdir -p DIR && for i in $(seq 1 10); do echo hi >> DIR/f_$i; done; sync".
//
// Genode facts the applets respect: a component's files have no owner and no settable mode (chmod and
// chown are ENOSYS stubs, libc/dummies.cc), so tar and touch set neither; hard links are an ENOSYS stub
// too, so tar copies a hard-linked file's content; there is no execute bit to test, so sh runs any regular
// file it finds in PATH. A component sees no other processes, so pgrep finds none and top shows itself
// only; hostname reads $HOSTNAME or /etc/hostname, which the CRI provides, not the system.
package main

import (
	"fmt"
	"io"
	"os"
	"path"
	"sort"
)

// A proc is what an applet runs with: its streams and its environment.
type proc struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            []string
}

type applet func(p *proc, argv []string) int

var applets map[string]applet

func init() {
	applets = map[string]applet{
		"sh":       shMain,
		"true":     func(*proc, []string) int { return 0 },
		"false":    func(*proc, []string) int { return 1 },
		"echo":     echoMain,
		"cat":      catMain,
		"touch":    touchMain,
		"sleep":    sleepMain,
		"ls":       lsMain,
		"mkdir":    mkdirMain,
		"rm":       rmMain,
		"pwd":      pwdMain,
		"env":      envMain,
		"tar":      tarMain,
		"stty":     sttyMain,
		"seq":      seqMain,
		"wget":     wgetMain,
		"top":      topMain,
		"pgrep":    pgrepMain,
		"hostname": hostnameMain,
		"sync":     syncMain,
	}
}

// Applets lists the names the rootfs links to the toolbox.
func appletNames() []string {
	var n []string
	for k := range applets {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

func main() {
	args := os.Args
	if len(args) == 0 {
		// Genode gives argc 0 when the component's config has no <arg>.
		fmt.Fprintln(os.Stderr, "toolbox: no argv[0]: name an applet")
		os.Exit(2)
	}
	name := path.Base(args[0])
	if name == "toolbox" {
		if len(args) < 2 || args[1] == "--list" {
			for _, n := range appletNames() {
				fmt.Println(n)
			}
			if len(args) < 2 {
				os.Exit(2)
			}
			return
		}
		args = args[1:]
		name = path.Base(args[0])
	}
	a, ok := applets[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "toolbox: %s: no such applet\n", name)
		os.Exit(127)
	}
	os.Exit(a(&proc{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, env: os.Environ()}, args))
}
