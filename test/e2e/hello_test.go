package e2e

import "testing"

// The smallest view a Go program runs in: /dev/log and /dev/terminal, no
// stdin, rtc, rng or pipe (hello sets no timer, so the netpoller never
// starts). Genode's usual <libc stdout stderr> names no stdin: the runtime
// leaves fd 0 closed when the view has no /dev/null (runtime/fds_unix.go),
// and takes /dev/null for it when there is one.
func TestHello(t *testing.T) {
	for _, tc := range []struct{ name, dev string }{
		{"no-dev-null", `<log/><terminal/>`},
		{"dev-null", `<log/><terminal/><null/>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base("hello")
			c.vfs = `<dir name="dev">` + tc.dev + `</dir>`
			c.libc = map[string]string{"stdout": "/dev/terminal", "stderr": "/dev/log"}
			r := run(t, c)
			r.status0(t)
			if r.stdout != "hello from genode/"+arch+"\n" {
				t.Errorf("stdout %q\n%s", r.stdout, r)
			}
			// The runtime's start-up entropy comes from getentropy: without
			// <libc rng> Genode warns once (getrandom.cc).
			if n := r.count("Libc RNG not configured"); n != 1 {
				t.Errorf("want one RNG warning, got %d\n%s", n, r)
			}
		})
	}
}
