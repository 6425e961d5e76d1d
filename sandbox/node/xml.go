package node

import (
	"bytes"
	"strings"
)

// The XML reader mirrors Genode's Xml_node: a token scanner (identifiers may
// contain '-', '.', ':'; whitespace is space, tab and newline only; a string
// runs to the next '"' with no escapes), tags recognised token by token,
// the end tag found by depth counting, comments skipped, anything else that
// is not a tag skipped silently. Attribute values are raw. Character data is
// decoded for &lt; &gt; &amp; &quot; &apos; and &#x00; only.

const (
	tkEnd = iota
	tkSingle
	tkNumber
	tkIdent
	tkString
	tkSpace
)

type xmlParser struct {
	d      []byte
	li     lineIndex
	strict bool
	err    *Error
}

func (x *xmlParser) diag(off int, format string, args ...any) {
	if x.err == nil {
		x.err = x.li.err(off, format, args...)
	}
}

func xmlLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func xmlDigit(c byte) bool  { return c >= '0' && c <= '9' }
func xmlWS(c byte) bool     { return c == ' ' || c == '\t' || c == '\n' }
func xmlIdentChar(c byte, i int) bool {
	return xmlLetter(c) || c == '_' || c == ':' || i > 0 && (c == '-' || c == '.' || xmlDigit(c))
}

// tok returns type and length of the token at p.
func (x *xmlParser) tok(p int) (int, int) {
	d := x.d
	if p >= len(d) || d[p] == 0 {
		return tkEnd, 0
	}
	c := d[p]
	switch {
	case xmlIdentChar(c, 0):
		i := p
		for i < len(d) && xmlIdentChar(d[i], i-p) {
			i++
		}
		return tkIdent, i - p
	case xmlDigit(c):
		i := p
		for i < len(d) && xmlDigit(d[i]) {
			i++
		}
		return tkNumber, i - p
	case xmlWS(c):
		i := p
		for i < len(d) && xmlWS(d[i]) {
			i++
		}
		return tkSpace, i - p
	case c == '"':
		max := len(d) - p
		i := 0
		for ; i+1 < max && d[p+i+1] != '"'; i++ {
			if d[p+i] == 0 {
				return tkEnd, 0
			}
		}
		if i+1 == max {
			return tkEnd, 0
		}
		return tkString, i + 2
	}
	return tkSingle, 1
}

func (x *xmlParser) next(p int) int { _, l := x.tok(p); return p + l }
func (x *xmlParser) char(p int) byte {
	if _, l := x.tok(p); l > 0 {
		return x.d[p]
	}
	return 0
}
func (x *xmlParser) eatWS(p int) int {
	if t, l := x.tok(p); t == tkSpace {
		return p + l
	}
	return p
}

// attr checks for name = "value" at p and returns its parts.
type xmlAttrTok struct{ ns, ne, vs, ve, after int }

func (x *xmlParser) attr(p int) (xmlAttrTok, bool) {
	n := x.eatWS(p)
	t, nl := x.tok(n)
	if t != tkIdent {
		return xmlAttrTok{}, false
	}
	eq := x.eatWS(n + nl)
	if x.char(eq) != '=' {
		return xmlAttrTok{}, false
	}
	v := x.eatWS(eq + 1)
	t, vl := x.tok(v)
	if t != tkString {
		return xmlAttrTok{}, false
	}
	return xmlAttrTok{n, n + nl, v + 1, v + vl - 1, v + vl}, true
}

const (
	tagInvalid = iota
	tagStart
	tagEnd
	tagEmpty
)

type xmlTag struct {
	typ     int
	at      int // '<'
	ns, ne  int // name
	attrsAt int
	nextTok int // after '>'
}

func (x *xmlParser) tag(p int) xmlTag {
	t := xmlTag{at: p}
	if x.char(p) != '<' {
		return t
	}
	n1 := x.next(p)
	sup := tagStart
	if x.char(n1) == '/' {
		sup = tagEnd
	}
	if tt, _ := x.tok(n1); tt != tkIdent && x.char(n1) != '/' {
		return t
	}
	name := n1
	if x.char(n1) == '/' {
		name = x.next(n1)
	}
	tt, nl := x.tok(name)
	if tt != tkIdent {
		return t
	}
	t.ns, t.ne = name, name+nl
	t.attrsAt = t.ne
	delim := t.ne
	if sup != tagEnd {
		for {
			a, ok := x.attr(delim)
			if !ok {
				break
			}
			delim = a.after
		}
	}
	delim = x.eatWS(delim)
	if x.char(delim) == '/' {
		if sup == tagEnd {
			return t
		}
		sup = tagEmpty
		delim = x.next(delim)
	}
	if x.char(delim) != '>' {
		return t
	}
	t.typ = sup
	// Tag::next_token: scan tokens from the name to the first '>'
	q := t.ns
	for {
		_, l := x.tok(q)
		if l == 0 {
			break
		}
		if x.d[q] == '>' {
			break
		}
		q += l
	}
	t.nextTok = x.next(q)
	return t
}

