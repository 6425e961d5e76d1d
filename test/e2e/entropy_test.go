package e2e

import (
	"strconv"
	"testing"
)

func checkRandom(t *testing.T, r result) {
	t.Helper()
	r.status0(t)
	r.expectAll(t, [][2]string{{"read", "ok"}, {"equal", "false"}, {"text", "26"}})
	if n, _ := strconv.Atoi(r.lines["max-count"]); n == 0 || n > 64 {
		t.Errorf("max-count %q: 4096 random bytes put at most ~35 on one value", r.lines["max-count"])
	}
}

// crypto/rand with <libc rng>: arc4random_buf seeded by getentropy from the
// rng file (getrandom.cc); no warning.
func TestEntropyRng(t *testing.T) {
	c := base("entropy").withRng()
	r1 := run(t, c)
	checkRandom(t, r1)
	if n := r1.count("RNG not configured"); n != 0 {
		t.Errorf("rng configured, yet %d warnings\n%s", n, r1)
	}
	r2 := run(t, c)
	checkRandom(t, r2)
	if r1.lines["head"] == r2.lines["head"] {
		t.Errorf("two runs read the same bytes %s", r1.lines["head"])
	}
	c.strict = true // no Genode warning at all with rng (and rtc, for the runtime's clock)
	c = c.withRtc()
	r := run(t, c)
	checkRandom(t, r)
}

// Without <libc rng>, Genode's getentropy warns once and falls back to
// random() seeded from a timestamp: not secure, but the program runs
// (getrandom.cc: "Libc RNG not configured"); in strict mode the warning ends
// the component.
func TestEntropyNoRng(t *testing.T) {
	c := base("entropy")
	r := run(t, c)
	checkRandom(t, r)
	if n := r.count("Libc RNG not configured"); n != 1 {
		t.Errorf("want one 'Libc RNG not configured' warning, got %d\n%s", n, r)
	}
	c.strict = true
	r = run(t, c)
	if r.status != 3 {
		t.Errorf("strict without rng: status %d, want 3\n%s", r.status, r)
	}
}

// An rng path that cannot be opened: Genode's libc prints an error and
// calls exit(~0) (getrandom.cc), so the exit value is 255.
func TestEntropyRngMissing(t *testing.T) {
	c := base("entropy")
	c.libc = clone(c.libc)
	c.libc["rng"] = "/dev/no-rng"
	r := run(t, c)
	if r.status != 255 || r.count("RNG device /dev/no-rng not readable!") != 1 {
		t.Errorf("want status 255 after 'RNG device /dev/no-rng not readable!'\n%s", r)
	}
	if _, ok := r.lines["read"]; ok {
		t.Errorf("the program ran without entropy\n%s", r)
	}
}
