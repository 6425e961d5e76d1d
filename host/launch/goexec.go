package launch

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"genodego/sandbox/node"
)

// GoExec describes a run of `go test`/`go run` output through
// go_genode_$GOARCH_exec: a binary, its arguments, the package directory it
// runs in, the GOROOT its tests read testdata from, and the host environment
// to take GO* and friends from.
type GoExec struct {
	Binary  string   // host path of the binary (in go's work directory)
	Args    []string // arguments after argv[0]
	PkgDir  string   // the package directory (go runs the binary there)
	GOROOT  string   // the patched GOROOT; mapped read-only at its own path
	HostEnv []string // os.Environ()
	RAM     string   // RAM quota (Num_bytes syntax); default 1G
	Caps    string   // default 1000
	// TmpDir is a host directory served as /tmp through a file-system
	// session (our stand-in: <fs host>), which forked children share, as
	// a test runner on Genode would route /tmp to a file-system server.
	// Empty gives a RAM file system, which a child gets a copy of at fork
	// time on Genode but which the model cannot carry across execve.
	TmpDir string
	// Pid is given as <libc pid>: without it Genode's getpid is 0, which
	// os.Process takes for "not initialized". 0 leaves it out.
	Pid int
	// Stderr routes the component's stderr, a Terminal session of its own
	// (/dev/stderr in its view), to the launcher's stderr, so that it
	// reaches the caller byte for byte; false leaves stderr on the LOG
	// session, whose lines the launcher prints prefixed with the label.
	Stderr bool
}

// Env returns the component environment: the caller's, as `go run` and
// `go test` give it to a program (GOROOT, GOPATH, GODEBUG, HOME, PATH, the
// variables a test run sets), less the launcher's own GENODE_* settings;
// TMPDIR is always /tmp, the view's. PATH's host directories are not in the
// view, so a program looking a command up finds none, as on Genode, where a
// component has no Linux programs to run; the one exception, GOROOT's bin
// and pkg/tool (GOROOT is in the view for testdata), is left out of PATH, or
// a test would find the Linux go command and fail to run it instead of
// learning that there is none.
func (g GoExec) Env() []KV {
	var env []KV
	for _, e := range g.HostEnv {
		k, v, ok := strings.Cut(e, "=")
		if !ok || k == "" || k == "TMPDIR" || strings.HasPrefix(k, "GENODE_") {
			continue
		}
		if k == "PATH" {
			v = g.pathOutsideGOROOT(v)
		}
		env = append(env, KV{k, v})
	}
	sort.Slice(env, func(i, j int) bool { return env[i].Name < env[j].Name })
	return append(env, KV{"TMPDIR", "/tmp"})
}

// pathOutsideGOROOT is the PATH list without the directories inside GOROOT.
func (g GoExec) pathOutsideGOROOT(list string) string {
	if g.GOROOT == "" {
		return list
	}
	root := filepath.Clean(g.GOROOT)
	var keep []string
	for _, d := range filepath.SplitList(list) {
		if c := filepath.Clean(d); c == root || strings.HasPrefix(c, root+string(filepath.Separator)) {
			continue
		}
		keep = append(keep, d)
	}
	return strings.Join(keep, string(filepath.ListSeparator))
}

