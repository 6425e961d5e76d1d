// Package initmodel is a host model of Genode's dynamic init: it reads its
// config file (HID or XML, re-read on every change), starts and stops
// children through a Launcher, applies init's reconfiguration rules and
// writes init's state report in Genode's format on every change.
//
// Rules modelled (repos/os/src/lib/sandbox, Genode 26.02):
//   - start nodes are matched by (name, version); a changed version replaces
//     the child by a fresh instance with a new id
//   - a changed <route> (or, for children without one, <default-route>)
//     restarts the child (init restarts only if an existing session would
//     take another route; the model does not track sessions)
//   - a changed <binary> restarts the child (init: only if the binary's ROM
//     route changes; same reason)
//   - ram/caps changes are applied live (the report shows the new quota)
//   - a changed inline <config> does not restart the child
//   - a removed start node kills the child; it leaves the report
//   - an exited child stays in the report with exited="N" until its start
//     node is removed or its version changes; it is not restarted
//   - <exit propagate="yes">: init exits with the child's exit value
//   - config data that Genode cannot parse (empty, truncated, no end marker,
//     control characters, unbalanced XML) is the "empty" node: every child
//     is killed and, as the config has no <report>, the report is no longer
//     updated (init/main.cc disables its reporter)
//   - an unknown top-level node is logged as init does ("unknown config
//     element type", "unable to apply complete configuration"); the model
//     applies the remaining nodes (init aborts the model update at that
//     node, with an order-dependent result)
//   - each start node is decoded by initcfg with Genode's tolerance; init's
//     warnings about it are logged on every config update, as init does;
//     a start node initcfg refuses is logged and not started
package initmodel

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// Options configure the model.
type Options struct {
	ConfigPath string
	StatePath  string
	RunDir     string        // per-child directories; default: a temporary directory
	Launcher   Launcher      // default Exec{}
	ROMDir     string        // where binary ROM names are looked up as files
	RAM        initcfg.Bytes // init's own RAM quota (init_ram), default 4G
	Caps       uint64        // init's own caps (init_caps), default 20000
	Poll       time.Duration // config polling interval, default 20ms
	Log        io.Writer     // init's LOG (children's output prefixed "[name] ")
}

type child struct {
	name, version, binary string
	id                    uint64
	start                 *node.Node
	s                     *initcfg.Start
	routeKey              string
	ram                   initcfg.Bytes
	caps                  uint64
	proc                  Process
	exited                *int
	incomplete            bool
}

type exitMsg struct {
	c    *child
	code int
}

// Init is one model instance.
type Init struct {
	o        Options
	children []*child
	starts   map[string]*node.Node // the config's start nodes by name
	nextID   uint64
	exits    chan exitMsg
	lastCfg  []byte
	haveCfg  bool
	report   *node.Node // <report> of the current config, nil: disabled
	version  string
	xml      bool
	logMu    sync.Mutex
	stateGen uint64
	// of a sub-init: its pending quota change and how its parent looks up
	// a ROM (subinit.go)
	quota     *quota
	parentROM func(label string) string
}

// New creates a model.
func New(o Options) *Init {
	if o.Launcher == nil {
		o.Launcher = Exec{}
	}
	if o.RAM == 0 {
		o.RAM = 4 * initcfg.GiB
	}
	if o.Caps == 0 {
		o.Caps = 20000
	}
	if o.Poll == 0 {
		o.Poll = 20 * time.Millisecond
	}
	if o.Log == nil {
		o.Log = os.Stderr
	}
	return &Init{o: o, exits: make(chan exitMsg, 64), nextID: 1}
}

func (m *Init) logf(format string, args ...any) {
	m.logMu.Lock()
	defer m.logMu.Unlock()
	fmt.Fprintf(m.o.Log, "[init] "+format+"\n", args...)
}

