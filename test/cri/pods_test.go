package cri_test

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestNoLeaksPods runs E2E_CRI_PODS pods (12 by default; make e2e-cri
// runs 4, make e2e-cri-pods 20: about 12 minutes; DESIGN.md, "The socket
// budget") of two containers each, restarts containerd when half of them run (the pods and
// containers must be there and running afterwards: re-adopted), then stops
// and removes them all; what the stack holds before and after must be the
// same: containerd's descriptors (the containers' log files among them), the
// stack's processes, the children of the shims' and the containers' inits
// (a pod is one, a sub-init), runc's containers, snapshots, the pod
// network's addresses and records, the CRI's pod and container state.
func TestNoLeaksPods(t *testing.T) {
	need(t)
	n := 12
	if v := os.Getenv("E2E_CRI_PODS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 2 {
			t.Fatalf("E2E_CRI_PODS=%q: want a number of pods, at least 2", v)
		}
	}
	const image = "registry.k8s.io/e2e-test-images/busybox:1.29-2"
	crictl(t, "pull", image)
	// what a first pod and container create once: the sandbox image,
	// pulled and unpacked, and containerd's listener for task streams
	firstCfg := podConfig(t, "leakfirst")
	first := strings.TrimSpace(crictl(t, "runp", firstCfg))
	crictl(t, "start", strings.TrimSpace(crictl(t, "create", first, ctrConfig(t, "leakfirst", 0, image), firstCfg)))
	crictl(t, "rmp", "-f", first)
	before := stableCriCounts(t)
	type pod struct {
		id, cfg string
		ctrs    []string
	}
	var pods []pod
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("leak%d", i)
		cfg := podConfig(t, name)
		p := pod{id: strings.TrimSpace(crictl(t, "runp", cfg)), cfg: cfg}
		for j := 0; j < 2; j++ {
			c := strings.TrimSpace(crictl(t, "create", p.id, ctrConfig(t, name, j, image), cfg))
			crictl(t, "start", c)
			p.ctrs = append(p.ctrs, c)
		}
		pods = append(pods, p)
		sockets := 0
		for _, fd := range criCountsNow(t)["containerd fds"] {
			if strings.Contains(fd, "socket:") {
				sockets++
			}
		}
		t.Logf("%d pods: containerd holds %d sockets", i+1, sockets)
		// a pod's streams share its shim's one connection to containerd:
		// a pod costs containerd its shim's ttrpc connections (one per
		// task), the shim's event connection and that one (5 measured)
		if limit := 10 + 6*(i+1); sockets > limit {
			t.Errorf("%d pods: containerd holds %d sockets, more than %d: 128 would not hold 20 pods", i+1, sockets, limit)
		}
		if i == n/2 {
			if out, err := stack("restart-containerd"); err != nil {
				t.Fatalf("genode-stack restart-containerd: %v\n%s", err, out)
			}
			for _, q := range pods {
				var ps podStatus
				inspect(t, &ps, "inspectp", q.id)
				if ps.Status.State != "SANDBOX_READY" {
					t.Errorf("pod %s after containerd's restart: %s, want SANDBOX_READY", q.id, ps.Status.State)
				}
				for _, c := range q.ctrs {
					var cs struct{ Status struct{ State string } }
					inspect(t, &cs, "inspect", c)
					if cs.Status.State != "CONTAINER_RUNNING" {
						t.Errorf("container %s after containerd's restart: %s, want CONTAINER_RUNNING", c, cs.Status.State)
					}
				}
			}
		}
	}
	if got := len(strings.Fields(crictl(t, "ps", "-q"))); got != 2*n {
		t.Errorf("crictl ps: %d running containers, want %d", got, 2*n)
	}
	for i, p := range pods {
		crictl(t, "stopp", p.id)
		crictl(t, "rmp", p.id)
		// the kubelet removes a pod's logs; containerd must have closed them
		os.RemoveAll(filepath.Join(stackDir, "node", "log", fmt.Sprintf("leak%d", i)))
	}
	// one more pod, as before the count: what containerd's garbage
	// collection removes of the pods before the restart it removes then
	last := strings.TrimSpace(crictl(t, "runp", podConfig(t, "leaklast")))
	crictl(t, "rmp", "-f", last)
	after := settledCriCounts(t, before)
	for _, d := range before.diff(after) {
		t.Error(d)
	}
	t.Logf("before: %v\nafter: %v", before, after)
}

// ctrConfig writes the config of pod's container j, a shell that runs
// until it is stopped.
func ctrConfig(t *testing.T, pod string, j int, image string) string {
	return writeJSON(t, fmt.Sprintf("%s-c%d.json", pod, j), map[string]any{
		"metadata": map[string]any{"name": fmt.Sprintf("c%d", j)},
		"image":    map[string]any{"image": image},
		"command":  []string{"sh", "-c", "echo up; while true; do sleep 1; done"},
		"log_path": fmt.Sprintf("c%d.log", j),
	})
}

var criCountKinds = []string{"containerd fds", "stack processes", "shims' init children", "containers' init children",
	"runc containers", "snapshot dirs", "pod addresses", "pod host ports", "pod network records", "CRI sandboxes", "CRI containers"}