// comment returns the offset after a comment at p, or -1.
func (x *xmlParser) comment(p int) int {
	if _, l := x.tok(p); l == 0 || !bytes.HasPrefix(x.d[p:], []byte("<!--")) {
		return -1
	}
	if i := bytes.Index(x.d[p+4:], []byte("-->")); i >= 0 {
		return p + 4 + i + 3
	}
	return -1
}

func (x *xmlParser) skipNonTag(p int) int {
	for {
		p = x.eatWS(p)
		if c := x.comment(p); c >= 0 {
			p = c
			continue
		}
		t := x.tag(p)
		if _, l := x.tok(p); t.typ == tagInvalid && l > 0 {
			p += l
			continue
		}
		return p
	}
}

// endTag finds the end tag of the start tag st and counts direct sub nodes.
func (x *xmlParser) endTag(st xmlTag) (xmlTag, int) {
	if st.typ != tagStart {
		return st, 0
	}
	depth, count := 1, 0
	cur := st.nextTok
	for {
		if t, _ := x.tok(cur); t == tkEnd {
			return xmlTag{}, count
		}
		if c := x.comment(cur); c >= 0 {
			cur = c
			continue
		}
		t := x.tag(cur)
		if t.typ == tagInvalid {
			cur = x.next(cur)
			continue
		}
		if depth == 1 && (t.typ == tagStart || t.typ == tagEmpty) {
			count++
		}
		if t.typ == tagStart {
			depth++
		}
		if t.typ == tagEnd {
			depth--
		}
		if depth > 0 {
			cur = t.nextTok
			continue
		}
		if !bytes.Equal(x.d[st.ns:st.ne], x.d[t.ns:t.ne]) {
			return xmlTag{at: t.at, ns: t.ns, ne: t.ne}, count
		}
		return t, count
	}
}

type xmlTags struct {
	start, end xmlTag
	subs       int
}

func (x *xmlParser) tagsAt(p int) xmlTags {
	var t xmlTags
	t.start = x.tag(x.skipNonTag(p))
	t.end, t.subs = x.endTag(t.start)
	return t
}

func (t xmlTags) valid() bool {
	return t.start.typ == tagEmpty || t.start.typ == tagStart && t.end.typ == tagEnd
}

func (t xmlTags) after() int {
	if t.start.typ == tagEmpty {
		return t.start.nextTok
	}
	return t.end.nextTok
}

func parseXML(data []byte, strict bool) (*Node, error) {
	x := &xmlParser{d: data, li: newLineIndex(data), strict: strict}
	if strict {
		x.checkGap(0, x.skipNonTag(0), "before the top-level element", true)
		if x.err != nil {
			return nil, x.err
		}
	}
	t := x.tagsAt(0)
	if !t.valid() {
		return nil, x.invalid(t)
	}
	n := x.build(t, 0)
	if strict {
		x.checkGap(t.after(), len(data), "after the top-level element", false)
		if x.err != nil {
			return nil, x.err
		}
	}
	return n, nil
}

func (x *xmlParser) invalid(t xmlTags) *Error {
	switch {
	case t.start.typ == tagInvalid:
		p := t.start.at
		if _, l := x.tok(p); l == 0 {
			return x.li.err(p, "no element found")
		}
		return x.li.err(p, "malformed tag")
	case t.start.typ == tagEnd:
		return x.li.err(t.start.at, "unexpected end tag </%s>", x.d[t.start.ns:t.start.ne])
	case t.end.ne > t.end.ns:
		return x.li.err(t.end.at, "end tag </%s> does not match <%s>", x.d[t.end.ns:t.end.ne], x.d[t.start.ns:t.start.ne])
	}
	return x.li.err(t.start.at, "no end tag for <%s>", x.d[t.start.ns:t.start.ne])
}

