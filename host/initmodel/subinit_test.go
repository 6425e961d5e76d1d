package initmodel

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
	"genodego/sandbox/oci"
)

// binaries records the resolved binary of each child launched and runs
// nothing: a child stays until killed.
type binaries struct {
	mu     sync.Mutex
	hosts  map[string]string
	killed map[string]bool
}

type idleChild struct {
	b    *binaries
	name string
	done chan struct{}
	once sync.Once
}

func (p *idleChild) Wait() int { <-p.done; return 0 }
func (p *idleChild) Kill() {
	p.once.Do(func() {
		p.b.mu.Lock()
		p.b.killed[p.name] = true
		p.b.mu.Unlock()
		close(p.done)
	})
}

func (b *binaries) Launch(ctx context.Context, c *ChildSpec) (Process, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hosts[c.Name] = c.HostBinary
	return &idleChild{b: b, name: c.Name, done: make(chan struct{})}, nil
}

func (b *binaries) get(name string) (string, bool, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	h, ok := b.hosts[name]
	return h, ok, b.killed[name]
}

// A child whose binary is init is a sub-init: its config and report are the
// files its ROM "config" and Report "state" routes name, its children's ROMs
// travel through its own route, its quota follows its start node, and
// removing it ends its children.
func TestSubInit(t *testing.T) {
	rom := t.TempDir()
	if err := os.WriteFile(filepath.Join(rom, "sh"), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	b := &binaries{hosts: map[string]string{}, killed: map[string]bool{}}
	e := startWith(t, &initcfg.Config{Report: &initcfg.Report{IDs: true, ChildRAM: true, ChildCaps: true}},
		Options{Launcher: b, ROMDir: rom})
	podDir := t.TempDir()
	podCfg, podState := filepath.Join(podDir, "init.config"), filepath.Join(podDir, "init.state")
	pod, err := driver.Open(podCfg, podState, &initcfg.Config{
		Report: &initcfg.Report{IDs: true, ChildRAM: true, InitRAM: true, InitCaps: true}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pod.Add(parseStart(t, `+ start a | caps: 50 | ram: 1M
  + binary sh
  + route
    + any-service
      + parent`)); err != nil {
		t.Fatal(err)
	}
	podStart := `+ start pod | caps: 300 | ram: 6M
  + binary init
  + route
    + service ROM | label: config
      + parent | label: ` + podCfg + `
    + service Report | label: state
      + parent | label: ` + podState + `
    + any-service
      + parent`
	if err := e.drv.Add(parseStart(t, podStart)); err != nil {
		t.Fatal(err)
	}
	e.wait("pod", driver.Running)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := pod.WaitFor(ctx, "a", func(s driver.Status) bool { return s.State == driver.Running }); err != nil {
		t.Fatalf("the sub-init's child: %v\nlog:\n%s", err, e.log.String())
	}
	if h, _, _ := b.get("a"); h != filepath.Join(rom, "sh") {
		t.Errorf("the sub-init's child's binary: %q, want the ROM its parent's route gives, %s", h, filepath.Join(rom, "sh"))
	}
	initRAM := func() uint64 {
		data, _ := os.ReadFile(podState)
		st, err := initcfg.DecodeState(data)
		if err != nil || st.RAM == nil {
			return 0
		}
		return st.RAM.Quota
	}
	if got := initRAM(); got != 6<<20 {
		t.Errorf("the sub-init's own RAM quota: %d, want its start node's 6M", got)
	}
	// a live upgrade reaches the sub-init as its new quota
	if err := e.drv.SetRAM("pod", 10*initcfg.MiB); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); initRAM() != 10<<20 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if got := initRAM(); got != 10<<20 {
		t.Errorf("after the upgrade, the sub-init's own RAM quota: %d, want 10M", got)
	}
	// the sub-init follows its config file
	if err := pod.Add(parseStart(t, "+ start b | caps: 50 | ram: 1M\n  + binary sh")); err != nil {
		t.Fatal(err)
	}
	if _, err := pod.WaitFor(ctx, "b", func(s driver.Status) bool { return s.State == driver.Running }); err != nil {
		t.Fatalf("a child added to the sub-init's config: %v\nlog:\n%s", err, e.log.String())
	}
	// removed, it ends its children
	if err := e.drv.Remove("pod"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, _, ka := b.get("a"); ka {
			if _, _, kb := b.get("b"); kb {
				return
			}
		}
	}
	t.Errorf("the sub-init's children were not ended with it\nlog:\n%s", e.log.String())
}

// A sub-init whose config ROM is not routed to a file cannot start on the
// model: it stays incomplete, and init's log says why.
func TestSubInitWithoutConfigRoute(t *testing.T) {
	b := &binaries{hosts: map[string]string{}, killed: map[string]bool{}}
	e := startWith(t, &initcfg.Config{Report: &initcfg.Report{IDs: true}}, Options{Launcher: b, ROMDir: t.TempDir()})
	if err := e.drv.Add(parseStart(t, "+ start pod | caps: 300 | ram: 6M\n  + binary init")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(e.log.String(), `session "config"`); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no word of the config route in init's log:\n%s", e.log.String())
		}
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		st, _ := e.drv.ReadState()
		if st != nil && st.Child("pod") != nil && st.Child("pod").Incomplete {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sub-init is not reported incomplete: %+v", st)
		}
	}
}

// Genode's vfs server serving one socket stack runs on the model without a
// ROM of its own; its siblings routed to it get its stack; a vfs server of
// anything else cannot be modelled and stays incomplete.
func TestStackServer(t *testing.T) {
	rec := &recorder{starts: map[string]*node.Node{}}
	e := startWith(t, &initcfg.Config{Report: &initcfg.Report{IDs: true}}, Options{Launcher: rec, ROMDir: t.TempDir()})
	stack, err := node.ParseHID([]byte("lxip | ip_addr: 172.17.0.2 | netmask: 255.255.0.0 | label: bridge\n-\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.drv.Add(oci.StackServerStart("socket_fs", stack)); err != nil {
		t.Fatal(err)
	}
	e.wait("socket_fs", driver.Running)
	client := parseStart(t, `+ start c | caps: 100 | ram: 4M
  + binary /bin/sh
  + config
    + vfs
      + dir socket
        + fs | label: socket
  + route
    + service File_system | label: socket
      + child socket_fs
    + any-service
      + parent`)
	if err := e.drv.Add(client); err != nil {
		t.Fatal(err)
	}
	var got *node.Node
	if !eventually(5*time.Second, func() bool { got = rec.start("c"); return got != nil }) {
		t.Fatalf("the stack's client was not launched\n%s", e.log.String())
	}
	if hid := string(got.EncodeHID()); !strings.Contains(hid, "ip_addr: 172.17.0.2") {
		t.Errorf("the client does not have the served stack:\n%s", hid)
	}
	if rec.start("socket_fs") != nil {
		t.Errorf("the vfs server went to the launcher: the model runs it itself")
	}
	other := parseStart(t, `+ start files | caps: 100 | ram: 4M
  + binary vfs
  + provides | + service File_system
  + config
    + vfs | + ram
    + default-policy | root: / | writeable: yes`)
	if err := e.drv.Add(other); err != nil {
		t.Fatal(err)
	}
	want := `Error: child "files" creation failed: the model's vfs server serves one socket stack`
	if !eventually(5*time.Second, func() bool { return strings.Contains(e.log.String(), want) }) {
		t.Errorf("a vfs server of a ram file system: want %q\n%s", want, e.log.String())
	}
}
