package initcfg

import (
	"fmt"
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
		{"config\n+ start a | ram: 8X\n-\n", "2:13: ram: \"8X\" is not a size"},
		{"config\n+ start a | caps: -1\n-\n", "2:13: caps: \"-1\" is not an unsigned number"},
		{"config\n+ start a\n+ start a\n-\n", "3:9: duplicate start name"},
		{"config\n+ start a\n  + frob\n-\n", "3:5: unknown node <frob> in <start>"},
		{"config\n+ start | ram: 1M\n-\n", "2:3: <start> lacks the \"name\" attribute"},
		{"config\n+ start a\n  + route\n    + service ROM | + sibling x\n-\n", "4:23: unknown route target <sibling>"},
		{"config\n+ start a\n  + resource | name: CPU | quantum: 10\n-\n", "3:5: <resource name=\"CPU\"> no longer exists (removed in Genode 25.11)"},
		{"config\n+ start a\n  + resource | name: RAM\n-\n", "3:5: <resource name=\"RAM\"> lacks a quantum"},
		{"config\n+ start a | priority: 1\n-\n", "2:13: priority must be 0 or negative"},
		{"config\n+ start a | colour: red\n-\n", "2:13: <start>: unknown attribute \"colour\""},
		{"config\n+ start a\n  + binary x\n  + binary y\n-\n", "4:5: more than one <binary>"},
		{"config\n+ resource | name: ROM | preserve: 1\n-\n", "2:14: unknown resource \"ROM\""},
		{"<config><start name=\"a\" ram=\"1Q\"/></config>", "1:25: ram: \"1Q\" is not a size"},
		{"state\n-\n", "1:1: expected <config>"},
	}
	for _, c := range cases {
		_, err := Decode([]byte(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %s", c.in, err, c.want)
		}
	}
}

