package cri_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRuntimeInfo(t *testing.T) {
	need(t)
	out := crictl(t, "version")
	for _, want := range []string{"RuntimeName:  containerd", "RuntimeApiVersion:  v1"} {
		if !strings.Contains(out, want) {
			t.Errorf("crictl version lacks %q:\n%s", want, out)
		}
	}
	var info struct {
		Status struct {
			Conditions []struct {
				Type   string
				Status bool
			}
		}
	}
	if err := json.Unmarshal([]byte(crictl(t, "info")), &info); err != nil {
		t.Fatal(err)
	}
	ready := map[string]bool{}
	for _, c := range info.Status.Conditions {
		ready[c.Type] = c.Status
	}
	if !ready["RuntimeReady"] || !ready["NetworkReady"] {
		t.Errorf("crictl info: conditions %v, want RuntimeReady and NetworkReady true (a node is NotReady without both)", info.Status.Conditions)
	}
}

// inspect decodes crictl's JSON output of args.
func inspect(t *testing.T, v any, args ...string) {
	t.Helper()
	// the subcommand's flags come before its arguments
	out := crictl(t, append([]string{args[0], "-o", "json"}, args[1:]...)...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("crictl %v: %v\n%s", args, err, out)
	}
}

func TestImages(t *testing.T) {
	need(t)
	const name = "gcr.io/k8s-staging-cri-tools/test-image-tag:test"
	crictl(t, "pull", name)
	var st struct {
		Status struct {
			ID          string
			RepoTags    []string
			RepoDigests []string
			Size        string
		}
	}
	inspect(t, &st, "inspecti", name)
	if len(st.Status.RepoTags) != 1 || st.Status.RepoTags[0] != name || len(st.Status.RepoDigests) != 1 {
		t.Fatalf("inspecti %s: tags %v digests %v, want the name and one digest", name, st.Status.RepoTags, st.Status.RepoDigests)
	}
	if !strings.Contains(crictl(t, "images"), "gcr.io/k8s-staging-cri-tools/test-image-tag") {
		t.Errorf("crictl images does not list %s", name)
	}
	// by digest: the same image under its repository digest
	crictl(t, "rmi", name)
	byDigest := st.Status.RepoDigests[0]
	crictl(t, "pull", byDigest)
	var st2 struct{ Status struct{ ID string } }
	inspect(t, &st2, "inspecti", byDigest)
	if st2.Status.ID != st.Status.ID {
		t.Errorf("pulled by digest: image %s, by tag %s", st2.Status.ID, st.Status.ID)
	}
	crictl(t, "rmi", byDigest)
	if r := run(t, time.Minute, "", "--timeout", "60s", "inspecti", byDigest); r.code == 0 && strings.Contains(r.stdout, st.Status.ID) {
		t.Errorf("image still there after rmi:\n%s", r)
	}
	var fs struct {
		Status struct {
			ImageFilesystems []struct {
				FsID struct{ Mountpoint string } `json:"fsId"`
			}
		}
	}
	inspect(t, &fs, "imagefsinfo")
	if len(fs.Status.ImageFilesystems) != 1 || !strings.HasSuffix(fs.Status.ImageFilesystems[0].FsID.Mountpoint, "io.containerd.snapshotter.v1.native") {
		t.Errorf("imagefsinfo: %+v, want the native snapshotter's directory", fs.Status.ImageFilesystems)
	}
}

// podConfig writes a pod sandbox config named n and returns its path.
func podConfig(t *testing.T, n string) string {
	t.Helper()
	logDir := filepath.Join(stackDir, "node", "log", n)
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{
		"metadata":      map[string]any{"name": n, "namespace": "e2e", "uid": "uid-" + n},
		"hostname":      n,
		"log_directory": logDir,
		"dns_config":    map[string]any{"servers": []string{"10.88.0.1"}, "searches": []string{"cluster.local"}},
	}
	return writeJSON(t, n+"-pod.json", cfg)
}

