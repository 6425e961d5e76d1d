package main

import (
	"strings"
	"testing"
	"time"
)

const cfgWith = "config | version: 2\n+ start c1 | caps: 300 | ram: 64M\n  + binary /bin/hello\n-\n"
const cfgWithout = "config | version: 3\n-\n"
const stateRunning = "state | version: 2\n+ child c1 | binary: /bin/hello | id: 1\n-\n"
const stateExited = "state | version: 2\n+ child c1 | binary: /bin/hello | id: 1 | exited: 0\n-\n"
const stateEmpty = "state | version: 3\n-\n"

func TestSplitRun(t *testing.T) {
	t0 := time.Unix(100, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	ev := func(ms int, file, data string) event { return event{at: at(ms), file: file, data: []byte(data)} }

	evs := []event{
		ev(-5, "init.config", cfgWith), // an earlier run's: before t0
		ev(60, "init.config", cfgWith),
		ev(75, "init.state", stateRunning),
		ev(130, "init.state", stateExited),
		ev(150, "init.config", cfgWithout),
		ev(170, "init.state", stateEmpty),
	}
	s, err := splitRun("c1", t0, at(200), evs)
	if err != nil {
		t.Fatal(err)
	}
	want := split{total: 200 * time.Millisecond, runc: (60 + 70) * time.Millisecond, init: 15 * time.Millisecond,
		launch: 55 * time.Millisecond}
	if s != want {
		t.Errorf("split = %+v, want %+v", s, want)
	}

	// the running report was read after the exit report replaced it
	evs[2].data = []byte(stateExited)
	if s, err = splitRun("c1", t0, at(200), evs); err != nil || s.launch != 55*time.Millisecond {
		t.Errorf("stale read: split = %+v, %v; want launch 55ms", s, err)
	}
	// only one report, already saying it exited
	one := []event{evs[1], ev(75, "init.state", stateExited), evs[4]}
	if s, err = splitRun("c1", t0, at(200), one); err != nil || s.launch != 0 || s.init != 15*time.Millisecond {
		t.Errorf("one report: split = %+v, %v", s, err)
	}
	for _, c := range []struct {
		evs  []event
		want string
	}{
		{nil, "no config"},
		{evs[1:2], "never reported the child"},
		{[]event{evs[1], ev(75, "init.state", stateRunning)}, "exit"},
	} {
		if _, err := splitRun("c1", t0, at(200), c.evs); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d events: err = %v, want %q", len(c.evs), err, c.want)
		}
	}
}

func TestStats(t *testing.T) {
	ds := []time.Duration{5, 1, 3, 2}
	if m := mean(ds); m != 2 {
		t.Errorf("mean = %v", m)
	}
	if m := median(ds); m != 2 {
		t.Errorf("median = %v", m)
	}
	if m := median(ds[:3]); m != 3 {
		t.Errorf("median of 3 = %v", m)
	}
	if m := minimum(ds); m != 1 {
		t.Errorf("min = %v", m)
	}
	if mean(nil) != 0 || median(nil) != 0 || minimum(nil) != 0 {
		t.Error("empty lists must give 0")
	}
}

func TestLeaks(t *testing.T) {
	a := snapshot{rootFiles: []string{"init.log", "keeper"}, initFDs: []string{"0 -> /dev/null"}}
	if l := leaks(a, a); len(l) != 0 {
		t.Errorf("same snapshot: %v", l)
	}
	b := a
	b.rootFiles = append([]string{".init.config.tmp123"}, a.rootFiles...)
	b.modelProcs = []string{"42 genode-run -binary x"}
	l := leaks(a, b)
	if len(l) != 2 || !strings.Contains(l[0], "new: .init.config.tmp123") || !strings.Contains(l[1], "model processes") {
		t.Errorf("leaks = %q", l)
	}
}

func TestIsModel(t *testing.T) {
	for _, c := range []struct {
		argv []string
		want bool
	}{
		{[]string{"/w/_build/bin/genode-run", "-binary", "x", "c"}, true},
		{[]string{"/lib64/ld-linux-x86-64.so.2", "--library-path", "/w/_build/model", "/bin/x"}, true},
		{[]string{"/lib64/ld-linux-x86-64.so.2", "/bin/true"}, false},
		{[]string{"/w/_build/bin/genode-init", "-config", "c"}, false},
		{nil, false},
	} {
		if got := isModel(c.argv); got != c.want {
			t.Errorf("isModel(%q) = %v", c.argv, got)
		}
	}
	p := proc{pid: 9, argv: []string{"genode-run"}, cwd: "/tmp/w/tmp/x", ancestors: []int{7, 3}}
	if !p.ours("/tmp/w", 0) || !p.ours("/elsewhere", 3) || p.ours("/elsewhere", 4) || p.ours("/tmp/w2", 0) {
		t.Error("ours: wrong attribution")
	}
}
