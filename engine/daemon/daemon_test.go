package daemon

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genodego/sandbox/routercfg"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
)

func TestRefuse(t *testing.T) {
	yes := true
	for _, c := range []struct {
		cfg  container.Config
		hc   container.HostConfig
		want string // "" for accepted
	}{
		{hc: container.HostConfig{NetworkMode: "default", IpcMode: "private"}},
		{hc: container.HostConfig{NetworkMode: "none"}},
		{hc: container.HostConfig{NetworkMode: "host"}, want: "--network=host"},
		{hc: container.HostConfig{Privileged: true}, want: "--privileged"},
		{hc: container.HostConfig{CapAdd: []string{"NET_ADMIN"}}, want: "--cap-add"},
		{hc: container.HostConfig{PidMode: "host"}, want: "--pid=host"},
		{hc: container.HostConfig{NetworkMode: "bridge"}},
		{hc: container.HostConfig{NetworkMode: "container:x"}, want: "--network=container:x"},
		{hc: container.HostConfig{NetworkMode: "mynet"}, want: "--network=mynet"},
		{hc: container.HostConfig{SecurityOpt: []string{"seccomp=unconfined"}}, want: "--security-opt"},
		{hc: container.HostConfig{Resources: container.Resources{OomKillDisable: &yes}}, want: "--oom-kill-disable"},
		{hc: container.HostConfig{Resources: container.Resources{CPUShares: 512}}, want: "--cpu-shares"},
		{cfg: container.Config{Hostname: "box"}, want: "--hostname"},
		{cfg: container.Config{User: "33"}, want: "--user=33"},
		{cfg: container.Config{User: "root"}},
	} {
		err := refuse(&c.cfg, &c.hc)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v %+v refused: %v", c.cfg, c.hc, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !errdefs.IsNotImplemented(err)):
			t.Errorf("%+v %+v: %v, want a 501 naming %s", c.cfg, c.hc, err, c.want)
		}
	}
}

