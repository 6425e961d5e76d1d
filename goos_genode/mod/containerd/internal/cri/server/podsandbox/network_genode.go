package podsandbox

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"

	"genodego/sandbox/routercfg"
)

// On Genode a pod's network is one IP stack that the pod's components share:
// a vfs server with an <lxip> socket file system, serving it to each of
// them (repos/dde_linux/run/vfs_cfg.run shows the shape), whose Nic session
// the NIC router attaches to the pods' domain. The CRI's pod network plugin
// (internal/cri/server) gives each pod an address of PodSubnet.

// PodSubnet is the pods' domain, containerd's default CNI subnet; its first
// address is the router's.
var PodSubnet = netip.MustParsePrefix("10.88.0.0/16")

// PodGateway is the NIC router's address in the pods' domain.
func PodGateway() netip.Addr { return PodSubnet.Addr().Next() }

// PodNode is the node's address in the pods' subnet, the last one: where a
// kubelet's (and crictl's) connections to pods come from. No pod gets it.
func PodNode() netip.Addr {
	a := PodSubnet.Addr().As4()
	m := maskBytes(PodSubnet.Bits())
	for i := range a {
		a[i] |= ^m[i]
	}
	return netip.AddrFrom4(a).Prev()
}

// runc's annotations: a container's socket stack and whose stack a
// container shares; whether a container is a pod's sandbox (runc starts the
// pod's sub-init with it) and which pod's sub-init a container joins.
const (
	AnnNetwork   = "org.genode.network"
	AnnNetworkOf = "org.genode.network-of"
	AnnPod       = "org.genode.pod"
	AnnPodOf     = "org.genode.pod-of"
)

// NetworkAnnotation is the socket stack of a component of the pod at ip, in
// the HID runc reads; the Nic session's label names the pods' domain.
func NetworkAnnotation(ip string) (string, error) {
	a, err := netip.ParseAddr(ip)
	if err != nil || !PodSubnet.Contains(a) {
		return "", fmt.Errorf("pod address %q is not in the pods' subnet %s", ip, PodSubnet)
	}
	mask := netip.AddrFrom4([4]byte(maskBytes(PodSubnet.Bits())))
	return fmt.Sprintf("lxip | ip_addr: %s | netmask: %s | gateway: %s | label: pods", a, mask, PodGateway()), nil
}

func maskBytes(bits int) []byte {
	m := make([]byte, 4)
	for i := 0; i < bits; i++ {
		m[i/8] |= 0x80 >> (i % 8)
	}
	return m
}

// Host ports. A port mapping with a host port is a forward of the NIC
// router's uplink domain to the pod's address (sandbox/routercfg), as the
// docker engine publishes a container's port: connections to the router's
// uplink address at the host port reach the pod. Each pod's forwards are a
// file of the pod network's directory (forwards/<pod id>), kept across
// containerd's restarts as the addresses are, and the router's config is
// written from all of them.

// PodNetworkDir is the pod network's directory under the CRI's root.
func PodNetworkDir(root string) string { return filepath.Join(root, "genode-pod-network") }

// RouterConfig is the NIC router's config the CRI writes in the pod
// network's directory dir: on Genode the ROM the pods' router follows (an
// fs_rom of that directory), on the model genode-nic-router's file.
func RouterConfig(dir string) string { return filepath.Join(dir, "nic_router.config") }

var forwardsMu sync.Mutex