// Run runs until ctx ends (status 0) or a child with <exit propagate="yes">
// exits (its exit value). All children are killed on return.
func (m *Init) Run(ctx context.Context) (int, error) {
	if m.o.RunDir == "" {
		d, err := os.MkdirTemp("", "genode-init")
		if err != nil {
			return 1, err
		}
		defer os.RemoveAll(d)
		m.o.RunDir = d
	}
	defer m.killAll()
	t := time.NewTicker(m.o.Poll)
	defer t.Stop()
	m.poll(ctx)
	var quotaChanged chan struct{}
	if m.quota != nil {
		quotaChanged = m.quota.notify
	}
	for {
		select {
		case <-ctx.Done():
			return 0, nil
		case <-quotaChanged:
			m.applyQuota()
		case e := <-m.exits:
			if code, stop := m.exited(e); stop {
				return code, nil
			}
		case <-t.C:
			m.poll(ctx)
		}
	}
}

func (m *Init) poll(ctx context.Context) {
	data, err := os.ReadFile(m.o.ConfigPath)
	if err != nil {
		if os.IsNotExist(err) {
			// no config ROM yet: init waits
			return
		}
		data = nil
	}
	if m.haveCfg && bytes.Equal(data, m.lastCfg) {
		return
	}
	m.haveCfg = true
	m.lastCfg = append(m.lastCfg[:0], data...)
	m.apply(ctx, node.ParseLax(data))
}

var knownTop = map[string]bool{
	"parent-provides": true, "default-route": true, "default": true, "start": true, "alias": true,
	"affinity-space": true, "report": true, "resource": true, "heartbeat": true, "service": true,
}

func (m *Init) apply(ctx context.Context, cfg *node.Node) {
	if cfg.Type == "empty" {
		m.logf("config is empty or cannot be parsed: applying it as a config without children")
	}
	m.version, _ = cfg.Attr("version")
	gx, _ := cfg.Attr("generate_xml")
	m.xml, _ = node.ParseBool(gx)
	m.report = cfg.Child("report")
	defCaps, defRAM := uint64(0), initcfg.Bytes(0)
	if d := cfg.Child("default"); d != nil {
		// config_model.cc: a value init cannot read is 0
		if v, ok := d.Attr("caps"); ok {
			defCaps, _ = node.ParseUnsigned(v)
		}
		if v, ok := d.Attr("ram"); ok {
			defRAM, _ = initcfg.ParseBytes(v)
		}
	}
	defRoute := cfg.Child("default-route")
	incompleteCfg := false
	type want struct {
		n                     *node.Node
		s                     *initcfg.Start
		name, version, binary string
		routeKey              string
		ram                   initcfg.Bytes
		caps                  uint64
	}
	var wants []want
	names := map[string]bool{}
	for _, ch := range cfg.Children {
		if !knownTop[ch.Type] {
			m.logf("Error: unknown config element type <%s>", ch.Type)
			incompleteCfg = true
			continue
		}
		if ch.Type != "start" {
			continue
		}
		s, err := initcfg.Options{}.Start(ch)
		if err != nil {
			m.logf("Error: start node %d:%d: %v", ch.Line, ch.Col, err)
			continue
		}
		if names[s.Name] {
			m.logf("Error: start node without unique name")
			continue
		}
		names[s.Name] = true
		for _, d := range s.Diags {
			if d.Kind == initcfg.Warning && !d.Child {
				m.logf("Warning: %s", d.Msg)
			}
		}
		w := want{n: ch, s: s, name: s.Name, version: s.Version, binary: s.BinaryName(), caps: s.Caps, ram: s.RAM}
		route := ch.Child("route")
		if route == nil {
			route = defRoute
		}
		if route != nil {
			w.routeKey = string(route.EncodeHID())
		}
		if w.caps == 0 {
			w.caps = defCaps
		}
		if w.ram == 0 {
			w.ram = defRAM
		}
		wants = append(wants, w)
	}
	if incompleteCfg {
		m.logf("Error: unable to apply complete configuration")
	}

	// remove and restart
	byName := map[string]want{}
	for _, w := range wants {
		byName[w.name] = w
	}
	var keep []*child
	for _, c := range m.children {
		w, ok := byName[c.name]
		switch {
		case !ok:
			m.kill(c, "removed")
			continue
		case w.version != c.version:
			m.kill(c, "version changed")
			continue
		case w.routeKey != c.routeKey:
			m.kill(c, "route changed")
			continue
		case w.binary != c.binary:
			m.kill(c, "binary changed")
			continue
		}
		// live updates
		if sub, ok := c.proc.(*subInit); ok && (w.ram != c.ram || w.caps != c.caps) {
			sub.setQuota(w.ram, w.caps)
		}
		c.ram, c.caps, c.start, c.s = w.ram, w.caps, w.n, w.s
		keep = append(keep, c)
	}
	m.children = keep
	existing := map[string]bool{}
	for _, c := range m.children {
		existing[c.name] = true
	}
	m.starts = map[string]*node.Node{}
	for _, w := range wants {
		m.starts[w.name] = w.n
	}
	for _, w := range wants {
		if existing[w.name] {
			continue
		}
		c := &child{name: w.name, version: w.version, binary: w.binary, start: w.n, s: w.s, routeKey: w.routeKey,
			ram: w.ram, caps: w.caps, id: m.nextID}
		m.nextID++
		m.children = append(m.children, c)
		m.launch(ctx, c, defRoute)
	}
	// keep the config's order, as init reports children in creation order
	order := map[string]int{}
	for i, w := range wants {
		order[w.name] = i
	}
	sortChildren(m.children, order)
	m.writeReport()
}

