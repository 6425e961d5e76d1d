// Package node reads and writes Genode's structured configuration data in
// both of its syntaxes: human-inclined data (HID, the default since Genode
// 26.02) and the XML subset Genode has always used.
//
// The parsers follow Genode 26.02's own parsers (repos/base/include/util/hid.h,
// repos/base/src/lib/base/hid.cc, repos/base/include/util/xml_node.h and
// repos/base/src/lib/base/node.cc) so that a Node built here is what a Genode
// component sees. Where Genode silently ignores input (a malformed line, a
// stray text between XML elements, a duplicated attribute) the strict
// entry points Parse, ParseHID and ParseXML report an *Error with line and
// column instead; ParseLax returns Genode's run-time interpretation.
//
// The encoders produce what Genode's Hid_generator and Xml_generator produce
// for the same node (non-tabular layout). Values that a syntax cannot carry
// are reported by CheckHID and CheckXML; the encoders, like Genode's, drop or
// pass them through.
package node

import (
	"fmt"
)

// Node is one node of a HID or XML document.
type Node struct {
	Type     string
	Attrs    []Attr
	Children []*Node
	// Content is the node's quoted content (HID ": " lines, XML character
	// data), lines joined by "\n", entities decoded. A node has either
	// content or children.
	Content   string
	Line, Col int
}

// Attr is one attribute. Value is the raw value: Genode decodes no XML
// entities in attribute values, and neither does this package.
type Attr struct {
	Name, Value string
	Line, Col   int
}

// Error is a decode error at a 1-based line and byte column.
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Parse sniffs the syntax as Genode's Node constructor does: after leading
// blanks (space, tab, newline) a '<' means XML, anything else HID.
func Parse(data []byte) (*Node, error) {
	if isXML(data) {
		return ParseXML(data)
	}
	return ParseHID(data)
}

// ParseLax returns the node a Genode 26.02 component would see for data:
// syntax errors that Genode tolerates are ignored, and data Genode rejects
// (no end marker, control characters, unbalanced XML, empty input) yields a
// node of type "empty", which init applies as a configuration without any
// start node.
func ParseLax(data []byte) *Node {
	var n *Node
	if isXML(data) {
		n, _ = parseXML(data, false)
	} else {
		n, _ = parseHID(data, false)
	}
	if n == nil {
		return &Node{Type: "empty"}
	}
	return n
}

// ParseHID parses HID strictly.
func ParseHID(data []byte) (*Node, error) { return parseHID(data, true) }

// ParseXML parses Genode's XML strictly.
func ParseXML(data []byte) (*Node, error) { return parseXML(data, true) }

func isXML(data []byte) bool {
	for _, c := range data {
		switch c {
		case ' ', '\t', '\n':
			continue
		}
		return c == '<'
	}
	return false
}

// Attr returns the value of the first attribute called name.
func (n *Node) Attr(name string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Child returns the first child of type typ, or nil.
func (n *Node) Child(typ string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Type == typ {
			return c
		}
	}
	return nil
}

// All returns all children of type typ.
func (n *Node) All(typ string) []*Node {
	if n == nil {
		return nil
	}
	var r []*Node
	for _, c := range n.Children {
		if c.Type == typ {
			r = append(r, c)
		}
	}
	return r
}

// New returns a node with the given type and attribute name/value pairs.
func New(typ string, kv ...string) *Node {
	n := &Node{Type: typ}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Attrs = append(n.Attrs, Attr{Name: kv[i], Value: kv[i+1]})
	}
	return n
}

// Add appends children and returns n.
func (n *Node) Add(children ...*Node) *Node {
	for _, c := range children {
		if c != nil {
			n.Children = append(n.Children, c)
		}
	}
	return n
}

// Set sets (or appends) attribute name.
func (n *Node) Set(name, value string) *Node {
	for i := range n.Attrs {
		if n.Attrs[i].Name == name {
			n.Attrs[i].Value = value
			return n
		}
	}
	n.Attrs = append(n.Attrs, Attr{Name: name, Value: value})
	return n
}

// Equal reports whether a and b have the same type, attributes (in order),
// content and children, ignoring positions.
func Equal(a, b *Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Type != b.Type || a.Content != b.Content || len(a.Attrs) != len(b.Attrs) || len(a.Children) != len(b.Children) {
		return false
	}
	for i := range a.Attrs {
		if a.Attrs[i].Name != b.Attrs[i].Name || a.Attrs[i].Value != b.Attrs[i].Value {
			return false
		}
	}
	for i := range a.Children {
		if !Equal(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}

// Clone returns a deep copy of n.
func (n *Node) Clone() *Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Attrs = append([]Attr(nil), n.Attrs...)
	c.Children = make([]*Node, len(n.Children))
	for i, ch := range n.Children {
		c.Children[i] = ch.Clone()
	}
	if len(n.Children) == 0 {
		c.Children = nil
	}
	return &c
}

// String returns the HID encoding.
func (n *Node) String() string { return string(n.EncodeHID()) }

// lineIndex maps byte offsets to 1-based line and column.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	li := lineIndex{0}
	for i, c := range data {
		if c == '\n' {
			li = append(li, i+1)
		}
	}
	return li
}

func (li lineIndex) pos(off int) (int, int) {
	lo, hi := 0, len(li)-1
	for lo < hi {
		m := (lo + hi + 1) / 2
		if li[m] <= off {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return lo + 1, off - li[lo] + 1
}

func (li lineIndex) err(off int, format string, args ...any) *Error {
	l, c := li.pos(off)
	return &Error{Line: l, Col: c, Msg: fmt.Sprintf(format, args...)}
}

func quote(b []byte) string {
	s := string(b)
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return fmt.Sprintf("%q", s)
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