// checkGap accepts only whitespace and comments in d[s:e] (and, before the
// top-level element, one "<?...?>" declaration).
func (x *xmlParser) checkGap(s, e int, where string, decl bool) {
	p := s
	for p < e {
		c := x.d[p]
		switch {
		case xmlWS(c) || c == '\r':
			p++
		case bytes.HasPrefix(x.d[p:e], []byte("<!--")):
			i := bytes.Index(x.d[p+4:e], []byte("-->"))
			if i < 0 {
				x.diag(p, "unterminated comment")
				return
			}
			p += 4 + i + 3
		case decl && bytes.HasPrefix(x.d[p:e], []byte("<?")):
			i := bytes.Index(x.d[p:e], []byte("?>"))
			if i < 0 {
				x.diag(p, "unterminated declaration")
				return
			}
			p += i + 2
			decl = false
		case c == 0 && !decl:
			// NUL padding after the document ends Genode's scan
			return
		case c == '<':
			x.diag(p, "malformed tag %s", where)
			return
		default:
			x.diag(p, "unexpected text %s: %s", where, quote(x.d[p:min(e, p+20)]))
			return
		}
	}
}

func (x *xmlParser) build(t xmlTags, depth int) *Node {
	st := t.start
	n := &Node{Type: string(x.d[st.ns:st.ne])}
	n.Line, n.Col = x.li.pos(st.at)
	if depth > 10000 {
		x.diag(st.at, "nesting too deep")
		return n
	}
	seen := map[string]bool{}
	for p := st.attrsAt; ; {
		a, ok := x.attr(p)
		if !ok {
			break
		}
		name := string(x.d[a.ns:a.ne])
		if seen[name] {
			x.diag(a.ns, "duplicate attribute %q (Genode uses the first)", name)
		}
		seen[name] = true
		v := x.d[a.vs:a.ve]
		if x.strict {
			if i := entityAt(v); i >= 0 {
				x.diag(a.vs+i, "Genode does not decode entities in attribute values")
			}
		}
		at := Attr{Name: name, Value: string(v)}
		at.Line, at.Col = x.li.pos(a.ns)
		n.Attrs = append(n.Attrs, at)
		p = a.after
	}
	if st.typ == tagEmpty {
		return n
	}
	cs, ce := st.nextTok, t.end.at
	raw := x.d[cs:ce]
	quoted := false
	for _, c := range raw {
		if !xmlWS(c) {
			quoted = c != '<'
			break
		}
	}
	if quoted {
		var lines []string
		for len(raw) > 0 {
			i := bytes.IndexByte(raw, '\n')
			line := raw
			if i >= 0 {
				line, raw = raw[:i], raw[i+1:]
			} else {
				raw = nil
			}
			lines = append(lines, xmlDecode(line))
		}
		n.Content = strings.Join(lines, "\n")
		if x.strict {
			if i := bytes.IndexByte(x.d[cs:ce], '<'); i >= 0 {
				x.diag(cs+i, "character data mixed with elements ('<' must be written as &lt;)")
			}
			for p := cs; p < ce; p++ {
				if x.d[p] == '&' && !knownEntity(x.d[p:ce]) {
					x.diag(p, "unknown entity; Genode decodes only &lt; &gt; &amp; &quot; &apos; &#x00;")
				}
				if x.d[p] == 0 {
					x.diag(p, "NUL in character data")
				}
			}
		}
	}
	if t.subs == 0 {
		if !quoted && x.strict {
			x.checkGap(cs, ce, "in element content", false)
		}
		return n
	}
	// sub nodes, as Xml_node::for_each_sub_node walks them
	p := cs
	count := 0
	for {
		q := x.skipNonTag(p)
		ct := x.tagsAt(q)
		if q >= ce || !ct.valid() {
			if x.strict && !quoted {
				if count < t.subs && q < ce {
					if x.err == nil {
						x.err = x.invalid(ct)
					}
				}
				x.checkGap(p, ce, "in element content", false)
			}
			break
		}
		if x.strict && !quoted {
			x.checkGap(p, q, "between elements", false)
		}
		n.Children = append(n.Children, x.build(ct, depth+1))
		count++
		p = ct.after()
	}
	return n
}

