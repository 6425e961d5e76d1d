package registry

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// need skips the test when docker-registry is missing, unless GENODE_REGISTRY_REQUIRED is set
// (CI), which makes it a failure.
func need(t *testing.T) {
	t.Helper()
	if Available() {
		return
	}
	if os.Getenv("GENODE_REGISTRY_REQUIRED") != "" {
		t.Fatal(ErrMissing)
	}
	t.Skip(ErrMissing.Error() + "; GENODE_REGISTRY_REQUIRED=1 makes this a failure")
}

// gone fails unless the process pid has ended and no process runs with r's config.
func gone(t *testing.T, r *Registry) {
	t.Helper()
	if err := syscall.Kill(r.Pid(), 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("registry pid %d after Stop: kill 0 = %v, want ESRCH", r.Pid(), err)
	}
	cfg := []byte(filepath.Join(r.Dir(), "config.yml"))
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if cmd, err := os.ReadFile(p); err == nil && bytes.Contains(cmd, cfg) {
			t.Errorf("%s still runs: %q", p, cmd)
		}
	}
}

func TestStartStop(t *testing.T) {
	need(t)
	r, err := Start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + r.Addr() + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /v2/: %s", resp.Status)
	}
	if err := r.Stop(); err != nil {
		t.Error(err)
	}
	r.Stop() // a second Stop is harmless
	gone(t, r)
}

// A registry that cannot start says why, with its log.
func TestStartFails(t *testing.T) {
	need(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = StartAt(t.TempDir(), l.Addr().String())
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("StartAt on a taken port: %v, want an error with the log's reason", err)
	}
	if testing.Verbose() {
		t.Log(err)
	}
}
