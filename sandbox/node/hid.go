package node

import (
	"bytes"
	"strings"
)

// The HID reader mirrors Genode's Hid_node: a node is a byte span; its
// segments (line parts split at '|') are classified by prefix, sub nodes are
// the spans that start at a '+'/'x' segment and extend over every following
// segment until a node segment that is not indented deeper, and attributes
// are the leading segments of a span. Indentation is measured from the start
// of the span's first line, exactly as Genode does (which matters for nodes
// that follow a compacted "+ a | + b" line).

type hidPrefix int

const (
	hidTop hidPrefix = iota
	hidNode
	hidXNode
	hidRaw
	hidOther
)

type hidSeg struct {
	p      hidPrefix
	indent int
	s, e   int // segment bytes data[s:e]
}

type hidSpan struct{ s, e int }

type hidParser struct {
	data   []byte
	li     lineIndex
	strict bool
	err    *Error
}

func (h *hidParser) diag(off int, format string, args ...any) {
	if h.err == nil {
		h.err = h.li.err(off, format, args...)
	}
}

func hidLetter(c byte) bool { return c >= 'a' && c <= 'z' }
func hidIdentChar(c byte) bool {
	return hidLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-'
}

// ident returns the end of the identifier starting at s (s if none).
func (h *hidParser) ident(s, e int) int {
	i := s
	for ; i < e; i++ {
		c := h.data[i]
		if i == s && !hidLetter(c) {
			break
		}
		if !hidIdentChar(c) {
			break
		}
	}
	return i
}

func (h *hidParser) cut(s, e int, c byte) (hs, he, ts, te int, found bool) {
	if i := bytes.IndexByte(h.data[s:e], c); i >= 0 {
		return s, s + i, s + i + 1, e, true
	}
	return s, e, e, e, false
}

func (h *hidParser) trim(s, e int) (int, int) {
	for s < e && h.data[s] == ' ' {
		s++
	}
	for e > s && h.data[e-1] == ' ' {
		e--
	}
	return s, e
}

// segments lists the segments of a span (comments omitted).
func (h *hidParser) segments(sp hidSpan) []hidSeg {
	var segs []hidSeg
	first := true
	for ls := sp.s; ls < sp.e; {
		le := sp.e
		if i := bytes.IndexByte(h.data[ls:sp.e], '\n'); i >= 0 {
			le = ls + i
		}
		next := le + 1
		n := le
		if n > ls && h.data[n-1] == '\r' {
			n--
		}
		start := ls
		for start < n {
			var p hidPrefix
			var ss, se int
			more := false
			rs := n
			if first && hidLetter(h.data[start]) {
				var f bool
				ss, se, rs, _, f = h.cut(start, n, '|')
				p, more = hidTop, f
			} else {
				k := start
				for k < n && h.data[k] == ' ' {
					k++
				}
				handled := false
				if n-k > 1 && h.data[k+1] == ' ' {
					switch h.data[k] {
					case '+', 'x':
						p = hidNode
						if h.data[k] == 'x' {
							p = hidXNode
						}
						var f bool
						ss, se, rs, _, f = h.cut(k+2, n, '|')
						more = f
						handled = true
					case '.':
						first = false
						start = n
						continue
					case ':':
						p, ss, se, handled = hidRaw, k+2, n, true
					}
				} else if n-k == 1 && h.data[k] == ':' {
					// An empty quoted line. Genode 26.02 ignores it (its own
					// generator emits it for empty lines); main since
					// commit a4c5a1daa1 reads it as an empty line, as we do.
					p, ss, se, handled = hidRaw, k+1, k+1, true
				} else if n-k == 1 && h.data[k] == '.' {
					first = false
					start = n
					continue
				}
				if !handled {
					var f bool
					ss, se, rs, _, f = h.cut(k, n, '|')
					p, more = hidOther, f
				}
			}
			if se > ss || p == hidRaw {
				segs = append(segs, hidSeg{p: p, indent: ss - ls, s: ss, e: se})
			}
			first = false
			if !more {
				break
			}
			start = rs
		}
		if le == sp.e {
			break
		}
		ls = next
		// the first line of a span is measured from the span start; the
		// following lines from their own start
	}
	return segs
}

type hidSub struct {
	sp      hidSpan
	indent  int
	enabled bool
	line    int // offset of the type, for positions
}

func (h *hidParser) subNodes(segs []hidSeg) []hidSub {
	var subs []hidSub
	var cur *hidSub
	for _, sg := range segs {
		if (sg.p == hidNode || sg.p == hidXNode) && !(cur != nil && sg.indent > cur.indent) {
			subs = append(subs, hidSub{sp: hidSpan{sg.s, sg.e}, indent: sg.indent, enabled: sg.p == hidNode, line: sg.s})
			cur = &subs[len(subs)-1]
		} else if cur != nil {
			cur.sp.e = sg.e
		}
	}
	return subs
}

