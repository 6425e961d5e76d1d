package daemon

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"genodego/sandbox/node"
	"genodego/sandbox/routercfg"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// A container on the default network, "bridge", is a Genode component with
// an IP stack of its own (an <lwip> socket file system, runc's
// org.genode.network annotation) whose Nic session its parent routes to a
// NIC router; the bridge is one of the router's domains, and a published
// port is a <tcp-forward> of the router's uplink domain to the container's
// address. The engine allocates the addresses and writes the router's
// config (on Genode a ROM the router follows; on the model the config of
// host/cmd/genode-nic-router). Without a router config, containers still
// get their addresses but ports cannot be published.

// Netstate is a container's endpoint on the bridge, kept from create to
// removal.
type Netstate struct {
	IP    netip.Addr
	Ports network.PortMap `json:",omitempty"` // what was published at the last start
}

const (
	annNetwork = "org.genode.network" // runc's: the container's socket stack
	bridgeName = "bridge"
	bridgeID   = "6272696467652d6f6e2d67656e6f64652d6e69632d726f75746572" // stable: there is one bridge
	// an unnamed host port comes from the top of the router's range
	firstAutoPort, lastPort = 32768, routercfg.LastPort
)

// networkOf is the container's network by its --network option: "bridge",
// "none", or a refusal.
func networkOf(hc *container.HostConfig) (string, error) {
	switch m := string(hc.NetworkMode); {
	case m == "" || m == "default" || m == bridgeName:
		return bridgeName, nil
	case m == "none":
		return "none", nil
	case m == "host":
		return "", no("--network=host", "a Genode component has no host IP stack to share: its socket file system is a stack of its own, reached through a NIC router (use -p to publish a port)")
	case strings.HasPrefix(m, "container:"):
		return "", no("--network="+m, "not offered: on Genode the container would be a child of the other's sub-init, sharing the stack its vfs server holds, which the engine does not arrange")
	default:
		return "", no("--network="+m, "the engine offers the default bridge (a NIC router domain) and none; user-defined networks are not offered yet")
	}
}

// checkPorts refuses the port bindings the router cannot forward.
func (d *Daemon) checkPorts(hc *container.HostConfig, netname string) error {
	if len(hc.PortBindings) == 0 && !hc.PublishAllPorts {
		return nil
	}
	if netname != bridgeName {
		return invalid(fmt.Errorf("-p/--publish: a container on network %s has no IP stack on Genode, so no port to publish", netname))
	}
	if d.cfg.RouterConfig == "" {
		return no("-p/--publish", "the engine was started without a NIC router config (--nic-router-config), so it cannot forward ports")
	}
	for p, bs := range hc.PortBindings {
		if p.Proto() != network.TCP {
			return no("-p "+p.String(), "the engine forwards TCP ports only (UDP forwards of the NIC router are not modelled yet)")
		}
		for _, b := range bs {
			if b.HostIP.IsValid() && !b.HostIP.IsUnspecified() && !b.HostIP.IsLoopback() {
				return no("-p "+b.HostIP.String()+":"+b.HostPort+":"+p.Port(), "Genode's NIC router forwards ports of its uplink address only; give no host address")
			}
			if b.HostIP.Is6() && !b.HostIP.Is4In6() {
				continue // the CLI's IPv6 twin of a binding; the router is IPv4
			}
			if b.HostPort == "" {
				continue
			}
			n, err := strconv.ParseUint(b.HostPort, 10, 16)
			if err != nil && strings.Contains(b.HostPort, "-") {
				return no("-p "+b.HostPort+":"+p.Port(), "a host port range is not offered; name one port or none")
			}
			if err != nil {
				return invalid(fmt.Errorf("-p %s:%s: the host port is not a port number", b.HostPort, p.Port()))
			}
			if n == 0 || n > lastPort {
				return invalid(fmt.Errorf("-p %d:%s: Genode's NIC router forwards ports 1 to %d only", n, p.Port(), lastPort))
			}
		}
	}
	return nil
}

// allocIP is the lowest free address of the bridge; d.mu is held.
func (d *Daemon) allocIP() (netip.Addr, error) {
	used := map[netip.Addr]bool{}
	for _, c := range d.containers {
		if c.Net != nil {
			used[c.Net.IP] = true
		}
	}
	gw := d.gateway()
	for a := gw.Next(); d.bridge.Contains(a); a = a.Next() {
		if !used[a] && a.Next().IsValid() && d.bridge.Contains(a.Next()) { // not the broadcast address
			return a, nil
		}
	}
	return netip.Addr{}, errors.New("the bridge's addresses are all taken")
}