func sortChildren(cs []*child, order map[string]int) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && order[cs[j].name] < order[cs[j-1].name]; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

func (m *Init) kill(c *child, why string) {
	if c.proc != nil && c.exited == nil {
		c.proc.Kill()
	}
	m.logf("child %q killed (%s)", c.name, why)
}

func (m *Init) killAll() {
	for _, c := range m.children {
		if c.proc != nil && c.exited == nil {
			c.proc.Kill()
		}
	}
	m.children = nil
}

// resolveBinary finds the binary's host file through the ROM route.
func (m *Init) resolveBinary(c *child, defRoute *node.Node) string {
	return m.resolveROM(c, defRoute, c.binary)
}

// resolveROM finds the host file of c's ROM session with label.
func (m *Init) resolveROM(c *child, defRoute *node.Node, label string) string {
	route := c.start.Child("route")
	if route == nil {
		route = defRoute
	}
	if route != nil {
		for _, r := range route.Children {
			if !ruleMatches(r, "ROM", label) || len(r.Children) == 0 {
				continue
			}
			label = rewrite(label, r.Children[0])
			break
		}
	}
	if filepath.IsAbs(label) {
		if fi, err := os.Stat(label); err == nil && fi.Mode().IsRegular() {
			return label
		}
	}
	if m.parentROM != nil {
		return m.parentROM(label)
	}
	if m.o.ROMDir != "" {
		p := filepath.Join(m.o.ROMDir, label)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

func (m *Init) launch(ctx context.Context, c *child, defRoute *node.Node) {
	if other := m.sharedAddress(c); other != "" {
		m.logf("Error: %s: its IP stack has the address %s of child %s's: two stacks with one address collide on a NIC router domain; share one through a vfs server's File_system session", c.name, stackAddr(c.start), other)
		c.incomplete = true
		return
	}
	start, err := m.servedStacks(c, defRoute)
	if err != nil {
		// on Genode the session request would stay unanswered or be denied
		m.logf("Error: %s: %v", c.name, err)
		c.incomplete = true
		return
	}
	spec := &ChildSpec{Name: c.name, ID: c.id, Start: start, Binary: c.binary, RAM: c.ram, Caps: c.caps}
	spec.HostBinary = m.resolveBinary(c, defRoute)
	if c.start.Child("route") == nil && defRoute != nil {
		spec.DefaultRoute = defRoute
	}
	var hostRoot, cwd string
	spec.Args, spec.Env, cwd, hostRoot = childSpec(c.s)
	if hostRoot != "" && cwd != "" {
		d := filepath.Join(hostRoot, filepath.FromSlash(cwd))
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			spec.Cwd = d
		}
	}
	spec.RunDir = filepath.Join(m.o.RunDir, c.name+"."+strconv.FormatUint(c.id, 10))
	os.MkdirAll(spec.RunDir, 0o755)
	spec.Log = &prefixWriter{m: m, prefix: "[" + c.name + "] "}
	if c.binary == vfsBinary || c.binary == initBinary {
		// Genode's own components the model runs itself (subinit.go)
		var p Process
		var err error
		if c.binary == vfsBinary {
			p, err = startStackServer(c)
		} else {
			p, err = m.startSubInit(ctx, c, spec, defRoute)
		}
		if err != nil {
			m.logf("Error: child %q creation failed: %v", c.name, err)
			c.incomplete = true
			return
		}
		m.watch(c, p)
		return
	}
	if spec.HostBinary == "" {
		// init cannot obtain the binary ROM: the child stays incomplete
		m.logf("Warning: %s: ROM %q unavailable", c.name, c.binary)
		c.incomplete = true
		return
	}
	p, err := m.o.Launcher.Launch(ctx, spec)
	if err != nil {
		m.logf("Error: child %q creation failed: %v", c.name, err)
		c.incomplete = true
		return
	}
	m.watch(c, p)
}

func (m *Init) watch(c *child, p Process) {
	c.proc = p
	go func() {
		code := p.Wait()
		m.exits <- exitMsg{c: c, code: code}
	}()
}

func (m *Init) exited(e exitMsg) (int, bool) {
	cur := false
	for _, c := range m.children {
		if c == e.c {
			cur = true
		}
	}
	if !cur || e.c.exited != nil {
		return 0, false // a killed, already replaced instance
	}
	code := e.code
	e.c.exited = &code
	m.logf("child %q exited with exit value %d", e.c.name, code)
	m.writeReport()
	if e.c.s.ExitPropagate {
		return code, true
	}
	return 0, false
}

// State returns the current state report.
func (m *Init) State() *initcfg.State {
	st := &initcfg.State{Version: m.version}
	var ids, childRAM, childCaps, initRAM, initCaps bool
	if r := m.report; r != nil {
		get := func(k string) bool { v, _ := r.Attr(k); b, _ := node.ParseBool(v); return b }
		ids, childRAM, childCaps, initRAM, initCaps = get("ids"), get("child_ram"), get("child_caps"), get("init_ram"), get("init_caps")
	}
	var usedRAM, usedCaps uint64
	for _, c := range m.children {
		usedRAM += uint64(c.ram)
		usedCaps += c.caps
		cs := &initcfg.ChildState{Name: c.name, Binary: c.binary, Version: c.version, ID: c.id, HasID: ids,
			Incomplete: c.incomplete, Exited: c.exited}
		if childRAM {
			cs.RAM = &initcfg.Quota{Assigned: uint64(c.ram), Quota: uint64(c.ram), Avail: uint64(c.ram), HasAssigned: true}
		}
		if childCaps {
			cs.Caps = &initcfg.Quota{Assigned: c.caps, Quota: c.caps, Avail: c.caps, HasAssigned: true}
		}
		st.Children = append(st.Children, cs)
	}
	if initRAM {
		q := uint64(m.o.RAM)
		st.RAM = &initcfg.Quota{Quota: q, Used: min(usedRAM, q), Avail: q - min(usedRAM, q)}
	}
	if initCaps {
		st.Caps = &initcfg.Quota{Quota: m.o.Caps, Used: min(usedCaps, m.o.Caps), Avail: m.o.Caps - min(usedCaps, m.o.Caps)}
	}
	return st
}

func (m *Init) writeReport() {
	if m.report == nil || m.o.StatePath == "" {
		return
	}
	n := m.State().Node()
	var data []byte
	if m.xml {
		data = append(n.EncodeXML(), '\n')
	} else {
		data = n.EncodeHID()
	}
	if err := driver.WriteFileAtomic(m.o.StatePath, data); err != nil {
		m.logf("Error: state report: %v", err)
	}
	m.stateGen++
}

type prefixWriter struct {
	m      *Init
	prefix string
	buf    []byte
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	w.m.logMu.Lock()
	defer w.m.logMu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		fmt.Fprintf(w.m.o.Log, "%s%s\n", w.prefix, w.buf[:i])
		w.buf = w.buf[i+1:]
	}
	return len(p), nil
}
