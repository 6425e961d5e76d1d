package podsandbox

import (
	"fmt"
	"net/netip"
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

// AnnNetwork is runc's annotation naming a container's socket stack.
const AnnNetwork = "org.genode.network"

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