// gateway is the router's address on the bridge: its first host address.
func (d *Daemon) gateway() netip.Addr { return d.bridge.Masked().Addr().Next() }

// stackNode is the container's socket file system for runc.
func (d *Daemon) stackNode(ip netip.Addr) string {
	mask := netip.AddrFrom4([4]byte(maskBytes(d.bridge.Bits())))
	return fmt.Sprintf("lwip | ip_addr: %s | netmask: %s | gateway: %s | label: %s", ip, mask, d.gateway(), bridgeName)
}

func maskBytes(bits int) []byte {
	m := uint32(0xffffffff) << (32 - bits)
	return []byte{byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m)}
}

// publish assigns host ports to c's bindings (and, with -P, to its
// exposed ports) as it starts, and puts them into the router's config;
// c.mu is held.
func (d *Daemon) publish(c *Container) error {
	if c.Net == nil || d.cfg.RouterConfig == "" {
		return nil
	}
	want := network.PortMap{}
	for p, bs := range c.HostConfig.PortBindings {
		for _, b := range bs {
			if b.HostIP.Is6() && !b.HostIP.Is4In6() {
				continue
			}
			want[p] = append(want[p], network.PortBinding{HostIP: netip.IPv4Unspecified(), HostPort: b.HostPort})
		}
	}
	if c.HostConfig.PublishAllPorts {
		for p := range c.Config.ExposedPorts {
			if _, ok := want[p]; !ok && p.Proto() == network.TCP {
				want[p] = []network.PortBinding{{HostIP: netip.IPv4Unspecified()}}
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	d.routerMu.Lock()
	defer d.routerMu.Unlock()
	taken := map[string]string{}
	for _, o := range d.netContainers() {
		if o == c {
			continue
		}
		o.netMu.Lock()
		for _, bs := range o.Net.Ports {
			for _, b := range bs {
				taken[b.HostPort] = o.ID
			}
		}
		o.netMu.Unlock()
	}
	ports := slices.SortedFunc(maps.Keys(want), func(a, b network.Port) int { return int(a.Num()) - int(b.Num()) })
	for _, p := range ports {
		bs := want[p]
		for i := range bs {
			if bs[i].HostPort != "" {
				if owner, ok := taken[bs[i].HostPort]; ok {
					return conflict(fmt.Errorf("Bind for 0.0.0.0:%s failed: port is already allocated (by container %s)", bs[i].HostPort, short(owner)))
				}
			} else {
				n := firstAutoPort
				for ; n <= lastPort && taken[strconv.Itoa(n)] != ""; n++ {
				}
				if n > lastPort {
					return errors.New("no free host port left to publish " + p.String())
				}
				bs[i].HostPort = strconv.Itoa(n)
			}
			taken[bs[i].HostPort] = c.ID
		}
	}
	c.netMu.Lock()
	c.Net.Ports = want
	c.netMu.Unlock()
	return d.writeRouterConfig()
}

// unpublish drops c's forwards as it ends; c.mu is held.
func (d *Daemon) unpublish(c *Container) {
	if c.Net == nil || len(c.Net.Ports) == 0 {
		return
	}
	d.routerMu.Lock()
	defer d.routerMu.Unlock()
	c.netMu.Lock()
	c.Net.Ports = nil
	c.netMu.Unlock()
	if err := d.writeRouterConfig(); err != nil {
		fmt.Fprintf(os.Stderr, "engine: the NIC router's config: %v\n", err)
	}
}

// forgetPorts drops the ports of a container found ended as the engine
// starts (restore); New writes the router's config after.
func (d *Daemon) forgetPorts(c *Container) {
	c.netMu.Lock()
	if c.Net != nil {
		c.Net.Ports = nil
	}
	c.netMu.Unlock()
}

func (d *Daemon) netContainers() []*Container {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []*Container
	for _, c := range d.containers {
		if c.Net != nil {
			out = append(out, c)
		}
	}
	return out
}

// writeRouterConfig replaces the router's config with the forwards of
// every container; d.routerMu is held.
func (d *Daemon) writeRouterConfig() error {
	if d.cfg.RouterConfig == "" {
		return nil
	}
	var fws []routercfg.Forward
	for _, o := range d.netContainers() {
		o.netMu.Lock()
		for p, bs := range o.Net.Ports {
			for _, b := range bs {
				hp, _ := strconv.ParseUint(b.HostPort, 10, 16)
				fws = append(fws, routercfg.Forward{Port: uint16(hp), ToPort: p.Num(), To: o.Net.IP})
			}
		}
		o.netMu.Unlock()
	}
	sort.Slice(fws, func(i, j int) bool { return fws[i].Port < fws[j].Port })
	return routercfg.Write(d.cfg.RouterConfig, routerConfig(d.bridge, d.gateway(), fws))
}

// routerConfig is the NIC router's config: the uplink domain with a
// forward per published port and NAT for the bridge's own connections, and
// the bridge domain whose sessions are the containers' (label "... ->
// bridge"), routed to the uplink.
func routerConfig(bridge netip.Prefix, gw netip.Addr, fws []routercfg.Forward) *node.Node {
	return routercfg.Config(bridgeName, netip.PrefixFrom(gw, bridge.Bits()), fws)
}

// networkSettings is c's NetworkSettings for inspect; c.mu is held.
func (d *Daemon) networkSettings(c *Container) *container.NetworkSettings {
	ns := &container.NetworkSettings{Ports: network.PortMap{}, Networks: map[string]*network.EndpointSettings{}}
	c.netMu.Lock()
	defer c.netMu.Unlock()
	if c.Net == nil {
		ns.Networks["none"] = &network.EndpointSettings{NetworkID: "none"}
		return ns
	}
	for p := range c.Config.ExposedPorts {
		ns.Ports[p] = nil
	}
	for p, bs := range c.Net.Ports {
		ns.Ports[p] = slices.Clone(bs)
	}
	ns.Networks[bridgeName] = &network.EndpointSettings{NetworkID: bridgeID, EndpointID: c.cid(),
		Gateway: d.gateway(), IPAddress: c.Net.IP, IPPrefixLen: d.bridge.Bits()}
	return ns
}

// portSummary is c's ports for docker ps; c.mu is held.
func portSummary(c *Container) []container.PortSummary {
	out := []container.PortSummary{}
	c.netMu.Lock()
	defer c.netMu.Unlock()
	if c.Net == nil {
		return out
	}
	for p, bs := range c.Net.Ports {
		for _, b := range bs {
			n, _ := strconv.ParseUint(b.HostPort, 10, 16)
			out = append(out, container.PortSummary{IP: b.HostIP, PrivatePort: p.Num(), PublicPort: uint16(n), Type: string(p.Proto())})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PrivatePort < out[j].PrivatePort })
	return out
}

// Networks is docker network ls: the bridge (the NIC router's domain) and
// none. User-defined networks would be further router domains; the engine
// does not make them yet.
func (d *Daemon) Networks() []network.Summary {
	out := []network.Summary{{Network: d.network(bridgeName)}, {Network: d.network("none")}}
	return out
}

// NetworkInspect is docker network inspect of the bridge or none.
func (d *Daemon) NetworkInspect(name string) (network.Inspect, error) {
	var n network.Network
	switch name {
	case bridgeName, bridgeID, bridgeID[:12]:
		n = d.network(bridgeName)
	case "none":
		n = d.network("none")
	default:
		return network.Inspect{}, notFound(fmt.Errorf("network %s not found", name))
	}
	in := network.Inspect{Network: n, Containers: map[string]network.EndpointResource{}}
	if n.Name == bridgeName {
		for _, c := range d.netContainers() {
			c.mu.Lock()
			if c.State.Running {
				in.Containers[c.ID] = network.EndpointResource{Name: strings.TrimPrefix(c.Name, "/"), EndpointID: c.cid(),
					IPv4Address: netip.PrefixFrom(c.Net.IP, d.bridge.Bits())}
			}
			c.mu.Unlock()
		}
	}
	return in, nil
}

func (d *Daemon) network(name string) network.Network {
	n := network.Network{Name: name, ID: name, Created: d.started, Scope: "local", Driver: "null",
		Options: map[string]string{}, Labels: map[string]string{}, IPAM: network.IPAM{Driver: "default"}}
	if name == bridgeName {
		n.ID, n.Driver, n.EnableIPv4 = bridgeID, "bridge", true
		n.IPAM.Config = []network.IPAMConfig{{Subnet: d.bridge, Gateway: d.gateway()}}
		n.Options["org.genode.nic_router.domain"] = bridgeName
		n.Options["org.genode.nic_router.config"] = d.cfg.RouterConfig
	}
	return n
}