func parseHID(data []byte, strict bool) (*Node, error) {
	h := &hidParser{data: data, li: newLineIndex(data), strict: strict}
	start := 0
	for start < len(data) && (data[start] == ' ' || data[start] == '\t' || data[start] == '\n') {
		start++
	}
	if start == len(data) {
		return nil, h.li.err(start, "empty document")
	}
	if h.ident(start, len(data)) == start {
		return nil, h.li.err(start, "expected node type (a-z) at start of document, found %q", data[start])
	}
	end := h.validate(start)
	if h.err != nil {
		return nil, h.err
	}
	if strict {
		h.checkTrailer(end)
		if h.err != nil {
			return nil, h.err
		}
	}
	n := h.build(hidSpan{start, end}, true)
	if strict && h.err != nil {
		return nil, h.err
	}
	return n, nil
}

// validate finds the end marker ("\n-") as Hid_node::_validated does and
// returns the offset of that newline. Control characters other than newline,
// CR before newline, and tabs within quoted content or comments reject the
// whole document.
func (h *hidParser) validate(start int) int {
	const (
		tabStart = iota
		tabAccept
		tabReject
	)
	tabs := tabStart
	d := h.data
	for i := start; i+1 < len(d); i++ {
		curr, next := d[i], d[i+1]
		if tabs == tabStart && (curr == ':' || curr == '.') {
			tabs = tabAccept
		}
		if tabs == tabStart && curr != ' ' {
			tabs = tabReject
		}
		if curr == '|' || curr == '\n' {
			tabs = tabStart
		}
		if curr&^0x1f == 0 {
			if curr == '\n' && next == '-' {
				return i
			}
			if curr == '\n' || (curr == '\r' && next == '\n') || (curr == '\t' && tabs == tabAccept) {
				continue
			}
			if curr == '\t' {
				h.diag(i, "tab outside quoted content or comment")
			} else {
				h.diag(i, "control character 0x%02x", curr)
			}
			return -1
		}
	}
	h.diag(len(d), "missing end marker: a line starting with '-' must close the top-level node")
	return -1
}

func (h *hidParser) checkTrailer(nl int) {
	i := nl + 2
	for i < len(h.data) && h.data[i] != '\n' {
		if h.data[i] != ' ' && h.data[i] != '\r' {
			h.diag(i, "unexpected text after end marker '-'")
			return
		}
		i++
	}
	for ; i < len(h.data); i++ {
		switch h.data[i] {
		case ' ', '\t', '\n', '\r':
		default:
			h.diag(i, "unexpected text after end of document")
			return
		}
	}
}

func (h *hidParser) build(sp hidSpan, top bool) *Node {
	segs := h.segments(sp)
	subs := h.subNodes(segs)
	n := &Node{}
	n.Line, n.Col = h.li.pos(sp.s)
	te := h.ident(sp.s, sp.e)
	if te == sp.s {
		n.Type = "invalid"
		h.diag(sp.s, "expected node type (a-z, then a-z 0-9 _ -)")
	} else {
		n.Type = string(h.data[sp.s:te])
	}
	inSub := func(off int) bool {
		for _, s := range subs {
			if off >= s.sp.s && off < s.sp.e {
				return true
			}
		}
		return false
	}
	numEnabled := 0
	for _, s := range subs {
		if s.enabled {
			numEnabled++
		}
	}
	done := false
	seen := map[string]bool{}
	addAttr := func(ts, tend, vs, ve int) {
		name := string(h.data[ts:tend])
		if seen[name] {
			h.diag(ts, "duplicate attribute %q (Genode uses the first)", name)
		}
		seen[name] = true
		a := Attr{Name: name, Value: string(h.data[vs:ve])}
		a.Line, a.Col = h.li.pos(ts)
		n.Attrs = append(n.Attrs, a)
	}
	tagValue := func(s, e int, strictCheck bool) bool {
		ie := h.ident(s, e)
		if ie == s || ie >= e || h.data[ie] != ':' {
			return false
		}
		_, _, vs, ve, found := h.cut(ie, e, ' ')
		if !found {
			vs, ve = e, e
			if strictCheck && ie+1 < e {
				h.diag(ie+1, "attribute value must be separated from ':' by a space")
			}
		}
		vs, ve = h.trim(vs, ve)
		addAttr(s, ie, vs, ve)
		return true
	}
	var lines []string
	for i, sg := range segs {
		if i > 0 && inSub(sg.s) {
			if sg.p == hidRaw && numEnabled == 0 {
				// Genode collects quoted lines of the whole span
				lines = append(lines, string(h.data[sg.s:sg.e]))
				h.diag(sg.s, "quoted content inside a disabled node is taken as content of the enclosing node")
			}
			continue
		}
		switch {
		case i == 0 && sg.p == hidTop:
			// "type[ name][ tag: value]"
			if te < sg.e && h.data[te] != ' ' {
				h.diag(te, "invalid character %q in node type", h.data[te])
			}
			_, _, rs, re, found := h.cut(sg.s, sg.e, ' ')
			if !found {
				break
			}
			rs, re = h.trim(rs, re)
			ie := h.ident(rs, re)
			if ie > rs && ie < re && (re-ie == 1 && h.data[ie] == ':' || re-ie >= 2 && h.data[ie] == ':' && h.data[ie+1] == ' ') {
				tagValue(rs, re, true)
			} else if re > rs {
				a := Attr{Name: "name", Value: string(h.data[rs:re])}
				a.Line, a.Col = h.li.pos(rs)
				seen["name"] = true
				n.Attrs = append(n.Attrs, a)
			}
		case sg.p == hidOther:
			s, e := h.trim(sg.s, sg.e)
			if done {
				h.diag(s, "attribute after quoted content is ignored")
				continue
			}
			if !tagValue(s, e, true) {
				h.diag(s, "expected 'tag: value', found %s", quote(h.data[s:e]))
			}
		case sg.p == hidRaw:
			done = true
			if numEnabled > 0 {
				h.diag(sg.s-2, "quoted content cannot appear besides sub nodes")
			}
			lines = append(lines, string(h.data[sg.s:sg.e]))
		default:
			done = true
		}
	}
	if numEnabled == 0 {
		n.Content = strings.Join(lines, "\n")
	}
	for _, s := range subs {
		if !s.enabled {
			continue
		}
		n.Children = append(n.Children, h.build(s.sp, false))
	}
	return n
}

