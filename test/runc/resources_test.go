package runc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

type statsEvent struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Data struct {
		Memory struct {
			Usage struct {
				Limit uint64 `json:"limit"`
				Usage uint64 `json:"usage"`
			} `json:"usage"`
			Raw map[string]uint64 `json:"raw"`
		} `json:"memory"`
		Genode struct {
			Caps map[string]any `json:"caps"`
		} `json:"genode"`
	} `json:"data"`
}

func (r *Root) stats(id string) statsEvent {
	r.t.Helper()
	res := r.MustRunc("events", "--stats", id)
	var ev statsEvent
	if err := json.Unmarshal([]byte(res.Stdout), &ev); err != nil {
		r.t.Fatalf("events --stats: %v\n%s", err, res.Stdout)
	}
	return ev
}

// childRAM is the ram attribute of child name's start node in init's
// config, and the RAM quota init reports for it.
func (r *Root) childRAM(name string) (config, report string) {
	re := regexp.MustCompile(`(?m)^\+ start ` + regexp.QuoteMeta(name) + ` .*\bram: (\S+)`)
	if m := re.FindStringSubmatch(r.InitConfig()); m != nil {
		config = m[1]
	}
	re = regexp.MustCompile(`(?m)^\+ child ` + regexp.QuoteMeta(name) + ` .*\n  \+ ram \| assigned: \S+ \| quota: (\S+)`)
	if m := re.FindStringSubmatch(r.InitState()); m != nil {
		report = m[1]
	}
	return config, report
}

// TestEventsStats: `runc events --stats` prints one stats event with the
// RAM figures init reports.
func TestEventsStats(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")
	r.MustRunc("run", "-d", "--bundle", b.Dir, "ev")
	ev := r.stats("ev")
	if ev.Type != "stats" || ev.ID != "ev" {
		t.Errorf("event type %q id %q", ev.Type, ev.ID)
	}
	if ev.Data.Memory.Usage.Limit != 64<<20 || ev.Data.Memory.Raw["quota"] != 64<<20 {
		t.Errorf("memory limit %d, raw %v; want the 64 MiB of the spec", ev.Data.Memory.Usage.Limit, ev.Data.Memory.Raw)
	}
	if caps := ev.Data.Genode.Caps; caps["quota"] != 300.0 || len(caps) != 4 {
		t.Errorf("genode.caps %v, want assigned, quota (300, the default), used and avail", caps)
	}
	if res := r.Runc("events", "--stats", "nosuch"); res.Code == 0 {
		t.Errorf("events of a missing container: %v", res)
	}
	r.MustRunc("kill", "ev", "KILL")
	if res := r.Runc("events", "--stats", "ev"); res.Code == 0 || !strings.Contains(res.Errors(), "not running") {
		t.Errorf("events --stats of a stopped container: %v", res)
	}
	r.MustRunc("delete", "ev")
}

// TestUpdate: --memory (and -r with memory.limit) change the child's RAM
// quota in init's config and in init's report; other resources are refused
// by name and change nothing.
func TestUpdate(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")
	r.MustRunc("run", "-d", "--bundle", b.Dir, "u")
	if cfg, _ := r.childRAM("u"); cfg != "64M" {
		t.Fatalf("ram before the update %q\n%s", cfg, r.InitConfig())
	}
	r.MustRunc("update", "--memory", "100M", "u")
	if !within(5*time.Second, func() bool { c, rep := r.childRAM("u"); return c == "100M" && rep == "100M" }) {
		c, rep := r.childRAM("u")
		t.Errorf("after update --memory 100M: config ram %q, reported quota %q\n%s\n%s", c, rep, r.InitConfig(), r.InitState())
	}
	if ev := r.stats("u"); ev.Data.Memory.Usage.Limit != 100<<20 {
		t.Errorf("events --stats limit %d after the update", ev.Data.Memory.Usage.Limit)
	}
	if st := r.State("u"); st.Status != "running" {
		t.Errorf("the update restarted or stopped the container: %q", st.Status)
	}

	res := filepath.Join(t.TempDir(), "res.json")
	os.WriteFile(res, []byte(`{"memory": {"limit": 83886080}}`), 0o644)
	r.MustRunc("update", "-r", res, "u")
	if !within(5*time.Second, func() bool { c, _ := r.childRAM("u"); return c == "80M" }) {
		c, _ := r.childRAM("u")
		t.Errorf("after update -r (memory.limit 80M): config ram %q", c)
	}

	for _, c := range []struct {
		args []string
		name string
	}{
		{[]string{"--cpu-quota", "10000"}, "cpu-quota"},
		{[]string{"--pids-limit", "10"}, "pids-limit"},
		{[]string{"--cpuset-cpus", "0"}, "cpuset-cpus"},
	} {
		res := r.Runc(append(append([]string{"update"}, c.args...), "u")...)
		if res.Code == 0 || !strings.Contains(res.Errors(), c.name) {
			t.Errorf("update %v was not refused naming %s: %v", c.args, c.name, res)
		}
	}
	os.WriteFile(res, []byte(`{"cpu": {"shares": 512}}`), 0o644)
	if res := r.Runc("update", "-r", res, "u"); res.Code == 0 || !strings.Contains(res.Errors(), "cpu") {
		t.Errorf("update -r with cpu was not refused naming cpu: %v", res)
	}
	if c, _ := r.childRAM("u"); c != "80M" {
		t.Errorf("a refused update changed the ram to %q", c)
	}

	// a created container: the recorded start node changes, init gets it at start
	r.MustRunc("create", "--bundle", b.Dir, "u2")
	r.MustRunc("update", "--memory", "32M", "u2")
	r.MustRunc("start", "u2")
	if c, _ := r.childRAM("u2"); c != "32M" {
		t.Errorf("update of a created container, then start: ram %q, want 32M", c)
	}
	r.MustRunc("delete", "-f", "u")
	r.MustRunc("delete", "-f", "u2")
}