var xmlEntities = []struct {
	seq string
	c   byte
}{{"&gt;", '>'}, {"&lt;", '<'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&#x00;", 0}}

func knownEntity(b []byte) bool {
	for _, e := range xmlEntities {
		if bytes.HasPrefix(b, []byte(e.seq)) {
			return true
		}
	}
	return false
}

// entityAt returns the index of the first "&name;" or "&#...;" in v, or -1.
func entityAt(v []byte) int {
	for i := 0; i < len(v); i++ {
		if v[i] != '&' {
			continue
		}
		j := i + 1
		if j < len(v) && v[j] == '#' {
			j++
		}
		k := j
		for k < len(v) && (xmlLetter(v[k]) || xmlDigit(v[k])) {
			k++
		}
		if k > j && k < len(v) && v[k] == ';' {
			return i
		}
	}
	return -1
}

func xmlDecode(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var s strings.Builder
	for i := 0; i < len(b); {
		if b[i] == '&' {
			matched := false
			for _, e := range xmlEntities {
				if bytes.HasPrefix(b[i:], []byte(e.seq)) {
					s.WriteByte(e.c)
					i += len(e.seq)
					matched = true
					break
				}
			}
			if matched {
				continue
			}
		}
		s.WriteByte(b[i])
		i++
	}
	return s.String()
}

// EncodeXML renders n as Genode's Xml_generator does: one tab per level,
// each sub node on its own line, the end tag on its own line, empty nodes
// as "<type/>", attribute values raw, character data with < > & " ' and NUL
// written as entities. No trailing newline.
func (n *Node) EncodeXML() []byte {
	var b bytes.Buffer
	encXML(&b, n, 0)
	return b.Bytes()
}

func encXML(b *bytes.Buffer, n *Node, depth int) {
	b.WriteString(strings.Repeat("\t", depth))
	b.WriteByte('<')
	b.WriteString(n.Type)
	for _, a := range n.Attrs {
		b.WriteByte(' ')
		b.WriteString(a.Name)
		b.WriteString(`="`)
		b.WriteString(a.Value)
		b.WriteByte('"')
	}
	switch {
	case n.Content != "":
		b.WriteByte('>')
		for i := 0; i < len(n.Content); i++ {
			switch c := n.Content[i]; c {
			case 0:
				b.WriteString("&#x00;")
			case '>':
				b.WriteString("&gt;")
			case '<':
				b.WriteString("&lt;")
			case '&':
				b.WriteString("&amp;")
			case '"':
				b.WriteString("&quot;")
			case '\'':
				b.WriteString("&apos;")
			default:
				b.WriteByte(c)
			}
		}
	case len(n.Children) > 0:
		b.WriteByte('>')
		for _, c := range n.Children {
			b.WriteByte('\n')
			encXML(b, c, depth+1)
		}
		b.WriteByte('\n')
		b.WriteString(strings.Repeat("\t", depth))
	default:
		b.WriteString("/>")
		return
	}
	b.WriteString("</")
	b.WriteString(n.Type)
	b.WriteByte('>')
}

// CheckXML reports the first part of n that Genode's XML cannot represent so
// that it reads back unchanged.
func (n *Node) CheckXML() error {
	bad := func(format string, args ...any) error {
		return &Error{Line: n.Line, Col: n.Col, Msg: "node " + n.Type + ": " + sprintf(format, args...)}
	}
	if !xmlIdent(n.Type) {
		return bad("type %q is not an XML name", n.Type)
	}
	seen := map[string]bool{}
	for _, a := range n.Attrs {
		if !xmlIdent(a.Name) {
			return bad("attribute name %q is not an XML name", a.Name)
		}
		if seen[a.Name] {
			return bad("duplicate attribute %q", a.Name)
		}
		seen[a.Name] = true
		if strings.ContainsAny(a.Value, "\"\x00") {
			return bad("attribute %q: Genode's XML cannot carry '\"' or NUL in a value", a.Name)
		}
		if entityAt([]byte(a.Value)) >= 0 {
			return bad("attribute %q: value contains an entity-like sequence that XML tools would decode", a.Name)
		}
	}
	if n.Content != "" {
		if len(n.Children) > 0 {
			return bad("has both content and sub nodes")
		}
		if strings.TrimLeft(n.Content, " \t\n") == "" {
			return bad("content consisting of blanks only is not kept by Genode's XML")
		}
		if strings.HasSuffix(n.Content, "\n") {
			return bad("content ending in a newline is not kept by Genode's XML")
		}
	}
	for _, c := range n.Children {
		if err := c.CheckXML(); err != nil {
			return err
		}
	}
	return nil
}

func xmlIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !xmlIdentChar(s[i], i) {
			return false
		}
	}
	return true
}
