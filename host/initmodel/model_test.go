package initmodel

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type env struct {
	t      *testing.T
	dir    string
	drv    *driver.Driver
	log    *syncBuf
	done   chan int
	cancel context.CancelFunc
}

// start runs the model with genode-run as its launcher and the ROM "child" (testdata/child.c) available.
func start(t *testing.T, base *initcfg.Config) *env {
	t.Helper()
	needTools(t)
	return startWith(t, base, Options{ROMDir: tools.dir, Launcher: genodeRun()})
}

// startWith runs the model with o's ROMDir and Launcher.
func startWith(t *testing.T, base *initcfg.Config, o Options) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, log: &syncBuf{}, done: make(chan int, 1)}
	var err error
	e.drv, err = driver.Open(filepath.Join(dir, "init.config"), filepath.Join(dir, "state"), base)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	o.ConfigPath, o.StatePath, o.RunDir, o.Log, o.Poll = e.drv.ConfigPath, e.drv.StatePath, filepath.Join(dir, "run"), e.log, 5*time.Millisecond
	m := New(o)
	go func() {
		code, _ := m.Run(ctx)
		e.done <- code
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-e.done:
		case <-time.After(5 * time.Second):
		}
	})
	return e
}

func (e *env) wait(name string, state string) driver.Status {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := e.drv.WaitFor(ctx, name, func(s driver.Status) bool { return s.State == state })
	if err != nil {
		e.t.Fatalf("%v\nlog:\n%s", err, e.log.String())
	}
	return s
}

func (e *env) state() *initcfg.State {
	st, err := e.drv.ReadState()
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// eventually checks cond until it holds or timeout has passed, and
// reports whether it held.
func eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			return cond()
		case <-tick.C:
		}
	}
	return true
}

// waitReport waits for the report to reflect the config's version.
func (e *env) waitReport() *initcfg.State {
	e.t.Helper()
	var st *initcfg.State
	if !eventually(10*time.Second, func() bool {
		s, err := e.drv.ReadState()
		st = s
		return err == nil && s.Version == e.drv.Version()
	}) {
		e.t.Fatalf("report never reached version %s\n%s", e.drv.Version(), e.log.String())
	}
	return st
}

func TestStartAndExitCode(t *testing.T) {
	e := start(t, nil)
	if err := e.drv.Add(genodeChild("c1", "print", "hello", "exit", "3")); err != nil {
		t.Fatal(err)
	}
	s := e.wait("c1", driver.Stopped)
	if s.ExitCode != 3 {
		t.Fatalf("exit code %d", s.ExitCode)
	}
	if !strings.Contains(e.log.String(), "[c1] hello") {
		t.Fatalf("log: %s", e.log.String())
	}
	if !strings.Contains(e.log.String(), `child "c1" exited with exit value 3`) {
		t.Fatalf("log: %s", e.log.String())
	}
	// the exited child stays in the report; a new config version (the
	// same start node) does not restart it
	if err := e.drv.Update(func(*initcfg.Config) error { return nil }); err != nil {
		t.Fatal(err)
	}
	st := e.waitReport()
	if c := st.Child("c1"); c == nil || c.Exited == nil || *c.Exited != 3 || c.ID != s.ID {
		t.Fatalf("report: %+v", st)
	}
	raw, _ := os.ReadFile(e.drv.StatePath)
	if !bytes.HasPrefix(raw, []byte("state | version: ")) || !bytes.Contains(raw, []byte("+ child c1 | binary: child | id: 1 | exited: 3")) {
		t.Fatalf("report format:\n%s", raw)
	}
}

