package initcfg

import (
	"strconv"

	"genodego/sandbox/node"
)

// State is init's state report (<state>, Report session label "state"),
// as produced by Sandbox::Library::produce_state_report and
// Sandbox::Child::report_state (repos/os/src/lib/sandbox/{library,child}.cc).
type State struct {
	Version  string
	Error    string // "report buffer exceeded"
	RAM      *Quota // with init_ram
	Caps     *Quota // with init_caps
	Children []*ChildState
}

// ChildState is one <child> of the report.
type ChildState struct {
	Name, Binary, Version string
	ID                    uint64
	HasID                 bool
	Incomplete            bool // state="incomplete"
	Exited                *int // exited="N"
	SkippedHeartbeats     uint64
	RAM, Caps             *Quota // with child_ram / child_caps
}

// Quota is a <ram> or <caps> node. RAM values are bytes.
type Quota struct {
	Assigned, Quota, Used, Avail, Requested uint64
	HasAssigned, HasRequested               bool
}

// Child returns the child called name, or nil.
func (s *State) Child(name string) *ChildState {
	for _, c := range s.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Node renders the report.
func (s *State) Node() *node.Node {
	n := node.New("state")
	if s.Error != "" {
		n.Set("error", s.Error)
		return n
	}
	if s.Version != "" {
		n.Set("version", s.Version)
	}
	if s.RAM != nil {
		n.Add(s.RAM.node("ram", true, false))
	}
	if s.Caps != nil {
		n.Add(s.Caps.node("caps", false, false))
	}
	for _, c := range s.Children {
		cn := node.New("child", "name", c.Name, "binary", c.Binary)
		if c.Version != "" {
			cn.Set("version", c.Version)
		}
		if c.HasID {
			cn.Set("id", strconv.FormatUint(c.ID, 10))
		}
		if c.Incomplete {
			cn.Set("state", "incomplete")
		}
		if c.Exited != nil {
			cn.Set("exited", strconv.Itoa(*c.Exited))
		}
		if c.SkippedHeartbeats != 0 {
			cn.Set("skipped_heartbeats", strconv.FormatUint(c.SkippedHeartbeats, 10))
		}
		if c.RAM != nil {
			cn.Add(c.RAM.node("ram", true, true))
		}
		if c.Caps != nil {
			cn.Add(c.Caps.node("caps", false, true))
		}
		n.Add(cn)
	}
	return n
}

func (q *Quota) node(typ string, bytes, child bool) *node.Node {
	f := func(v uint64) string {
		if bytes {
			return Bytes(v).String()
		}
		return strconv.FormatUint(v, 10)
	}
	n := node.New(typ)
	if child || q.HasAssigned {
		n.Set("assigned", f(q.Assigned))
	}
	n.Set("quota", f(q.Quota))
	n.Set("used", f(q.Used))
	n.Set("avail", f(q.Avail))
	if q.HasRequested {
		n.Set("requested", f(q.Requested))
	}
	return n
}

// DecodeState parses a state report in HID or XML.
func DecodeState(data []byte) (*State, error) {
	n, err := node.Parse(data)
	if err != nil {
		return nil, err
	}
	return StateFromNode(n)
}

// StateFromNode decodes a <state> node. Unknown attributes and sub nodes
// (<requested>, <provided>) are ignored.
func StateFromNode(n *node.Node) (*State, error) {
	if n.Type != "state" {
		return nil, errAt(n, "expected <state>, found <%s>", n.Type)
	}
	s := &State{}
	s.Version, _ = n.Attr("version")
	s.Error, _ = n.Attr("error")
	for _, ch := range n.Children {
		switch ch.Type {
		case "ram":
			q, err := decodeQuota(ch, true)
			if err != nil {
				return nil, err
			}
			s.RAM = q
		case "caps":
			q, err := decodeQuota(ch, false)
			if err != nil {
				return nil, err
			}
			s.Caps = q
		case "child":
			c := &ChildState{}
			var err error
			if c.Name, err = needAttr(ch, "name"); err != nil {
				return nil, err
			}
			c.Binary, _ = ch.Attr("binary")
			c.Version, _ = ch.Attr("version")
			if err := uintAttr(ch, "id", &c.ID); err != nil {
				return nil, err
			}
			_, c.HasID = ch.Attr("id")
			if v, _ := ch.Attr("state"); v == "incomplete" {
				c.Incomplete = true
			}
			if _, ok := ch.Attr("exited"); ok {
				var e int
				if err := intAttr(ch, "exited", &e); err != nil {
					return nil, err
				}
				c.Exited = &e
			}
			if err := uintAttr(ch, "skipped_heartbeats", &c.SkippedHeartbeats); err != nil {
				return nil, err
			}
			for _, q := range ch.Children {
				switch q.Type {
				case "ram":
					if c.RAM, err = decodeQuota(q, true); err != nil {
						return nil, err
					}
				case "caps":
					if c.Caps, err = decodeQuota(q, false); err != nil {
						return nil, err
					}
				}
			}
			s.Children = append(s.Children, c)
		}
	}
	return s, nil
}

func decodeQuota(n *node.Node, isBytes bool) (*Quota, error) {
	q := &Quota{}
	parse := node.ParseUnsigned
	if isBytes {
		parse = node.ParseNumBytes
	}
	get := func(name string, dst *uint64) (bool, error) {
		_, ok := n.Attr(name)
		return ok, attr(n, name, dst, parse)
	}
	var err error
	if q.HasAssigned, err = get("assigned", &q.Assigned); err != nil {
		return nil, err
	}
	for _, kv := range []struct {
		k string
		v *uint64
	}{{"quota", &q.Quota}, {"used", &q.Used}, {"avail", &q.Avail}} {
		if _, err := get(kv.k, kv.v); err != nil {
			return nil, err
		}
	}
	if q.HasRequested, err = get("requested", &q.Requested); err != nil {
		return nil, err
	}
	return q, nil
}
