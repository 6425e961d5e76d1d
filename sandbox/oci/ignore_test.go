package oci

import (
	"errors"
	"strings"
	"testing"
)

// An unknown property is refused by default and, for runc (IgnoreUnknown),
// listed instead; file-system options on a bind mount are no-ops.
func TestUnknownAndBindOptions(t *testing.T) {
	cfg := []byte(`{"ociVersion":"1.3.0","futureThing":{"x":1},
		"process":{"args":["/bin/app"],"cwd":"/"},"root":{"path":"rootfs"},
		"mounts":[{"destination":"/srv","type":"bind","source":"data","options":["rbind","mode=755","size=1k"]}]}`)
	b := makeBundle(t, cfg)
	s, unknown, err := LoadBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Translate(s, unknown, Options{ID: "c1", Bundle: b})
	var re *RefusedError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "futureThing") {
		t.Fatalf("unknown property not refused by default: %v", err)
	}
	r, err := Translate(s, unknown, Options{ID: "c1", Bundle: b, IgnoreUnknown: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Unknown) != 1 || r.Unknown[0] != "futureThing" {
		t.Fatalf("Unknown = %q", r.Unknown)
	}
	noops := strings.Join(r.NoOps, "\n")
	for _, o := range []string{"mode=755", "size=1k"} {
		if !strings.Contains(noops, o) {
			t.Errorf("bind option %s not listed as a no-op:\n%s", o, noops)
		}
	}
}
