// Package launch turns a Genode component configuration (a <start> node in
// HID or XML) into the model's flat run-time configuration
// (host/MODEL-CONFIG.md) and runs the component's binary on the model
// libraries through the host's dynamic loader.
//
// genode-run and go_genode_$GOARCH_exec are thin commands over this package.
package launch

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// KV is one name/value pair, kept in document order.
type KV struct{ Name, Value string }

// VFSNode is one node of the component's file-system view.
type VFSNode struct {
	Path   string // absolute path in the view
	Type   string // flat type: dir fs ram inline rom null zero log terminal rtc pipe symlink socket rng
	Fields []KV   // name=value fields (host=, writeable=, target=, ...)
	// Content is written to a file in the run directory and passed as host=
	// (inline nodes); nil for every other type.
	Content []byte
	Line    int // line of the config node, for diagnostics
	// Term is the Terminal session of a terminal node (terminal.go).
	Term *Terminal
	src  *node.Node // the config node, for diagnostics
}

// SubKV is one attribute of a <libc> sub node.
type SubKV struct{ Node, Name, Value string }

// FD is one <libc><fd id path readable writeable cloexec seek> node.
type FD struct {
	ID                  uint64
	Path                string
	HasPath             bool
	Readable, Writeable bool
	Cloexec             bool
	Seek                uint64
}

// Component is a resolved component: everything the flat file says.
type Component struct {
	Name   string
	Binary string // absolute host path
	RAM    uint64
	Caps   uint64
	Libc   []KV
	// LibcSub holds the attributes of <libc><passwd> and <libc><group> (getpwent.cc, getgrent.cc).
	LibcSub []SubKV
	// FDs are the <libc><fd> nodes (kernel.cc _init_file_descriptors), in document order.
	FDs        []FD
	Args       []string
	Env        []KV
	VFS        []VFSNode
	Strict     bool
	WatchdogMS int
	// ExecConfig is the host path of the component's launcher config, for the
	// model's execve. Empty: the launcher writes the config it was given.
	ExecConfig string
	// Warnings Genode itself would log for this configuration, already in
	// Genode's format ("[init] Warning: ...", "[name] Warning: ...").
	Warnings []string
	// source is the config text, kept to write ExecConfig when empty.
	source []byte
}

// Options control how a configuration is resolved.
type Options struct {
	// File names the config in diagnostics; it is also the base for relative
	// <binary> and <rom> names unless Dir is set.
	File string
	// Dir is the directory relative binary and ROM names are resolved against.
	Dir string
	// Binary overrides <binary name> (-binary).
	Binary string
	// Strict makes every Genode warning fatal (status 3), in the launcher and
	// in the model.
	Strict bool
	// WatchdogMS sets watchdog_ms; 0 leaves the model's default.
	WatchdogMS int
}

