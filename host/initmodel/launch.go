package initmodel

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// ChildSpec is what a launcher gets for one child instance.
type ChildSpec struct {
	Name       string
	ID         uint64
	Start      *node.Node    // the whole <start> node as init holds it
	Binary     string        // ROM name of the binary (<binary name> or the start name)
	RAM        initcfg.Bytes // quotas as init assigns them (<default> applied)
	Caps       uint64
	HostBinary string    // the binary's host path, resolved through the ROM route
	Args       []string  // argv from the child's <config>
	Env        []string  // NAME=value from the child's <config>
	Cwd        string    // host directory for the process, "" for the run dir
	RunDir     string    // private directory of this instance
	Log        io.Writer // the child's LOG session
	// DefaultRoute is init's <default-route> when the start node has no
	// <route> (init routes the child's sessions by it then), else nil.
	DefaultRoute *node.Node
}

// Process is a running child.
type Process interface {
	Wait() (exitValue int)
	Kill()
}

// Launcher starts children. It is the model's test hook: the default runs
// plain Linux executables; GenodeRun runs Genode components on the host
// model through host/cmd/genode-run.
type Launcher interface {
	Launch(ctx context.Context, c *ChildSpec) (Process, error)
}

// Exec runs HostBinary as a Linux process with the config's argv and
// environment (and nothing of the model's own environment).
type Exec struct{}

type execProc struct{ cmd *exec.Cmd }

func (p *execProc) Wait() int {
	err := p.cmd.Wait()
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			// Genode has no signals; report a killed process the shell's way
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return -1
}

func (p *execProc) Kill() {
	if p.cmd.Process != nil {
		// the whole process group: a child's forked descendants die with it,
		// as they would on Genode with the forking component
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

func (Exec) Launch(ctx context.Context, c *ChildSpec) (Process, error) {
	if c.HostBinary == "" {
		return nil, fmt.Errorf("binary %q not found", c.Binary)
	}
	args := c.Args
	if len(args) == 0 {
		args = []string{c.Binary}
	}
	cmd := &exec.Cmd{Path: c.HostBinary, Args: args, Env: c.Env, Dir: c.Cwd, Stdout: c.Log, Stderr: c.Log}
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	if cmd.Dir == "" {
		cmd.Dir = c.RunDir
	}
	// a child of a killed init model must not live on: a new init for the
	// same config would start it a second time
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &execProc{cmd: cmd}, nil
}

// GenodeRun runs each child with host/cmd/genode-run, handing it the start
// node as its configuration file and the resolved binary with -binary.
// genode-run already labels the component's LOG lines "[name] ", so the
// launcher drops that label instead of doubling it.
type GenodeRun struct {
	Path  string   // genode-run executable
	Flags []string // extra flags, e.g. -strict or -model DIR
}

// genodeRunProc is one genode-run process. genode-run puts the component
// in a process group of its own, so killing genode-run's group alone would
// leave the component running.
type genodeRunProc struct {
	cmd    *exec.Cmd
	tmpDir string // genode-run's TMPDIR, where it makes its run directory
	done   chan struct{}
	once   sync.Once
}

func (p *genodeRunProc) Wait() int {
	code := (&execProc{cmd: p.cmd}).Wait()
	close(p.done)
	// a killed genode-run leaves its run directory behind
	dirs, _ := filepath.Glob(filepath.Join(p.tmpDir, "genode-run-*"))
	for _, d := range dirs {
		os.RemoveAll(d)
	}
	return code
}

// Kill ends the component at once, as Genode's init destroys a child.
// genode-run is stopped first so that it cannot start the component while
// it is looked for (a fork racing with the stop is restarted by the kernel
// and never completes); then the component's group and genode-run's die.
func (p *genodeRunProc) Kill() {
	p.once.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		pid := p.cmd.Process.Pid
		syscall.Kill(-pid, syscall.SIGSTOP)
		for _, c := range childPIDs(pid) {
			syscall.Kill(-c, syscall.SIGKILL)
			syscall.Kill(c, syscall.SIGKILL) // not yet in a group of its own
		}
		syscall.Kill(-pid, syscall.SIGKILL)
		// Genode destroys whatever the child hosts: every process of this
		// instance carries its run directory in its environment (genode-run's
		// TMPDIR, the component's config, inherited by what it forks), so any
		// that the group kills missed (one mid-start) is found by it, now and
		// once more after the starts in flight had time to appear.
		sweep(p.tmpDir)
		go func() {
			for _, d := range []time.Duration{100 * time.Millisecond, time.Second} {
				time.Sleep(d)
				sweep(p.tmpDir)
			}
		}()
	})
}

