package initmodel

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// ChildSpec is what a launcher gets for one child instance.
type ChildSpec struct {
	Name       string
	ID         uint64
	Start      *node.Node // the whole <start> node as init holds it
	Binary     string     // ROM name of the binary (<binary name> or the start name)
	HostBinary string     // the binary's host path, resolved through the ROM route
	Args       []string   // argv from the child's <config>
	Env        []string   // NAME=value from the child's <config>
	Cwd        string     // host directory for the process, "" for the run dir
	RunDir     string     // private directory of this instance
	Log        io.Writer  // the child's LOG session
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
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &execProc{cmd: cmd}, nil
}

// GenodeRun runs each child with host/cmd/genode-run, handing it the start
// node as its configuration file and the resolved binary with -binary.
type GenodeRun struct {
	Path  string   // genode-run executable
	Flags []string // extra flags, e.g. -strict
}

func (g GenodeRun) Launch(ctx context.Context, c *ChildSpec) (Process, error) {
	if c.HostBinary == "" {
		return nil, fmt.Errorf("binary %q not found", c.Binary)
	}
	cfg := filepath.Join(c.RunDir, c.Name+".config")
	if err := os.WriteFile(cfg, c.Start.EncodeHID(), 0o644); err != nil {
		return nil, err
	}
	args := append([]string{g.Path}, g.Flags...)
	args = append(args, "-binary", c.HostBinary, cfg)
	cmd := &exec.Cmd{Path: g.Path, Args: args, Dir: c.RunDir, Stdout: c.Log, Stderr: c.Log, Env: os.Environ()}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &execProc{cmd: cmd}, nil
}

// childSpec extracts argv, environment and working directory as libc
// would read them (repos/libports/include/libc/args.h).
func childSpec(start *node.Node) (args, env []string, cwd, hostRoot string) {
	cfg := start.Child("config")
	if cfg == nil {
		return nil, nil, "", ""
	}
	cc, err := initcfg.DecodeChildConfig(cfg)
	if err != nil {
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
