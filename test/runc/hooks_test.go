package runc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ociState is the state a hook gets on stdin (runtime-spec's State).
type ociState struct {
	OCIVersion  string            `json:"ociVersion"`
	ID          string            `json:"id"`
	Status      string            `json:"status"`
	Pid         int               `json:"pid"`
	Bundle      string            `json:"bundle"`
	Annotations map[string]string `json:"annotations"`
}

// hookBundle is a bundle whose createRuntime, poststart and poststop hooks
// (the probe, built for genode: hooks run in runc's view) each save the
// state they get into <kind>.json in the returned directory and append
// their kind to its file order. The directory is in the bundle, so that it
// is in runc's view.
func hookBundle(t *testing.T, script ...string) (*Bundle, string) {
	b := NewBundle(t, script...)
	out := b.MkDir("hookout")
	b.Spec["annotations"] = map[string]any{"org.example.hooked": "yes"}
	for _, kind := range []string{"createRuntime", "poststart", "poststop"} {
		b.Spec.AddHook(kind, Probe(t), "hook", "savein", filepath.Join(out, kind+".json"),
			"append", filepath.Join(out, "order"), kind)
	}
	b.Write()
	return b, out
}

func checkHooks(t *testing.T, dir, id, bundle string, pid int) {
	t.Helper()
	order, _ := os.ReadFile(filepath.Join(dir, "order"))
	if string(order) != "createRuntime\npoststart\npoststop\n" {
		t.Errorf("hooks ran in the order %q, want createRuntime, poststart, poststop", order)
	}
	for kind, status := range map[string]string{"createRuntime": "created", "poststart": "running", "poststop": "stopped"} {
		data, err := os.ReadFile(filepath.Join(dir, kind+".json"))
		if err != nil {
			t.Errorf("%s hook: no state saved (%v)", kind, err)
			continue
		}
		var st ociState
		if err := json.Unmarshal(data, &st); err != nil {
			t.Errorf("%s hook got no state JSON on stdin: %v\n%s", kind, err, data)
			continue
		}
		if st.OCIVersion == "" || st.ID != id || st.Status != status || st.Bundle != bundle ||
			st.Annotations["org.example.hooked"] != "yes" {
			t.Errorf("%s hook got %s, want id %s, status %s, bundle %s and the annotations", kind, data, id, status, bundle)
		}
		if kind == "poststart" && (st.Pid <= 0 || (pid > 0 && st.Pid != pid)) {
			t.Errorf("poststart hook got pid %d, want the container's (%d)", st.Pid, pid)
		}
	}
}

// TestHooks: createRuntime, poststart and poststop run host side (in
// runc's view) with the container's state on stdin, in order; a failing
// createRuntime or poststart hook is an error that leaves no running
// container, a failing poststop hook a warning; timeouts hold.
func TestHooks(t *testing.T) {
	r := NewRoot(t)
	t.Run("run", func(t *testing.T) {
		b, out := hookBundle(t, "sleep", "300", "exit", "0")
		res := r.Runc("run", "--bundle", b.Dir, "h-run")
		if res.Code != 0 {
			t.Fatalf("%v\n%s", res, r.InitLog())
		}
		checkHooks(t, out, "h-run", b.Dir, 0)
	})

	t.Run("create start delete", func(t *testing.T) {
		// each command from a directory of its own: runc needs the hook
		// programs in its view at start and delete as at create
		b, out := hookBundle(t, "forever")
		elsewhere := t.TempDir()
		r.MustRuncIn(elsewhere, "create", "--bundle", b.Dir, "h-csd")
		res := r.RuncIn(elsewhere, "start", "h-csd")
		if res.Code != 0 {
			t.Errorf("start: %v", res)
		}
		pid := 0
		if st := r.State("h-csd"); st.Status == "running" {
			pid = st.Pid
		}
		res = r.RuncIn(elsewhere, "delete", "--force", "h-csd")
		if res.Code != 0 || strings.Contains(res.Errors(), "warning") {
			t.Errorf("delete: %v", res)
		}
		checkHooks(t, out, "h-csd", b.Dir, pid)
	})

	t.Run("failing createRuntime", func(t *testing.T) {
		b := NewBundle(t, "exit", "0")
		b.Spec.AddHook("createRuntime", Probe(t), "hook", "eprint", "hook says no", "exit", "3")
		b.Write()
		for _, cmd := range []string{"create", "run"} {
			res := r.Runc(cmd, "--bundle", b.Dir, "h-fail")
			if res.Code == 0 {
				t.Errorf("%s with a failing createRuntime hook succeeded", cmd)
			}
			contains(t, cmd+"'s error", res.Errors(), "createRuntime", "hook says no")
			gone(t, r, "h-fail")
		}
	})

	t.Run("failing poststart", func(t *testing.T) {
		b := NewBundle(t, "forever")
		b.Spec.AddHook("poststart", Probe(t), "hook", "eprint", "poststart says no", "exit", "4")
		b.Write()
		res := r.Runc("run", "-d", "--bundle", b.Dir, "h-ps")
		if res.Code == 0 {
			t.Errorf("run -d with a failing poststart hook succeeded (runtime-spec v1.3.0: an error that stops the container)")
		}
		contains(t, "run's error", res.Errors(), "poststart")
		gone(t, r, "h-ps")

		r.MustRuncIn(b.Dir, "create", "--bundle", b.Dir, "h-ps2")
		res = r.RuncIn(b.Dir, "start", "h-ps2")
		if res.Code == 0 {
			t.Errorf("start with a failing poststart hook succeeded")
		}
		if st := r.State("h-ps2"); st.Status != "stopped" {
			t.Errorf("after the failing poststart hook: status %q, want stopped", st.Status)
		}
		r.MustRuncIn(b.Dir, "delete", "h-ps2")
		gone(t, r, "h-ps2")
	})

	t.Run("failing poststop", func(t *testing.T) {
		b := NewBundle(t, "exit", "0")
		b.Spec.AddHook("poststop", Probe(t), "hook", "exit", "5")
		b.Write()
		res := r.RuncIn(b.Dir, "run", "--bundle", b.Dir, "h-pst")
		if res.Code != 0 {
			t.Errorf("run with a failing poststop hook: exit %d, want the container's 0 (a warning only)\n%v", res.Code, res)
		}
		contains(t, "run's warning", res.Errors(), "poststop")
		gone(t, r, "h-pst")
	})

	t.Run("timeout", func(t *testing.T) {
		b := NewBundle(t, "exit", "0")
		marker := "hook-timeout-" + filepath.Base(b.Dir)
		// gosleep: a Go child learns of runc's kill through its netpoller
		b.Spec.AddHook("createRuntime", Probe(t), "hook", "gosleep", "4000", "print", marker)
		hooks := b.Spec.Object("hooks")["createRuntime"].([]any)
		hooks[0].(map[string]any)["timeout"] = 1
		b.Write()
		res := r.Runc("create", "--bundle", b.Dir, "h-to")
		if res.Code == 0 || !strings.Contains(res.Errors(), "timed out") {
			t.Errorf("a hook over its timeout: %v", res)
		}
		if res.Took > 3500*time.Millisecond {
			t.Errorf("create waited %v for a hook with a timeout of 1s", res.Took)
		}
		if !within(time.Second, func() bool { return len(processesWith(marker)) == 0 }) {
			t.Errorf("the hook over its timeout still runs after create returned: %v", processesWith(marker))
		}
		gone(t, r, "h-to")
	})
}