func TestBindMounts(t *testing.T) {
	ms, err := bindMounts(&container.HostConfig{Binds: []string{"/h:/c:ro", "/h2:/c2"},
		Mounts: []mount.Mount{{Type: "bind", Source: "/h3", Target: "/c3", ReadOnly: true}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.Source+":"+m.Destination+":"+strings.Join(m.Options, ","))
	}
	if strings.Join(got, " ") != "/h:/c:rbind,ro /h2:/c2:rbind,rw /h3:/c3:rbind,ro" {
		t.Errorf("mounts: %v", got)
	}
	for _, bad := range []container.HostConfig{
		{Binds: []string{"named:/c"}},
		{Binds: []string{"/h:c"}},
		{Binds: []string{"/h:/c:z"}},
		{Mounts: []mount.Mount{{Type: "volume", Source: "v", Target: "/c"}}},
	} {
		if _, err := bindMounts(&bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestNormalizeRef(t *testing.T) {
	for in, want := range map[string]string{
		"hello":                       "docker.io/library/hello:latest",
		"127.0.0.1:5000/genode/hello": "127.0.0.1:5000/genode/hello:latest",
		"127.0.0.1:5000/genode/x:v1":  "127.0.0.1:5000/genode/x:v1",
	} {
		if got, err := NormalizeRef(in); err != nil || got != want {
			t.Errorf("NormalizeRef(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := NormalizeRef("no/UPPER:case!"); err == nil || !errdefs.IsInvalidArgument(err) {
		t.Errorf("an invalid reference: %v", err)
	}
}

// The log has one json-file entry a line, by stream; a partial line is logged when the output ends.
func TestContainerIOLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "json.log")
	io_, err := newContainerIO(path, false, false)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	_, gone := io_.subscribe([3]bool{false, true, false}, func(stream int, b []byte) error {
		seen = append(seen, string(b))
		return nil
	})
	io_.stdout().Write([]byte("one\ntw"))
	io_.stderr().Write([]byte("err\n"))
	io_.stdout().Write([]byte("o\nthree"))
	io_.close()
	<-gone
	if strings.Join(seen, "|") != "one\ntw|o\nthree" {
		t.Errorf("the attached client saw %q", seen)
	}
	var all []string
	if err := readLog(path, -1, func(e logEntry) error {
		all = append(all, e.Stream+":"+e.Log)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(all, "|") != "stdout:one\n|stderr:err\n|stdout:two\n|stdout:three" {
		t.Errorf("log: %q", all)
	}
	var tail []string
	readLog(path, 2, func(e logEntry) error { tail = append(tail, e.Log); return nil })
	if strings.Join(tail, "|") != "two\n|three" {
		t.Errorf("tail 2: %q", tail)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// The router's config the engine writes: the bridge domain at the
// gateway's address, a forward per published port (sandbox/routercfg
// tests the config's shape).
func TestRouterConfig(t *testing.T) {
	cfg := routerConfig(netip.MustParsePrefix("172.17.0.0/16"), netip.MustParseAddr("172.17.0.1"),
		[]routercfg.Forward{{Port: 8080, ToPort: 80, To: netip.MustParseAddr("172.17.0.2")}})
	got := string(cfg.EncodeHID())
	for _, want := range []string{"+ domain bridge | interface: 172.17.0.1/16", "+ tcp-forward | port: 8080 | domain: bridge | to: 172.17.0.2 | to_port: 80"} {
		if !strings.Contains(got, want) {
			t.Errorf("router config lacks %q:\n%s", want, got)
		}
	}
}

func TestCheckPorts(t *testing.T) {
	d := &Daemon{cfg: Config{RouterConfig: "/x"}, bridge: netip.MustParsePrefix("172.17.0.0/16")}
	p := func(s string) network.Port { return network.MustParsePort(s) }
	for _, c := range []struct {
		pm      network.PortMap
		netname string
		want    string // "" for accepted; else the message and the class
		class   func(error) bool
	}{
		{network.PortMap{p("80/tcp"): {{HostPort: "8080"}}}, bridgeName, "", nil},
		{network.PortMap{p("80/tcp"): {{HostPort: ""}}}, bridgeName, "", nil},
		{network.PortMap{p("80/tcp"): {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "8080"}}}, bridgeName, "", nil},
		{network.PortMap{p("53/udp"): {{HostPort: "53"}}}, bridgeName, "-p 53/udp", errdefs.IsNotImplemented},
		{network.PortMap{p("80/tcp"): {{HostIP: netip.MustParseAddr("10.0.0.1"), HostPort: "80"}}}, bridgeName, "uplink address only", errdefs.IsNotImplemented},
		{network.PortMap{p("80/tcp"): {{HostPort: "8000-8010"}}}, bridgeName, "range", errdefs.IsNotImplemented},
		{network.PortMap{p("80/tcp"): {{HostPort: "abc"}}}, bridgeName, "not a port number", errdefs.IsInvalidArgument},
		{network.PortMap{p("80/tcp"): {{HostPort: "50000"}}}, bridgeName, "1 to 49151", errdefs.IsInvalidArgument},
		{network.PortMap{p("80/tcp"): {{HostPort: "8080"}}}, "none", "network none", errdefs.IsInvalidArgument},
	} {
		err := d.checkPorts(&container.HostConfig{PortBindings: c.pm}, c.netname)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%v: %v", c.pm, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !c.class(err)):
			t.Errorf("%v on %s: %v, want %q", c.pm, c.netname, err, c.want)
		}
	}
	noRouter := &Daemon{bridge: d.bridge}
	if err := noRouter.checkPorts(&container.HostConfig{PublishAllPorts: true}, bridgeName); err == nil || !strings.Contains(err.Error(), "--nic-router-config") {
		t.Errorf("-P without a router: %v", err)
	}
}
