package launch

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// termConfig is a start node "hello" with the given route (HID lines below
// "+ route", "" for none), <terminal> nodes in /dev and <libc> attributes.
func termConfig(route, terminals, libc string) string {
	var b strings.Builder
	b.WriteString("start hello | caps: 10 | ram: 1M\n+ binary hello\n")
	if route != "" {
		b.WriteString("+ route\n" + route)
	}
	b.WriteString("+ config\n  + vfs\n    + dir dev\n      + log\n" + terminals)
	if libc != "" {
		b.WriteString("  + libc | " + libc + "\n")
	}
	b.WriteString("-\n")
	return b.String()
}

// terminal returns the resolved terminal at view path p.
func terminal(t *testing.T, c *Component, p string) *Terminal {
	t.Helper()
	for _, v := range c.VFS {
		if v.Path == p && v.Type == "terminal" {
			if v.Term == nil {
				t.Fatalf("terminal %s has no session", p)
			}
			return v.Term
		}
	}
	t.Fatalf("no terminal %s", p)
	return nil
}

// Session labels and init's routing: the first rule that matches, label_last
// against the last element, label/label_prefix/label_suffix against the
// label without the child's name, unscoped_label against the whole label.
func TestTerminalRouting(t *testing.T) {
	d := fixture(t)
	out, err := filepath.Join(d, "out"), filepath.Join(d, "err")
	two := "      + terminal stdout | label: stdout\n      + terminal err | label: errors\n      + terminal\n"
	cases := []struct {
		name, route, terminals, libc string
		want                         map[string]string // view path → host path ("" launcher's stdio)
	}{
		{"no route: the launcher's stdio", "", two, "", map[string]string{"/dev/stdout": "", "/dev/err": "", "/dev/terminal": ""}},
		{"label_last and label", "  + service Terminal | label_last: stdout\n    + parent | label: @DIR@/out\n" +
			"  + service Terminal | label: errors\n    + parent | label: @DIR@/err\n  + any-service\n    + parent\n",
			two, "", map[string]string{"/dev/stdout": out, "/dev/err": err, "/dev/terminal": ""}},
		{"first match wins", "  + any-service\n    + parent\n  + service Terminal | label_last: stdout\n    + parent | label: @DIR@/out\n",
			two, "", map[string]string{"/dev/stdout": ""}},
		{"prefix and suffix are scoped", "  + service Terminal | label_prefix: std\n    + parent | label: @DIR@/out\n" +
			"  + service Terminal | label_suffix: rors\n    + parent | label: @DIR@/err\n  + service Terminal\n    + parent\n",
			two, "", map[string]string{"/dev/stdout": out, "/dev/err": err, "/dev/terminal": ""}},
		{"prefix hello does not match the scoped label", "  + service Terminal | label_prefix: hello\n    + parent | label: @DIR@/out\n" +
			"  + service Terminal\n    + parent\n", two, "", map[string]string{"/dev/stdout": "", "/dev/err": ""}},
		{"unscoped label is the whole label", "  + service Terminal | unscoped_label: hello -> errors\n    + parent | label: @DIR@/err\n" +
			"  + service Terminal | unscoped_label: errors\n    + parent | label: @DIR@/out\n  + service Terminal\n    + parent\n",
			two, "", map[string]string{"/dev/err": err, "/dev/stdout": ""}},
		{"unlabelled session is NAME -> ", "  + service Terminal | label_last: \n    + parent | label: @DIR@/out\n" +
			"  + service Terminal\n    + parent\n", two, "", map[string]string{"/dev/terminal": out, "/dev/stdout": ""}},
		{"a local target declines", "  + service Terminal\n    + local\n    + parent | label: @DIR@/out\n",
			"      + terminal\n", "", map[string]string{"/dev/terminal": out}},
		{"any-service with only declining targets passes on", "  + any-service\n    + local\n  + service Terminal\n    + parent | label: @DIR@/out\n",
			"      + terminal\n", "", map[string]string{"/dev/terminal": out}},
		{"rewriting to an absolute path", "  + service Terminal\n    + parent | identity: | prepend_resource: @DIR@/\n",
			"      + terminal stdout | label: stdout\n", "", map[string]string{"/dev/stdout": filepath.Join(d, "stdout")}},
		{"rewriting to the same label", "  + service Terminal\n    + parent | resource: stdout\n",
			"      + terminal stdout | label: stdout\n", "", map[string]string{"/dev/stdout": ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, d, termConfig(tc.route, tc.terminals, tc.libc))
			if err != nil {
				t.Fatal(err)
			}
			for p, host := range tc.want {
				if got := terminal(t, c, p).HostPath; got != host {
					t.Errorf("%s: host %q, want %q", p, got, host)
				}
			}
		})
	}
}

