package initcfg

import (
	"fmt"

	"genodego/sandbox/node"
)

// What Genode does with a configuration decides what decoding does with it:
// what it refuses (or would read as a value nobody wrote) is an error; what
// it logs a warning about is a Diag of kind Warning; what it passes over
// without a word is a Diag of kind Ignored or Unread, or, with
// Options.Strict, an error. Errors and Diags carry line and column.

// MaxName is the length of the longest name init keeps: a child's name is a
// String<64> (base/child.h, Child_policy::Name).
const MaxName = 63

// DiagKind tells what Genode does with a Diag's subject.
type DiagKind int

const (
	// Warning: Genode logs a warning and goes on.
	Warning DiagKind = iota
	// Ignored: Genode reads the node, but this form of it gives nothing
	// (an <arg> without name and content, an <env key> without value).
	Ignored
	// Unread: Genode never looks at it: an attribute or sub node it does
	// not know (a typo, usually), or a repeated node of which it reads the
	// first.
	Unread
)

func (k DiagKind) String() string {
	return [...]string{"warning", "ignored", "unread"}[k]
}

// Diag is something Genode accepts without applying all of it.
type Diag struct {
	Line, Col int
	Kind      DiagKind
	// Child is set where the child's libc logs the warning, not init.
	Child bool
	// Msg is, for a Warning, the text Genode logs after "Warning: ".
	Msg string
}

func (d Diag) String() string { return fmt.Sprintf("%d:%d: %s", d.Line, d.Col, d.Msg) }

// Options control decoding.
type Options struct {
	// Strict makes every Ignored or Unread Diag an error, as node.Parse
	// does with what Genode's parsers skip.
	Strict bool
}

// Strict decodes with Options.Strict set.
var Strict = Options{Strict: true}

// Decode parses HID or XML strictly and decodes init's configuration
// strictly.
func Decode(data []byte) (*Config, error) {
	n, err := node.Parse(data)
	if err != nil {
		return nil, err
	}
	return FromNode(n)
}

// FromNode decodes a <config> node strictly.
func FromNode(n *node.Node) (*Config, error) { return Strict.Config(n) }

type decoder struct {
	o          Options
	diags      []Diag
	defaultRAM Bytes
}

func (d *decoder) diag(kind DiagKind, line, col int, child bool, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if d.o.Strict && kind != Warning {
		return &node.Error{Line: line, Col: col, Msg: msg}
	}
	d.diags = append(d.diags, Diag{Line: line, Col: col, Kind: kind, Child: child, Msg: msg})
	return nil
}

func (d *decoder) nodeDiag(kind DiagKind, n *node.Node, format string, args ...any) error {
	return d.diag(kind, n.Line, n.Col, false, format, args...)
}

// take moves the collected diags out.
func (d *decoder) take() []Diag {
	r := d.diags
	d.diags = nil
	return r
}

func errAt(n *node.Node, format string, args ...any) error {
	return &node.Error{Line: n.Line, Col: n.Col, Msg: fmt.Sprintf(format, args...)}
}

func errAttr(n *node.Node, attr string, format string, args ...any) error {
	l, c := n.AttrPos(attr)
	return &node.Error{Line: l, Col: c, Msg: fmt.Sprintf(format, args...)}
}

// attr reads a typed attribute with one of node's value parsers; absent,
// it leaves dst alone.
func attr[T any](n *node.Node, name string, dst *T, parse func(string) (T, error)) error {
	v, ok := n.Attr(name)
	if !ok {
		return nil
	}
	x, err := parse(v)
	if err != nil {
		return errAttr(n, name, "%s: %v", name, err)
	}
	*dst = x
	return nil
}

func boolAttr(n *node.Node, name string, dst *bool) error {
	return attr(n, name, dst, node.ParseBool)
}

func uintAttr(n *node.Node, name string, dst *uint64) error {
	return attr(n, name, dst, node.ParseUnsigned)
}

func intAttr(n *node.Node, name string, dst *int) error {
	var v int64
	if err := attr(n, name, &v, node.ParseSigned); err != nil {
		return err
	}
	if _, ok := n.Attr(name); ok {
		*dst = int(v)
	}
	return nil
}

func bytesAttr(n *node.Node, name string, dst *Bytes) error {
	return attr(n, name, dst, ParseBytes)
}

func needAttr(n *node.Node, name string) (string, error) {
	v, ok := n.Attr(name)
	if !ok || v == "" {
		return "", errAt(n, "<%s> lacks the %q attribute", n.Type, name)
	}
	return v, nil
}