type criCounts map[string][]string

func (c criCounts) String() string {
	var parts []string
	for _, k := range criCountKinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, len(c[k])))
	}
	return strings.Join(parts, ", ")
}

func (c criCounts) diff(after criCounts) []string {
	var d []string
	for _, k := range criCountKinds {
		b, a := c[k], after[k]
		if len(a) == len(b) || (k == "containerd fds" || k == "snapshot dirs") && len(a) < len(b) {
			// containerd restarted in between: its descriptors are
			// another process's, so only a growth is a leak; the first
			// pod's snapshot may be collected after the first count
			continue
		}
		var added, gone []string
		for _, x := range a {
			if !slices.Contains(b, x) {
				added = append(added, x)
			}
		}
		for _, x := range b {
			if !slices.Contains(a, x) {
				gone = append(gone, x)
			}
		}
		d = append(d, fmt.Sprintf("%s: %d before, %d after; new: %v; gone: %v", k, len(b), len(a), added, gone))
	}
	return d
}

// stableCriCounts are the stack's counts once two looks a second apart
// agree (30 s at most): containerd removes some things in the background.
func stableCriCounts(t *testing.T) criCounts {
	t.Helper()
	c := criCountsNow(t)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		time.Sleep(time.Second)
		next := criCountsNow(t)
		if len(c.diff(next)) == 0 && len(next.diff(c)) == 0 {
			return next
		}
		c = next
	}
	return c
}

// settledCriCounts are the stack's counts once they are back to want's,
// or, after a minute, once they are stable: containerd's garbage
// collection removes a deleted pod's snapshot in the background, at an
// interval that grows with the time a collection takes (its
// pause_threshold), which a loaded machine stretches to seconds.
func settledCriCounts(t *testing.T, want criCounts) criCounts {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		if c := criCountsNow(t); len(want.diff(c)) == 0 {
			return c
		}
	}
	return stableCriCounts(t)
}

func criCountsNow(t *testing.T) criCounts {
	t.Helper()
	c := criCounts{}
	rom := filepath.Join(stackDir, "rom", "containerd")
	for _, p := range processesWith(stackDir) {
		c["stack processes"] = append(c["stack processes"], strings.Fields(p)[0])
		if f := strings.Fields(p); len(f) > 0 && f[len(f)-1] == rom && strings.Contains(p, "ld-linux") {
			pid := strings.TrimSuffix(f[0], ":")
			fds, _ := os.ReadDir("/proc/" + pid + "/fd")
			for _, fd := range fds {
				target, _ := os.Readlink("/proc/" + pid + "/fd/" + fd.Name())
				if st, err := os.Stat(target); err == nil && st.IsDir() && filepath.Dir(target) == stackDir {
					// the model's handle on a <dir> of containerd's vfs,
					// opened at its first use and held (on Genode: the
					// File_system session): not the containers'
					continue
				}
				if target == "anon_inode:[eventfd]" {
					// the model's wake-up of a thread asleep in the
					// host's poll, made at its first poll: how many
					// depends on which threads have polled (Genode's
					// libc has no eventfd)
					continue
				}
				c["containerd fds"] = append(c["containerd fds"], fd.Name()+"→"+target)
			}
		}
	}
	starts := func(cfg string) []string {
		data, _ := os.ReadFile(cfg)
		var names []string
		for _, l := range strings.Split(string(data), "\n") {
			if f := strings.Fields(l); len(f) >= 3 && f[0] == "+" && f[1] == "start" {
				names = append(names, f[2])
			}
		}
		return names
	}
	c["shims' init children"] = starts(filepath.Join(stackDir, "run", "shims", "init.config"))
	c["containers' init children"] = starts(filepath.Join(stackDir, "run", "runc", "init.config"))
	list := func(dir string) []string {
		es, _ := os.ReadDir(dir)
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	for _, e := range list(filepath.Join(stackDir, "run", "runc")) {
		// a container's state directory; a pod's holds its sub-init's
		// config and report too
		if fi, err := os.Stat(filepath.Join(stackDir, "run", "runc", e, "state.json")); err == nil && !fi.IsDir() {
			c["runc containers"] = append(c["runc containers"], e)
		}
	}
	c["snapshot dirs"] = list(filepath.Join(stackDir, "root", "io.containerd.snapshotter.v1.native", "snapshots"))
	podnet := filepath.Join(stackDir, "root", "io.containerd.grpc.v1.cri", "genode-pod-network")
	for _, e := range list(podnet) {
		if _, err := netip.ParseAddr(e); err == nil {
			c["pod addresses"] = append(c["pod addresses"], e)
		}
	}
	c["pod host ports"] = list(filepath.Join(podnet, "forwards"))
	c["pod network records"] = list(filepath.Join(stackDir, "run", "io.containerd.grpc.v1.cri", "netns"))
	c["CRI sandboxes"] = list(filepath.Join(stackDir, "root", "io.containerd.grpc.v1.cri", "sandboxes"))
	c["CRI containers"] = list(filepath.Join(stackDir, "root", "io.containerd.grpc.v1.cri", "containers"))
	return c
}