// What Genode 26.02 accepts, warns about or passes over, in both modes:
// lax decoding carries warnings and ignored forms as Diags, strict decoding
// makes the ignored ones errors. Sources: repos/base/include/util/string.h
// (values), repos/os/src/lib/sandbox/child.cc and utils.h (quotas,
// priorities), repos/libports/include/libc/args.h (arguments, environment),
// repos/libports/src/lib/libc/internal/config.h (<vfs>).
func TestGenodeTolerance(t *testing.T) {
	cases := []struct {
		name, in string
		check    func(c *Config) string // "" when c is as Genode reads it
		diags    []string               // lax: "kind line:col: msg" prefixes
		strict   string                 // strict: error prefix, "" if it decodes
	}{
		{"hex quotas", `<config><start name="a" ram="0x1000000" caps="0x10"/></config>`,
			func(c *Config) string {
				if s := c.Starts[0]; s.RAM != 16*MiB || s.Caps != 16 {
					return fmt.Sprintf("ram %d caps %d", s.RAM, s.Caps)
				}
				return ""
			}, nil, ""},
		{"ambiguous ram", "config\n+ start a | ram: 4M\n  + resource RAM | quantum: 8M\n-\n",
			func(c *Config) string {
				if s := c.Starts[0]; s.RAM != 8*MiB || !s.LegacyRAM {
					return fmt.Sprintf("ram %d legacy %v", s.RAM, s.LegacyRAM)
				}
				return ""
			}, []string{"warning 3:5: a: ambigious RAM-quota definition"}, ""},
		{"default ram and resource", "config\n+ default | ram: 1M\n+ start a\n  + resource RAM | quantum: 8M\n-\n",
			nil, []string{"warning 4:5: a: ambigious RAM-quota definition"}, ""},
		{"zero ram and resource", "config\n+ start a | ram: 0\n  + resource RAM | quantum: 8M\n-\n", nil, nil, ""},
		{"env key without value, empty arg", `<config><start name="a"><config><env key="A"/><arg/><arg value="x"/><env name="B"/></config></start></config>`,
			func(c *Config) string {
				cc := c.Starts[0].Config
				if !reflect.DeepEqual(cc.Args, []string{"x"}) || !reflect.DeepEqual(cc.Env, []EnvVar{{"B", ""}}) {
					return fmt.Sprintf("args %q env %q", cc.Args, cc.Env)
				}
				return ""
			}, []string{"ignored 1:33: <env> needs a name", "ignored 1:47: <arg> without name"}, "1:33: <env> needs a name"},
		{"bools on and off", `<config verbose="on"><report ids="on" child_ram="off"/><start name="a" managing_system="on"><exit propagate="on"/></start></config>`,
			func(c *Config) string {
				if !c.Verbose || !c.Report.IDs || c.Report.ChildRAM || !c.Starts[0].ManagingSystem || !c.Starts[0].ExitPropagate {
					return fmt.Sprintf("%+v %+v %+v", c, c.Report, c.Starts[0])
				}
				return ""
			}, nil, ""},
		{"prio_levels not a power of two", "config | prio_levels: 3\n-\n", nil,
			[]string{"warning 1:10: prio levels is not power of two"}, ""},
		{"unknown start attribute", "config\n+ start a | colour: red\n-\n", nil,
			[]string{"unread 2:13: <start>: unknown attribute \"colour\""}, "2:13: <start>: unknown attribute"},
		{"second binary", "config\n+ start a\n  + binary x\n  + binary y\n-\n",
			func(c *Config) string {
				if c.Starts[0].Binary != "x" {
					return c.Starts[0].Binary
				}
				return ""
			}, []string{"unread 4:5: more than one <binary>"}, "4:5: more than one <binary>"},
		{"cap resource and caps", "config\n+ start a | caps: 5\n  + resource CAP | quantum: 7\n-\n",
			func(c *Config) string {
				if c.Starts[0].Caps != 7 {
					return fmt.Sprint(c.Starts[0].Caps)
				}
				return ""
			}, []string{"ignored 3:5: <resource name=\"CAP\"> and caps"}, "3:5: <resource name=\"CAP\"> and caps"},
		{"vfs in libc", "config\n+ start a\n  + config\n    + libc | + vfs | + dir tmp | + ram\n-\n",
			func(c *Config) string {
				cc := c.Starts[0].Config
				if cc.VFS == nil || !cc.VFSInLibc || cc.VFS.Child("dir") == nil || !cc.Diags[0].Child {
					return fmt.Sprintf("%+v", cc)
				}
				if n := cc.Node(); n.Child("vfs") != nil || n.Child("libc").Child("vfs") == nil {
					return "re-encoded: " + n.String()
				}
				return ""
			}, []string{"warning 4:16: '<config> <libc> <vfs/>' is deprecated"}, ""},
		{"second vfs", "config\n+ start a\n  + config\n    + vfs | + ram\n    + vfs | + rom x\n-\n",
			func(c *Config) string {
				if c.Starts[0].Config.VFS.Child("ram") == nil {
					return "second <vfs> used"
				}
				return ""
			}, []string{"unread 5:7: more than one <vfs>"}, "5:7: more than one <vfs>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := node.Parse([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			c, err := Options{}.Config(n)
			if err != nil {
				t.Fatalf("lax: %v", err)
			}
			if tc.check != nil {
				if msg := tc.check(c); msg != "" {
					t.Errorf("lax: %s", msg)
				}
			}
			var got []string
			for _, d := range allDiags(c) {
				got = append(got, fmt.Sprintf("%s %d:%d: %s", d.Kind, d.Line, d.Col, d.Msg))
			}
			if len(got) != len(tc.diags) {
				t.Fatalf("diags %q, want %q", got, tc.diags)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.diags[i]) {
					t.Errorf("diag %q, want %q", got[i], tc.diags[i])
				}
			}
			_, err = Strict.Config(n)
			switch {
			case tc.strict == "" && err != nil:
				t.Errorf("strict: %v", err)
			case tc.strict != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.strict)):
				t.Errorf("strict: got %v, want %s", err, tc.strict)
			}
		})
	}
}

func allDiags(c *Config) []Diag {
	ds := append([]Diag(nil), c.Diags...)
	for _, s := range c.Starts {
		ds = append(ds, s.Diags...)
	}
	return ds
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
