package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The test binary doubles as genode-run when GENODE_RUN_AS_MAIN is set.
func TestMain(m *testing.M) {
	if os.Getenv("GENODE_RUN_AS_MAIN") == "1" {
		os.Args = append([]string{"genode-run"}, strings.Fields(os.Getenv("GENODE_RUN_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "GENODE_RUN_AS_MAIN=1", "GENODE_RUN_ARGS="+strings.Join(args, " "))
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

func TestCommand(t *testing.T) {
	d := t.TempDir()
	bin := filepath.Join(d, "hello")
	os.WriteFile(bin, []byte("\x7fELF"), 0o755)
	write := func(name, s string) string {
		p := filepath.Join(d, name)
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	good := write("good.config", "start hello | caps: 10 | ram: 4M\n+ config\n  + arg hello\n-\n")
	bad := write("bad.config", "<start name=\"hello\" caps=\"10\" ram=\"1M\">\n  <config>\n    <vfs> <fs host=\"relative\"/> </vfs>\n  </config>\n</start>\n")
	badRAM := write("badram.config", "start hello | caps: 10\n  ram: 4X\n-\n")

	if st, out, _ := run(t, "-n", good); st != 0 || !strings.Contains(out, "component\thello\n") || !strings.Contains(out, "arg\thello\n") {
		t.Errorf("-n: %d %q", st, out)
	}
	if st, _, errs := run(t, "-n", badRAM); st != 125 || !strings.Contains(errs, "badram.config:2:") || !strings.Contains(errs, `"ram"`) {
		t.Errorf("bad ram: %d %q", st, errs)
	}
	if st, _, errs := run(t, bad); st != 125 || !strings.Contains(errs, "bad.config:3:") || !strings.Contains(errs, "not an absolute host path") {
		t.Errorf("bad: %d %q", st, errs)
	}
	if st, _, errs := run(t, "-model", d, good); st != 125 || !strings.Contains(errs, "make model") {
		t.Errorf("no model: %d %q", st, errs)
	}
	if st, _, errs := run(t, "-n", filepath.Join(d, "missing.config")); st != 125 || !strings.Contains(errs, "missing.config") {
		t.Errorf("missing config: %d %q", st, errs)
	}
	if st, _, _ := run(t); st != 125 {
		t.Errorf("no arguments: %d", st)
	}
}
