package initcfg

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"genodego/sandbox/node"
)

func roundTrip(t testing.TB, c *Config) {
	t.Helper()
	n := c.Node()
	for _, enc := range [][]byte{n.EncodeHID(), n.EncodeXML()} {
		c2, err := Decode(enc)
		if err != nil {
			t.Fatalf("%v\n%s", err, enc)
		}
		if !node.Equal(c2.Node(), n) {
			t.Fatalf("round trip differs:\n%s\n---\n%s", enc, c2.Node().EncodeHID())
		}
	}
}

func TestFixtures(t *testing.T) {
	for _, f := range []string{"testdata/init_dynamic.hid", "testdata/init_dynamic.xml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if c.Version != "17" || c.PrioLevels != 4 || len(c.ParentProvides) != 5 || len(c.Starts) != 2 {
			t.Fatalf("%s: %+v", f, c)
		}
		if c.Default.Caps != 100 || c.Default.RAM != MiB || !c.Report.IDs || c.Report.DelayMs != 500 {
			t.Fatalf("%s: defaults %+v %+v", f, c.Default, c.Report)
		}
		app := c.Starts[1]
		if app.Version != "2" || app.Caps != 300 || app.RAM != 32*MiB || app.Priority != -1 || app.Binary != "/bin/sh" {
			t.Fatalf("%s: app %+v", f, app)
		}
		if *app.Affinity != (Affinity{XPos: 1, Width: 2}) {
			t.Fatalf("%s: affinity %+v", f, app.Affinity)
		}
		r := app.Route.Rules[1]
		if r.Service != "File_system" || r.LabelPrefix != "rootfs ->" || r.Targets[0] != (Target{Kind: Child, Name: "fs", Identity: "rw", PrependResource: "/containers/app/rootfs"}) {
			t.Fatalf("%s: route %+v", f, r)
		}
		if c.DefaultRoute.Rules[0].Targets[1].Kind != AnyChild {
			t.Fatalf("%s: default route %+v", f, c.DefaultRoute)
		}
		cc := app.Config
		if cc.Libc.Get("cwd") != "/srv" || cc.VFS == nil || len(cc.Env) != 1 || cc.Env[0] != (EnvVar{"PATH", "/bin"}) {
			t.Fatalf("%s: child config %+v", f, cc)
		}
		if cc.Args[0] != "sh" || cc.Args[1] != "-c" {
			t.Fatalf("%s: args %q", f, cc.Args)
		}
		roundTrip(t, c)
	}
}

func TestLegacyForms(t *testing.T) {
	c, err := Decode([]byte(`<config>
	<start name="a"><resource name="RAM" quantum="10M"/><resource name="CAP" quantum="120"/>
		<config><arg name="x" value="y"/><env key="K" value="V"/><arg>quoted arg</arg><env name="N">multi
line</env></config></start>
</config>`))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Starts[0]
	if s.RAM != 10*MiB || !s.LegacyRAM || s.Caps != 120 {
		t.Fatalf("%+v", s)
	}
	if !reflect.DeepEqual(s.Config.Args, []string{"x", "y", "quoted arg"}) {
		t.Fatalf("args %q", s.Config.Args)
	}
	if !reflect.DeepEqual(s.Config.Env, []EnvVar{{"K", "V"}, {"N", "multi\nline"}}) {
		t.Fatalf("env %q", s.Config.Env)
	}
}

