package benchutil

import (
	"testing"
	"time"
)

func TestParseEvent(t *testing.T) {
	for _, c := range []struct{ line, ns, topic, id string }{
		{`2026-12-05 12:46:12.73231489 +0000 UTC default /tasks/create {"container_id":"m1","bundle":"/tmp/b"}`, "default", "/tasks/create", "m1"},
		{`2026-12-05 12:46:12.5 +0000 UTC moby /containers/create {"id":"0123abcd","image":"genode.local/hello:latest","runtime":{"name":"io.containerd.runc.v2"}}`, "moby", "/containers/create", "0123abcd"},
		{`2026-12-05 12:46:13 +0000 UTC moby /snapshot/remove {"key":"0123abcd","snapshotter":"native"}`, "moby", "/snapshot/remove", "0123abcd"},
	} {
		ev, ok := ParseEvent(c.line)
		if !ok || ev.Namespace != c.ns || ev.Topic != c.topic || ev.ID != c.id || ev.Time.IsZero() {
			t.Errorf("%q: %+v %v", c.line, ev, ok)
		}
	}
	ev, _ := ParseEvent(`2026-12-05 12:46:12.73231489 +0000 UTC default /tasks/exit {"container_id":"m1"}`)
	if want := time.Date(2026, 12, 5, 12, 46, 12, 732314890, time.UTC); !ev.Time.Equal(want) {
		t.Errorf("time %v, want %v", ev.Time, want)
	}
	for _, bad := range []string{"", "ctr: connection refused", "2026-12-05 12:46:12 +0000 UTC default notatopic {}"} {
		if _, ok := ParseEvent(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
