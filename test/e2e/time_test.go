package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// time.Now with <libc rtc>: CLOCK_REALTIME from the rtc file (time.cc).
func TestClockRtc(t *testing.T) {
	c := base("clock").withRtc().withRng()
	c.strict = true
	before := time.Now().Unix()
	r := run(t, c)
	after := time.Now().Unix()
	r.status0(t)
	if u := r.num(t, "unix"); u < before-2 || u > after+2 {
		t.Errorf("unix %d, host clock %d..%d", u, before, after)
	}
	if ms := r.num(t, "slept-ms"); ms < 100 || ms > 2000 {
		t.Errorf("time.Sleep(100ms) took %d ms", ms)
	}
	r.expectAll(t, [][2]string{{"timer", "fired"}, {"local", "UTC"}})
}

// Without <libc rtc>, Genode's clock_gettime(CLOCK_REALTIME) fails with
// EINVAL (time.cc: no real time); the runtime then counts wall time from
// 1970 plus the uptime (goos_genode/README.md). Monotonic time and timers
// are unaffected.
func TestClockNoRtc(t *testing.T) {
	c := base("clock").withRng()
	r := run(t, c)
	r.status0(t)
	r.expectAll(t, [][2]string{{"year", "1970"}, {"timer", "fired"}})
	if u := r.num(t, "unix"); u < 0 || u > 600 {
		t.Errorf("unix %d: want the uptime in seconds", u)
	}
	if ms := r.num(t, "slept-ms"); ms < 100 || ms > 2000 {
		t.Errorf("time.Sleep(100ms) took %d ms", ms)
	}
	if n := r.count("missing real-time clock"); n < 1 {
		t.Errorf("no warning about the missing real-time clock\n%s", r)
	}
}

// The runtime's netpoller needs <libc pipe> for its wake-up pipe: without
// it the first timer ends the program with a message that says so.
func TestClockNoPipe(t *testing.T) {
	c := base("clock").withRtc().withRng()
	c.vfs = `<dir name="dev"><log/><terminal/><null/><rtc/><jitterentropy name="random"/></dir>`
	c.libc = clone(c.libc)
	delete(c.libc, "pipe")
	r := run(t, c)
	if r.status != 2 || r.count("netpollinit: cannot create the wake-up pipe (is <libc pipe=...> configured?)") != 1 {
		t.Errorf("want status 2 and the netpollinit message\n%s", r)
	}
	if _, ok := r.lines["slept-ms"]; ok {
		t.Errorf("slept without a netpoller\n%s", r)
	}
}

const (
	berlin  = "CET+0100 CEST+0200"
	newYork = "EST-0500 EDT-0400"
)

// Time zones from the VFS: /usr/share/zoneinfo, one of the directories
// time.LoadLocation reads on unix, and TZ for time.Local.
func TestTimeZoneVFS(t *testing.T) {
	zi := "/usr/share/zoneinfo"
	if _, err := os.Stat(filepath.Join(zi, "Europe", "Berlin")); err != nil {
		t.Skipf("the host has no %s: %v", zi, err)
	}
	c := base("tz")
	c.vfs += `<dir name="usr"><dir name="share"><dir name="zoneinfo"><fs host="` + zi + `" writeable="no"/></dir></dir></dir>`
	c.args = []string{"Europe/Berlin", "America/New_York", "Nowhere/Zone"}
	c.env = [][2]string{{"TZ", "America/New_York"}}
	r := run(t, c)
	r.status0(t)
	r.expectAll(t, [][2]string{
		{"Europe/Berlin", berlin},
		{"America/New_York", newYork},
		{"Nowhere/Zone", "error unknown time zone Nowhere/Zone"},
		{"Local", "America/New_York EDT-0400"},
	})
}

// ZONEINFO names a zoneinfo.zip in the VFS (here GOROOT's, as a ROM module).
// It serves LoadLocation only: Go resolves TZ in the zoneinfo directories
// (or the embedded database), so time.Local stays UTC, as on any unix.
func TestTimeZoneZip(t *testing.T) {
	need(t)
	zip := filepath.Join(top, "_build", "goroot", "lib", "time", "zoneinfo.zip")
	if _, err := os.Stat(zip); err != nil {
		t.Fatal(err)
	}
	c := base("tz")
	c.vfs += `<dir name="share"><rom name="zoneinfo.zip" host="` + zip + `"/></dir>`
	c.args = []string{"Europe/Berlin"}
	c.env = [][2]string{{"ZONEINFO", "/share/zoneinfo.zip"}, {"TZ", "Europe/Berlin"}}
	r := run(t, c)
	r.status0(t)
	r.expectAll(t, [][2]string{{"Europe/Berlin", berlin}, {"Local", "UTC UTC+0000"}})
}

// No zoneinfo anywhere in the view: LoadLocation fails, and time.Local is
// UTC even with TZ set (Go falls back to UTC when the zone cannot be loaded).
func TestTimeZoneNone(t *testing.T) {
	c := base("tz")
	c.args = []string{"Europe/Berlin"}
	c.env = [][2]string{{"TZ", "Europe/Berlin"}}
	r := run(t, c)
	r.status0(t)
	r.expectAll(t, [][2]string{
		{"Europe/Berlin", "error unknown time zone Europe/Berlin"},
		{"Local", "UTC UTC+0000"},
	})
}

// import _ "time/tzdata": the database is in the binary, the view needs none.
func TestTimeZoneEmbedded(t *testing.T) {
	c := base("tzembed")
	c.args = []string{"Europe/Berlin", "America/New_York"}
	c.env = [][2]string{{"TZ", "America/New_York"}}
	r := run(t, c)
	r.status0(t)
	r.expectAll(t, [][2]string{
		{"Europe/Berlin", berlin},
		{"America/New_York", newYork},
		{"Local", "America/New_York EDT-0400"},
	})
}