// sweep kills every process whose environment names runDir as genode-run's
// TMPDIR or holds a model config below it.
func sweep(runDir string) {
	tmp := []byte("TMPDIR=" + runDir + "\x00")
	cfg := []byte("GENODE_MODEL_CONFIG=" + runDir + "/")
	procs, _ := filepath.Glob("/proc/[0-9]*/environ")
	self := os.Getpid()
	for _, f := range procs {
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(f)))
		if err != nil || pid == self {
			continue
		}
		env, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if bytes.Contains(env, tmp) || bytes.Contains(env, cfg) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// withQuotas is the start node with the quotas init assigns written out:
// genode-run refuses a start node without them, and a child of init may
// take them from <default>.
func withQuotas(c *ChildSpec) *node.Node {
	start := c.Start
	set := func(attr, resource, value string) {
		if _, ok := start.Attr(attr); ok {
			return
		}
		for _, r := range start.All("resource") {
			if v, _ := r.Attr("name"); v == resource {
				return
			}
		}
		if start == c.Start {
			start = start.Clone()
		}
		start.Set(attr, value)
	}
	if c.RAM > 0 {
		set("ram", "RAM", c.RAM.String())
	}
	if c.Caps > 0 {
		set("caps", "CAP", strconv.FormatUint(c.Caps, 10))
	}
	return start
}

// childPIDs lists the children of process pid (all its threads' children).
func childPIDs(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var pids []int
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil && n > 0 {
				pids = append(pids, n)
			}
		}
	}
	return pids
}

// unlabel removes genode-run's "[name] " from the start of each line.
type unlabel struct {
	w     io.Writer
	label []byte
	buf   []byte
}

