package daemon

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/moby/moby/api/types/container"
)

// refuse names the first option of a container's configuration that the
// engine cannot honour on Genode, and why. A Genode container is a child of
// a dynamic init: what it may use is the sessions init routes to it, its
// RAM quota and its view of files. There are no capabilities, namespaces,
// cgroups, devices, security profiles or hostnames to configure.
func refuse(cfg *container.Config, hc *container.HostConfig) error {
	const noCaps = "a Genode component has no Linux capabilities; its authority is the sessions its parent routes to it"
	const noCgroups = "Genode's init gives a child a RAM and a capability quota, no CPU or I/O weights"
	switch {
	case hc.Privileged:
		return no("--privileged", "a Genode component cannot be given the host's authority; its authority is the sessions its parent routes to it")
	case len(hc.CapAdd) > 0:
		return no("--cap-add", noCaps)
	case len(hc.CapDrop) > 0:
		return no("--cap-drop", noCaps)
	case hc.PidMode != "":
		return no("--pid="+string(hc.PidMode), "a Genode component has no process namespace to share")
	case hc.IpcMode != "" && hc.IpcMode != "private" && hc.IpcMode != "none" && hc.IpcMode != "shareable":
		return no("--ipc="+string(hc.IpcMode), "Genode components share no System V IPC")
	case hc.UTSMode != "":
		return no("--uts="+string(hc.UTSMode), "Genode's libc has no hostname to share")
	case hc.UsernsMode != "":
		return no("--userns="+string(hc.UsernsMode), "Genode has no user namespaces")
	case hc.CgroupnsMode != "" && hc.CgroupnsMode != "private":
		return no("--cgroupns="+string(hc.CgroupnsMode), noCgroups)
	case hc.CgroupParent != "":
		return no("--cgroup-parent", noCgroups)
	case len(hc.SecurityOpt) > 0:
		return no("--security-opt "+strings.Join(hc.SecurityOpt, ","), "Genode has no seccomp, AppArmor or SELinux; a component's sandbox is its parent's routing")
	case len(hc.Devices) > 0:
		return no("--device", "a Genode component reaches a device only through a driver component's session")
	case len(hc.DeviceRequests) > 0:
		return no("--gpus", "a Genode component reaches a device only through a driver component's session")
	case len(hc.DeviceCgroupRules) > 0:
		return no("--device-cgroup-rule", noCgroups)
	case len(hc.Sysctls) > 0:
		return no("--sysctl", "Genode has no kernel parameters a component could set")
	case len(hc.Tmpfs) > 0:
		return no("--tmpfs", "the engine gives containers only bind mounts (a container's /tmp can be a RAM file system of its own in the runtime's configuration)")
	case len(hc.VolumesFrom) > 0:
		return no("--volumes-from", "the engine on Genode has no volumes")
	case len(hc.Links) > 0:
		return no("--link", "legacy links are not offered; containers on the bridge reach each other by address")
	case len(hc.DNS) > 0 || len(hc.DNSSearch) > 0 || len(hc.DNSOptions) > 0:
		return no("--dns", "a container's resolver is its libc's configuration; the engine sets none")
	case len(hc.ExtraHosts) > 0:
		return no("--add-host", "a container's resolver is its libc's configuration; the engine sets none")
	case hc.ReadonlyRootfs:
		return no("--read-only", "not offered by the engine yet")
	case hc.OomKillDisable != nil && *hc.OomKillDisable:
		return no("--oom-kill-disable", "a Genode component that exceeds its RAM quota asks its parent for more; it is not killed by an OOM killer to disable")
	case hc.Runtime != "" && hc.Runtime != "runc":
		return no("--runtime="+hc.Runtime, "the engine has one runtime, runc")
	case hc.Init != nil && *hc.Init:
		return no("--init", "the container's process is the component's main program; there is no init to put in front of it")
	case hc.RestartPolicy.Name != "" && hc.RestartPolicy.Name != container.RestartPolicyDisabled:
		return no("--restart="+string(hc.RestartPolicy.Name), "not offered by the engine yet")
	case hc.LogConfig.Type != "" && hc.LogConfig.Type != "json-file":
		return no("--log-driver="+hc.LogConfig.Type, "the engine logs with json-file only")
	case cfg.Hostname != "" || cfg.Domainname != "":
		return no("--hostname", "Genode's libc has no per-component hostname")
	case cfg.Healthcheck != nil && len(cfg.Healthcheck.Test) > 0 && cfg.Healthcheck.Test[0] != "NONE":
		return no("--health-cmd", "not offered by the engine yet")
	case cfg.User != "" && cfg.User != "0" && cfg.User != "root" && cfg.User != "0:0" && cfg.User != "root:root":
		return no("--user="+cfg.User, "a Genode component's getuid() is always 0; it has no user to run as")
	}
	r := hc.Resources
	switch {
	case r.CPUShares != 0:
		return no("--cpu-shares", noCgroups)
	case r.NanoCPUs != 0 || r.CPUPeriod != 0 || r.CPUQuota != 0:
		return no("--cpus", noCgroups)
	case r.CpusetCpus != "" || r.CpusetMems != "":
		return no("--cpuset-cpus", "Genode's init places a child with its affinity configuration, which the engine does not set")
	case r.BlkioWeight != 0 || len(r.BlkioWeightDevice) > 0 || len(r.BlkioDeviceReadBps) > 0 || len(r.BlkioDeviceWriteBps) > 0:
		return no("--blkio-weight", noCgroups)
	case r.PidsLimit != nil && *r.PidsLimit > 0:
		return no("--pids-limit", "a Genode component's forks are bounded by its RAM and capability quotas, not by a count")
	case len(r.Ulimits) > 0:
		return no("--ulimit", "Genode's libc has no resource limits to set")
	case r.MemoryReservation != 0:
		return no("--memory-reservation", "a Genode child's RAM quota is what it gets; there is no soft limit")
	case r.MemorySwap > 0 && r.MemorySwap != r.Memory && r.MemorySwap != 2*r.Memory:
		return no("--memory-swap", "Genode does not swap")
	}
	if _, err := networkOf(hc); err != nil {
		return err
	}
	return nil
}

var (
	nameLeft  = []string{"brave", "calm", "eager", "gentle", "keen", "lucid", "nimble", "quiet", "sharp", "tidy"}
	nameRight = []string{"otter", "heron", "lynx", "finch", "badger", "marten", "ibis", "vole", "wren", "newt"}
)

// randomName is a name for a container created without one.
func randomName(taken func(string) bool) string {
	for i := 0; ; i++ {
		n := nameLeft[rand.IntN(len(nameLeft))] + "_" + nameRight[rand.IntN(len(nameRight))]
		if i > 20 {
			n = fmt.Sprintf("%s%d", n, rand.IntN(1000))
		}
		if !taken(n) {
			return n
		}
	}
}
