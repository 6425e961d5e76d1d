// Package initcfg models the configuration of Genode's init (and of the
// sandbox library it wraps) as Go types, with encoding to and decoding from
// node trees, hence HID and XML.
//
// Schema of record: repos/os/src/init/init.hsd and
// repos/os/src/lib/sandbox/config_model.cc in Genode 26.02. Unknown
// top-level nodes are refused at decode time because init logs "unknown
// config element type" and applies the configuration only partially.
package initcfg

import (
	"fmt"
	"strconv"

	"genodego/sandbox/node"
)

// Config is init's <config>.
type Config struct {
	Version        string // echoed as <state version>
	PrioLevels     int
	Verbose        bool
	LdVerbose      bool
	GenerateXML    string // "" (unset), "yes" or "no": the component-global syntax switch
	ParentProvides []string
	DefaultRoute   *Route // nil: none
	Default        *Default
	AffinitySpace  *AffinitySpace
	Report         *Report
	Heartbeat      *Heartbeat
	Preserve       []Preserve
	Aliases        []Alias
	Services       []*node.Node // <service> re-exports, kept verbatim
	Starts         []*Start
}

type Default struct {
	Caps uint64
	RAM  Bytes
}

type AffinitySpace struct{ Width, Height int }

// Report enables init's state report ("state").
type Report struct {
	IDs, Requested, Provided, SessionArgs  bool
	ChildRAM, ChildCaps, InitRAM, InitCaps bool
	DelayMs                                uint64 // 0: attribute omitted (init's default 100)
	Buffer                                 Bytes  // 0: omitted (init's default 4K)
}

type Heartbeat struct{ RateMs uint64 }

// Preserve is <resource name="RAM|CAP" preserve="..."/>.
type Preserve struct {
	Name     string
	Preserve string
}

type Alias struct{ Name, Child string }

// Start is one <start> node, i.e. one child.
type Start struct {
	Name           string
	Version        string
	Caps           uint64 // 0: init's <default caps>
	RAM            Bytes  // 0: init's <default ram>
	Priority       int    // 0 highest, -(prio_levels-1) lowest
	Ld             string // "", "yes" or "no"
	ManagingSystem bool
	Binary         string // "": the start name
	Affinity       *Affinity
	Provides       []string
	Route          *Route // nil: the <default-route>
	Config         *ChildConfig
	Heartbeat      *StartHeartbeat
	ExitPropagate  bool
	// LegacyRAM marks a RAM quota given as <resource name="RAM" quantum>.
	LegacyRAM bool
}

type Affinity struct{ XPos, YPos, Width, Height int }

type StartHeartbeat struct{ RestartAfterSkipped uint64 }

// Route is a <route> or <default-route>: rules evaluated in order.
type Route struct{ Rules []Rule }

// Rule is <service name> or <any-service> with its targets.
type Rule struct {
	Service       string // "" with Any
	Any           bool
	Label         string
	LabelPrefix   string
	LabelSuffix   string
	LabelLast     string
	UnscopedLabel string
	Targets       []Target
}

type TargetKind int

const (
	Parent TargetKind = iota
	Child
	AnyChild
	Local
)

func (k TargetKind) String() string {
	return [...]string{"parent", "child", "any-child", "local"}[k]
}

// Target is <parent/>, <child name/>, <any-child/> or <local/>, with the
// label rewriting attributes of 25.02.
type Target struct {
	Kind            TargetKind
	Name            string // child
	Label           string
	Identity        string
	Resource        string
	PrependResource string
}

// Error is a decode error with a position.
type Error = node.Error

func errAt(n *node.Node, format string, args ...any) error {
	return &node.Error{Line: n.Line, Col: n.Col, Msg: fmt.Sprintf(format, args...)}
}

func errAttr(n *node.Node, attr string, format string, args ...any) error {
	for _, a := range n.Attrs {
		if a.Name == attr {
			return &node.Error{Line: a.Line, Col: a.Col, Msg: fmt.Sprintf(format, args...)}
		}
	}
	return errAt(n, format, args...)
}