// TestFeatures: `runc features` is runtime-spec's features JSON, saying what
// genode's runc takes.
func TestFeatures(t *testing.T) {
	r := NewRoot(t)
	res := r.MustRunc("features")
	var f struct {
		OCIVersionMin string   `json:"ociVersionMin"`
		OCIVersionMax string   `json:"ociVersionMax"`
		Hooks         []string `json:"hooks"`
		MountOptions  []string `json:"mountOptions"`
		Linux         struct {
			Seccomp struct {
				Enabled *bool `json:"enabled"`
			} `json:"seccomp"`
			Cgroup struct {
				V2 *bool `json:"v2"`
			} `json:"cgroup"`
		} `json:"linux"`
		Annotations map[string]string `json:"annotations"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &f); err != nil {
		t.Fatalf("features: %v\n%s", err, res.Stdout)
	}
	if f.OCIVersionMin != "1.0.0" || f.OCIVersionMax != "1.3.0" {
		t.Errorf("oci versions %q..%q", f.OCIVersionMin, f.OCIVersionMax)
	}
	hooks := slices.Clone(f.Hooks)
	slices.Sort(hooks)
	if !slices.Equal(hooks, []string{"createRuntime", "poststart", "poststop", "prestart"}) {
		t.Errorf("hooks %q, want the four genode's runc runs", f.Hooks)
	}
	for _, o := range []string{"bind", "rbind", "ro", "rw"} {
		if !slices.Contains(f.MountOptions, o) {
			t.Errorf("mount option %q missing from %q", o, f.MountOptions)
		}
	}
	if slices.Contains(f.MountOptions, "idmap") {
		t.Errorf("mountOptions offers idmap, which is refused")
	}
	if e := f.Linux.Seccomp.Enabled; e == nil || *e {
		t.Errorf("linux.seccomp.enabled is not false")
	}
	if e := f.Linux.Cgroup.V2; e == nil || *e {
		t.Errorf("linux.cgroup.v2 is not false")
	}
	if f.Annotations["org.opencontainers.runc.version"] == "" {
		t.Errorf("annotations lack runc's version: %v", f.Annotations)
	}
}

// TestRefusedCommands: pause, resume, checkpoint and restore fail saying
// why Genode cannot, and leave the container as it was.
func TestRefusedCommands(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")
	r.MustRunc("run", "-d", "--bundle", b.Dir, "rc")
	for _, c := range []struct {
		args []string
		why  []string
	}{
		{[]string{"pause", "rc"}, []string{"Genode", "suspend"}},
		{[]string{"resume", "rc"}, []string{"Genode", "resume"}},
		{[]string{"checkpoint", "rc"}, []string{"Genode", "CRIU"}},
		{[]string{"restore", "rc"}, []string{"Genode", "checkpoint"}},
	} {
		res := r.Runc(c.args...)
		if res.Code == 0 {
			t.Errorf("%s succeeded: %v", c.args[0], res)
			continue
		}
		contains(t, c.args[0]+"'s error", res.Errors(), c.why...)
	}
	if st := r.State("rc"); st.Status != "running" {
		t.Errorf("after the refused commands: %q", st.Status)
	}
	r.MustRunc("delete", "-f", "rc")
}

// TestUnsupportedFields: a bundle with a field Genode cannot honour is
// refused by create and by run, naming the field, and leaves nothing.
func TestUnsupportedFields(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "exit", "0")
	hook := Probe(t)
	cases := []struct {
		name string
		set  func(s Spec)
		want string
	}{
		{"hostname", func(s Spec) { s["hostname"] = "box" }, "hostname"},
		{"proc mount", func(s Spec) { s.AddMount("/proc", "proc", "proc") }, "/proc"},
		{"seccomp", func(s Spec) { s.Set("linux.seccomp", map[string]any{"defaultAction": "SCMP_ACT_ERRNO"}) }, "linux.seccomp"},
		{"createContainer hook", func(s Spec) { s.AddHook("createContainer", hook, "hook") }, "hooks.createContainer"},
		{"startContainer hook", func(s Spec) { s.AddHook("startContainer", hook, "hook") }, "hooks.startContainer"},
		{"sysctl", func(s Spec) { s.Set("linux.sysctl", map[string]any{"net.ipv4.ip_forward": "1"}) }, "linux.sysctl"},
		{"cpu shares", func(s Spec) { s.Set("linux.resources.cpu", map[string]any{"shares": 512}) }, "cpu.shares"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b.Spec = DefaultSpec("exit", "0")
			c.set(b.Spec)
			b.Write()
			for _, cmd := range []string{"create", "run"} {
				id := "bad-" + cmd
				res := r.Runc(cmd, "--bundle", b.Dir, id)
				if res.Code == 0 {
					t.Errorf("%s accepted the bundle: %v", cmd, res)
					r.Runc("delete", "-f", id)
					continue
				}
				contains(t, cmd+"'s error", res.Errors(), c.want, "Genode")
				gone(t, r, id)
			}
		})
	}
	// all of them at once: each named
	b.Spec = DefaultSpec("exit", "0")
	for _, c := range cases {
		c.set(b.Spec)
	}
	b.Write()
	res := r.Runc("run", "--bundle", b.Dir, "allbad")
	if res.Code == 0 {
		t.Fatalf("run accepted the bundle: %v", res)
	}
	for _, c := range cases {
		contains(t, "run's error", res.Errors(), c.want)
	}
	gone(t, r, "allbad")
	if entries, _ := os.ReadDir(r.Dir); slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.IsDir() }) {
		t.Errorf("refused bundles left directories in the root: %v", entries)
	}
}

// TestRootAndLog: --root keeps containers apart; --log and --log-format
// json put runc's log lines into the file, as JSON.
func TestRootAndLog(t *testing.T) {
	r1, r2 := NewRoot(t), NewRoot(t)
	b := NewBundle(t, "forever")
	r1.MustRunc("run", "-d", "--bundle", b.Dir, "same")
	r2.MustRunc("create", "--bundle", b.Dir, "same")
	if st := r1.State("same"); st.Status != "running" {
		t.Errorf("root 1: %q", st.Status)
	}
	if st := r2.State("same"); st.Status != "created" {
		t.Errorf("root 2: %q", st.Status)
	}
	if res := r2.MustRunc("list", "-q"); strings.TrimSpace(res.Stdout) != "same" {
		t.Errorf("root 2 lists %q", res.Stdout)
	}
	r1.MustRunc("delete", "-f", "same")
	if st := r2.State("same"); st.Status != "created" {
		t.Errorf("root 2 after root 1's delete: %q", st.Status)
	}
	r2.MustRunc("delete", "same")

	dir := t.TempDir()
	jsonLog := filepath.Join(dir, "log.json")
	res := r1.Runc("--log", jsonLog, "--log-format", "json", "kill", "nosuch", "KILL")
	if res.Code == 0 {
		t.Errorf("kill of a missing container succeeded")
	}
	data, err := os.ReadFile(jsonLog)
	if err != nil {
		t.Fatalf("--log file: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	found := false
	for _, l := range lines {
		var e map[string]any
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Errorf("log line is not JSON: %q", l)
			continue
		}
		if e["level"] == "error" && strings.Contains(e["msg"].(string), "does not exist") && e["time"] != nil {
			found = true
		}
	}
	if !found {
		t.Errorf("no JSON error line about the missing container in %s:\n%s", jsonLog, data)
	}

	textLog := filepath.Join(dir, "log.txt")
	r1.Runc("--log", textLog, "state", "nosuch")
	if data, _ := os.ReadFile(textLog); !strings.Contains(string(data), `level=error msg="container does not exist"`) {
		t.Errorf("--log (text): %q", data)
	}
	// the log of a successful create and start is a file runc can write
	// in a directory created for it
	debugLog := filepath.Join(dir, "sub", "debug.json")
	os.MkdirAll(filepath.Dir(debugLog), 0o755)
	r1.MustRunc("--debug", "--log", debugLog, "--log-format", "json", "run", "-d", "--bundle", b.Dir, "logged")
	if data, err := os.ReadFile(debugLog); err != nil {
		t.Errorf("--debug --log: %v", err)
	} else {
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if l != "" && !json.Valid([]byte(l)) {
				t.Errorf("--debug log line is not JSON: %q", l)
			}
		}
	}
	r1.MustRunc("delete", "-f", "logged")
}
