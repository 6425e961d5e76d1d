package initcfg

import (
	"fmt"
	"strings"

	"genodego/sandbox/node"
)

// ChildConfig is the inline <config> of a POSIX (libc) child: its VFS, libc
// settings, argv and environment. Other sub nodes (server policies and the
// like) are kept verbatim in Extra.
type ChildConfig struct {
	Attrs []node.Attr
	VFS   *node.Node // <vfs>, nil: none
	Libc  *Libc
	Args  []string
	Env   []EnvVar
	Extra []*node.Node
	// VFSInLibc: VFS is the deprecated <vfs> inside <libc> (one of
	// Libc.Children), used because <config> has none.
	VFSInLibc bool
	// Diags are what the libc passes over or warns about (Decode).
	Diags []Diag
}

// Libc is <libc>: attributes such as stdin, stdout, stderr, cwd, rtc, rng,
// pipe, socket, pid, and sub nodes such as <passwd>, <pthread>, <stack>.
type Libc struct {
	Attrs     []node.Attr
	Children  []*node.Node
	Line, Col int // of the <libc> node, when decoded
}

// Get returns a libc attribute.
func (l *Libc) Get(name string) string {
	for _, a := range l.Attrs {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// Set sets a libc attribute.
func (l *Libc) Set(name, value string) {
	for i := range l.Attrs {
		if l.Attrs[i].Name == name {
			l.Attrs[i].Value = value
			return
		}
	}
	l.Attrs = append(l.Attrs, node.Attr{Name: name, Value: value})
}

type EnvVar struct{ Name, Value string }

// Node renders the child config. Arguments that are plain words become
// "+ arg WORD" (<arg name="WORD"/>), others quoted content; the empty
// argument uses the legacy value attribute, the only form that carries it.
// Environment variables use the 26.02 form "+ env NAME | : value".
func (c *ChildConfig) Node() *node.Node {
	n := &node.Node{Type: "config"}
	for _, a := range c.Attrs {
		n.Attrs = append(n.Attrs, node.Attr{Name: a.Name, Value: a.Value})
	}
	if c.VFS != nil && !c.VFSInLibc {
		n.Add(c.VFS.Clone())
	}
	if c.Libc != nil {
		l := &node.Node{Type: "libc"}
		for _, a := range c.Libc.Attrs {
			l.Attrs = append(l.Attrs, node.Attr{Name: a.Name, Value: a.Value})
		}
		for _, ch := range c.Libc.Children {
			l.Add(ch.Clone())
		}
		n.Add(l)
	}
	for _, a := range c.Args {
		switch {
		case a == "":
			n.Add(node.New("arg", "value", ""))
		case plainWord(a):
			n.Add(node.New("arg", "name", a))
		default:
			n.Add(&node.Node{Type: "arg", Content: a})
		}
	}
	for _, e := range c.Env {
		n.Add(&node.Node{Type: "env", Attrs: []node.Attr{{Name: "name", Value: e.Name}}, Content: e.Value})
	}
	for _, x := range c.Extra {
		n.Add(x.Clone())
	}
	return n
}

// plainWord reports whether s can be a node name in both HID and XML.
func plainWord(s string) bool {
	if s == "" || strings.TrimSpace(s) != s {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '|' || c == '"' || c == '&' || c == 0x7f {
			return false
		}
		if c == ':' && (i+1 == len(s) || s[i+1] == ' ') {
			return false
		}
	}
	return true
}

// ArgProblem tells why a string cannot be passed as one argv element (or
// environment value) through Genode 26.02's config, or "".
func ArgProblem(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
			return fmt.Sprintf("contains control character 0x%02x, which HID cannot carry", c)
		}
	}
	if s != "" && (strings.HasPrefix(s, "\n") || strings.HasSuffix(s, "\n") || strings.Contains(s, "\n\n")) {
		return "contains an empty line, which Genode 26.02 drops from quoted content"
	}
	return ""
}

// ChildConfig decodes a child's <config> as its libc reads it.
func (o Options) ChildConfig(n *node.Node) (*ChildConfig, error) {
	d := &decoder{o: o}
	c, err := d.childConfig(n)
	if err != nil {
		return nil, err
	}
	c.Diags = d.take()
	return c, nil
}

