package initmodel

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// A child whose binary is Genode's init is a sub-init: on the model an Init
// of its own, run in this process. As init does, it reads its config from
// its ROM session labelled "config" and reports its state through its
// Report session labelled "state"; the model follows both routes to files
// (a <parent label="/host/path"/> rewrite, the shape of fs_rom and fs_report
// serving one file system). Its own RAM and capability quotas are the
// child's, and a live change of them is its new quota (init's upgrade and
// downgrade). A ROM its children's routes leave to it (a <parent/> target
// without a host path) is looked up through the sub-init's own route in
// this init, as the session would travel on Genode.
const initBinary = "init"

type subInit struct {
	m      *Init
	cancel context.CancelFunc
	done   chan struct{}
	code   int
}

func (p *subInit) Wait() int { <-p.done; return p.code }

// Kill ends the sub-init and its children before init goes on, as
// Genode's init destroys a child before it reports it gone.
func (p *subInit) Kill() {
	p.cancel()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
}

// quota is a pending change of a sub-init's own quotas.
type quota struct {
	mu     sync.Mutex
	ram    initcfg.Bytes
	caps   uint64
	notify chan struct{} // one pending notification at most
}

func (p *subInit) setQuota(ram initcfg.Bytes, caps uint64) {
	q := p.m.quota
	q.mu.Lock()
	q.ram, q.caps = ram, caps
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// applyQuota takes a pending quota change (in the sub-init's own loop).
func (m *Init) applyQuota() {
	q := m.quota
	q.mu.Lock()
	m.o.RAM, m.o.Caps = q.ram, q.caps
	q.mu.Unlock()
	m.writeReport()
}

// sessionFile is the host file that c's session of service with label
// goes to: a route rule whose target rewrites the label to a host path.
func sessionFile(c *child, defRoute *node.Node, service, label string) (string, error) {
	route := c.start.Child("route")
	if route == nil {
		route = defRoute
	}
	for _, r := range routeRules(route) {
		if !ruleMatches(r, service, label) || len(r.Children) == 0 {
			continue
		}
		t := r.Children[0]
		if l := rewrite(label, t); t.Type == "parent" && filepath.IsAbs(l) {
			return l, nil
		}
		break
	}
	return "", fmt.Errorf("the model gives a sub-init its %s session %q through a route to a host file (<service name=%q label=%q> <parent label=\"/host/path\"/>)",
		service, label, service, label)
}

func (m *Init) startSubInit(ctx context.Context, c *child, spec *ChildSpec, defRoute *node.Node) (Process, error) {
	cfg, err := sessionFile(c, defRoute, "ROM", "config")
	if err != nil {
		return nil, err
	}
	// a sub-init without a route for its report reports nothing
	state, _ := sessionFile(c, defRoute, "Report", "state")
	o := m.o
	o.ConfigPath, o.StatePath, o.RunDir, o.RAM, o.Caps, o.Log = cfg, state, spec.RunDir, c.ram, c.caps, spec.Log
	sub := New(o)
	sub.quota = &quota{ram: c.ram, caps: c.caps, notify: make(chan struct{}, 1)}
	sub.parentROM = func(label string) string { return m.resolveROM(c, defRoute, label) }
	ctx, cancel := context.WithCancel(ctx)
	p := &subInit{m: sub, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		code, err := sub.Run(ctx)
		if err != nil {
			m.logf("Error: %s: %v", c.name, err)
			code = 1
		}
		p.code = code
	}()
	return p, nil
}

// Genode's vfs server, as far as the model has it: a server of one socket
// stack to its siblings (servedStacks). Its clients' libcs run that stack
// with its address, so the server itself is a child that runs nothing, in
// this process, until init ends it. A vfs server of anything else cannot
// be modelled: it stays incomplete, and the log says so.
const vfsBinary = "vfs"

func startStackServer(c *child) (Process, error) {
	if _, err := servedStack(c.start); err != nil {
		return nil, fmt.Errorf("the model's vfs server serves one socket stack to its siblings: %v", err)
	}
	return &idleServer{done: make(chan struct{})}, nil
}

type idleServer struct {
	done chan struct{}
	once sync.Once
}

func (p *idleServer) Wait() int { <-p.done; return 0 }

func (p *idleServer) Kill() { p.once.Do(func() { close(p.done) }) }