// checkAttrs reports the attributes of n that Genode does not read.
func (d *decoder) checkAttrs(n *node.Node, allowed ...string) error {
next:
	for _, a := range n.Attrs {
		for _, x := range allowed {
			if a.Name == x {
				continue next
			}
		}
		l, c := n.AttrPos(a.Name)
		if err := d.diag(Unread, l, c, false, "<%s>: unknown attribute %q", n.Type, a.Name); err != nil {
			return err
		}
	}
	return nil
}

// Config decodes a <config> node.
func (o Options) Config(n *node.Node) (*Config, error) {
	if n.Type != "config" {
		return nil, errAt(n, "expected <config>, found <%s>", n.Type)
	}
	d := &decoder{o: o}
	if err := d.checkAttrs(n, "version", "prio_levels", "verbose", "ld_verbose", "generate_xml"); err != nil {
		return nil, err
	}
	c := &Config{}
	c.Version, _ = n.Attr("version")
	c.GenerateXML, _ = n.Attr("generate_xml")
	if err := intAttr(n, "prio_levels", &c.PrioLevels); err != nil {
		return nil, err
	}
	if p := c.PrioLevels; p < 0 || p&(p-1) != 0 {
		// sandbox/utils.h: prio_levels_from_node
		l, col := n.AttrPos("prio_levels")
		d.diag(Warning, l, col, false, "prio levels is not power of two, priorities are disabled")
	}
	var gx bool
	if err := boolAttr(n, "generate_xml", &gx); err != nil {
		return nil, err
	}
	if err := boolAttr(n, "verbose", &c.Verbose); err != nil {
		return nil, err
	}
	if err := boolAttr(n, "ld_verbose", &c.LdVerbose); err != nil {
		return nil, err
	}
	// <default> applies wherever it stands (config_model.cc).
	for _, ch := range n.All("default") {
		if err := bytesAttr(ch, "ram", &d.defaultRAM); err != nil {
			return nil, err
		}
	}
	names := map[string]bool{}
	for _, ch := range n.Children {
		switch ch.Type {
		case "parent-provides":
			for _, s := range ch.Children {
				if s.Type != "service" {
					if err := d.nodeDiag(Unread, s, "<parent-provides> holds <service> nodes only"); err != nil {
						return nil, err
					}
					continue
				}
				name, err := needAttr(s, "name")
				if err != nil {
					return nil, err
				}
				c.ParentProvides = append(c.ParentProvides, name)
			}
		case "default-route":
			if c.DefaultRoute != nil {
				return nil, errAt(ch, "more than one <default-route>")
			}
			r, err := d.route(ch)
			if err != nil {
				return nil, err
			}
			c.DefaultRoute = r
		case "default":
			def := &Default{}
			if err := d.checkAttrs(ch, "caps", "ram"); err != nil {
				return nil, err
			}
			if err := uintAttr(ch, "caps", &def.Caps); err != nil {
				return nil, err
			}
			if err := bytesAttr(ch, "ram", &def.RAM); err != nil {
				return nil, err
			}
			c.Default = def
		case "affinity-space":
			a := &AffinitySpace{Width: 1, Height: 1}
			if err := intAttr(ch, "width", &a.Width); err != nil {
				return nil, err
			}
			if err := intAttr(ch, "height", &a.Height); err != nil {
				return nil, err
			}
			c.AffinitySpace = a
		case "report":
			if c.Report != nil {
				return nil, errAt(ch, "more than one <report>")
			}
			r := &Report{}
			for _, kv := range []struct {
				k string
				v *bool
			}{{"ids", &r.IDs}, {"requested", &r.Requested}, {"provided", &r.Provided}, {"session_args", &r.SessionArgs},
				{"child_ram", &r.ChildRAM}, {"child_caps", &r.ChildCaps}, {"init_ram", &r.InitRAM}, {"init_caps", &r.InitCaps}} {
				if err := boolAttr(ch, kv.k, kv.v); err != nil {
					return nil, err
				}
			}
			if err := uintAttr(ch, "delay_ms", &r.DelayMs); err != nil {
				return nil, err
			}
			if err := bytesAttr(ch, "buffer", &r.Buffer); err != nil {
				return nil, err
			}
			c.Report = r
		case "heartbeat":
			h := &Heartbeat{}
			if err := uintAttr(ch, "rate_ms", &h.RateMs); err != nil {
				return nil, err
			}
			c.Heartbeat = h
		case "resource":
			name, err := needAttr(ch, "name")
			if err != nil {
				return nil, err
			}
			p, _ := ch.Attr("preserve")
			switch name {
			case "RAM":
				var b Bytes
				err = bytesAttr(ch, "preserve", &b)
			case "CAP":
				var u uint64
				err = uintAttr(ch, "preserve", &u)
			default:
				// config_model.cc throws Unknown_resource_name
				err = errAttr(ch, "name", "unknown resource %q (RAM or CAP)", name)
			}
			if err != nil {
				return nil, err
			}
			c.Preserve = append(c.Preserve, Preserve{Name: name, Preserve: p})
		case "alias":
			name, err := needAttr(ch, "name")
			if err != nil {
				return nil, err
			}
			child, err := needAttr(ch, "child")
			if err != nil {
				return nil, err
			}
			c.Aliases = append(c.Aliases, Alias{name, child})
		case "service":
			c.Services = append(c.Services, ch.Clone())
		case "start":
			s, err := d.start(ch)
			if err != nil {
				return nil, err
			}
			if names[s.Name] {
				return nil, errAttr(ch, "name", "duplicate start name %q", s.Name)
			}
			names[s.Name] = true
			c.Starts = append(c.Starts, s)
		default:
			return nil, errAt(ch, "unknown config element type <%s> (init would apply the configuration only partially)", ch.Type)
		}
	}
	c.Diags = d.take()
	return c, nil
}