// hostForwards are the forwards of pod id at ip for its port mappings, or
// an error that names the mapping the router cannot forward.
func hostForwards(ip netip.Addr, pms []*runtime.PortMapping) ([]routercfg.Forward, error) {
	var fws []routercfg.Forward
	for _, pm := range pms {
		hp, cp := pm.GetHostPort(), pm.GetContainerPort()
		if hp == 0 {
			continue // the container's port only: nothing to forward
		}
		what := fmt.Sprintf("port_mappings: host port %d -> %d/%s", hp, cp, strings.ToLower(pm.GetProtocol().String()))
		switch {
		case pm.GetProtocol() == runtime.Protocol_UDP:
			return nil, fmt.Errorf("%s: UDP is not forwarded (Genode's NIC router has <udp-forward>, the model of it does not)", what)
		case pm.GetProtocol() != runtime.Protocol_TCP:
			return nil, fmt.Errorf("%s: Genode's NIC router forwards TCP and UDP only", what)
		case pm.GetHostIp() != "" && pm.GetHostIp() != "0.0.0.0":
			return nil, fmt.Errorf("%s: host_ip %s: the NIC router forwards from its uplink address only", what, pm.GetHostIp())
		case hp < routercfg.FirstPort || hp > routercfg.LastPort:
			return nil, fmt.Errorf("%s: Genode's NIC router forwards ports %d to %d only", what, routercfg.FirstPort, routercfg.LastPort)
		case cp < 1 || cp > 65535:
			return nil, fmt.Errorf("%s: container port %d out of range", what, cp)
		}
		for _, f := range fws {
			if f.Port == uint16(hp) {
				return nil, fmt.Errorf("%s: host port %d is mapped twice", what, hp)
			}
		}
		fws = append(fws, routercfg.Forward{Port: uint16(hp), ToPort: uint16(cp), To: ip})
	}
	return fws, nil
}

// PublishPorts forwards the host ports of pod id at ip and rewrites the
// router's config; a host port another pod has is refused naming that pod.
func PublishPorts(dir, id string, ip netip.Addr, pms []*runtime.PortMapping) error {
	fws, err := hostForwards(ip, pms)
	if err != nil || len(fws) == 0 {
		return err
	}
	forwardsMu.Lock()
	defer forwardsMu.Unlock()
	all, err := readForwards(dir)
	if err != nil {
		return err
	}
	for _, f := range fws {
		for pod, theirs := range all {
			if pod == id {
				continue
			}
			for _, g := range theirs {
				if g.Port == f.Port {
					return fmt.Errorf("port_mappings: host port %d is forwarded to pod %s already", f.Port, pod)
				}
			}
		}
	}
	var b strings.Builder
	for _, f := range fws {
		fmt.Fprintf(&b, "%d %s %d\n", f.Port, f.To, f.ToPort)
	}
	fdir := filepath.Join(dir, "forwards")
	if err := os.MkdirAll(fdir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(fdir, id), []byte(b.String()), 0o644); err != nil {
		return err
	}
	all[id] = fws
	return writeRouterConfig(dir, all)
}

// UnpublishPorts drops the forwards of pod id, if it has any.
func UnpublishPorts(dir, id string) error {
	forwardsMu.Lock()
	defer forwardsMu.Unlock()
	err := os.Remove(filepath.Join(dir, "forwards", id))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	all, err := readForwards(dir)
	if err != nil {
		return err
	}
	return writeRouterConfig(dir, all)
}

// WriteRouterConfig writes the router's config from the forwards kept in
// dir (at start: the router follows the pods' domain from then on).
func WriteRouterConfig(dir string) error {
	forwardsMu.Lock()
	defer forwardsMu.Unlock()
	all, err := readForwards(dir)
	if err != nil {
		return err
	}
	return writeRouterConfig(dir, all)
}

// readForwards reads the forwards of every pod, by pod id.
func readForwards(dir string) (map[string][]routercfg.Forward, error) {
	all := map[string][]routercfg.Forward{}
	es, err := os.ReadDir(filepath.Join(dir, "forwards"))
	if os.IsNotExist(err) {
		return all, nil
	}
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		data, err := os.ReadFile(filepath.Join(dir, "forwards", e.Name()))
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var f routercfg.Forward
			var to string
			if _, err := fmt.Sscanf(line, "%d %s %d", &f.Port, &to, &f.ToPort); err != nil {
				return nil, fmt.Errorf("pod %s's forwards: %q: %v", e.Name(), line, err)
			}
			if f.To, err = netip.ParseAddr(to); err != nil {
				return nil, fmt.Errorf("pod %s's forwards: %q: %v", e.Name(), line, err)
			}
			all[e.Name()] = append(all[e.Name()], f)
		}
	}
	return all, nil
}

func writeRouterConfig(dir string, all map[string][]routercfg.Forward) error {
	var fws []routercfg.Forward
	for _, f := range all {
		fws = append(fws, f...)
	}
	sort.Slice(fws, func(i, j int) bool { return fws[i].Port < fws[j].Port })
	return routercfg.Write(RouterConfig(dir), routercfg.Config("pods", netip.PrefixFrom(PodGateway(), PodSubnet.Bits()), fws))
}