// ----- encoding -----

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Node renders the configuration as a <config> node.
func (c *Config) Node() *node.Node {
	n := node.New("config")
	if c.Version != "" {
		n.Set("version", c.Version)
	}
	if c.PrioLevels != 0 {
		n.Set("prio_levels", strconv.Itoa(c.PrioLevels))
	}
	if c.Verbose {
		n.Set("verbose", "yes")
	}
	if c.LdVerbose {
		n.Set("ld_verbose", "yes")
	}
	if c.GenerateXML != "" {
		n.Set("generate_xml", c.GenerateXML)
	}
	if len(c.ParentProvides) > 0 {
		pp := node.New("parent-provides")
		for _, s := range c.ParentProvides {
			pp.Add(node.New("service", "name", s))
		}
		n.Add(pp)
	}
	if c.AffinitySpace != nil {
		n.Add(node.New("affinity-space", "width", strconv.Itoa(c.AffinitySpace.Width), "height", strconv.Itoa(c.AffinitySpace.Height)))
	}
	for _, p := range c.Preserve {
		n.Add(node.New("resource", "name", p.Name, "preserve", p.Preserve))
	}
	if c.DefaultRoute != nil {
		n.Add(c.DefaultRoute.node("default-route"))
	}
	if c.Default != nil {
		d := node.New("default")
		if c.Default.Caps != 0 {
			d.Set("caps", strconv.FormatUint(c.Default.Caps, 10))
		}
		if c.Default.RAM != 0 {
			d.Set("ram", c.Default.RAM.String())
		}
		n.Add(d)
	}
	if r := c.Report; r != nil {
		rn := node.New("report")
		for _, kv := range []struct {
			k string
			v bool
		}{{"ids", r.IDs}, {"requested", r.Requested}, {"provided", r.Provided}, {"session_args", r.SessionArgs},
			{"child_ram", r.ChildRAM}, {"child_caps", r.ChildCaps}, {"init_ram", r.InitRAM}, {"init_caps", r.InitCaps}} {
			if kv.v {
				rn.Set(kv.k, "yes")
			}
		}
		if r.DelayMs != 0 {
			rn.Set("delay_ms", strconv.FormatUint(r.DelayMs, 10))
		}
		if r.Buffer != 0 {
			rn.Set("buffer", r.Buffer.String())
		}
		n.Add(rn)
	}
	if c.Heartbeat != nil {
		h := node.New("heartbeat")
		if c.Heartbeat.RateMs != 0 {
			h.Set("rate_ms", strconv.FormatUint(c.Heartbeat.RateMs, 10))
		}
		n.Add(h)
	}
	for _, a := range c.Aliases {
		n.Add(node.New("alias", "name", a.Name, "child", a.Child))
	}
	for _, s := range c.Services {
		n.Add(s.Clone())
	}
	for _, s := range c.Starts {
		n.Add(s.Node())
	}
	return n
}

func (r *Route) node(typ string) *node.Node {
	n := node.New(typ)
	for _, rule := range r.Rules {
		var rn *node.Node
		if rule.Any {
			rn = node.New("any-service")
		} else {
			rn = node.New("service", "name", rule.Service)
		}
		for _, kv := range [][2]string{{"label", rule.Label}, {"label_prefix", rule.LabelPrefix}, {"label_suffix", rule.LabelSuffix},
			{"label_last", rule.LabelLast}, {"unscoped_label", rule.UnscopedLabel}} {
			if kv[1] != "" {
				rn.Set(kv[0], kv[1])
			}
		}
		for _, t := range rule.Targets {
			tn := node.New(t.Kind.String())
			if t.Kind == Child {
				tn.Set("name", t.Name)
			}
			for _, kv := range [][2]string{{"label", t.Label}, {"identity", t.Identity}, {"resource", t.Resource}, {"prepend_resource", t.PrependResource}} {
				if kv[1] != "" {
					tn.Set(kv[0], kv[1])
				}
			}
			rn.Add(tn)
		}
		n.Add(rn)
	}
	return n
}

