package main

import (
	"testing"
	"time"

	"genodego/test/cmd/internal/benchutil"
)

func TestFirstLog(t *testing.T) {
	lines := []string{
		`[containerd] time="2026-12-05T12:45:41.983051137Z" level=debug msg="prepare snapshot" key=bh010 parent="sha256:cc" snapshotter=native`,
		`[containerd] time="2026-12-05T12:45:42.000000000Z" level=debug msg="prepare snapshot" key=bh001 parent="sha256:cc" snapshotter=native`,
		`[containerd] time="2026-12-05T12:45:43.846804370Z" level=info msg="connecting to shim bh001" address="unix:///x" namespace=default`,
	}
	got := firstLog(lines, `msg="prepare snapshot"`, "key=bh001 ")
	if want := time.Date(2026, 12, 5, 12, 45, 42, 0, time.UTC); !got.Equal(want) {
		t.Errorf("prepare snapshot bh001: %v, want %v", got, want)
	}
	if got := firstLog(lines, `msg="connecting to shim bh001"`); got.IsZero() {
		t.Error("connecting to shim: not found")
	}
	if got := firstLog(lines, `msg="creating task"`); !got.IsZero() {
		t.Errorf("creating task: %v, want none", got)
	}
}

func TestEventLine(t *testing.T) {
	l := `2026-12-05 12:46:12.73231489 +0000 UTC default /tasks/create {"container_id":"m1","bundle":"/tmp/b"}`
	m := evLine.FindStringSubmatch(l)
	if m == nil || m[2] != "/tasks/create" || m[3] != "m1" {
		t.Fatalf("%q: %q", l, m)
	}
	if _, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", m[1]); err != nil {
		t.Error(err)
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 20; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if got := benchutil.Percentile(ds, 90); got != 18*time.Millisecond {
		t.Errorf("p90 = %v", got)
	}
	if got := benchutil.Median(ds); got != 10500*time.Microsecond {
		t.Errorf("median = %v", got)
	}
}