func (d *decoder) route(n *node.Node) (*Route, error) {
	r := &Route{}
	for _, rn := range n.Children {
		var rule Rule
		switch rn.Type {
		case "service":
			name, err := needAttr(rn, "name")
			if err != nil {
				return nil, err
			}
			rule.Service = name
		case "any-service":
			rule.Any = true
		default:
			return nil, errAt(rn, "<%s> in <%s>: expected <service> or <any-service>", rn.Type, n.Type)
		}
		allowed := []string{"label", "label_prefix", "label_suffix", "label_last", "unscoped_label"}
		if !rule.Any {
			allowed = append(allowed, "name")
		}
		if err := d.checkAttrs(rn, allowed...); err != nil {
			return nil, err
		}
		rule.Label, _ = rn.Attr("label")
		rule.LabelPrefix, _ = rn.Attr("label_prefix")
		rule.LabelSuffix, _ = rn.Attr("label_suffix")
		rule.LabelLast, _ = rn.Attr("label_last")
		rule.UnscopedLabel, _ = rn.Attr("unscoped_label")
		for _, tn := range rn.Children {
			var t Target
			switch tn.Type {
			case "parent":
				t.Kind = Parent
			case "child":
				t.Kind = Child
				name, err := needAttr(tn, "name")
				if err != nil {
					return nil, err
				}
				t.Name = name
			case "any-child":
				t.Kind = AnyChild
			case "local":
				t.Kind = Local
			default:
				return nil, errAt(tn, "unknown route target <%s>", tn.Type)
			}
			allowed := []string{"label", "identity", "resource", "prepend_resource"}
			if t.Kind == Child {
				allowed = append(allowed, "name")
			}
			if err := d.checkAttrs(tn, allowed...); err != nil {
				return nil, err
			}
			t.Label, _ = tn.Attr("label")
			t.Identity, _ = tn.Attr("identity")
			t.Resource, _ = tn.Attr("resource")
			t.PrependResource, _ = tn.Attr("prepend_resource")
			rule.Targets = append(rule.Targets, t)
		}
		if len(rule.Targets) == 0 {
			return nil, errAt(rn, "route rule without target")
		}
		r.Rules = append(r.Rules, rule)
	}
	return r, nil
}

// Start decodes one <start> node, as init's Sandbox::Child reads it
// (repos/os/src/lib/sandbox/child.h, child.cc, utils.h). The <default>
// quotas of the enclosing config are not applied.
func (o Options) Start(n *node.Node) (*Start, error) {
	d := &decoder{o: o}
	return d.start(n)
}