func TestTerminalLabels(t *testing.T) {
	d := fixture(t)
	long := strings.Repeat("x", 70)
	c, err := load(t, d, termConfig("", "      + terminal a | label: a -> b\n      + terminal\n      + terminal c | label: "+long+"\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{"/dev/a": "hello -> a -> b", "/dev/terminal": "hello -> ", "/dev/c": "hello -> " + long[:63]} {
		if got := terminal(t, c, p).Label; got != want {
			t.Errorf("%s: label %q, want %q", p, got, want)
		}
	}
}

// <default-route> of an init config holding the start node applies when the
// start node has no <route>; a <route> replaces it entirely.
func TestTerminalDefaultRoute(t *testing.T) {
	d := fixture(t)
	cfg := func(startRoute string) string {
		return "config\n+ default-route\n  + service Terminal\n    + parent | label: @DIR@/out\n  + any-service\n    + parent\n" +
			"+ start hello | caps: 10 | ram: 1M\n  + binary hello\n" + startRoute +
			"  + config\n    + vfs | + dir dev | + terminal\n-\n"
	}
	c, err := load(t, d, cfg(""))
	if err != nil {
		t.Fatal(err)
	}
	if got := terminal(t, c, "/dev/terminal").HostPath; got != filepath.Join(d, "out") {
		t.Errorf("default route: host %q", got)
	}
	c, err = load(t, d, cfg("  + route\n    + any-service\n      + parent\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := terminal(t, c, "/dev/terminal").HostPath; got != "" {
		t.Errorf("start route: host %q, want the launcher's stdio", got)
	}
	_, err = load(t, d, cfg("  + route\n    + service ROM\n      + parent\n"))
	if err == nil || !strings.Contains(err.Error(), `no route to service "Terminal"`) {
		t.Errorf("a <route> without a Terminal rule does not fall back to <default-route>: %v", err)
	}
}

// How the host file is opened: by its type and by whether the session
// serves as stdin only.
func TestTerminalModes(t *testing.T) {
	d := fixture(t)
	in := filepath.Join(d, "in")
	os.WriteFile(in, []byte("input\n"), 0o644)
	fifo := filepath.Join(d, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	route := func(host string) string {
		return "  + service Terminal | label_last: t\n    + parent | label: " + host + "\n  + any-service\n    + parent\n"
	}
	node := "      + terminal t | label: t\n      + symlink in | target: t\n"
	cases := []struct {
		name, host, libc string
		want             TermMode
	}{
		{"new file", filepath.Join(d, "new"), "stdout: /dev/t", TermAppend},
		{"unused file", in, "", TermAppend},
		{"stdout file", in, "stdout: /dev/t", TermAppend},
		{"stdin file", in, "stdin: /dev/t | stdout: /dev/log", TermRead},
		{"stdin through a symlink", in, "stdin: /dev/in", TermRead},
		{"stdin and stderr", in, "stdin: /dev/t | stderr: /dev/in", TermAppend},
		{"stdin tty-like device", "/dev/null", "stdin: /dev/t", TermReadWrite},
		{"fifo", fifo, "stdout: /dev/t", TermReadWrite},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, d, termConfig(route(tc.host), node, tc.libc))
			if err != nil {
				t.Fatal(err)
			}
			if got := terminal(t, c, "/dev/t"); got.Mode != tc.want || got.HostPath != tc.host {
				t.Errorf("mode %v host %q, want %v %q", got.Mode, got.HostPath, tc.want, tc.host)
			}
		})
	}
}