// Node renders the start node.
func (s *Start) Node() *node.Node {
	n := node.New("start", "name", s.Name)
	if s.Version != "" {
		n.Set("version", s.Version)
	}
	if s.Caps != 0 {
		n.Set("caps", strconv.FormatUint(s.Caps, 10))
	}
	if s.RAM != 0 && !s.LegacyRAM {
		n.Set("ram", s.RAM.String())
	}
	if s.Priority != 0 {
		n.Set("priority", strconv.Itoa(s.Priority))
	}
	if s.Ld != "" {
		n.Set("ld", s.Ld)
	}
	if s.ManagingSystem {
		n.Set("managing_system", "yes")
	}
	if s.RAM != 0 && s.LegacyRAM {
		n.Add(node.New("resource", "name", "RAM", "quantum", s.RAM.String()))
	}
	if s.Binary != "" {
		n.Add(node.New("binary", "name", s.Binary))
	}
	if s.Heartbeat != nil {
		h := node.New("heartbeat")
		if s.Heartbeat.RestartAfterSkipped != 0 {
			h.Set("restart_after_skipped", strconv.FormatUint(s.Heartbeat.RestartAfterSkipped, 10))
		}
		n.Add(h)
	}
	if a := s.Affinity; a != nil {
		an := node.New("affinity")
		if a.XPos != 0 {
			an.Set("xpos", strconv.Itoa(a.XPos))
		}
		if a.YPos != 0 {
			an.Set("ypos", strconv.Itoa(a.YPos))
		}
		if a.Width != 0 {
			an.Set("width", strconv.Itoa(a.Width))
		}
		if a.Height != 0 {
			an.Set("height", strconv.Itoa(a.Height))
		}
		n.Add(an)
	}
	if s.ExitPropagate {
		n.Add(node.New("exit", "propagate", "yes"))
	}
	if len(s.Provides) > 0 {
		p := node.New("provides")
		for _, svc := range s.Provides {
			p.Add(node.New("service", "name", svc))
		}
		n.Add(p)
	}
	if s.Route != nil {
		n.Add(s.Route.node("route"))
	}
	if s.Config != nil {
		n.Add(s.Config.Node())
	}
	return n
}

// BinaryName is the ROM name of the child's ELF.
func (s *Start) BinaryName() string {
	if s.Binary != "" {
		return s.Binary
	}
	return s.Name
}

// ----- decoding -----

// Decode parses HID or XML and decodes init's configuration.
func Decode(data []byte) (*Config, error) {
	n, err := node.Parse(data)
	if err != nil {
		return nil, err
	}
	return FromNode(n)
}

func boolAttr(n *node.Node, name string, dst *bool) error {
	v, ok := n.Attr(name)
	if !ok {
		return nil
	}
	switch v {
	case "yes", "true":
		*dst = true
	case "no", "false":
		*dst = false
	default:
		return errAttr(n, name, "%s: expected yes or no, got %q", name, v)
	}
	return nil
}

func uintAttr(n *node.Node, name string, dst *uint64) error {
	v, ok := n.Attr(name)
	if !ok {
		return nil
	}
	u, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return errAttr(n, name, "%s: expected a natural number, got %q", name, v)
	}
	*dst = u
	return nil
}

func intAttr(n *node.Node, name string, dst *int) error {
	v, ok := n.Attr(name)
	if !ok {
		return nil
	}
	i, err := strconv.Atoi(v)
	if err != nil {
		return errAttr(n, name, "%s: expected an integer, got %q", name, v)
	}
	*dst = i
	return nil
}

func bytesAttr(n *node.Node, name string, dst *Bytes) error {
	v, ok := n.Attr(name)
	if !ok {
		return nil
	}
	b, err := ParseBytes(v)
	if err != nil {
		return errAttr(n, name, "%s: %v", name, err)
	}
	*dst = b
	return nil
}

func needAttr(n *node.Node, name string) (string, error) {
	v, ok := n.Attr(name)
	if !ok || v == "" {
		return "", errAt(n, "<%s> lacks the %q attribute", n.Type, name)
	}
	return v, nil
}

func checkAttrs(n *node.Node, allowed ...string) error {
	for _, a := range n.Attrs {
		ok := false
		for _, x := range allowed {
			if a.Name == x {
				ok = true
			}
		}
		if !ok {
			return &node.Error{Line: a.Line, Col: a.Col, Msg: fmt.Sprintf("<%s>: unknown attribute %q", n.Type, a.Name)}
		}
	}
	return nil
}