// Config builds the component's <start> node. The view:
//
//	/dev      log, null, zero, rtc, terminal, random (jitterentropy)
//	/etc      hosts (localhost), passwd and group (root), inline as a Genode config would give them
//	/tmp      TmpDir (a file-system session), or a RAM file system
//	/pipe     the pipe plugin
//	/socket   the socket file system (lxip)
//	PkgDir    the package directory, writeable, at its own path
//	dir(Binary) the binary's directory, read-only, at its own path
//	GOROOT    read-only at its own path
//
// with rtc, rng, pipe and socket configured, cwd the package directory, argv
// the binary's path and the arguments.
func (g GoExec) Config() *node.Node {
	ram, caps := g.RAM, g.Caps
	if ram == "" {
		ram = "1G"
	}
	if caps == "" {
		caps = "1000"
	}
	name := strings.TrimSuffix(filepath.Base(g.Binary), ".test")
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, name)
	if name == "" {
		name = "go"
	}

	start := node.New("start", "name", name, "caps", caps, "ram", ram)
	start.Add(node.New("binary", "name", g.Binary))
	cfg := node.New("config")
	start.Add(cfg)

	root := &HostTree{}
	dev := []*node.Node{node.New("log"), node.New("null"), node.New("zero"), node.New("rtc"),
		node.New("terminal"), node.New("jitterentropy", "name", "random")}
	stderr := "/dev/log"
	if g.Stderr {
		dev = append(dev, node.New("terminal", "name", "stderr", "label", "stderr"))
		stderr = "/dev/stderr"
		// init's route: the session labelled "stderr" goes to the
		// parent as the launcher's own stderr, the rest to the parent
		start.Add(node.New("route").Add(
			node.New("service", "name", "Terminal", "label_last", "stderr").Add(node.New("parent", "label", "/dev/stderr")),
			node.New("any-service").Add(node.New("parent"))))
	}
	root.Mount("/dev", dev...)
	hosts := node.New("inline", "name", "hosts")
	hosts.Content = "127.0.0.1 localhost\n"
	// A user database as files, for programs that read them (os/user's
	// pure-Go lookup): Genode's libc has its own (<libc><passwd>), no files.
	passwd := node.New("inline", "name", "passwd")
	passwd.Content = "root:x:0:0:root:/:/bin/sh\n"
	group := node.New("inline", "name", "group")
	group.Content = "root:x:0:\n"
	root.Mount("/etc", hosts, passwd, group)
	if g.TmpDir != "" {
		root.Mount("/tmp", node.New("fs", "host", g.TmpDir, "writeable", "yes"))
	} else {
		root.Mount("/tmp", node.New("ram"))
	}
	root.Mount("/pipe", node.New("pipe"))
	root.Mount("/socket", node.New("lxip", "ip_addr", "127.0.0.1", "netmask", "255.0.0.0"))
	if g.PkgDir != "" {
		root.Mount(g.PkgDir, node.New("fs", "host", g.PkgDir, "writeable", "yes"))
	}
	if bd := filepath.Dir(g.Binary); bd != g.PkgDir {
		root.Mount(bd, node.New("fs", "host", bd, "writeable", "no"))
	}
	if g.GOROOT != "" {
		root.Mount(g.GOROOT, node.New("fs", "host", g.GOROOT, "writeable", "no"))
	}
	vfs := node.New("vfs")
	root.Emit(vfs)
	cfg.Add(vfs)

	libc := node.New("libc", "stdin", "/dev/terminal", "stdout", "/dev/terminal", "stderr", stderr,
		"rtc", "/dev/rtc", "rng", "/dev/random", "pipe", "/pipe", "socket", "/socket")
	if g.PkgDir != "" {
		libc.Set("cwd", g.PkgDir)
	}
	if g.Pid != 0 {
		libc.Set("pid", strconv.Itoa(g.Pid))
	}
	cfg.Add(libc)
	cfg.Add(node.New("arg", "value", g.Binary))
	for _, a := range g.Args {
		cfg.Add(node.New("arg", "value", a))
	}
	for _, kv := range g.Env() {
		cfg.Add(node.New("env", "key", kv.Name, "value", kv.Value))
	}
	return start
}

// HostTree builds <dir> nodes for mounts at absolute paths, merging common
// prefixes. Sub directories come before the mounts of the same directory, so
// a deeper mapping (the package directory inside GOROOT) wins.
type HostTree struct {
	dirs   []*HostTree
	name   string
	mounts []*node.Node
}

// Mount puts nodes at the absolute path p.
func (t *HostTree) Mount(p string, nodes ...*node.Node) {
	d := t
	for _, el := range strings.Split(strings.Trim(path.Clean(p), "/"), "/") {
		if el == "" {
			continue
		}
		var next *HostTree
		for _, c := range d.dirs {
			if c.name == el {
				next = c
			}
		}
		if next == nil {
			next = &HostTree{name: el}
			d.dirs = append(d.dirs, next)
		}
		d = next
	}
	d.mounts = append(d.mounts, nodes...)
}

// Emit adds the tree's <dir> nodes and mounts to n.
func (t *HostTree) Emit(n *node.Node) {
	for _, c := range t.dirs {
		dn := node.New("dir", "name", c.name)
		c.Emit(dn)
		n.Add(dn)
	}
	n.Add(t.mounts...)
}

// GoExecComponent resolves a GoExec run into a component.
func GoExecComponent(g GoExec, strict bool) (*Component, error) {
	if err := applySkipList(&g); err != nil {
		return nil, err
	}
	start := g.Config()
	c, err := Resolve(start, Options{File: "(go_genode_" + Arch() + "_exec)", Dir: g.PkgDir, Strict: strict})
	if err != nil {
		return nil, err
	}
	c.source = start.EncodeHID()
	return c, nil
}

// GoRoot returns $GOROOT, else the GOROOT of the go command on PATH.
func GoRoot() string {
	if r := os.Getenv("GOROOT"); r != "" {
		return r
	}
	out, err := runOutput("go", "env", "GOROOT")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}
