package initmodel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
)

// terminalRoute sends the Terminal session labelled "stdout" to the host file
// out (the launcher serves a <parent label="/host/path"/> target as that
// file) and everything else to the parent.
func terminalRoute(out string) *initcfg.Route {
	return &initcfg.Route{Rules: []initcfg.Rule{
		{Service: "Terminal", LabelLast: "stdout", Targets: []initcfg.Target{{Kind: initcfg.Parent, Label: out}}},
		{Any: true, Targets: []initcfg.Target{{Kind: initcfg.Parent}}},
	}}
}

// terminalChild prints to stdout, which is a <terminal> node labelled
// "stdout"; its log (stderr) stays the LOG session.
func terminalChild(name string, steps ...string) *initcfg.Start {
	s := genodeChild(name, steps...)
	s.Config.VFS = nodeNew("vfs").Add(initcfg.Dir("dev", nodeNew("log"), nodeNew("null"),
		nodeNew("terminal", "name", "stdout", "label", "stdout")))
	s.Config.Libc = &initcfg.Libc{Attrs: []nodeAttr{{Name: "stdin", Value: "/dev/null"},
		{Name: "stdout", Value: "/dev/stdout"}, {Name: "stderr", Value: "/dev/log"}}}
	return s
}

// A child of init whose Terminal session init routes to a host file writes into
// that file (appending to what is there), not into init's log; routed by the
// start node's <route>, and by init's <default-route> for a child without one.
func TestTerminalRoutedToHostFile(t *testing.T) {
	for _, by := range []string{"route", "default-route"} {
		t.Run(by, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if err := os.WriteFile(out, []byte("before\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var base *initcfg.Config
			s := terminalChild("tc", "print", "into the file", "print", "and more")
			if by == "route" {
				s.Route = terminalRoute(out)
			} else {
				base = &initcfg.Config{DefaultRoute: terminalRoute(out)}
			}
			e := start(t, base)
			if err := e.drv.Add(s); err != nil {
				t.Fatal(err)
			}
			if st := e.wait("tc", driver.Stopped); st.ExitCode != 0 {
				t.Fatalf("exit code %d\n%s", st.ExitCode, e.log.String())
			}
			want := "before\ninto the file\nand more\n"
			var got []byte
			if !eventually(5*time.Second, func() bool {
				got, _ = os.ReadFile(out)
				return string(got) == want
			}) {
				t.Fatalf("host file holds %q, want %q\nlog:\n%s", got, want, e.log.String())
			}
			if strings.Contains(e.log.String(), "into the file") {
				t.Errorf("the terminal's output reached init's log:\n%s", e.log.String())
			}
		})
	}
}