func TestChildConfigArgForms(t *testing.T) {
	args := []string{"sh", "-c", "echo \"a | b\" && x: y", "", " spaced ", "tab\there", "two\nlines"}
	c := &Config{Starts: []*Start{{Name: "x", Config: &ChildConfig{Args: args, Env: []EnvVar{{"A", ""}, {"B", "x|y"}}}}}}
	roundTrip(t, c)
	back, _ := Decode(c.Node().EncodeHID())
	if !reflect.DeepEqual(back.Starts[0].Config.Args, args) {
		t.Fatalf("%q", back.Starts[0].Config.Args)
	}
	for _, bad := range []string{"a\x01", "a\n\nb", "a\n", "\r"} {
		if ArgProblem(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"config\n+ start a\n+ bogus\n-\n", "3:3: unknown config element type <bogus>"},
		{"config\n+ start a | ram: 8X\n-\n", "2:13: ram: invalid size"},
		{"config\n+ start a | caps: -1\n-\n", "2:13: caps: expected a natural number"},
		{"config\n+ start a\n+ start a\n-\n", "3:9: duplicate start name"},
		{"config\n+ start a\n  + frob\n-\n", "3:5: unknown node <frob> in <start>"},
		{"config\n+ start | ram: 1M\n-\n", "2:3: <start> lacks the \"name\" attribute"},
		{"config\n+ start a\n  + route\n    + service ROM | + sibling x\n-\n", "4:23: unknown route target <sibling>"},
		{"config\n+ start a\n  + resource | name: CPU | quantum: 10\n-\n", "3:5: <resource name=\"CPU\"> was removed in Genode 25.11"},
		{"config\n+ start a | ram: 1M\n  + resource | name: RAM | quantum: 1M\n-\n", "3:5: ambiguous RAM-quota"},
		{"config | prio_levels: 3\n-\n", "1:10: prio_levels must be a power of two"},
		{"config\n+ start a | priority: 1\n-\n", "2:13: priority must be 0 or negative"},
		{"config\n+ start a | colour: red\n-\n", "2:13: <start>: unknown attribute \"colour\""},
		{"<config><start name=\"a\" ram=\"1Q\"/></config>", "1:25: ram: invalid size"},
		{"state\n-\n", "1:1: expected <config>"},
	}
	for _, c := range cases {
		_, err := Decode([]byte(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %s", c.in, err, c.want)
		}
	}
}

func TestBytes(t *testing.T) {
	for _, c := range []struct {
		s string
		b Bytes
		p string
	}{{"0", 0, "0"}, {"1024", KiB, "1K"}, {"1536", 1536, "1536"}, {"8M", 8 * MiB, "8M"}, {"3G", 3 * GiB, "3G"}, {"2048K", 2 * MiB, "2M"}} {
		b, err := ParseBytes(c.s)
		if err != nil || b != c.b || b.String() != c.p {
			t.Errorf("%s: %d %v %s", c.s, b, err, b.String())
		}
	}
	for _, bad := range []string{"", "M", "-1", "1.5M", "99999999999999999999G", "+5"} {
		if _, err := ParseBytes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestState(t *testing.T) {
	data, _ := os.ReadFile("testdata/state_report.hid")
	st, err := DecodeState(data)
	if err != nil {
		t.Fatal(err)
	}
	if st.Version != "17" || st.RAM.Quota != uint64(3*GiB) || st.RAM.Used != 1234567 || len(st.Children) != 3 {
		t.Fatalf("%+v", st)
	}
	fs := st.Child("fs")
	if fs.RAM.Assigned != uint64(8*MiB) || fs.Caps.Used != 80 || !fs.HasID || fs.ID != 1 {
		t.Fatalf("%+v %+v", fs.RAM, fs.Caps)
	}
	if app := st.Child("app"); app.Exited == nil || *app.Exited != 3 || app.Version != "2" {
		t.Fatalf("%+v", app)
	}
	if !st.Child("broken").Incomplete {
		t.Fatal("incomplete")
	}
	for _, enc := range [][]byte{st.Node().EncodeHID(), st.Node().EncodeXML()} {
		st2, err := DecodeState(enc)
		if err != nil || !reflect.DeepEqual(st, st2) {
			t.Fatalf("%v\n%s", err, enc)
		}
	}
	// Genode's exact-multiple printing and plain bytes are both accepted
	st, err = DecodeState([]byte(`<state><child name="x" binary="x"><ram assigned="1536" quota="2G" used="0" avail="2G" requested="4K"/></child></state>`))
	if err != nil || st.Children[0].RAM.Requested != 4096 || !st.Children[0].RAM.HasRequested {
		t.Fatalf("%v %+v", err, st)
	}
}

func FuzzDecode(f *testing.F) {
	for _, p := range []string{"testdata/init_dynamic.hid", "testdata/init_dynamic.xml", "testdata/state_report.hid"} {
		d, _ := os.ReadFile(p)
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Decode(data)
		if err != nil {
			if _, ok := err.(*node.Error); !ok {
				t.Fatalf("error without position: %T %v", err, err)
			}
		} else if c.Node().CheckHID() == nil {
			roundTrip(t, c)
		}
		if st, err := DecodeState(data); err == nil {
			st.Node().EncodeHID()
		}
	})
}