// runPod pulls image and runs the pod n, removed when the test ends; it
// returns the pod's id and config file.
func runPod(t *testing.T, n, image string) (id, cfg string) {
	t.Helper()
	crictl(t, "pull", image)
	cfg = podConfig(t, n)
	id = strings.TrimSpace(crictl(t, "runp", cfg))
	t.Cleanup(func() { crictl(t, "rmp", "-f", id) })
	return id, cfg
}

func writeJSON(t *testing.T, name string, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(stackDir, "node", "tmp", name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type podStatus struct {
	Status struct {
		ID      string
		State   string
		Network struct{ IP string }
	}
}

// allocations are the pod network's addresses in use (files named after them).
func allocations(t *testing.T) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(stackDir, "root", "io.containerd.grpc.v1.cri", "genode-pod-network"))
	if err != nil {
		t.Fatal(err)
	}
	var as []string
	for _, e := range es {
		as = append(as, e.Name())
	}
	return as
}

// A pod is a sandbox with an address of the pods' subnet, which it gives
// back when it goes; two pods have two addresses.
func TestPodLifecycle(t *testing.T) {
	need(t)
	before := allocations(t)
	p1 := strings.TrimSpace(crictl(t, "runp", podConfig(t, "life1")))
	p2 := strings.TrimSpace(crictl(t, "runp", podConfig(t, "life2")))
	var s1, s2 podStatus
	inspect(t, &s1, "inspectp", p1)
	inspect(t, &s2, "inspectp", p2)
	subnet := netip.MustParsePrefix("10.88.0.0/16")
	for _, s := range []podStatus{s1, s2} {
		a, err := netip.ParseAddr(s.Status.Network.IP)
		if err != nil || !subnet.Contains(a) || a == subnet.Addr().Next() {
			t.Errorf("pod %s: address %q, want one of %s other than the router's", s.Status.ID, s.Status.Network.IP, subnet)
		}
		if s.Status.State != "SANDBOX_READY" {
			t.Errorf("pod %s: state %s, want SANDBOX_READY", s.Status.ID, s.Status.State)
		}
	}
	if s1.Status.Network.IP == s2.Status.Network.IP {
		t.Errorf("two pods share the address %s", s1.Status.Network.IP)
	}
	if got := crictl(t, "pods", "-q", "--name", "life1"); strings.TrimSpace(got) != p1 {
		t.Errorf("crictl pods --name life1: %q, want %s", got, p1)
	}
	crictl(t, "stopp", p1)
	inspect(t, &s1, "inspectp", p1)
	if s1.Status.State != "SANDBOX_NOTREADY" {
		t.Errorf("stopped pod: state %s, want SANDBOX_NOTREADY", s1.Status.State)
	}
	crictl(t, "stopp", p1) // stopping a stopped pod is no error
	crictl(t, "rmp", p1)
	crictl(t, "rmp", "-f", p2)
	if left := strings.TrimSpace(crictl(t, "pods", "-q", "--namespace", "e2e")); left != "" {
		t.Errorf("pods left after rmp: %s", left)
	}
	if after := allocations(t); len(after) != len(before) {
		t.Errorf("pod network addresses: %v before, %v after both pods went", before, after)
	}
}