func (d *decoder) start(n *node.Node) (*Start, error) {
	outer := d.take()
	defer func() { d.diags = outer }()
	if err := d.checkAttrs(n, "name", "version", "caps", "ram", "priority", "ld", "managing_system"); err != nil {
		return nil, err
	}
	s := &Start{}
	name, err := needAttr(n, "name")
	if err != nil {
		return nil, err
	}
	if len(name) > MaxName {
		l, c := n.AttrPos("name")
		if err := d.diag(Ignored, l, c, false, "start name %q is %d characters long: init keeps the first %d (Child_policy::Name is a String<64>)", name, len(name), MaxName); err != nil {
			return nil, err
		}
		name = name[:MaxName]
	}
	s.Name = name
	s.Version, _ = n.Attr("version")
	if err := uintAttr(n, "caps", &s.Caps); err != nil {
		return nil, err
	}
	if err := bytesAttr(n, "ram", &s.RAM); err != nil {
		return nil, err
	}
	if err := intAttr(n, "priority", &s.Priority); err != nil {
		return nil, err
	}
	if s.Priority > 0 {
		return nil, errAttr(n, "priority", "priority must be 0 or negative")
	}
	var ld bool
	if err := boolAttr(n, "ld", &ld); err != nil {
		return nil, err
	}
	s.Ld, _ = n.Attr("ld")
	if err := boolAttr(n, "managing_system", &s.ManagingSystem); err != nil {
		return nil, err
	}
	// child.cc _configured_ram_quota: the ram attribute (else <default
	// ram>), then each <resource name="RAM"> in turn, warning whenever it
	// replaces a quota that is not zero.
	ram := s.RAM
	if _, ok := n.Attr("ram"); !ok {
		ram = d.defaultRAM
	}
	seen := map[string]bool{}
	for _, ch := range n.Children {
		if seen[ch.Type] && ch.Type != "resource" {
			if err := d.nodeDiag(Unread, ch, "more than one <%s> in <start name=%q>: init reads the first", ch.Type, s.Name); err != nil {
				return nil, err
			}
			continue
		}
		seen[ch.Type] = true
		switch ch.Type {
		case "binary":
			b, err := needAttr(ch, "name")
			if err != nil {
				return nil, err
			}
			s.Binary = b
		case "resource":
			if err := d.resource(s, n, ch, &ram); err != nil {
				return nil, err
			}
		case "affinity":
			a := &Affinity{}
			for _, kv := range []struct {
				k string
				v *int
			}{{"xpos", &a.XPos}, {"ypos", &a.YPos}, {"width", &a.Width}, {"height", &a.Height}} {
				if err := intAttr(ch, kv.k, kv.v); err != nil {
					return nil, err
				}
			}
			s.Affinity = a
		case "provides":
			for _, sv := range ch.Children {
				name, err := needAttr(sv, "name")
				if err != nil {
					return nil, err
				}
				s.Provides = append(s.Provides, name)
			}
		case "route":
			r, err := d.route(ch)
			if err != nil {
				return nil, err
			}
			s.Route = r
		case "config":
			inner := d.take()
			cc, err := d.childConfig(ch)
			if err != nil {
				return nil, err
			}
			cc.Diags = d.diags
			d.diags = append(inner, d.diags...)
			s.Config = cc
		case "heartbeat":
			h := &StartHeartbeat{}
			if err := uintAttr(ch, "restart_after_skipped", &h.RestartAfterSkipped); err != nil {
				return nil, err
			}
			s.Heartbeat = h
		case "exit":
			if err := boolAttr(ch, "propagate", &s.ExitPropagate); err != nil {
				return nil, err
			}
		default:
			if err := d.nodeDiag(Unread, ch, "unknown node <%s> in <start>", ch.Type); err != nil {
				return nil, err
			}
		}
	}
	s.Diags = d.take()
	return s, nil
}

// resource reads a legacy <resource name="RAM|CAP" quantum> of start node n;
// ram is the RAM quota init has so far.
func (d *decoder) resource(s *Start, n, r *node.Node, ram *Bytes) error {
	name, _ := r.Attr("name")
	if name == "CPU" {
		return d.nodeDiag(Unread, r, "<resource name=\"CPU\"> no longer exists (removed in Genode 25.11)")
	}
	if name != "RAM" && name != "CAP" {
		return d.nodeDiag(Unread, r, "unknown resource %q (RAM or CAP)", name)
	}
	if _, ok := r.Attr("quantum"); !ok {
		// child.h keeps the quota it has, child.cc takes 0
		return errAt(r, "<resource name=%q> lacks a quantum attribute", name)
	}
	if name == "RAM" {
		var q Bytes
		if err := bytesAttr(r, "quantum", &q); err != nil {
			return err
		}
		if *ram != 0 {
			d.nodeDiag(Warning, r, "%s: ambigious RAM-quota definition", s.Name) // Genode's spelling
		}
		*ram, s.RAM, s.LegacyRAM = q, q, true
		return nil
	}
	if err := uintAttr(r, "quantum", &s.Caps); err != nil {
		return err
	}
	if _, ok := n.Attr("caps"); ok {
		// child.h reads the quantum when it creates the child; child.cc's
		// updates read caps only
		return d.nodeDiag(Ignored, r, "<resource name=\"CAP\"> and caps: init applies the quantum when it creates the child, caps on every update")
	}
	return nil
}
