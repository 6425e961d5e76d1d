package initmodel

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// recorder is a launcher that records the start node of each child and
// runs nothing: the children stay until killed.
type recorder struct {
	mu     sync.Mutex
	starts map[string]*node.Node
}

type idle struct{ done chan struct{} }

func (p *idle) Wait() int { <-p.done; return 0 }
func (p *idle) Kill()     { close(p.done) }

func (r *recorder) Launch(ctx context.Context, c *ChildSpec) (Process, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.starts[c.Name] = c.Start
	return &idle{done: make(chan struct{})}, nil
}

func (r *recorder) start(name string) *node.Node {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.starts[name]
}

func parseStart(t *testing.T, hid string) *initcfg.Start {
	t.Helper()
	n, err := node.ParseHID([]byte("config\n" + hid + "\n-\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := initcfg.FromNode(n)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Starts[0]
}

// A pod's members route their socket file system's File_system session to
// the pod's stack server: the model gives each the server's stack.
func TestServedSocketStack(t *testing.T) {
	rec := &recorder{starts: map[string]*node.Node{}}
	e := startWith(t, nil, Options{Launcher: rec, ROMDir: t.TempDir()})
	// the binaries: ROM routes to absolute host paths that exist
	server := parseStart(t, `+ start pod | caps: 100 | ram: 4M
  + binary sh
  + provides
    + service File_system
  + config
    + vfs
      + dir socket
        + lxip | ip_addr: 10.88.0.2 | netmask: 255.255.0.0 | label: pods
    + default-policy | root: /socket | writeable: yes
  + route
    + service ROM | label: sh
      + parent | label: /bin/sh
    + service Nic
      + parent`)
	member := parseStart(t, `+ start member | caps: 100 | ram: 4M
  + binary sh
  + config
    + vfs
      + dir socket
        + fs | label: socket
    + libc | socket: /socket
  + route
    + service ROM | label: sh
      + parent | label: /bin/sh
    + service File_system | label: socket
      + child pod`)
	stranger := parseStart(t, `+ start stranger | caps: 100 | ram: 4M
  + binary sh
  + config
    + vfs
      + dir socket
        + fs | label: socket
  + route
    + service ROM | label: sh
      + parent | label: /bin/sh
    + service File_system | label: socket
      + child member`)
	for _, s := range []*initcfg.Start{server, member, stranger} {
		if err := e.drv.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	var got *node.Node
	if !eventually(5*time.Second, func() bool { got = rec.start("member"); return got != nil }) {
		t.Fatalf("member not launched\n%s", e.log.String())
	}
	hid := string(got.EncodeHID())
	if !strings.Contains(hid, "+ lxip | ip_addr: 10.88.0.2 | netmask: 255.255.0.0 | label: pods") || strings.Contains(hid, "+ fs") {
		t.Errorf("the member's start node does not have the pod's stack in place of its <fs>:\n%s", hid)
	}
	if rec.start("pod") == nil {
		t.Errorf("the server was not launched\n%s", e.log.String())
	}
	// a process runc would exec in the server's container with a copy of
	// its stack collides as any other would: runc gives it the served one
	exec := stackStart(t, "pod.exec1", "10.88.0.2")
	if err := e.drv.Add(exec); err != nil {
		t.Fatal(err)
	}
	execErr := "Error: pod.exec1: its IP stack has the address 10.88.0.2 of child pod's"
	if !eventually(5*time.Second, func() bool { return strings.Contains(e.log.String(), execErr) }) || rec.start("pod.exec1") != nil {
		t.Errorf("an exec process with a copy of the pod's stack: want %q\n%s", execErr, e.log.String())
	}
	twin := stackStart(t, "twin", "10.88.0.2")
	if err := e.drv.Add(twin); err != nil {
		t.Fatal(err)
	}
	twinErr := "Error: twin: its IP stack has the address 10.88.0.2 of child pod's"
	if !eventually(5*time.Second, func() bool { return strings.Contains(e.log.String(), twinErr) }) || rec.start("twin") != nil {
		t.Errorf("a second stack with the pod's address: want %q\n%s", twinErr, e.log.String())
	}
	want := `Error: stranger: <fs label="socket"> is routed to child "member": it does not provide File_system`
	if !eventually(5*time.Second, func() bool { return strings.Contains(e.log.String(), want) }) || rec.start("stranger") != nil {
		t.Errorf("a route to a child that serves no socket file system: want %q\n%s", want, e.log.String())
	}
}

// stackStart is a start node of /bin/sh with a stack of its own at addr.
func stackStart(t *testing.T, name, addr string) *initcfg.Start {
	return parseStart(t, "+ start "+name+" | caps: 100 | ram: 4M\n  + binary sh\n  + config\n    + vfs\n      + dir socket\n"+
		"        + lxip | ip_addr: "+addr+" | netmask: 255.255.0.0 | label: pods\n  + route\n    + service ROM | label: sh\n      + parent | label: /bin/sh")
}

func TestServedStackRefusals(t *testing.T) {
	for _, c := range []struct{ server, want string }{
		{"+ start s\n  + provides\n    + service File_system\n  + config\n    + vfs\n      + dir socket\n        + lxip | ip_addr: 10.0.0.2 | netmask: 255.0.0.0\n    + default-policy | root: /socket", `not writeable="yes"`},
		{"+ start s\n  + provides\n    + service File_system\n  + config\n    + vfs\n      + dir data\n        + ram\n    + default-policy | root: /data | writeable: yes", "holds <ram>: the model serves only a socket file system"},
		{"+ start s\n  + provides\n    + service File_system\n  + config\n    + vfs\n      + dir socket\n        + lxip | ip_addr: 10.0.0.2 | netmask: 255.0.0.0", "no <default-policy>"},
		{"+ start s\n  + provides\n    + service File_system\n  + config\n    + vfs\n      + dir socket\n        + lxip | ip_addr: 10.0.0.2 | netmask: 255.0.0.0\n    + default-policy | root: /sockets | writeable: yes", `policy root "/sockets" is no directory`},
	} {
		n, err := node.ParseHID([]byte("config\n" + c.server + "\n-\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = servedStack(n.Child("start"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s\n: %v, want %q", c.server, err, c.want)
		}
	}
}