// A host port is a forward of the pods' NIC router (its model serves it on
// the host's 127.0.0.1): the pod's web server answers there, another pod
// cannot take the port, UDP and a host address are refused by name, and the
// forward goes with the pod; a container port alone is only a declaration.
func TestPortMappings(t *testing.T) {
	need(t)
	const image = "registry.k8s.io/e2e-test-images/nginx:1.14-2"
	crictl(t, "pull", image)
	cfg := func(name string, pm ...map[string]any) string {
		var c map[string]any
		data, err := os.ReadFile(podConfig(t, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatal(err)
		}
		c["port_mappings"] = pm
		return writeJSON(t, name+"-ports.json", c)
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := l.Addr().(*net.TCPAddr).Port
	l.Close()
	pcfg := cfg("hostport", map[string]any{"protocol": 0, "container_port": 80, "host_port": host})
	p := strings.TrimSpace(crictl(t, "runp", pcfg))
	t.Cleanup(func() { run(t, time.Minute, "", "--timeout", "60s", "rmp", "-f", p) }) // gone, unless the test failed
	cc := writeJSON(t, "hostport-web.json", map[string]any{
		"metadata": map[string]any{"name": "web"},
		"image":    map[string]any{"image": image},
		"log_path": "web.log",
	})
	crictl(t, "start", strings.TrimSpace(crictl(t, "create", p, cc, pcfg)))
	if body := webPage(t, fmt.Sprintf("http://127.0.0.1:%d/", host), "the pod's host port", nil); !strings.Contains(body, "hostname: hostport\n") {
		t.Errorf("the pod's host port: the server does not name the pod's host name hostport:\n%s", body)
	}
	for _, c := range []struct {
		name string
		pm   map[string]any
		want string
	}{
		{"hostport2", map[string]any{"protocol": 0, "container_port": 80, "host_port": host}, fmt.Sprintf("port_mappings: host port %d is forwarded to pod %s already", host, p)},
		{"hostudp", map[string]any{"protocol": 1, "container_port": 53, "host_port": 5353}, "port_mappings: host port 5353 -> 53/udp: UDP is not forwarded"},
		{"hostip", map[string]any{"protocol": 0, "container_port": 80, "host_port": 8081, "host_ip": "127.0.0.1"}, "host_ip 127.0.0.1: the NIC router forwards from its uplink address only"},
	} {
		r := run(t, 3*time.Minute, "", "--timeout", "60s", "runp", cfg(c.name, c.pm))
		if r.code == 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("pod %s: want it refused with %q\n%s", c.name, c.want, r)
		}
		if left := strings.TrimSpace(crictl(t, "pods", "-q", "--name", c.name)); left != "" {
			t.Errorf("the refused pod %s is there: %s", c.name, left)
			crictl(t, "rmp", "-f", left)
		}
	}
	crictl(t, "rmp", "-f", p)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		c, err := net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", host), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("the host port %d still accepts connections 10 s after its pod was removed", host)
		}
	}
	q := strings.TrimSpace(crictl(t, "runp", cfg("ctrport", map[string]any{"protocol": 0, "container_port": 80})))
	crictl(t, "rmp", "-f", q)
}

// Port forwarding: crictl port-forward (the kubelet's streaming path)
// reaches a pod's web server through containerd, which has no network
// namespace to enter and dials the pod's address.
func TestPortForward(t *testing.T) {
	need(t)
	const image = "registry.k8s.io/e2e-test-images/nginx:1.14-2"
	p, cfg := runPod(t, "pf", image)
	cc := writeJSON(t, "pf-web.json", map[string]any{
		"metadata": map[string]any{"name": "web"},
		"image":    map[string]any{"image": image},
		"log_path": "web.log",
	})
	c := strings.TrimSpace(crictl(t, "create", p, cc, cfg))
	crictl(t, "start", c)
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fwd := exec.CommandContext(ctx, filepath.Join(bin, "crictl"), "port-forward", p, fmt.Sprintf("%d:80", port))
	fwd.Env = append(os.Environ(), "GENODE_STACK="+stackDir)
	var out bytes.Buffer
	fwd.Stdout, fwd.Stderr = &out, &out
	if err := fwd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() string {
		cancel()
		fwd.Wait()
		return out.String()
	}
	defer stop()
	// the server's os.Hostname: the pod's /etc/hostname
	if body := webPage(t, fmt.Sprintf("http://127.0.0.1:%d/", port), "the port forward", stop); !strings.Contains(body, "hostname: pf\n") {
		t.Errorf("the port forward: the server does not name the pod's host name pf:\n%s", body)
	}
}

