package container

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/oci"
)

// Example is the starter config.json of `runc spec` on genode: what
// runc's Linux example would be without the fields Genode refuses (hostname,
// kernel file systems, namespaces, capabilities, masked paths, seccomp).
func Example() *specs.Spec {
	limit := int64(64 * initcfg.MiB)
	return &specs.Spec{
		Version: specs.Version,
		Root:    &specs.Root{Path: "rootfs", Readonly: true},
		Process: &specs.Process{
			Terminal: true,
			User:     specs.User{},
			Args:     []string{"sh"},
			Env:      []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"},
			Cwd:      "/",
		},
		Mounts: []specs.Mount{{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "nodev"}}},
		Linux: &specs.Linux{
			Resources: &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}},
		},
	}
}

// MountOptions are the mount options genode's runc takes.
func MountOptions() []string { return oci.MountOptions() }

// ReportedChildren returns what init reports of the container's children,
// shared with other readers: the caller must not modify it.
func (c *Container) ReportedChildren() ([]*initcfg.ChildState, error) {
	st, err := readReport(c.hostDir())
	if err != nil || st == nil {
		return nil, err
	}
	var out []*initcfg.ChildState
	for _, n := range append([]string{c.name()}, c.st.Execs...) {
		if ch := st.Child(n); ch != nil {
			out = append(out, ch)
		}
	}
	return out, nil
}