// ConfigError is a malformed or unsupported configuration. It names the file,
// the line and column, the node (as a path from the top-level node) and, if
// any, the attribute.
type ConfigError struct {
	File      string
	Line, Col int
	Node      string // e.g. "start hello / config / vfs / dir dev / fs"
	Attr      string
	Msg       string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, "%d:", e.Col)
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Node != "" {
		fmt.Fprintf(&b, "node <%s>", e.Node)
		if e.Attr != "" {
			fmt.Fprintf(&b, ", attribute %q", e.Attr)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// resolver carries the state of one resolution.
type resolver struct {
	opt  Options
	dir  string
	comp *Component
	path map[*node.Node]string // node → its display path
	// defRoute is the <default-route> of an init <config> around the start
	// node, nil without one.
	defRoute *node.Node
	route    *node.Node // the start node's <route>, else defRoute
}

func (r *resolver) nodeErr(n *node.Node, format string, args ...any) error {
	return &ConfigError{File: r.opt.File, Line: n.Line, Col: n.Col, Node: r.path[n], Msg: fmt.Sprintf(format, args...)}
}

func (r *resolver) attrErr(n *node.Node, attr string, format string, args ...any) error {
	line, col := n.Line, n.Col
	for _, a := range n.Attrs {
		if a.Name == attr {
			if a.Line > 0 {
				line, col = a.Line, a.Col
			}
			break
		}
	}
	return &ConfigError{File: r.opt.File, Line: line, Col: col, Node: r.path[n], Attr: attr, Msg: fmt.Sprintf(format, args...)}
}

// label records the display path of n under parent.
func (r *resolver) label(n, parent *node.Node) {
	s := n.Type
	if name, ok := n.Attr("name"); ok && name != "" {
		s += " " + name
	}
	if parent != nil {
		s = r.path[parent] + " / " + s
	}
	r.path[n] = s
}

func (r *resolver) warn(format string, args ...any) {
	r.comp.Warnings = append(r.comp.Warnings, fmt.Sprintf(format, args...))
}

// Load parses a configuration (HID or XML, sniffed) and resolves it.
func Load(data []byte, opt Options) (*Component, error) {
	root, err := node.Parse(data)
	if err != nil {
		if ne, ok := err.(*node.Error); ok {
			return nil, &ConfigError{File: opt.File, Line: ne.Line, Col: ne.Col, Msg: ne.Msg}
		}
		return nil, &ConfigError{File: opt.File, Msg: err.Error()}
	}
	c, err := Resolve(root, opt)
	if err != nil {
		return nil, err
	}
	c.source = data
	return c, nil
}

// LoadFile reads and resolves a configuration file.
func LoadFile(file string, opt Options) (*Component, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if opt.File == "" {
		opt.File = file
	}
	if opt.Dir == "" {
		opt.Dir = filepath.Dir(file)
	}
	c, err := Load(data, opt)
	if err != nil {
		return nil, err
	}
	if abs, err := filepath.Abs(file); err == nil {
		c.ExecConfig = abs
	}
	return c, nil
}

// Resolve checks a parsed configuration and resolves it against the host.
// The top-level node is a <start> node, or an init <config> holding exactly
// one <start> node.
func Resolve(root *node.Node, opt Options) (*Component, error) {
	r := &resolver{opt: opt, comp: &Component{Strict: opt.Strict, WatchdogMS: opt.WatchdogMS}, path: map[*node.Node]string{}}
	r.dir = opt.Dir
	if r.dir == "" {
		r.dir = "."
	}
	if d, err := filepath.Abs(r.dir); err == nil {
		r.dir = d
	}
	r.label(root, nil)
	start := root
	if root.Type == "config" {
		starts := root.All("start")
		if len(starts) != 1 {
			return nil, r.nodeErr(root, "an init <config> must hold exactly one <start> node for genode-run, found %d", len(starts))
		}
		start = starts[0]
		r.label(start, root)
		if dr := root.Child("default-route"); dr != nil {
			r.label(dr, root)
			r.labelTree(dr)
			r.defRoute = dr
		}
	} else if root.Type != "start" {
		return nil, r.nodeErr(root, "the top-level node must be <start> (or an init <config> with one <start>), not <%s>", root.Type)
	}
	if err := r.start(start); err != nil {
		return nil, err
	}
	return r.comp, nil
}

func (r *resolver) start(start *node.Node) error {
	c := r.comp
	name, ok := start.Attr("name")
	if !ok || name == "" {
		return r.nodeErr(start, "lacks a name (HID: 'start NAME'; XML: name=\"...\")")
	}
	if strings.Contains(name, " -> ") || strings.ContainsAny(name, "/\t\n") {
		return r.attrErr(start, "name", "%q is not a usable child name", name)
	}
	c.Name = name
	r.labelTree(start)
	// init routes the child's sessions by its <route>, else by the
	// <default-route> (sandbox/child.h _construct_route_model_from_start_node)
	r.route = start.Child("route")
	if r.route == nil {
		r.route = r.defRoute
	}

	s, err := initcfg.Options{}.Start(start)
	if err != nil {
		return r.posErr(start, err)
	}
	if err := r.diags(start, s.Diags); err != nil {
		return err
	}
	if s.Ld != "" {
		if ld, _ := node.ParseBool(s.Ld); !ld {
			return r.attrErr(start, "ld", "statically linked components (ld=\"no\") are not modelled")
		}
	}
	c.RAM, c.Caps = uint64(s.RAM), s.Caps
	if c.RAM == 0 {
		return r.nodeErr(start, "no RAM quota: give ram=\"SIZE\" (or <resource name=\"RAM\" quantum=\"SIZE\"/>); init would not start the child")
	}
	if c.Caps == 0 {
		return r.nodeErr(start, "no capability quota: give caps=\"N\"; init would not start the child")
	}

	// The binary: -binary, else <binary name>, else the start name (a ROM
	// name, resolved in the config's directory).
	switch {
	case r.opt.Binary != "":
		b, err := filepath.Abs(r.opt.Binary)
		if err != nil {
			return err
		}
		if err := checkBinary(b); err != nil {
			return &ConfigError{File: r.opt.File, Msg: fmt.Sprintf("-binary %s: %v", r.opt.Binary, err)}
		}
		c.Binary = b
	case s.Binary != "":
		b := r.hostPath(s.Binary)
		if err := checkBinary(b); err != nil {
			return r.attrErr(start.Child("binary"), "name", "binary %s: %v", b, err)
		}
		c.Binary = b
	default:
		b := r.hostPath(name)
		if err := checkBinary(b); err != nil {
			return r.attrErr(start, "name", "no <binary> node, and the binary named after the start node, %s: %v", b, err)
		}
		c.Binary = b
	}

	if s.Config == nil {
		// No <config>: the libc sees an empty config (no args, env, VFS).
		return nil
	}
	return r.config(start.Child("config"), s.Config)
}

// labelTree records the display paths of n's descendants.
func (r *resolver) labelTree(n *node.Node) {
	for _, ch := range n.Children {
		r.label(ch, n)
		r.labelTree(ch)
	}
}

// locate finds the node or attribute of the tree below n at a position.
func locate(n *node.Node, line, col int) (*node.Node, string) {
	for _, a := range n.Attrs {
		if a.Line == line && a.Col == col {
			return n, a.Name
		}
	}
	if n.Line == line && n.Col == col {
		return n, ""
	}
	for _, ch := range n.Children {
		if m, a := locate(ch, line, col); m != nil {
			return m, a
		}
	}
	return nil, ""
}

// posErr turns a decoding error at a position below start into a
// ConfigError naming the node and attribute there.
func (r *resolver) posErr(start *node.Node, err error) error {
	ne, ok := err.(*node.Error)
	if !ok {
		return &ConfigError{File: r.opt.File, Msg: err.Error()}
	}
	e := &ConfigError{File: r.opt.File, Line: ne.Line, Col: ne.Col, Msg: ne.Msg}
	if n, attr := locate(start, ne.Line, ne.Col); n != nil {
		e.Node, e.Attr = r.path[n], attr
		e.Msg = strings.TrimPrefix(e.Msg, attr+": ")
	}
	return e
}

// diags applies what decoding found that Genode warns about or passes over:
// Genode's warnings are the component's; what Genode never reads (a typo,
// mostly) is refused; forms Genode skips are the launcher's warnings in
// strict mode.
func (r *resolver) diags(start *node.Node, ds []initcfg.Diag) error {
	for _, d := range ds {
		switch d.Kind {
		case initcfg.Warning:
			who := "init"
			if d.Child {
				who = r.comp.Name
			}
			r.warn("[%s] Warning: %s", who, d.Msg)
		case initcfg.Unread:
			return r.posErr(start, &node.Error{Line: d.Line, Col: d.Col, Msg: d.Msg})
		case initcfg.Ignored:
			if r.opt.Strict {
				r.warn("Warning: %s:%d:%d: %s (Genode passes over it silently)", r.opt.File, d.Line, d.Col, d.Msg)
			}
		}
	}
	return nil
}

// hostPath resolves a ROM-like name against the config's directory.
func (r *resolver) hostPath(name string) string {
	if filepath.IsAbs(name) {
		return filepath.Clean(name)
	}
	return filepath.Join(r.dir, name)
}

func checkBinary(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return fmt.Errorf("no such file")
		}
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var magic [4]byte
	if _, err := f.Read(magic[:]); err != nil || string(magic[:]) != "\x7fELF" {
		return fmt.Errorf("not an ELF file")
	}
	return nil
}

// <libc> attributes Genode's libc reads (libc/internal/config.h, kernel.cc).
var libcAttrs = map[string]string{
	"stdin": "path", "stdout": "path", "stderr": "path", "cwd": "path",
	"rtc": "path", "rng": "path", "pipe": "path", "socket": "path", "nameserver_file": "path",
	"pid": "int", "connect_timeout_sec": "unsigned", "update_mtime": "bool", "cloned": "bool",
}

func (r *resolver) config(cfgNode *node.Node, cfg *initcfg.ChildConfig) error {
	c := r.comp
	c.Args = cfg.Args
	for _, e := range cfg.Env {
		if e.Name == "" || strings.Contains(e.Name, "=") {
			return r.nodeErr(cfgNode, "environment variable name %q is unusable", e.Name)
		}
		c.Env = append(c.Env, KV{e.Name, e.Value})
	}
	if l := cfg.Libc; l != nil {
		libc := &node.Node{Type: "libc", Attrs: l.Attrs, Children: l.Children, Line: l.Line, Col: l.Col}
		r.label(libc, cfgNode)
		if err := r.libc(libc); err != nil {
			return err
		}
	}
	if v := cfg.VFS; v != nil {
		if !cfg.VFSInLibc {
			r.label(v, cfgNode)
		}
		c.VFS = append(c.VFS, VFSNode{Path: "/", Type: "dir", Line: v.Line, src: v})
		if err := r.vfsDir(v, "/"); err != nil {
			return err
		}
		if err := r.terminals(r.route); err != nil {
			return err
		}
	}
	return nil
}

func (r *resolver) libc(libc *node.Node) error {
	c := r.comp
	for _, a := range libc.Attrs {
		kind, ok := libcAttrs[a.Name]
		if !ok {
			return r.attrErr(libc, a.Name, "unknown <libc> attribute (Genode's libc reads %s)", strings.Join(sortedKeys(libcAttrs), ", "))
		}
		v := a.Value
		switch kind {
		case "path":
			if !strings.HasPrefix(v, "/") && a.Name != "cwd" {
				return r.attrErr(libc, a.Name, "%q is not an absolute VFS path", v)
			}
		case "int":
			n, err := node.ParseSigned(v)
			if err != nil || n < -1<<31 || n > 1<<31-1 {
				return r.attrErr(libc, a.Name, "%q is not a number", v)
			}
			v = strconv.FormatInt(n, 10)
		case "unsigned":
			n, err := node.ParseUnsigned(v)
			if err != nil {
				return r.attrErr(libc, a.Name, "%v", err)
			}
			v = strconv.FormatUint(n, 10)
		case "bool":
			b, err := node.ParseBool(v)
			if err != nil {
				return r.attrErr(libc, a.Name, "%v", err)
			}
			v = "no"
			if b {
				v = "yes"
			}
		}
		c.Libc = append(c.Libc, KV{a.Name, v})
	}
	for _, ch := range libc.Children {
		r.label(ch, libc)
		switch ch.Type {
		case "vfs": // handled by config()
		case "stack":
			s, ok := ch.Attr("size")
			if !ok {
				continue
			}
			n, err := node.ParseNumBytes(s)
			if err != nil {
				return r.attrErr(ch, "size", "%v", err)
			}
			c.Libc = append(c.Libc, KV{"stack_size", strconv.FormatUint(n, 10)})
		case "mmap":
			s, ok := ch.Attr("align_log2")
			if !ok {
				continue
			}
			n, err := node.ParseUnsigned(s)
			if err != nil || n < 12 || n > 40 {
				return r.attrErr(ch, "align_log2", "%q is not a usable alignment (12..40)", s)
			}
			c.Libc = append(c.Libc, KV{"mmap_align_log2", strconv.FormatUint(n, 10)})
		case "pthread":
			// CPU placement only; one CPU is as good as another on the model.
		case "passwd", "group":
			// getpwent.cc/getgrent.cc read these attributes (values as given; numbers parsed by the model).
			known := map[string]bool{"name": true, "passwd": true, "uid": true, "gid": true, "change": true,
				"class": true, "gecos": true, "home": true, "shell": true, "expire": true, "fields": true}
			if ch.Type == "group" {
				known = map[string]bool{"name": true, "passwd": true, "gid": true}
			}
			for _, a := range ch.Attrs {
				if !known[a.Name] {
					return r.attrErr(ch, a.Name, "unknown <%s> attribute", ch.Type)
				}
				c.LibcSub = append(c.LibcSub, SubKV{ch.Type, a.Name, a.Value})
			}
		case "fd":
			var fd FD
			for _, a := range ch.Attrs {
				var err error
				switch a.Name {
				case "id":
					fd.ID, err = node.ParseUnsigned(a.Value)
				case "path":
					fd.Path, fd.HasPath = a.Value, true
				case "readable":
					fd.Readable, err = node.ParseBool(a.Value)
				case "writeable":
					fd.Writeable, err = node.ParseBool(a.Value)
				case "cloexec":
					fd.Cloexec, err = node.ParseBool(a.Value)
				case "seek":
					fd.Seek, err = node.ParseUnsigned(a.Value)
				default:
					return r.attrErr(ch, a.Name, "unknown <fd> attribute (kernel.cc reads id, path, readable, writeable, cloexec, seek)")
				}
				if err != nil {
					return r.attrErr(ch, a.Name, "%v", err)
				}
			}
			c.FDs = append(c.FDs, fd)
		default:
			return r.nodeErr(ch, "<libc> sub node <%s> is not modelled", ch.Type)
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