// EncodeHID renders n as Genode's Hid_generator does when copying a node:
// "+ " sub nodes indented by two spaces per level, attributes joined by
// " | ", a leading "name" attribute written as the node name, quoted content
// as ": " lines, and "-" closing the top-level node. Attributes whose value
// contains a control character or '|' are dropped, as Genode drops them.
func (n *Node) EncodeHID() []byte {
	var b bytes.Buffer
	encHID(&b, n, 0)
	b.WriteString("\n-\n")
	return b.Bytes()
}

func hidValueOK(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] == '|' {
			return false
		}
	}
	return true
}

func nameShorthand(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] == ':' && (i+1 == len(v) || v[i+1] == ' ') {
			return false
		}
	}
	return true
}

func encHID(b *bytes.Buffer, n *Node, depth int) {
	if depth > 0 {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", 2*(depth-1)))
		b.WriteString("+ ")
	}
	b.WriteString(n.Type)
	first := true
	for _, a := range n.Attrs {
		if !hidValueOK(a.Value) {
			continue
		}
		if first && a.Name == "name" && nameShorthand(a.Value) {
			b.WriteString(" ")
			b.WriteString(a.Value)
		} else {
			b.WriteString(" | ")
			b.WriteString(a.Name)
			b.WriteString(": ")
			b.WriteString(a.Value)
		}
		first = false
	}
	if n.Content != "" {
		ind := strings.Repeat(" ", 2*depth)
		for _, l := range strings.Split(n.Content, "\n") {
			b.WriteByte('\n')
			b.WriteString(ind)
			b.WriteByte(':')
			if l != "" {
				b.WriteByte(' ')
				b.WriteString(l)
			}
		}
		return
	}
	for _, c := range n.Children {
		encHID(b, c, depth+1)
	}
}

// CheckHID reports the first part of n that HID cannot represent so that it
// reads back unchanged.
func (n *Node) CheckHID() error {
	return checkHID(n)
}

func checkHID(n *Node) error {
	bad := func(format string, args ...any) error {
		e := &Error{Line: n.Line, Col: n.Col}
		e.Msg = "node " + n.Type + ": " + sprintf(format, args...)
		return e
	}
	if !hidIdent(n.Type) {
		return bad("type %q is not a HID identifier (a-z, then a-z 0-9 _ -)", n.Type)
	}
	seen := map[string]bool{}
	for i, a := range n.Attrs {
		if !hidIdent(a.Name) {
			return bad("attribute name %q is not a HID identifier", a.Name)
		}
		if seen[a.Name] {
			return bad("duplicate attribute %q", a.Name)
		}
		seen[a.Name] = true
		if !hidValueOK(a.Value) {
			return bad("attribute %q: value contains '|' or a control character", a.Name)
		}
		if strings.TrimSpace(a.Value) != a.Value {
			return bad("attribute %q: value has leading or trailing spaces", a.Name)
		}
		if i == 0 && a.Name == "name" && a.Value == "" {
			continue
		}
	}
	if n.Content != "" && len(n.Children) > 0 {
		return bad("has both quoted content and sub nodes")
	}
	for i := 0; i < len(n.Content); i++ {
		if c := n.Content[i]; c < 0x20 && c != '\n' && c != '\t' {
			return bad("content contains control character 0x%02x", c)
		}
	}
	for _, c := range n.Children {
		if err := checkHID(c); err != nil {
			return err
		}
	}
	return nil
}

func hidIdent(s string) bool {
	if s == "" || !hidLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !hidIdentChar(s[i]) {
			return false
		}
	}
	return true
}
