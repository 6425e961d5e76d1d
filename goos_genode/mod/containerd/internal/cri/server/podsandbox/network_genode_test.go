package podsandbox

import (
	"net/netip"
	"os"
	"strings"
	"testing"

	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func TestHostForwardsRefused(t *testing.T) {
	ip := netip.MustParseAddr("10.88.0.2")
	for _, c := range []struct {
		pm   *runtime.PortMapping
		want string
	}{
		{&runtime.PortMapping{HostPort: 8080, ContainerPort: 80, Protocol: runtime.Protocol_UDP}, "8080 -> 80/udp: UDP is not forwarded"},
		{&runtime.PortMapping{HostPort: 8080, ContainerPort: 80, Protocol: runtime.Protocol_SCTP}, "TCP and UDP only"},
		{&runtime.PortMapping{HostPort: 8080, ContainerPort: 80, HostIp: "127.0.0.1"}, "host_ip 127.0.0.1: the NIC router forwards from its uplink address only"},
		{&runtime.PortMapping{HostPort: 50000, ContainerPort: 80}, "forwards ports 1 to 49151 only"},
		{&runtime.PortMapping{HostPort: 8080, ContainerPort: 70000}, "container port 70000 out of range"},
	} {
		_, err := hostForwards(ip, []*runtime.PortMapping{c.pm})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "port_mappings: ") {
			t.Errorf("%v: %v, want an error with %q", c.pm, err, c.want)
		}
	}
	twice := []*runtime.PortMapping{{HostPort: 8080, ContainerPort: 80}, {HostPort: 8080, ContainerPort: 81}}
	if _, err := hostForwards(ip, twice); err == nil || !strings.Contains(err.Error(), "mapped twice") {
		t.Errorf("host port mapped twice: %v", err)
	}
	fws, err := hostForwards(ip, []*runtime.PortMapping{{ContainerPort: 80}, {HostPort: 8080, ContainerPort: 80, HostIp: "0.0.0.0"}})
	if err != nil || len(fws) != 1 || fws[0].Port != 8080 || fws[0].ToPort != 80 || fws[0].To != ip {
		t.Errorf("a container port and a host port: %v %v, want the host port's forward only", fws, err)
	}
}

// Two pods' host ports in the router's config, a taken port refused naming
// its pod, and a pod's forwards gone with it.
func TestPublishPorts(t *testing.T) {
	dir := t.TempDir()
	config := func() string {
		b, err := os.ReadFile(RouterConfig(dir))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if err := WriteRouterConfig(dir); err != nil {
		t.Fatal(err)
	}
	if c := config(); !strings.Contains(c, "policy | label_suffix: -> pods | domain: pods") || !strings.Contains(c, "interface: 10.88.0.1/16") || strings.Contains(c, "tcp-forward") {
		t.Errorf("the config without pods:\n%s", c)
	}
	a, b := netip.MustParseAddr("10.88.0.2"), netip.MustParseAddr("10.88.0.3")
	if err := PublishPorts(dir, "poda", a, []*runtime.PortMapping{{HostPort: 8080, ContainerPort: 80}}); err != nil {
		t.Fatal(err)
	}
	err := PublishPorts(dir, "podb", b, []*runtime.PortMapping{{HostPort: 8080, ContainerPort: 8080}})
	if err == nil || !strings.Contains(err.Error(), "host port 8080 is forwarded to pod poda already") {
		t.Errorf("pod b on a's host port: %v", err)
	}
	if err := PublishPorts(dir, "podb", b, []*runtime.PortMapping{{HostPort: 9090, ContainerPort: 90}}); err != nil {
		t.Fatal(err)
	}
	c := config()
	for _, want := range []string{"tcp-forward | port: 8080 | domain: pods | to: 10.88.0.2 | to_port: 80", "tcp-forward | port: 9090 | domain: pods | to: 10.88.0.3 | to_port: 90"} {
		if !strings.Contains(c, want) {
			t.Errorf("the config lacks %q:\n%s", want, c)
		}
	}
	if err := UnpublishPorts(dir, "poda"); err != nil {
		t.Fatal(err)
	}
	if err := UnpublishPorts(dir, "poda"); err != nil {
		t.Errorf("a pod without forwards: %v", err)
	}
	if c := config(); strings.Contains(c, "port: 8080") || !strings.Contains(c, "port: 9090") {
		t.Errorf("after pod a's removal:\n%s", c)
	}
	if err := PublishPorts(dir, "podc", a, []*runtime.PortMapping{{HostPort: 8080, ContainerPort: 80}}); err != nil {
		t.Errorf("a freed host port: %v", err)
	}
}