// webPage GETs url (reached through what) until the genode web server
// answers, for a minute, and returns its page; more tells what else to
// show when it never does.
func webPage(t *testing.T, url, what string, more func() string) string {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "genode server") {
				t.Fatalf("GET %s (%s): %s\n%s", url, what, resp.Status, body)
			}
			return string(body)
		}
		if time.Now().After(deadline) {
			extra := ""
			if more != nil {
				extra = "\n" + more()
			}
			t.Fatalf("GET %s (%s): %v%s", url, what, err, extra)
		}
	}
}

// A container of a pod runs on the pod's address with the pod's /etc files,
// its output goes to the CRI log file, and exec reaches it.
func TestContainerInPod(t *testing.T) {
	need(t)
	const image = "registry.k8s.io/e2e-test-images/busybox:1.29-2"
	pod, podCfg := runPod(t, "inpod", image)
	var ps podStatus
	inspect(t, &ps, "inspectp", pod)
	ctrCfg := writeJSON(t, "inpod-c1.json", map[string]any{
		"metadata": map[string]any{"name": "c1"},
		"image":    map[string]any{"image": image},
		"command":  []string{"sh", "-c", "echo started on $HOSTNAME; while true; do sleep 1; done"},
		"log_path": "c1.log",
	})
	c := strings.TrimSpace(crictl(t, "create", pod, ctrCfg, podCfg))
	crictl(t, "start", c)
	var log string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if log = crictl(t, "logs", c); strings.Contains(log, "started on inpod") {
			break
		}
	}
	if !strings.Contains(log, "started on inpod") {
		t.Errorf("crictl logs: %q, want the container's greeting", log)
	}
	// the CRI log format: time, stream, P|F, text
	raw, err := os.ReadFile(filepath.Join(stackDir, "node", "log", "inpod", "c1.log"))
	if err != nil {
		t.Fatal(err)
	}
	if f := strings.Fields(string(raw)); len(f) < 4 || f[1] != "stdout" || f[2] != "F" {
		t.Errorf("log file %q is not in the CRI log format", raw)
	}
	// the pod is a sub-init of the containers' init (one quota), the
	// sandbox and the container its children
	runcDir := filepath.Join(stackDir, "run", "runc")
	if b := startBlock(t, filepath.Join(runcDir, "init.config"), pod); !strings.Contains(b, "+ binary init") {
		t.Errorf("the pod in the containers' init is no sub-init:\n%s", b)
	}
	for _, id := range []string{pod, c} {
		if startBlock(t, filepath.Join(runcDir, pod, "init.config"), id) == "" {
			t.Errorf("%s is not a child of the pod's sub-init", id)
		}
	}
	for file, want := range map[string]string{
		"/etc/hostname":    "inpod\n",
		"/etc/hosts":       ps.Status.Network.IP + "\tinpod\n",
		"/etc/resolv.conf": "search cluster.local\nnameserver 10.88.0.1\n",
	} {
		if got := crictl(t, "exec", c, "cat", file); !strings.Contains(got, want) {
			t.Errorf("%s in the container: %q, want %q", file, got, want)
		}
	}
	r := run(t, time.Minute, "", "--timeout", "60s", "exec", "--sync", "--timeout", "1", c, "sleep", "30")
	if r.code == 0 {
		t.Errorf("exec with a 1 s timeout of sleep 30 succeeded:\n%s", r)
	}
	crictl(t, "stop", c)
	var cs struct{ Status struct{ State string } }
	inspect(t, &cs, "inspect", c)
	if cs.Status.State != "CONTAINER_EXITED" {
		t.Errorf("stopped container: state %s", cs.Status.State)
	}
	crictl(t, "rm", c)
}

// startBlock is the start node of the container with id in the init config
// file (HID), "" if there is none: runc names a child by the id's first 24
// characters and a hash of it.
func startBlock(t *testing.T, config, id string) string {
	t.Helper()
	data, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range strings.Split("\n"+string(data), "\n+ start ")[1:] {
		if strings.HasPrefix(b, id[:min(24, len(id))]) {
			return "+ start " + b
		}
	}
	return ""
}
