package e2e

import (
	"strings"
	"testing"
)

// hello's RAM quota: the figure goos_genode/README.md gives (7.4 MiB) plus
// headroom for a machine that starts more threads (each M's 256 KiB stack is
// charged); far below it the component blocks on its resource request.
func TestHelloQuota(t *testing.T) {
	c := base("hello")
	c.ram = "8M"
	r := run(t, c)
	r.status0(t)
	if !strings.Contains(r.stdout, "hello from genode/"+arch+"\n") {
		t.Errorf("no greeting\n%s", r)
	}

	c.ram = "6M"
	r = run(t, c)
	// Genode's init prints the child's resource request and the child
	// blocks; the model ends it with status 137 (host/MODEL-CONFIG.md).
	if r.status != 137 || r.count(`child "hello" requests resources: ram_quota=`) != 1 {
		t.Errorf("6M: want status 137 after a resource request\n%s", r)
	}
}

// 2 GiB allocated and dropped over time (32 MiB live) fit a 256 MiB quota,
// although the runtime never returns memory: Genode's munmap frees only
// whole mappings and the quota is not given back (libc_mem_alloc.cc), so
// the heap must reuse what it has.
func TestChurn2GiB(t *testing.T) {
	for _, chunk := range []string{"1024", "64"} {
		t.Run(chunk+"KiB", func(t *testing.T) {
			c := base("churn")
			c.ram = "256M"
			c.args = []string{"2048", "32", chunk}
			r := run(t, c)
			r.status0(t)
			if n := r.num(t, "total-alloc-mib"); n < 2048 {
				t.Errorf("total-alloc-mib %d, want at least 2048", n)
			}
			if n := r.num(t, "num-gc"); n < 10 {
				t.Errorf("num-gc %d: the collector hardly ran", n)
			}
			if n := r.num(t, "max-sys-mib"); n >= 256 {
				t.Errorf("max-sys-mib %d: the runtime holds more than the quota", n)
			}
			t.Logf("%s KiB chunks: max-sys-mib %s, num-gc %s", chunk, r.lines["max-sys-mib"], r.lines["num-gc"])
		})
	}
}

// More live memory than the quota: the component asks init for more RAM and
// blocks (status 137 on the model), it is not killed by an OOM killer.
func TestChurnOverQuota(t *testing.T) {
	c := base("churn")
	c.ram = "64M"
	c.args = []string{"256", "128", "1024"}
	r := run(t, c)
	if r.status != 137 || r.count(`child "churn" requests resources: ram_quota=`) != 1 {
		t.Errorf("want status 137 after a resource request\n%s", r)
	}
	if _, ok := r.lines["done"]; ok {
		t.Errorf("128 MiB live in a 64 MiB quota finished\n%s", r)
	}
}