// FromNode decodes a <config> node.
func FromNode(n *node.Node) (*Config, error) {
	if n.Type != "config" {
		return nil, errAt(n, "expected <config>, found <%s>", n.Type)
	}
	if err := checkAttrs(n, "version", "prio_levels", "verbose", "ld_verbose", "generate_xml"); err != nil {
		return nil, err
	}
	c := &Config{}
	c.Version, _ = n.Attr("version")
	c.GenerateXML, _ = n.Attr("generate_xml")
	if err := intAttr(n, "prio_levels", &c.PrioLevels); err != nil {
		return nil, err
	}
	if p := c.PrioLevels; p < 0 || p&(p-1) != 0 {
		return nil, errAttr(n, "prio_levels", "prio_levels must be a power of two")
	}
	if err := boolAttr(n, "verbose", &c.Verbose); err != nil {
		return nil, err
	}
	if err := boolAttr(n, "ld_verbose", &c.LdVerbose); err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, ch := range n.Children {
		switch ch.Type {
		case "parent-provides":
			for _, s := range ch.Children {
				if s.Type != "service" {
					return nil, errAt(s, "<parent-provides> holds <service> nodes only")
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
			r, err := decodeRoute(ch)
			if err != nil {
				return nil, err
			}
			c.DefaultRoute = r
		case "default":
			d := &Default{}
			if err := checkAttrs(ch, "caps", "ram"); err != nil {
				return nil, err
			}
			if err := uintAttr(ch, "caps", &d.Caps); err != nil {
				return nil, err
			}
			if err := bytesAttr(ch, "ram", &d.RAM); err != nil {
				return nil, err
			}
			c.Default = d
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
			s, err := decodeStart(ch)
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
	return c, nil
}

func decodeRoute(n *node.Node) (*Route, error) {
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
		if err := checkAttrs(rn, allowed...); err != nil {
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
			if err := checkAttrs(tn, allowed...); err != nil {
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

func decodeStart(n *node.Node) (*Start, error) {
	if err := checkAttrs(n, "name", "version", "caps", "ram", "priority", "ld", "managing_system"); err != nil {
		return nil, err
	}
	s := &Start{}
	name, err := needAttr(n, "name")
	if err != nil {
		return nil, err
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
	s.Ld, _ = n.Attr("ld")
	if err := boolAttr(n, "managing_system", &s.ManagingSystem); err != nil {
		return nil, err
	}
	seen := map[string]*node.Node{}
	for _, ch := range n.Children {
		if prev := seen[ch.Type]; prev != nil && ch.Type != "resource" {
			return nil, errAt(ch, "more than one <%s> in <start name=%q>", ch.Type, s.Name)
		}
		seen[ch.Type] = ch
		switch ch.Type {
		case "binary":
			b, err := needAttr(ch, "name")
			if err != nil {
				return nil, err
			}
			s.Binary = b
		case "resource":
			rname, _ := ch.Attr("name")
			q, ok := ch.Attr("quantum")
			switch {
			case rname == "RAM" && ok:
				if _, has := n.Attr("ram"); has {
					return nil, errAt(ch, "ambiguous RAM-quota definition (ram attribute and <resource name=\"RAM\">)")
				}
				b, err := ParseBytes(q)
				if err != nil {
					return nil, errAttr(ch, "quantum", "quantum: %v", err)
				}
				s.RAM, s.LegacyRAM = b, true
			case rname == "CAP" && ok:
				if _, has := n.Attr("caps"); has {
					return nil, errAt(ch, "ambiguous cap-quota definition")
				}
				u, err := strconv.ParseUint(q, 10, 64)
				if err != nil {
					return nil, errAttr(ch, "quantum", "quantum: expected a number")
				}
				s.Caps = u
			case rname == "CPU":
				return nil, errAt(ch, "<resource name=\"CPU\"> was removed in Genode 25.11")
			default:
				return nil, errAt(ch, "unsupported <resource> in <start>")
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
			r, err := decodeRoute(ch)
			if err != nil {
				return nil, err
			}
			s.Route = r
		case "config":
			cc, err := DecodeChildConfig(ch)
			if err != nil {
				return nil, err
			}
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
			return nil, errAt(ch, "unknown node <%s> in <start>", ch.Type)
		}
	}
	return s, nil
}
