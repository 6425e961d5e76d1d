package initmodel

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
)

// The exec test hook runs a plain Linux executable with the config's argv and environment.
func TestExecLauncher(t *testing.T) {
	e := startWith(t, nil, Options{Launcher: Exec{}})
	sh := &initcfg.Start{Name: "x", Binary: "/bin/sh", Caps: 100, RAM: 4 * initcfg.MiB,
		Config: &initcfg.ChildConfig{Args: []string{"sh", "-c", `echo "hello $GREETING"; exit 3`},
			Env: []initcfg.EnvVar{{Name: "GREETING", Value: "a: b | c"}}}}
	if err := e.drv.Add(sh); err != nil {
		t.Fatal(err)
	}
	if s := e.wait("x", driver.Stopped); s.ExitCode != 3 {
		t.Fatalf("exit code %d\n%s", s.ExitCode, e.log.String())
	}
	if !strings.Contains(e.log.String(), "[x] hello a: b | c") {
		t.Fatalf("log: %s", e.log.String())
	}
	raw, _ := os.ReadFile(e.drv.StatePath)
	if !bytes.Contains(raw, []byte("+ child x | binary: /bin/sh | id: 1 | exited: 3")) {
		t.Fatalf("report:\n%s", raw)
	}
}
