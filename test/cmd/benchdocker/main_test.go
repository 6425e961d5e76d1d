package main

import (
	"slices"
	"testing"
	"time"

	"genodego/test/cmd/internal/benchutil"
)

func TestLoadedImages(t *testing.T) {
	out := "Loaded image: genode.local/hello:latest\r\nsomething else\nLoaded image: busybox:1\n"
	if got, want := loadedImages(out), []string{"genode.local/hello:latest", "busybox:1"}; !slices.Equal(got, want) {
		t.Errorf("loadedImages = %q, want %q", got, want)
	}
	if got := loadedImages("Error response from daemon: no\n"); len(got) != 0 {
		t.Errorf("loadedImages of an error = %q", got)
	}
}

func TestCreatedIn(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	evs := []engineEvent{
		{"create", "aaa", at(1)}, {"start", "aaa", at(2)}, {"destroy", "aaa", at(3)},
		{"create", "bbb", at(5)}, {"attach", "bbb", at(5.5)},
		{"create", "ccc", at(9)}, {"create", "ddd", at(9.5)},
	}
	if got := createdIn(evs, at(0.5), at(3.5)); got != "aaa" {
		t.Errorf("run 0.5–3.5 s: %q, want aaa", got)
	}
	if got := createdIn(evs, at(4), at(6)); got != "bbb" {
		t.Errorf("run 4–6 s: %q, want bbb", got)
	}
	if got := createdIn(evs, at(8), at(10)); got != "" {
		t.Errorf("two creates in one run: %q, want none", got)
	}
	if got := firstEvent(evs, "bbb", "attach"); !got.Equal(at(5.5)) {
		t.Errorf("attach of bbb at %v", got)
	}
	if got := firstEvent(evs, "bbb", "die"); !got.IsZero() {
		t.Errorf("die of bbb at %v, want none", got)
	}
}

func TestDurations(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	var a, b runMarks
	a[mClient], a[mRecord], a[mEngCreate], a[mEnd] = t0, t0.Add(300*time.Millisecond), t0.Add(350*time.Millisecond), t0.Add(time.Second)
	b[mClient], b[mRecord], b[mEnd] = t0, t0.Add(100*time.Millisecond), t0.Add(500*time.Millisecond)
	runs := []*runMarks{&a, &b}
	if got := durations(runs, phase{"", mClient, mRecord}); !slices.Equal(got, []time.Duration{300 * time.Millisecond, 100 * time.Millisecond}) {
		t.Errorf("client → record: %v", got)
	}
	// a phase with a mark only one run has counts that run alone
	if got := durations(runs, phase{"", mRecord, mEngCreate}); !slices.Equal(got, []time.Duration{50 * time.Millisecond}) {
		t.Errorf("record → engine create: %v", got)
	}
	if got := benchutil.Median(durations(runs, phase{"", mClient, mEnd})); got != 750*time.Millisecond {
		t.Errorf("median total %v", got)
	}
}

// The phases name marks in range, and the top-level ones (but the total) chain from the client's start to its return.
func TestPhasesChain(t *testing.T) {
	prev := mClient
	for _, p := range phases {
		if p.from < 0 || p.to >= nMarks || p.from >= p.to {
			t.Errorf("%q: marks %d → %d", p.name, p.from, p.to)
		}
		if p.name[0] == ' ' || p.from == mClient && p.to == mEnd {
			continue
		}
		if p.from != prev {
			t.Errorf("%q starts at %s, the phase before ended at %s", p.name, markNames[p.from], markNames[prev])
		}
		prev = p.to
	}
	if prev != mEnd {
		t.Errorf("the top-level phases end at %s, not at the client's return", markNames[prev])
	}
}
