package node

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustParse(t *testing.T, data string) *Node {
	t.Helper()
	n, err := Parse([]byte(data))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, data)
	}
	return n
}

func fixtures(t *testing.T, ext string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	files, _ := filepath.Glob("testdata/*." + ext)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = b
	}
	if len(m) == 0 {
		t.Fatalf("no %s fixtures", ext)
	}
	return m
}

// HID -> Node -> HID: the encoding is a fixpoint after one round and
// reads back to the same tree.
func TestRoundTripHID(t *testing.T) {
	for name, data := range fixtures(t, "hid") {
		n, err := ParseHID(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := n.CheckHID(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		enc := n.EncodeHID()
		n2, err := ParseHID(enc)
		if err != nil {
			t.Fatalf("%s: re-parse: %v\n%s", name, err, enc)
		}
		if !Equal(n, n2) {
			t.Fatalf("%s: tree changed\n%s", name, enc)
		}
		if enc2 := n2.EncodeHID(); !bytes.Equal(enc, enc2) {
			t.Fatalf("%s: not a fixpoint\n%s\n---\n%s", name, enc, enc2)
		}
	}
}

func TestRoundTripXML(t *testing.T) {
	for name, data := range fixtures(t, "xml") {
		n, err := ParseXML(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		enc := n.EncodeXML()
		n2, err := ParseXML(enc)
		if err != nil {
			t.Fatalf("%s: re-parse: %v\n%s", name, err, enc)
		}
		if !Equal(n, n2) {
			t.Fatalf("%s: tree changed\n%s", name, enc)
		}
		if enc2 := n2.EncodeXML(); !bytes.Equal(enc, enc2) {
			t.Fatalf("%s: not a fixpoint", name)
		}
	}
}

// XML -> HID -> XML as Genode converts with generate_xml switched off/on.
func TestXMLToHIDToXML(t *testing.T) {
	for name, data := range fixtures(t, "xml") {
		x, err := ParseXML(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := x.CheckHID(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		h, err := ParseHID(x.EncodeHID())
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, x.EncodeHID())
		}
		if !Equal(x, h) {
			t.Fatalf("%s: HID rendering differs\n%s", name, x.EncodeHID())
		}
		if !bytes.Equal(h.EncodeXML(), x.EncodeXML()) {
			t.Fatalf("%s: XML differs after HID", name)
		}
	}
	// HID fixtures to XML and back, where representable
	for name, data := range fixtures(t, "hid") {
		h, _ := ParseHID(data)
		if h.CheckXML() != nil {
			continue
		}
		x, err := ParseXML(h.EncodeXML())
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, h.EncodeXML())
		}
		if !Equal(x, h) {
			t.Fatalf("%s: XML rendering differs\n%s", name, h.EncodeXML())
		}
	}
}

func TestFixtureSemantics(t *testing.T) {
	b, _ := os.ReadFile("testdata/init_dynamic.hid")
	h, err := ParseHID(b)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := h.Attr("version"); v != "17" {
		t.Fatalf("version %q", v)
	}
	starts := h.All("start")
	if len(starts) != 2 {
		t.Fatalf("%d starts", len(starts))
	}
	app := starts[1]
	if v, _ := app.Attr("name"); v != "app" {
		t.Fatal(v)
	}
	if v, _ := app.Attr("priority"); v != "-1" {
		t.Fatal(v)
	}
	if len(app.All("route")) != 1 {
		t.Fatal("disabled route must be skipped")
	}
	svc := app.Child("route").All("service")[1]
	child := svc.Child("child")
	if v, _ := child.Attr("prepend_resource"); v != "/containers/app/rootfs" {
		t.Fatalf("prepend_resource %q", v)
	}
	if v, _ := svc.Attr("label_prefix"); v != "rootfs ->" {
		t.Fatalf("label_prefix %q", v)
	}
	args := app.Child("config").All("arg")
	if got := args[2].Content; got != "echo a && b | c\n\nsecond line with | pipes" {
		t.Fatalf("arg content %q", got)
	}
	if n, _ := args[0].Attr("name"); n != "sh" {
		t.Fatal(n)
	}
	if c := app.Child("config").Child("env").Content; c != "/bin" {
		t.Fatalf("env %q", c)
	}
	x, _ := ParseXML(mustRead(t, "testdata/init_dynamic.xml"))
	xapp := x.All("start")[1]
	if v, _ := xapp.Child("config").All("arg")[2].Attr("value"); v != "echo a && b" {
		t.Fatalf("arg %q", v)
	}
	if v, _ := ParseLax([]byte(`<arg value="a &amp; b"/>`)).Attr("value"); v != "a &amp; b" {
		t.Fatalf("XML attribute values are raw in Genode: %q", v)
	}
	if c := xapp.Child("config").Child("vfs").All("dir")[1].Child("inline").Content; c != "127.0.0.1 localhost" {
		t.Fatalf("inline %q", c)
	}
	l, _ := ParseXML(mustRead(t, "testdata/test_log.xml"))
	in := l.Child("start").Child("config").Child("vfs").Child("inline")
	if in.Content != "line one\nline <two> \"quoted\" 'x'\n  indented line three" {
		t.Fatalf("decoded %q", in.Content)
	}
}

func mustRead(t *testing.T, f string) []byte {
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Exact generator output, following Hid_generator and Xml_generator.
func TestEncodeExact(t *testing.T) {
	n := New("config", "verbose", "yes").Add(
		New("start", "name", "a", "ram", "1M").Add(New("binary", "name", "x")),
		New("start", "ram", "2M", "name", "b"),
		New("arg").Add(),
	)
	n.Children[2].Content = "one\n\nthree|x"
	wantHID := "config | verbose: yes\n" +
		"+ start a | ram: 1M\n" +
		"  + binary x\n" +
		"+ start | ram: 2M | name: b\n" +
		"+ arg\n" +
		"  : one\n" +
		"  :\n" +
		"  : three|x\n" +
		"-\n"
	if got := string(n.EncodeHID()); got != wantHID {
		t.Fatalf("HID:\n%s\nwant:\n%s", got, wantHID)
	}
	wantXML := "<config verbose=\"yes\">\n" +
		"\t<start name=\"a\" ram=\"1M\">\n" +
		"\t\t<binary name=\"x\"/>\n" +
		"\t</start>\n" +
		"\t<start ram=\"2M\" name=\"b\"/>\n" +
		"\t<arg>one\n\nthree|x</arg>\n" +
		"</config>"
	if got := string(n.EncodeXML()); got != wantXML {
		t.Fatalf("XML:\n%s\nwant:\n%s", got, wantXML)
	}
	// a name containing ": " cannot be the node name
	m := New("start", "name", "a: b")
	if got := string(m.EncodeHID()); got != "start | name: a: b\n-\n" {
		t.Fatalf("%q", got)
	}
	if v, _ := mustParse(t, string(m.EncodeHID())).Attr("name"); v != "a: b" {
		t.Fatalf("%q", v)
	}
	// Genode drops attributes with '|' or control characters
	p := New("env", "key", "A", "value", "a|b")
	if got := string(p.EncodeHID()); got != "env | key: A\n-\n" {
		t.Fatalf("%q", got)
	}
	if p.CheckHID() == nil {
		t.Fatal("CheckHID must refuse '|'")
	}
	q := New("arg", "value", `say "hi"`)
	if q.CheckXML() == nil {
		t.Fatal("CheckXML must refuse '\"'")
	}
	if err := q.CheckHID(); err != nil {
		t.Fatal(err)
	}
}

func TestHIDSyntax(t *testing.T) {
	// compacted lines and tabular layout
	n := mustParse(t, "config\n+ route\n  + service ROM | label: recording | + child record_rom\n  + service Gui                    | + child wm\n  + any-service                    | + parent\n-\n")
	r := n.Child("route")
	if len(r.Children) != 3 {
		t.Fatalf("%d", len(r.Children))
	}
	if c := r.Children[1].Child("child"); c == nil {
		t.Fatal("no child in Gui")
	} else if v, _ := c.Attr("name"); v != "wm" {
		t.Fatal(v)
	}
	// "+ a | + b | + c": c is deeper than b, so it is b's sub node
	n = mustParse(t, "x0\n+ any-service | + parent | + any-child\n-\n")
	as := n.Child("any-service")
	if len(as.Children) != 1 || as.Children[0].Child("any-child") == nil {
		t.Fatalf("nesting: %s", n)
	}
	// visual scoping with leading '|', comments with '|'
	n = mustParse(t, "config | verbose: yes\n.\n+ start osci | ram: 8M\n  . comment | with pipe\n  + config\n  |   fps: 50\n  |   width: 720 | . trailing comment\n  | + channel | label: mic\n-\n")
	c := n.Child("start").Child("config")
	if v, _ := c.Attr("width"); v != "720" {
		t.Fatalf("width %q", v)
	}
	if c.Child("channel") == nil {
		t.Fatal("channel")
	}
	// CRLF line endings
	n = mustParse(t, "config | a: 1\r\n+ start x\r\n-\r\n")
	if n.Child("start") == nil {
		t.Fatal("crlf")
	}
	// tabs are allowed in quoted content and comments only
	n = mustParse(t, "a\n+ b\n  : x\ty\n  . c\td\n-\n")
	if n.Child("b").Content != "x\ty" {
		t.Fatalf("%q", n.Child("b").Content)
	}
	// leading blanks before the document
	n = mustParse(t, "\n\t  config\n-\n")
	if n.Type != "config" {
		t.Fatal(n.Type)
	}
	// the first of duplicated attributes counts in lax mode
	l := ParseLax([]byte("a | x: 1 | x: 2\n-\n"))
	if v, _ := l.Attr("x"); v != "1" {
		t.Fatal(v)
	}
	// an empty value
	n = mustParse(t, "a | x: \n-\n")
	if v, ok := n.Attr("x"); !ok || v != "" {
		t.Fatal("empty value")
	}
}

func TestXMLSyntax(t *testing.T) {
	n := mustParse(t, "<config><!-- c <x/> --><a  x = \"1\"y=\"2\" /><b></b></config>")
	if len(n.Children) != 2 {
		t.Fatal(len(n.Children))
	}
	if v, _ := n.Children[0].Attr("y"); v != "2" {
		t.Fatal(v)
	}
	// identifiers may contain '.', ':' and '-'
	n = mustParse(t, `<a.b:c-d e.f="1"/>`)
	if n.Type != "a.b:c-d" {
		t.Fatal(n.Type)
	}
	// lax: stray text between elements is ignored as Genode does
	l := ParseLax([]byte("<a> junk <b/> more </a>"))
	if len(l.Children) != 1 {
		t.Fatalf("lax %d", len(l.Children))
	}
	// unknown entities stay verbatim
	l = ParseLax([]byte("<a>x&#10;y</a>"))
	if l.Content != "x&#10;y" {
		t.Fatalf("%q", l.Content)
	}
	// blank-only content is no content
	n = mustParse(t, "<a>  \n </a>")
	if n.Content != "" {
		t.Fatal("blank")
	}
	// trailing newline of content is dropped (last quoted line)
	n = mustParse(t, "<a>\nx\n</a>")
	if n.Content != "\nx" {
		t.Fatalf("%q", n.Content)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "1:1: empty document"},
		{"config\n+ start a\n", "3:1: missing end marker"},
		{"config\n+ start a\x01\n-\n", "2:10: control character 0x01"},
		{"config\n+ start a\n  ram 8M\n-\n", "3:3: expected 'tag: value'"},
		{"config\n  ram:8M\n-\n", "2:7: attribute value must be separated"},
		{"config | a: 1 | a: 2\n-\n", "1:17: duplicate attribute"},
		{"config\n+ start\n  : text\n  + x\n-\n", "3:3: quoted content cannot appear besides sub nodes"},
		{"config\n+ Start\n-\n", "2:3: expected node type"},
		{"config\n-\nmore\n", "3:1: unexpected text after end of document"},
		{"config\n\t+ x\n-\n", "2:1: tab outside quoted content"},
		{"<config>\n  <start name=\"a\">\n</config>", "1:1: no end tag for <config>"},
		{"<config>\n  <start name=\"a\">\n</x></config>", "3:1: end tag </x> does not match <start>"},
		{"<config>\n  <start name=\"a\"/>\n", "1:1: no end tag for <config>"},
		{"<config>\n  junk <a/>\n</config>", "2:8: character data mixed with elements"},
		{"<config>\n  <a/> junk\n</config>", "2:8: unexpected text in element content"},
		{"<config><a x=1/></config>", "1:9: malformed tag"},
		{"<a>x &#10; y</a>", "1:6: unknown entity"},
		{"<a v=\"x&amp;y\"/>", "1:8: Genode does not decode entities"},
		{"<a/><b/>", "1:5: malformed tag after the top-level element"},
		{"<a>x<b/></a>", "1:5: character data mixed with elements"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.in))
		if err == nil {
			t.Errorf("%q: no error, want %s", c.in, c.want)
			continue
		}
		if _, ok := err.(*Error); !ok {
			t.Errorf("%q: %T", c.in, err)
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %q, want %q", c.in, err, c.want)
		}
	}
}

// Genode turns data it cannot parse into an "empty" node.
func TestLaxEmpty(t *testing.T) {
	for _, in := range []string{"", "   ", "config\n+ start a\n", "<config><start></config>", "\x00", "config\x01\n-\n", "<config"} {
		if n := ParseLax([]byte(in)); n.Type != "empty" || len(n.Children) != 0 {
			t.Errorf("%q: %s", in, n.Type)
		}
	}
}

func TestPositions(t *testing.T) {
	n := mustParse(t, "config\n+ start a | ram: 1M\n  + binary b\n-\n")
	s := n.Child("start")
	if s.Line != 2 || s.Col != 3 {
		t.Fatalf("start at %d:%d", s.Line, s.Col)
	}
	if a := s.Attrs[1]; a.Line != 2 || a.Col != 13 {
		t.Fatalf("ram at %d:%d", a.Line, a.Col)
	}
	x := mustParse(t, "<config>\n\t<start name=\"a\"/>\n</config>")
	if s := x.Child("start"); s.Line != 2 || s.Col != 2 || s.Attrs[0].Col != 9 {
		t.Fatalf("xml start at %d:%d", s.Line, s.Col)
	}
}