func TestTerminalErrors(t *testing.T) {
	d := fixture(t)
	node := "      + terminal stdout | label: stdout\n"
	cases := []struct {
		name, route, libc string
		want              []string
	}{
		{"child", "  + service Terminal | label_last: stdout\n    + child term_mux\n",
			"", []string{"test.config:10:", "<start hello / config / vfs / dir dev / terminal stdout>", `"hello -> stdout"`,
				`<service name="Terminal" label_last="stdout"> (line 4) to <child name="term_mux"/>`, "only from the parent"}},
		{"any-child", "  + any-service\n    + any-child\n    + parent\n", "", []string{"<any-child/>", "never from another component"}},
		{"no rule", "  + service ROM\n    + parent\n", "", []string{"test.config:10:", "terminal stdout>", `no route to service "Terminal" (label="hello -> stdout")`}},
		{"service rule denies", "  + service Terminal\n    + local\n  + any-service\n    + parent\n", "", []string{"no route to service"}},
		{"relative label", "  + service Terminal\n    + parent | label: out.txt\n", "", []string{`makes its label "out.txt"`, "absolute path"}},
		{"stdin missing", "  + service Terminal\n    + parent | label: @DIR@/nothere\n", "stdin: /dev/stdout",
			[]string{"routed by <service", "host file @DIR@/nothere", "serving as stdin only reads an existing file"}},
		{"directory", "  + service Terminal\n    + parent | label: @DIR@/share\n", "", []string{"is a directory"}},
		{"no directory", "  + service Terminal\n    + parent | label: @DIR@/gone/out\n", "", []string{"no directory @DIR@/gone"}},
		{"bad target", "  + service Terminal\n    + parnet\n", "", []string{"parnet"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, d, termConfig(tc.route, node, tc.libc))
			if err == nil {
				t.Fatal("accepted")
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("error %T %v is not a *ConfigError", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), strings.ReplaceAll(w, "@DIR@", d)) {
					t.Errorf("error %q lacks %q", err, strings.ReplaceAll(w, "@DIR@", d))
				}
			}
		})
	}
}

// The flat file numbers the host terminals from fd 3 in view order; Run
// opens them (appending, reading) and hands them over at those numbers.
func TestTerminalRun(t *testing.T) {
	d := fixture(t)
	out, in := filepath.Join(d, "out"), filepath.Join(d, "in")
	os.WriteFile(out, []byte("kept\n"), 0o644)
	os.WriteFile(in, []byte("from the file\n"), 0o644)
	route := "  + service Terminal | label_last: stdout\n    + parent | label: @DIR@/out\n" +
		"  + service Terminal | label_last: stdin\n    + parent | label: @DIR@/in\n  + any-service\n    + parent\n"
	nodes := "      + terminal stdin | label: stdin\n      + terminal stdout | label: stdout\n      + terminal\n"
	c, err := load(t, d, termConfig(route, nodes, "stdin: /dev/stdin | stdout: /dev/stdout"))
	if err != nil {
		t.Fatal(err)
	}
	flat := string(c.Flat("RUN", ""))
	for _, want := range []string{
		"vfs\t/dev/stdin\tterminal\tlabel=stdin\thostfd=3\thostpath=" + in + "\n",
		"vfs\t/dev/stdout\tterminal\tlabel=stdout\thostfd=4\thostpath=" + out + "\n",
		"vfs\t/dev/terminal\tterminal\n",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("flat config lacks %q:\n%s", want, flat)
		}
	}
	var buf bytes.Buffer
	st, err := c.Run(context.Background(), RunOptions{ModelDir: modelDir(t), Stdout: &buf, Stderr: &buf,
		Loader: fakeLoader(t, `read line <&3; echo "got: $line"; echo "appended" >&4; echo "write to 3" >&3 2>/dev/null || echo "3 is read-only"`)})
	if err != nil || st != 0 {
		t.Fatalf("status %d, %v\n%s", st, err, buf.String())
	}
	if s := buf.String(); !strings.Contains(s, "got: from the file\n") || !strings.Contains(s, "3 is read-only\n") {
		t.Errorf("output:\n%s", s)
	}
	if b, _ := os.ReadFile(out); string(b) != "kept\nappended\n" {
		t.Errorf("host file %q, want the old content and the appended line", b)
	}
	if b, _ := os.ReadFile(in); string(b) != "from the file\n" {
		t.Errorf("stdin file changed: %q", b)
	}

	// a file that cannot be opened at run time: the run does not start
	os.Remove(in)
	st, err = c.Run(context.Background(), RunOptions{ModelDir: modelDir(t), Stdout: &buf, Stderr: &buf,
		Loader: fakeLoader(t, "echo started; exit 0")})
	if st != StatusLauncherError || err == nil || !strings.Contains(err.Error(), "terminal /dev/stdin") ||
		!strings.Contains(err.Error(), "cannot open host file "+in+" (read)") {
		t.Errorf("status %d, %v", st, err)
	}
}
