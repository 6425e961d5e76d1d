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
	// Diags are what init passes over or warns about at the top level;
	// each Start carries its own.
	Diags []Diag
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
	// Diags are what init (and the child's libc, in <config>) pass over or
	// warn about, in document order.
	Diags []Diag
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