// childConfig follows the libc: the first <vfs> (else, with a warning, the
// <vfs> of <libc>; internal/config.h with_vfs_config), the first <libc>,
// and <arg>/<env> as repos/libports/include/libc/args.h reads them:
// <arg name> and the quoted content of <arg> are one element each, a legacy
// <arg value> gives its name (if any) and its value, <env name> without key
// takes its quoted content, a legacy <env> needs key and value. Other
// <arg>/<env> forms give nothing.
func (d *decoder) childConfig(n *node.Node) (*ChildConfig, error) {
	c := &ChildConfig{}
	c.Attrs = append(c.Attrs, n.Attrs...)
	for _, ch := range n.Children {
		switch ch.Type {
		case "vfs", "libc":
			if ch.Type == "vfs" && c.VFS != nil || ch.Type == "libc" && c.Libc != nil {
				if err := d.nodeDiag(Unread, ch, "more than one <%s>: the libc reads the first", ch.Type); err != nil {
					return nil, err
				}
				c.Extra = append(c.Extra, ch.Clone())
				continue
			}
			if ch.Type == "vfs" {
				c.VFS = ch.Clone()
				continue
			}
			l := &Libc{Line: ch.Line, Col: ch.Col}
			l.Attrs = append(l.Attrs, ch.Attrs...)
			for _, x := range ch.Children {
				l.Children = append(l.Children, x.Clone())
			}
			c.Libc = l
		case "arg":
			name, hasName := ch.Attr("name")
			if v, ok := ch.Attr("value"); ok {
				if hasName {
					c.Args = append(c.Args, name)
				}
				c.Args = append(c.Args, v)
				continue
			}
			if hasName {
				c.Args = append(c.Args, name)
			}
			if ch.Content != "" {
				c.Args = append(c.Args, ch.Content)
			}
			if !hasName && ch.Content == "" {
				if err := d.nodeDiag(Ignored, ch, "<arg> without name, value or quoted content gives no argument"); err != nil {
					return nil, err
				}
			}
		case "env":
			k, hasKey := ch.Attr("key")
			v, hasValue := ch.Attr("value")
			name, hasName := ch.Attr("name")
			switch {
			case hasKey && hasValue:
				c.Env = append(c.Env, EnvVar{k, v})
			case hasName && !hasKey:
				c.Env = append(c.Env, EnvVar{name, ch.Content})
			default:
				if err := d.nodeDiag(Ignored, ch, "<env> needs a name (or the legacy key and value): the libc skips it"); err != nil {
					return nil, err
				}
			}
		default:
			c.Extra = append(c.Extra, ch.Clone())
		}
	}
	if c.VFS == nil && c.Libc != nil {
		for _, x := range c.Libc.Children {
			if x.Type == "vfs" {
				d.diag(Warning, x.Line, x.Col, true, "'<config> <libc> <vfs/>' is deprecated, please move to '<config> <vfs/>'")
				c.VFS, c.VFSInLibc = x, true
				break
			}
		}
	}
	return c, nil
}

// ----- VFS building blocks -----

func Dir(name string, children ...*node.Node) *node.Node {
	return node.New("dir", "name", name).Add(children...)
}

// FSLabel is a File_system session as used on Genode: <fs label="L -> /"/>,
// routed by the hosting init to a file-system server.
func FSLabel(label string, writeable bool) *node.Node {
	n := node.New("fs", "label", label+" -> /")
	if !writeable {
		n.Set("writeable", "no")
	}
	return n
}

// FSHost is the host model's stand-in for a file-system session:
// <fs host="/abs/dir" writeable="yes|no"/>.
func FSHost(dir string, writeable bool) *node.Node {
	return node.New("fs", "host", dir, "writeable", yes(writeable))
}

func RAMFS() *node.Node { return node.New("ram") }

func Inline(name, content string) *node.Node {
	return &node.Node{Type: "inline", Attrs: []node.Attr{{Name: "name", Value: name}}, Content: content}
}

func Plugin(typ string, kv ...string) *node.Node { return node.New(typ, kv...) }
