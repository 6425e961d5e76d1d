// Package routercfg writes the config of Genode's NIC router
// (repos/os/src/server/nic_router) for one domain of containers behind the
// router's uplink: the docker engine's bridge and the CRI's pods.
//
// A component's Nic session reaches the domain by its label's last element
// ("... -> bridge"); the domain's components reach the uplink through the
// router's NAT; a port published to the node is a <tcp-forward> of the
// uplink domain to an address of the domain. The router follows its config
// ROM (on the model: genode-nic-router follows the file).
package routercfg

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"

	"genodego/sandbox/node"
)

// Uplink is the name of the router's uplink domain.
const Uplink = "uplink"

// The port range of a forward: forward_rule.cc accepts ports 1 to 49151.
const FirstPort, LastPort = 1, 49151

// Forward is one published port: connections to the router's uplink address
// at Port go to To:ToPort in the domain.
type Forward struct {
	Port, ToPort uint16
	To           netip.Addr
}

// Config is the router's config for domain, whose interface is the router's
// own address gw in its subnet (gw's prefix), with fws in the uplink domain.
func Config(domain string, gw netip.Prefix, fws []Forward) *node.Node {
	up := node.New("domain", "name", Uplink)
	for _, f := range fws {
		up.Add(node.New("tcp-forward", "port", strconv.Itoa(int(f.Port)), "domain", domain,
			"to", f.To.String(), "to_port", strconv.Itoa(int(f.ToPort))))
	}
	up.Add(node.New("nat", "domain", domain, "tcp-ports", "1000", "udp-ports", "1000", "icmp-ids", "100"))
	d := node.New("domain", "name", domain, "interface", gw.String())
	d.Add(node.New("tcp", "dst", "0.0.0.0/0").Add(node.New("permit-any", "domain", Uplink)))
	d.Add(node.New("udp", "dst", "0.0.0.0/0").Add(node.New("permit-any", "domain", Uplink)))
	d.Add(node.New("icmp", "dst", "0.0.0.0/0", "domain", Uplink))
	return node.New("config").Add(
		node.New("policy", "label_suffix", "-> "+domain, "domain", domain),
		node.New("uplink", "domain", Uplink),
		up, d)
}

// Write replaces the config file at path (HID) in one rename, so that the
// router never reads half of it.
func Write(path string, cfg *node.Node) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(cfg.EncodeHID())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("nic router config: %w", err)
	}
	return nil
}
