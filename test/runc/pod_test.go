package runc

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// podQuota is the RAM quota of the containers' init's child name, the
// start node's "ram" in init's config (0: none).
func podQuota(t *testing.T, r *Root, name string) int64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\+ start ` + regexp.QuoteMeta(name) + ` .*\| ram: (\d+)([KMG]?)`).FindStringSubmatch(r.InitConfig())
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	switch m[2] {
	case "K":
		n <<= 10
	case "M":
		n <<= 20
	case "G":
		n <<= 30
	}
	return n
}

// A pod is a sub-init of the containers' init: its sandbox (org.genode.pod)
// and the containers that join it (org.genode.pod-of) are the sub-init's
// children; its quota is theirs plus the sub-init's own, growing and
// shrinking with them; exec processes of a member are the pod's children
// too; deleting the sandbox ends the pod.
func TestPod(t *testing.T) {
	r := NewRoot(t)
	sandbox := NewBundle(t, "forever")
	sandbox.Spec.Set("annotations", map[string]any{"org.genode.pod": "yes"})
	sandbox.Write()
	r.MustRunc("run", "-d", "--bundle", sandbox.Dir, "pod")
	if got := r.Children(); len(got) != 1 || got[0] != "pod" {
		t.Fatalf("the containers' init's children: %q, want the pod alone\n%s", got, r.InitConfig())
	}
	if !strings.Contains(r.InitConfig(), "+ binary init") {
		t.Fatalf("the pod is not a sub-init:\n%s", r.InitConfig())
	}
	podConfig := func() string {
		data, _ := os.ReadFile(filepath.Join(r.Dir, "pod", "init.config"))
		return string(data)
	}
	if !strings.Contains(podConfig(), "+ start pod ") {
		t.Fatalf("the sandbox is not the pod's child:\n%s", podConfig())
	}
	if s := r.State("pod"); s.Status != "running" {
		t.Fatalf("the sandbox: %s, want running\n%s", s.Status, r.InitLog())
	}
	alone := podQuota(t, r, "pod")
	if alone <= 64<<20 {
		t.Errorf("the pod's RAM quota %d holds not even its sandbox's 64M", alone)
	}

	member := NewBundle(t, "forever")
	member.Spec.Set("linux.resources.memory.limit", 32<<20)
	member.Spec.Set("annotations", map[string]any{"org.genode.pod-of": "pod"})
	member.Write()
	r.MustRunc("run", "-d", "--bundle", member.Dir, "m1")
	if s := r.State("m1"); s.Status != "running" {
		t.Fatalf("the pod's member: %s, want running\n%s", s.Status, r.InitLog())
	}
	if !strings.Contains(podConfig(), "+ start m1 ") || strings.Contains(r.InitConfig(), "start m1") {
		t.Errorf("the member is not the pod's child alone:\ncontainers' init:\n%s\npod:\n%s", r.InitConfig(), podConfig())
	}
	if got := podQuota(t, r, "pod"); got != alone+32<<20 {
		t.Errorf("with a member of 32M the pod's quota is %d, want %d", got, alone+32<<20)
	}
	if res := r.RuncIn(member.Dir, "exec", "m1", "probe", "exit", "3"); res.Code != 3 {
		t.Errorf("exec in the pod's member: exit %d, want 3\n%v\n%s", res.Code, res, r.InitLog())
	}
	r.MustRunc("kill", "m1", "KILL")
	r.WaitStatus("m1", "stopped", 10*time.Second)
	r.MustRunc("delete", "m1")
	if got := podQuota(t, r, "pod"); got != alone {
		t.Errorf("after the member's delete the pod's quota is %d, want %d again", got, alone)
	}

	// what cannot join a pod
	stray := NewBundle(t, "forever")
	stray.Spec.Set("annotations", map[string]any{"org.genode.pod-of": "nopod"})
	stray.Write()
	if res := r.Runc("create", "--bundle", stray.Dir, "stray"); res.Code == 0 || !strings.Contains(res.Stderr, "no pod's sandbox") {
		t.Errorf("a member of no pod: %v", res)
	}
	plain := NewBundle(t, "forever")
	r.MustRunc("create", "--bundle", plain.Dir, "plain")
	stray.Spec.Set("annotations", map[string]any{"org.genode.pod-of": "plain"})
	stray.Write()
	if res := r.Runc("create", "--bundle", stray.Dir, "stray"); res.Code == 0 || !strings.Contains(res.Stderr, "is not a pod's sandbox") {
		t.Errorf("a member of a container that is no pod: %v", res)
	}
	r.MustRunc("delete", "plain")

	// a member left running ends with its pod
	r.MustRunc("run", "-d", "--bundle", member.Dir, "m2")
	r.MustRunc("delete", "-f", "pod")
	if got := r.Children(); len(got) != 0 {
		t.Errorf("after the sandbox's delete the containers' init has %q", got)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "pod")); !os.IsNotExist(err) {
		t.Errorf("the pod's directory is left: %v", err)
	}
	r.WaitStatus("m2", "stopped", 10*time.Second)
	r.MustRunc("delete", "m2")
}

// A container with a socket stack of its own (org.genode.network) is a pod
// of its own: Genode's vfs server holds the stack in the container's
// sub-init and serves it to the container and to the processes runc execs
// in it, which on Genode could not use a stack in the container's VFS.
func TestOwnStack(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")
	b.Spec.Set("annotations", map[string]any{"org.genode.network": "lxip | ip_addr: 10.99.0.2 | netmask: 255.255.0.0 | label: test"})
	b.Write()
	r.MustRunc("run", "-d", "--bundle", b.Dir, "web")
	if got := r.Children(); len(got) != 1 || got[0] != "web" || !strings.Contains(r.InitConfig(), "+ binary init") {
		t.Fatalf("the containers' init: want the container's sub-init alone\n%s", r.InitConfig())
	}
	data, _ := os.ReadFile(filepath.Join(r.Dir, "web", "init.config"))
	pod := string(data)
	for _, want := range []string{"+ start socket_fs ", "+ binary vfs", "ip_addr: 10.99.0.2", "+ start web ", "+ fs | label: socket"} {
		if !strings.Contains(pod, want) {
			t.Errorf("the container's sub-init has no %q:\n%s", want, pod)
		}
	}
	if s := r.State("web"); s.Status != "running" {
		t.Fatalf("the container: %s, want running\n%s", s.Status, r.InitLog())
	}
	// an exec process has the served stack, not a second one of the
	// address (which init would refuse: they would collide)
	if res := r.RuncIn(b.Dir, "exec", "web", "probe", "exit", "5"); res.Code != 5 {
		t.Errorf("exec in a container with a stack of its own: exit %d, want 5\n%v\n%s", res.Code, res, r.InitLog())
	}
	if strings.Contains(r.InitLog(), "collide") {
		t.Errorf("init refused a stack:\n%s", r.InitLog())
	}
	r.MustRunc("delete", "-f", "web")
	if got := r.Children(); len(got) != 0 {
		t.Errorf("after delete the containers' init has %q", got)
	}
}
