package e2e

import "testing"

// os/signal with the signals Genode's libc emulates: kill() to the own pid
// (<libc pid>, 0 by default) charges the signal and runs its action at once
// (signal.cc); the runtime's handler only records it and a Go M delivers it.
func TestSignals(t *testing.T) {
	c := base("signals").withRtc().withRng()
	r := run(t, c)
	r.status0(t)
	r.expectAll(t, [][2]string{
		{"pid", "0"},
		{"kill-usr1", "<nil>"},
		{"usr1", "received user defined signal 1"},
		{"kill-int", "<nil>"},
		{"int", "received interrupt"},
		{"usr1-goroutine", "received user defined signal 1"},
		// signal.Ignore installs SIG_IGN without SA_SIGINFO: Genode's libc
		// tests SA_SIGINFO first and would call address 1.
		{"kill-usr2-ignored", "<nil>"},
		{"ignored", "true"},
		{"hup", "not-sent"},
		// signal.cc: any other pid is EPERM with a warning.
		{"kill-other-pid", "operation not permitted"},
		// Signal 0 is answered by package syscall: Genode would run SIG_DFL
		// for it and exit.
		{"kill-probe-self", "<nil>"},
		{"done", "true"},
	})
	if n := r.count("submitting signals to remote processes via 'kill' not supported"); n != 1 {
		t.Errorf("want one warning for the kill to another pid, got %d\n%s", n, r)
	}

	// <libc pid="42">: the component's pid is 42 and kill reaches it there.
	c.libc = clone(c.libc)
	c.libc["pid"] = "42"
	r = run(t, c)
	r.status0(t)
	r.expectAll(t, [][2]string{{"pid", "42"}, {"usr1", "received user defined signal 1"}, {"done", "true"}})
}

// A signal without a Go handler for it: the runtime restores SIG_DFL and
// raises it again; Genode's default action is exit((sig << 8) | 1)
// (signal.cc, Signal::_execute_signal_handler), so the component's exit
// value is 3841 for SIGTERM, 257 for SIGHUP; a Linux process status keeps
// the low 8 bits: 1. SIGUSR1 is ignored by Go programs that do not ask for it.
func TestSignalDefaultAction(t *testing.T) {
	for _, tc := range []struct {
		sig      string
		status   int
		survives bool
	}{
		{"TERM", (15<<8 | 1) & 0xff, false},
		{"HUP", (1<<8 | 1) & 0xff, false},
		{"USR1", 0, true},
	} {
		t.Run(tc.sig, func(t *testing.T) {
			c := base("signals").withRtc().withRng()
			c.args = []string{"die", tc.sig}
			r := run(t, c)
			if r.status != tc.status {
				t.Errorf("status %d, want %d\n%s", r.status, tc.status, r)
			}
			if _, ok := r.lines["survived"]; ok != tc.survives {
				t.Errorf("survived: %v, want %v\n%s", ok, tc.survives, r)
			}
			if r.count("illegal EXEC") != 0 {
				t.Errorf("the libc jumped to a SIG_DFL/SIG_IGN 'handler'\n%s", r)
			}
		})
	}
}