func (u *unlabel) Write(p []byte) (int, error) {
	u.buf = append(u.buf, p...)
	for {
		i := bytes.IndexByte(u.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := bytes.TrimPrefix(u.buf[:i+1], u.label)
		if _, err := u.w.Write(line); err != nil {
			return len(p), err
		}
		u.buf = u.buf[i+1:]
	}
}

func (g GenodeRun) Launch(ctx context.Context, c *ChildSpec) (Process, error) {
	if c.HostBinary == "" {
		return nil, fmt.Errorf("binary %q not found", c.Binary)
	}
	cfg := filepath.Join(c.RunDir, c.Name+".config")
	start := withQuotas(c)
	if c.DefaultRoute != nil {
		// genode-run reads an init config with one start node and its
		// <default-route>, by which it routes the child's Terminal sessions
		start = node.New("config").Add(c.DefaultRoute.Clone(), start)
	}
	if err := os.WriteFile(cfg, start.EncodeHID(), 0o644); err != nil {
		return nil, err
	}
	args := append([]string{g.Path}, g.Flags...)
	args = append(args, "-binary", c.HostBinary, cfg)
	var log io.Writer = &unlabel{w: c.Log, label: []byte("[" + c.Name + "] ")}
	if c.Log == nil {
		log = nil
	}
	// genode-run's run directory goes into the child's: a killed genode-run
	// cannot remove it.
	env := append(os.Environ(), "TMPDIR="+c.RunDir)
	cmd := &exec.Cmd{Path: g.Path, Args: args, Dir: c.RunDir, Stdout: log, Stderr: log, Env: env}
	// a child of a killed init model must not live on: a new init for the
	// same config would start it a second time
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &genodeRunProc{cmd: cmd, tmpDir: c.RunDir, done: make(chan struct{})}, nil
}

// childSpec gives argv, environment and working directory as the child's
// libc reads them from its <config>.
func childSpec(s *initcfg.Start) (args, env []string, cwd, hostRoot string) {
	cc := s.Config
	if cc == nil {
		return nil, nil, "", ""
	}
	args = cc.Args
	for _, e := range cc.Env {
		env = append(env, e.Name+"="+e.Value)
	}
	if cc.Libc != nil {
		cwd = cc.Libc.Get("cwd")
	}
	if v := cc.VFS; v != nil {
		for _, fs := range v.All("fs") {
			if h, ok := fs.Attr("host"); ok {
				hostRoot = h
			}
		}
	}
	return
}

// rewrite applies a route target's label rewriting to a label whose
// elements are separated by " -> ".
func rewrite(label string, t *node.Node) string {
	if v, ok := t.Attr("label"); ok {
		return v
	}
	elems := strings.Split(label, " -> ")
	last := elems[len(elems)-1]
	if v, ok := t.Attr("resource"); ok {
		last = v
	}
	if v, ok := t.Attr("prepend_resource"); ok {
		last = v + last
	}
	if v, ok := t.Attr("identity"); ok {
		return v + " -> " + last
	}
	elems[len(elems)-1] = last
	return strings.Join(elems, " -> ")
}

// ruleMatches evaluates a <service>/<any-service> selector for a session
// request of the binary ROM, whose label is the bare binary name.
func ruleMatches(r *node.Node, service, label string) bool {
	switch r.Type {
	case "any-service":
	case "service":
		if v, _ := r.Attr("name"); v != service {
			return false
		}
	default:
		return false
	}
	last := label
	if i := strings.LastIndex(label, " -> "); i >= 0 {
		last = label[i+4:]
	}
	if v, ok := r.Attr("label"); ok && v != label {
		return false
	}
	if v, ok := r.Attr("label_prefix"); ok && !strings.HasPrefix(label, v) {
		return false
	}
	if v, ok := r.Attr("label_suffix"); ok && !strings.HasSuffix(label, v) {
		return false
	}
	if v, ok := r.Attr("label_last"); ok && v != last {
		return false
	}
	if v, ok := r.Attr("unscoped_label"); ok && v != label {
		return false
	}
	return true
}

// servedStacks gives c's <vfs> the socket file system of each <fs> whose
// File_system session init routes to a sibling that serves its socket file
// system: a vfs server (<provides><service name="File_system"/>) whose
// <default-policy root> names a directory of its <vfs> holding an <lxip> or
// <lwip>. On Genode the client's socket calls go through that session to the
// server's one stack; the model's libc runs a stack in each client, with the
// server's address, which is what a shared stack shows its clients. It
// returns c's start node, a changed copy of it, or why the model cannot
// serve such a session.
func (m *Init) servedStacks(c *child, defRoute *node.Node) (*node.Node, error) {
	cfg := c.start.Child("config")
	if cfg == nil || cfg.Child("vfs") == nil {
		return c.start, nil
	}
	route := c.start.Child("route")
	if route == nil {
		route = defRoute
	}
	var walk func(dir *node.Node) error
	walk = func(dir *node.Node) error {
		for i, n := range dir.Children {
			if n.Type == "dir" {
				if err := walk(n); err != nil {
					return err
				}
				continue
			}
			if _, host := n.Attr("host"); n.Type != "fs" || host {
				continue
			}
			label, _ := n.Attr("label")
			var target *node.Node
			for _, r := range routeRules(route) {
				if ruleMatches(r, "File_system", label) && len(r.Children) > 0 {
					target = r.Children[0]
					break
				}
			}
			if target == nil || target.Type != "child" {
				continue // the parent's: the model's <fs host> stands for it
			}
			name, _ := target.Attr("name")
			server := m.starts[name]
			if server == nil {
				return fmt.Errorf("<fs label=%q> is routed to child %q, which the config does not start", label, name)
			}
			stack, err := servedStack(server)
			if err != nil {
				return fmt.Errorf("<fs label=%q> is routed to child %q: %v", label, name, err)
			}
			dir.Children[i] = stack.Clone()
		}
		return nil
	}
	start := c.start.Clone()
	if err := walk(start.Child("config").Child("vfs")); err != nil {
		return nil, err
	}
	return start, nil
}

func routeRules(route *node.Node) []*node.Node {
	if route == nil {
		return nil
	}
	return route.Children
}

// servedStack is the socket file system a vfs server start node serves:
// the <lxip> or <lwip> at its <default-policy>'s root, writeable.
func servedStack(server *node.Node) (*node.Node, error) {
	provides := false
	if p := server.Child("provides"); p != nil {
		for _, s := range p.All("service") {
			if v, _ := s.Attr("name"); v == "File_system" {
				provides = true
			}
		}
	}
	if !provides {
		return nil, fmt.Errorf("it does not provide File_system")
	}
	cfg := server.Child("config")
	if cfg == nil || cfg.Child("vfs") == nil {
		return nil, fmt.Errorf("it has no <vfs> to serve")
	}
	if len(cfg.All("policy")) > 0 {
		return nil, fmt.Errorf("<policy> nodes are not modelled, only a <default-policy>")
	}
	pol := cfg.Child("default-policy")
	if pol == nil {
		return nil, fmt.Errorf("it has no <default-policy>: it would deny the session")
	}
	if w, _ := pol.Attr("writeable"); !isYes(w) {
		return nil, fmt.Errorf("its <default-policy> is not writeable=\"yes\": a socket file system needs writes")
	}
	root, _ := pol.Attr("root")
	dir := cfg.Child("vfs")
	for _, elem := range strings.Split(strings.Trim(root, "/"), "/") {
		if elem == "" {
			continue
		}
		var next *node.Node
		for _, d := range dir.All("dir") {
			if v, _ := d.Attr("name"); v == elem {
				next = d
			}
		}
		if next == nil {
			return nil, fmt.Errorf("its policy root %q is no directory of its <vfs>", root)
		}
		dir = next
	}
	var stack *node.Node
	for _, n := range dir.Children {
		switch n.Type {
		case "lxip", "lwip":
			if stack != nil {
				return nil, fmt.Errorf("its policy root %q holds two socket file systems", root)
			}
			stack = n
		default:
			return nil, fmt.Errorf("its policy root %q holds <%s>: the model serves only a socket file system (<lxip> or <lwip>) over File_system", root, n.Type)
		}
	}
	if stack == nil {
		return nil, fmt.Errorf("its policy root %q holds no socket file system", root)
	}
	return stack, nil
}

func isYes(v string) bool { b, err := node.ParseBool(v); return err == nil && b }

// stackAddr is the static address of the IP stack in a start node's <vfs>,
// if it has one of its own.
func stackAddr(start *node.Node) string {
	cfg := start.Child("config")
	if cfg == nil || cfg.Child("vfs") == nil {
		return ""
	}
	var find func(d *node.Node) string
	find = func(d *node.Node) string {
		for _, n := range d.Children {
			switch n.Type {
			case "dir":
				if a := find(n); a != "" {
					return a
				}
			case "lxip", "lwip":
				a, _ := n.Attr("ip_addr")
				return a
			}
		}
		return ""
	}
	return find(cfg.Child("vfs"))
}

// sharedAddress names another child whose own stack has c's stack's
// address. Two stacks with one address on a NIC router domain collide (both
// answer its ARP requests), so the model refuses the second; the address's
// components share one stack through a vfs server instead (servedStacks).
// 127.0.0.0/8 is the model's stand-in for the host tools' one shared stack.
func (m *Init) sharedAddress(c *child) string {
	a := stackAddr(c.start)
	if a == "" || strings.HasPrefix(a, "127.") {
		return ""
	}
	names := make([]string, 0, len(m.starts))
	for name := range m.starts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name != c.name && stackAddr(m.starts[name]) == a {
			return name
		}
	}
	return ""
}
