package server

import (
	"github.com/containerd/go-cni"

	"github.com/containerd/containerd/v2/internal/cri/server/podsandbox"
)

// initPlatform installs the pod network plugin of Genode (podnet_genode.go)
// in place of CNI. There is no CNI configuration to follow, so none of the
// runtimes' conf_dir is watched (fsnotify has no backend on Genode). The
// pods' network records (pkg/netns) are kept in the CRI's state directory:
// /var/run/netns is where Linux binds namespaces.
func (c *criService) initPlatform() error {
	c.config.NetNSMountsUnderStateDir = true
	c.config.NetworkPluginConfDir = ""
	for name, r := range c.config.Runtimes {
		r.NetworkPluginConfDir = ""
		c.config.Runtimes[name] = r
	}
	p, err := newPodNetwork(podsandbox.PodNetworkDir(c.config.RootDir))
	if err != nil {
		return err
	}
	// the pods' NIC router follows this config from now on
	if err := podsandbox.WriteRouterConfig(p.dir); err != nil {
		return err
	}
	c.netPlugin = map[string]cni.CNI{defaultNetworkPlugin: p}
	return nil
}

// cniLoadOptions: there is no CNI configuration to load.
func (c *criService) cniLoadOptions() []cni.Opt {
	return []cni.Opt{}
}