func TestRunningRemoveRestart(t *testing.T) {
	e := start(t, nil)
	marker := filepath.Join(e.dir, "starts")
	srv := genodeChild("srv", "append", "/data/starts", "x", "forever")
	srv.Config.VFS.Add(initcfg.Dir("data", initcfg.FSHost(e.dir, true)))
	if err := e.drv.Add(srv); err != nil {
		t.Fatal(err)
	}
	s1 := e.wait("srv", driver.Running)
	// a child reported running may not have reached its first step yet
	waitStarts := func(n int) {
		t.Helper()
		var b []byte
		if !eventually(5*time.Second, func() bool {
			b, _ = os.ReadFile(marker)
			return strings.Count(string(b), "x") == n
		}) {
			t.Fatalf("start %d not observed: %q\n%s", n, b, e.log.String())
		}
	}
	waitStarts(1)
	// ram change: live, same instance
	if err := e.drv.SetRAM("srv", 8*initcfg.MiB); err != nil {
		t.Fatal(err)
	}
	st := e.waitReport()
	if c := st.Child("srv"); c.ID != s1.ID || c.RAM == nil || c.RAM.Quota != uint64(8*initcfg.MiB) {
		t.Fatalf("ram update: %+v %+v", c, c.RAM)
	}
	// version change: a fresh instance
	if err := e.drv.Restart("srv"); err != nil {
		t.Fatal(err)
	}
	s2 := e.wait("srv", driver.Running)
	if s2.ID == s1.ID {
		t.Fatal("restart kept the instance")
	}
	waitStarts(2)
	// route change restarts
	if err := e.drv.Update(func(c *initcfg.Config) error {
		c.Starts[0].Route = &initcfg.Route{Rules: []initcfg.Rule{{Any: true, Targets: []initcfg.Target{{Kind: initcfg.Parent}}}}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	st = e.waitReport()
	if c := st.Child("srv"); c.ID == s2.ID {
		t.Fatal("route change did not restart")
	}
	waitStarts(3)
	// removal kills and leaves the report
	if err := e.drv.Remove("srv"); err != nil {
		t.Fatal(err)
	}
	st = e.waitReport()
	if st.Child("srv") != nil {
		t.Fatal("removed child still reported")
	}
	if !strings.Contains(e.log.String(), `child "srv" killed (removed)`) {
		t.Fatal(e.log.String())
	}
	// every instance's component has ended, not just its launcher
	waitGone(t)
}

func TestFiftyChildren(t *testing.T) {
	e := start(t, nil)
	if err := e.drv.Update(func(c *initcfg.Config) error {
		for i := 0; i < 50; i++ {
			c.Starts = append(c.Starts, genodeChild(fmt.Sprintf("c%02d", i), "exit", fmt.Sprint(i)))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		s := e.wait(fmt.Sprintf("c%02d", i), driver.Stopped)
		if s.ExitCode != i {
			t.Fatalf("c%02d: exit %d", i, s.ExitCode)
		}
	}
	st := e.state()
	if len(st.Children) != 50 {
		t.Fatalf("%d children reported", len(st.Children))
	}
	for i, c := range st.Children {
		if c.Name != fmt.Sprintf("c%02d", i) {
			t.Fatalf("order: %d is %s", i, c.Name)
		}
	}
}

// Genode turns an empty or unparsable config into the "empty" node: every
// child is killed and the reporter is disabled (init/main.cc).
func TestEmptyAndMalformedConfig(t *testing.T) {
	for _, bad := range []string{"", "config | version: 99\n+ start x\n", "<config><start name=\"x\"></config>", "con\x01fig\n-\n"} {
		e := start(t, nil)
		if err := e.drv.Add(genodeChild("victim", "forever")); err != nil {
			t.Fatal(err)
		}
		e.wait("victim", driver.Running)
		if err := os.WriteFile(e.drv.ConfigPath, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if !eventually(5*time.Second, func() bool { return strings.Contains(e.log.String(), `child "victim" killed (removed)`) }) {
			t.Fatalf("%q: child not killed\n%s", bad, e.log.String())
		}
		if !strings.Contains(e.log.String(), "config is empty or cannot be parsed") {
			t.Fatalf("%q: %s", bad, e.log.String())
		}
		waitGone(t)
		// the report is no longer updated: it still shows the child
		if st := e.state(); st.Child("victim") == nil {
			t.Fatalf("%q: report was rewritten", bad)
		}
		e.cancel()
	}
}

// The driver refuses to produce what the model had to survive above.
func TestDriverNeverWritesEmpty(t *testing.T) {
	if err := driver.WriteFileAtomic(filepath.Join(t.TempDir(), "x"), nil); err == nil {
		t.Fatal("empty write accepted")
	}
	e := startWith(t, nil, Options{}) // starts no child
	before, _ := os.ReadFile(e.drv.ConfigPath)
	err := e.drv.Update(func(c *initcfg.Config) error {
		c.Starts = append(c.Starts, &initcfg.Start{Name: "bad|name"})
		return nil
	})
	if err == nil {
		t.Fatal("unrepresentable config accepted")
	}
	after, _ := os.ReadFile(e.drv.ConfigPath)
	if !bytes.Equal(before, after) {
		t.Fatal("config changed by a failed update")
	}
}

func TestUnknownElementAndExitPropagate(t *testing.T) {
	needTools(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "init.config")
	os.WriteFile(cfg, []byte("config\n+ report | ids: yes\n+ bogus\n+ start p | caps: 100 | ram: 1M\n  + binary child\n  + exit | propagate: yes\n  + config\n"+
		childSteps("    ", "exit", "7")+"-\n"), 0o644)
	log := &syncBuf{}
	m := New(Options{ConfigPath: cfg, StatePath: filepath.Join(dir, "state"), Log: log, Poll: 5 * time.Millisecond, ROMDir: tools.dir, Launcher: genodeRun()})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code, err := m.Run(ctx)
	if err != nil || code != 7 {
		t.Fatalf("code %d err %v\n%s", code, err, log.String())
	}
	for _, want := range []string{"unknown config element type <bogus>", "unable to apply complete configuration"} {
		if !strings.Contains(log.String(), want) {
			t.Fatalf("missing %q in\n%s", want, log.String())
		}
	}
}

func TestXMLConfigAndReport(t *testing.T) {
	needTools(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "init.config")
	os.WriteFile(cfg, []byte(`<config version="5" generate_xml="yes">
	<report ids="yes" child_ram="yes"/>
	<default caps="100" ram="2M"/>
	<start name="x"><binary name="child"/><config><vfs><dir name="dev"><log/></dir></vfs><libc stdout="/dev/log" stderr="/dev/log"/><arg value="child"/><arg value="exit"/><arg value="0"/></config></start>
</config>`), 0o644)
	state := filepath.Join(dir, "state")
	log := &syncBuf{}
	m := New(Options{ConfigPath: cfg, StatePath: state, Log: log, Poll: 5 * time.Millisecond, ROMDir: tools.dir, Launcher: genodeRun()})
	ctx, cancel := context.WithCancel(context.Background())
	go m.Run(ctx)
	defer cancel()
	var b []byte
	if !eventually(5*time.Second, func() bool {
		b, _ = os.ReadFile(state)
		return bytes.Contains(b, []byte(`exited="0"`))
	}) {
		t.Fatalf("no exit in report: %s\n%s", b, log.String())
	}
	want := "<state version=\"5\">\n\t<child name=\"x\" binary=\"child\" id=\"1\" exited=\"0\">\n\t\t<ram assigned=\"2M\" quota=\"2M\" used=\"0\" avail=\"2M\"/>\n\t</child>\n</state>\n"
	if string(b) != want {
		t.Fatalf("got\n%s\nwant\n%s", b, want)
	}
}
