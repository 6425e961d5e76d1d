package oci

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

var update = flag.Bool("update", false, "rewrite golden files")

// makeBundle creates a bundle with a small rootfs and two host directories
// for bind mounts, and writes config.json.
func makeBundle(t testing.TB, config []byte) string {
	t.Helper()
	b := t.TempDir()
	for _, d := range []string{"rootfs/bin", "rootfs/usr", "rootfs/srv", "rootfs/etc", "data", "cache"} {
		if err := os.MkdirAll(filepath.Join(b, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"rootfs/bin/sh", "rootfs/bin/app"} {
		os.WriteFile(filepath.Join(b, f), []byte("#!/bin/sh\necho \"$0 $*\"\n"), 0o755)
	}
	os.WriteFile(filepath.Join(b, "rootfs/etc/passwd"), []byte("root:x:0:0::/:/bin/sh\n"), 0o644)
	os.WriteFile(filepath.Join(b, "data/file"), []byte("x"), 0o644)
	os.Symlink("/bin", filepath.Join(b, "rootfs/usr/bin"))
	os.Symlink("../../../../bin/sh", filepath.Join(b, "rootfs/usr/sh-escape"))
	if config != nil {
		os.WriteFile(filepath.Join(b, "config.json"), config, 0o644)
	}
	return b
}

func translateBundle(t testing.TB, bundle string, mode Mode) (*Result, error) {
	return translateBundleStdio(t, bundle, mode, Stdio{})
}

func translateBundleStdio(t testing.TB, bundle string, mode Mode, stdio Stdio) (*Result, error) {
	s, unknown, err := LoadBundle(bundle)
	if err != nil {
		t.Fatal(err)
	}
	return Translate(s, unknown, Options{ID: "c1", Bundle: bundle, Version: "1", Mode: mode, Stdio: stdio})
}

func golden(t *testing.T, name string, got string) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		os.WriteFile(p, []byte(got), 0o644)
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != got {
		t.Fatalf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func render(r *Result, err error, bundle string) string {
	var out string
	if err != nil {
		out = "error: " + err.Error() + "\n"
	} else {
		out = string(r.Start.Node().EncodeHID())
		out += "--- no-ops\n" + strings.Join(r.NoOps, "\n") + "\n"
		if len(r.Terminals) > 0 {
			out += "--- terminals\n"
			for _, s := range r.Terminals {
				out += s.Label + " " + s.Target + "\n"
			}
		}
		var keys []string
		for k := range r.Annotations {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out += "--- annotations\n"
		for _, k := range keys {
			out += k + "=" + r.Annotations[k] + "\n"
		}
	}
	return strings.ReplaceAll(out, bundle, "$BUNDLE")
}

func TestGolden(t *testing.T) {
	for _, c := range []struct {
		fixture, golden string
		mode            Mode
		stdio           Stdio
	}{
		{"runc-default.json", "runc-default.txt", Genode, Stdio{}},
		{"runc-default-genode.json", "runc-default-genode.txt", Genode, Stdio{}},
		{"runc-default-genode.json", "runc-default-genode-terminal.txt", Genode, Stdio{Terminal: "/dev/pts/3", Stdout: "/ignored"}},
		{"runc-default-genode.json", "runc-default-genode-terminal-host.txt", Host, Stdio{Terminal: "/dev/pts/3"}},
		{"webapp.json", "webapp.txt", Genode, Stdio{}},
		{"webapp.json", "webapp-host.txt", Host, Stdio{}},
		{"webapp.json", "webapp-stdio.txt", Genode, Stdio{Stdin: "/run/c1/stdin", Stdout: "/run/c1/out", Stderr: "/run/c1/err"}},
		{"webapp.json", "webapp-stdio-host.txt", Host, Stdio{Stdout: "/run/c1/log", Stderr: "/run/c1/log"}},
	} {
		t.Run(c.golden, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.fixture))
			if err != nil {
				t.Fatal(err)
			}
			b := makeBundle(t, data)
			r, err := translateBundleStdio(t, b, c.mode, c.stdio)
			golden(t, c.golden, render(r, err, b))
			if err == nil {
				// the start node round-trips through HID and XML
				n := r.Start.Node()
				for _, enc := range [][]byte{n.EncodeHID(), n.EncodeXML()} {
					back, perr := node.Parse(enc)
					if perr != nil || !node.Equal(back, n) {
						t.Fatalf("round trip: %v\n%s", perr, enc)
					}
					cfg, derr := initcfg.FromNode(node.New("config").Add(back))
					if derr != nil {
						t.Fatal(derr)
					}
					if got := cfg.Starts[0].Config.Args; !equalStrings(got, specArgs(t, data)) {
						t.Fatalf("args %q", got)
					}
				}
			}
		})
	}
}

func specArgs(t *testing.T, data []byte) []string {
	var s specs.Spec
	json.Unmarshal(data, &s)
	return s.Process.Args
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The container's own view is exactly its rootfs plus its mounts (and the
// /dev nodes libc needs): no other host directory appears in the VFS.
func TestViewIsRootfsPlusMounts(t *testing.T) {
	data, _ := os.ReadFile("testdata/webapp.json")
	b := makeBundle(t, data)
	r, err := translateBundle(t, b, Host)
	if err != nil {
		t.Fatal(err)
	}
	var hosts []string
	var walk func(n *node.Node, at string)
	walk = func(n *node.Node, at string) {
		for _, c := range n.Children {
			switch c.Type {
			case "dir":
				name, _ := c.Attr("name")
				walk(c, at+"/"+name)
			case "fs":
				h, _ := c.Attr("host")
				w, _ := c.Attr("writeable")
				hosts = append(hosts, at+"="+strings.TrimPrefix(h, b)+":"+w)
			case "ram":
				hosts = append(hosts, at+"=ram")
			}
		}
	}
	walk(r.Start.Config.VFS, "")
	sort.Strings(hosts)
	want := []string{"/srv/data/cache=/cache:yes", "/srv/data=/data:no", "/tmp=ram", "=/rootfs:yes"}
	sort.Strings(want)
	if !equalStrings(hosts, want) {
		t.Fatalf("view %q, want %q", hosts, want)
	}
	if r.HostBinary != filepath.Join(b, "rootfs/bin/app") || r.Binary != "/bin/app" {
		t.Fatalf("binary %s %s", r.Binary, r.HostBinary)
	}
}

func baseSpec() *specs.Spec {
	return &specs.Spec{
		Version: "1.3.0",
		Process: &specs.Process{Args: []string{"sh"}, Cwd: "/", Env: []string{"PATH=/bin"}},
		Root:    &specs.Root{Path: "rootfs"},
	}
}

func ptr[T any](v T) *T { return &v }

func H(s *specs.Spec) *specs.Hooks {
	if s.Hooks == nil {
		s.Hooks = &specs.Hooks{}
	}
	return s.Hooks
}

func L(s *specs.Spec) *specs.Linux {
	if s.Linux == nil {
		s.Linux = &specs.Linux{}
	}
	return s.Linux
}

func RDT(s *specs.Spec) *specs.LinuxIntelRdt {
	if L(s).IntelRdt == nil {
		s.Linux.IntelRdt = &specs.LinuxIntelRdt{}
	}
	return s.Linux.IntelRdt
}

func BSD(s *specs.Spec) *specs.FreeBSD {
	if s.FreeBSD == nil {
		s.FreeBSD = &specs.FreeBSD{}
	}
	return s.FreeBSD
}

func VM(s *specs.Spec) *specs.VM {
	if s.VM == nil {
		s.VM = &specs.VM{}
	}
	return s.VM
}

func R(s *specs.Spec) *specs.LinuxResources {
	if L(s).Resources == nil {
		s.Linux.Resources = &specs.LinuxResources{}
	}
	return s.Linux.Resources
}

func C(s *specs.Spec) *specs.LinuxCPU {
	if R(s).CPU == nil {
		s.Linux.Resources.CPU = &specs.LinuxCPU{}
	}
	return s.Linux.Resources.CPU
}

func M(s *specs.Spec) *specs.LinuxMemory {
	if R(s).Memory == nil {
		s.Linux.Resources.Memory = &specs.LinuxMemory{}
	}
	return s.Linux.Resources.Memory
}

// Each refused field, alone, yields exactly its refusal; all together, one
// error lists every one of them.
func TestRefusals(t *testing.T) {
	cases := []struct {
		field string
		mod   func(s *specs.Spec)
	}{
		{"ociVersion", func(s *specs.Spec) { s.Version = "2.0.0" }},
		{"hostname", func(s *specs.Spec) { s.Hostname = "h" }},
		{"domainname", func(s *specs.Spec) { s.Domainname = "d" }},
		{"hooks.createContainer", func(s *specs.Spec) { H(s).CreateContainer = []specs.Hook{{Path: "/x"}} }},
		{"hooks.startContainer", func(s *specs.Spec) { H(s).StartContainer = []specs.Hook{{Path: "/x"}} }},
		{"hooks.prestart[0].path", func(s *specs.Spec) { H(s).Prestart = []specs.Hook{{Path: "x"}} }},
		{"hooks.createRuntime[1].path", func(s *specs.Spec) { H(s).CreateRuntime = []specs.Hook{{Path: "/x"}, {Path: ""}} }},
		{"hooks.poststart[0].path", func(s *specs.Spec) { H(s).Poststart = []specs.Hook{{Path: "bin/hook"}} }},
		{"hooks.poststop[0].timeout", func(s *specs.Spec) { H(s).Poststop = []specs.Hook{{Path: "/x", Timeout: ptr(0)}} }},
		{"hooks.poststart[1].timeout", func(s *specs.Spec) {
			if len(H(s).Poststart) == 0 {
				s.Hooks.Poststart = []specs.Hook{{Path: "/ok"}}
			}
			s.Hooks.Poststart = append(s.Hooks.Poststart, specs.Hook{Path: "/x", Timeout: ptr(-1)})
		}},
		{"windows", func(s *specs.Spec) { s.Windows = &specs.Windows{} }},
		{"solaris", func(s *specs.Spec) { s.Solaris = &specs.Solaris{} }},
		{"vm", func(s *specs.Spec) { VM(s) }},
		{"zos", func(s *specs.Spec) { s.ZOS = &specs.ZOS{} }},
		{"freebsd", func(s *specs.Spec) { BSD(s) }},
		{"freebsd.devices", func(s *specs.Spec) { BSD(s).Devices = []specs.FreeBSDDevice{{Path: "pf"}} }},
		{"freebsd.jail", func(s *specs.Spec) { BSD(s).Jail = &specs.FreeBSDJail{Vnet: specs.FreeBSDShareNew} }},
		{"vm.hwConfig", func(s *specs.Spec) { VM(s).HwConfig = &specs.HWConfig{VCPUs: ptr(uint32(2))} }},
		{"vm.kernel", func(s *specs.Spec) { VM(s).Kernel.Path = "/vmlinuz" }},
		{"annotations.org.genode.network", func(s *specs.Spec) { s.Annotations = map[string]string{AnnNetwork: "ram"} }},
		{"annotations.org.genode.network", func(s *specs.Spec) { s.Annotations = map[string]string{AnnNetwork: "lwip | netmask: 255.0.0.0"} }},
		{"annotations.org.genode.network", func(s *specs.Spec) { s.Annotations = map[string]string{AnnNetwork: "lwip | ip_addr: 300.1.1.1"} }},
		{"annotations.org.genode.network", func(s *specs.Spec) { s.Annotations = map[string]string{AnnNetwork: `<lwip dhcp="yes" port="80"/>`} }},
		{"annotations.org.genode.network-server", func(s *specs.Spec) { s.Annotations = map[string]string{AnnNetworkServer: "yes"} }},
		{"annotations.org.genode.network-server", func(s *specs.Spec) { s.Annotations = map[string]string{AnnNetworkServer: "1"} }},
		{"annotations.org.genode.network-of", func(s *specs.Spec) { s.Annotations = map[string]string{AnnNetworkOf: "a/b"} }},
		{"annotations.org.genode.network-of", func(s *specs.Spec) {
			s.Annotations = map[string]string{AnnNetworkOf: "pod", AnnNetwork: "lwip | ip_addr: 10.0.0.2 | netmask: 255.0.0.0"}
		}},
		{"annotations.org.genode.pod", func(s *specs.Spec) { s.Annotations = map[string]string{AnnPod: "true"} }},
		{"annotations.org.genode.pod-of", func(s *specs.Spec) { s.Annotations = map[string]string{AnnPodOf: ""} }},
		{"annotations.org.genode.pod-of", func(s *specs.Spec) { s.Annotations = map[string]string{AnnPod: "yes", AnnPodOf: "p"} }},
		{"process.apparmorProfile", func(s *specs.Spec) { s.Process.ApparmorProfile = "p" }},
		{"process.selinuxLabel", func(s *specs.Spec) { s.Process.SelinuxLabel = "l" }},
		{"process.scheduler", func(s *specs.Spec) { s.Process.Scheduler = &specs.Scheduler{Policy: "SCHED_FIFO"} }},
		{"process.ioPriority", func(s *specs.Spec) { s.Process.IOPriority = &specs.LinuxIOPriority{Class: "IOPRIO_CLASS_RT"} }},
		{"process.execCPUAffinity", func(s *specs.Spec) { s.Process.ExecCPUAffinity = &specs.CPUAffinity{Initial: "0"} }},
		{"process.rlimits[0]", func(s *specs.Spec) { s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_AS", Hard: 1, Soft: 1}} }},
		{"process.commandLine", func(s *specs.Spec) { s.Process.CommandLine = "x" }},
		{"process.user.username", func(s *specs.Spec) { s.Process.User.Username = "x" }},
		{"process.env[1]", func(s *specs.Spec) { s.Process.Env = append(s.Process.Env, "NOVALUE") }},
		{"process.env[1]", func(s *specs.Spec) { s.Process.Env = append(s.Process.Env, "A=\x01") }},
		{"process.env[1]", func(s *specs.Spec) { s.Process.Env = append(s.Process.Env, "A|B=1") }},
		{"process.args[1]", func(s *specs.Spec) { s.Process.Args = append(s.Process.Args, "a\r\nb") }},
		{"process.args[1]", func(s *specs.Spec) { s.Process.Args = append(s.Process.Args, "trailing\n") }},
		{"process.args", func(s *specs.Spec) { s.Process.Args = nil }},
		{"process.args[0]", func(s *specs.Spec) { s.Process.Args = []string{"missing"} }},
		{"process.args[0]", func(s *specs.Spec) { s.Process.Args = []string{"/etc/passwd"} }},
		{"process.cwd", func(s *specs.Spec) { s.Process.Cwd = "relative" }},
		{"process", func(s *specs.Spec) { s.Process = nil }},
		{"root.path", func(s *specs.Spec) { s.Root = nil }},
		{"root.path", func(s *specs.Spec) { s.Root.Path = "nonexistent" }},
		{"mounts[0]", func(s *specs.Spec) { s.Mounts = []specs.Mount{{Destination: "/proc", Type: "proc"}} }},
		{"mounts[0]", func(s *specs.Spec) { s.Mounts = []specs.Mount{{Destination: "/x", Type: "overlay"}} }},
		{"mounts[0].options", func(s *specs.Spec) { s.Mounts = []specs.Mount{{Destination: "/x", Type: "bind", Source: "data/file"}} }},
		{"mounts[0].source", func(s *specs.Spec) {
			s.Mounts = []specs.Mount{{Destination: "/x", Type: "bind", Source: "/nonexistent/dir"}}
		}},
		{"mounts[0].options", func(s *specs.Spec) {
			s.Mounts = []specs.Mount{{Destination: "/x", Type: "bind", Source: "data", Options: []string{"rbind", "idmap"}}}
		}},
		{"mounts[0].options", func(s *specs.Spec) {
			s.Mounts = []specs.Mount{{Destination: "/t", Type: "tmpfs", Options: []string{"ro"}}}
		}},
		{"mounts[0].destination", func(s *specs.Spec) { s.Mounts = []specs.Mount{{Destination: "/", Type: "tmpfs"}} }},
		{"mounts[1].destination", func(s *specs.Spec) {
			s.Mounts = []specs.Mount{{Destination: "/t", Type: "tmpfs"}, {Destination: "/t/", Type: "tmpfs"}}
		}},
		{"mounts[0].uidMappings", func(s *specs.Spec) {
			s.Mounts = []specs.Mount{{Destination: "/t", Type: "tmpfs", UIDMappings: []specs.LinuxIDMapping{{Size: 1}}}}
		}},
		{"linux.sysctl.net.ipv4.ip_forward", func(s *specs.Spec) { L(s).Sysctl = map[string]string{"net.ipv4.ip_forward": "1"} }},
		{"linux.namespaces[0].path", func(s *specs.Spec) {
			L(s).Namespaces = []specs.LinuxNamespace{{Type: "network", Path: "/proc/1/ns/net"}}
		}},
		{"linux.devices[0]", func(s *specs.Spec) { L(s).Devices = []specs.LinuxDevice{{Path: "/dev/fuse"}} }},
		{"linux.seccomp", func(s *specs.Spec) { L(s).Seccomp = &specs.LinuxSeccomp{DefaultAction: "SCMP_ACT_ERRNO"} }},
		{"linux.maskedPaths[0]", func(s *specs.Spec) { L(s).MaskedPaths = []string{"/etc/secret"} }},
		{"linux.readonlyPaths[0]", func(s *specs.Spec) { L(s).ReadonlyPaths = []string{"/etc"} }},
		{"linux.mountLabel", func(s *specs.Spec) { L(s).MountLabel = "x" }},
		{"linux.intelRdt", func(s *specs.Spec) { RDT(s) }},
		{"linux.intelRdt.schemata", func(s *specs.Spec) { RDT(s).Schemata = []string{"L3:0=ff"} }},
		{"linux.intelRdt.enableMonitoring", func(s *specs.Spec) { RDT(s).EnableMonitoring = true }},
		{"linux.intelRdt.closID", func(s *specs.Spec) { RDT(s).ClosID = "/" }},
		{"linux.netDevices.eth0", func(s *specs.Spec) { L(s).NetDevices = map[string]specs.LinuxNetDevice{"eth0": {Name: "c0"}} }},
		{"linux.memoryPolicy", func(s *specs.Spec) {
			L(s).MemoryPolicy = &specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0"}
		}},
		{"linux.memoryPolicy", func(s *specs.Spec) {
			L(s).MemoryPolicy = &specs.LinuxMemoryPolicy{Mode: specs.MpolDefault, Flags: []specs.MemoryPolicyFlagType{specs.MpolFStaticNodes}}
		}},
		{"linux.personality", func(s *specs.Spec) { L(s).Personality = &specs.LinuxPersonality{Domain: "LINUX32"} }},
		{"linux.timeOffsets", func(s *specs.Spec) { L(s).TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {}} }},
		{"linux.resources.devices[0]", func(s *specs.Spec) {
			R(s).Devices = []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}
		}},
		{"linux.resources.memory.swap", func(s *specs.Spec) {
			M(s).Limit, M(s).Swap = ptr(int64(1<<20)), ptr(int64(2<<20))
		}},
		{"linux.resources.memory.kernel", func(s *specs.Spec) {
			M(s).Kernel = ptr(int64(1))
		}},
		{"linux.resources.memory.kernelTCP", func(s *specs.Spec) {
			M(s).KernelTCP = ptr(int64(1))
		}},
		{"linux.resources.memory.limit", func(s *specs.Spec) {
			M(s).Limit = ptr(int64(-5))
		}},
		{"linux.resources.cpu.shares", func(s *specs.Spec) { C(s).Shares = ptr(uint64(2)) }},
		{"linux.resources.cpu.quota", func(s *specs.Spec) { C(s).Quota = ptr(int64(2)) }},
		{"linux.resources.cpu.period", func(s *specs.Spec) { C(s).Period = ptr(uint64(2)) }},
		{"linux.resources.cpu.burst", func(s *specs.Spec) { C(s).Burst = ptr(uint64(2)) }},
		{"linux.resources.cpu.realtime", func(s *specs.Spec) {
			C(s).RealtimeRuntime = ptr(int64(2))
		}},
		{"linux.resources.cpu.idle", func(s *specs.Spec) { C(s).Idle = ptr(int64(1)) }},
		{"linux.resources.cpu.mems", func(s *specs.Spec) { C(s).Mems = "0" }},
		{"linux.resources.cpu.cpus", func(s *specs.Spec) { C(s).Cpus = "0,2" }},
		{"linux.resources.pids.limit", func(s *specs.Spec) { R(s).Pids = &specs.LinuxPids{Limit: ptr(int64(5))} }},
		{"linux.resources.pids.limit", func(s *specs.Spec) { R(s).Pids = &specs.LinuxPids{Limit: ptr(int64(0))} }},
		{"linux.resources.blockIO", func(s *specs.Spec) { R(s).BlockIO = &specs.LinuxBlockIO{} }},
		{"linux.resources.hugepageLimits", func(s *specs.Spec) {
			R(s).HugepageLimits = []specs.LinuxHugepageLimit{{Pagesize: "2MB"}}
		}},
		{"linux.resources.network", func(s *specs.Spec) { R(s).Network = &specs.LinuxNetwork{} }},
		{"linux.resources.rdma", func(s *specs.Spec) { R(s).Rdma = map[string]specs.LinuxRdma{"x": {}} }},
		{"linux.resources.unified", func(s *specs.Spec) { R(s).Unified = map[string]string{"a": "b"} }},
		{"annotations.org.genode.caps", func(s *specs.Spec) { s.Annotations = map[string]string{AnnCaps: "many"} }},
		{"annotations.org.genode.priority", func(s *specs.Spec) { s.Annotations = map[string]string{AnnPriority: "3"} }},
		{"annotations.org.genode.routes", func(s *specs.Spec) { s.Annotations = map[string]string{AnnRoutes: "+ service Nic"} }},
		{"annotations.org.genode.skip-kernel-fs", func(s *specs.Spec) { s.Annotations = map[string]string{AnnSkipKernelFS: "maybe"} }},
		{"annotations.org.genode.version", func(s *specs.Spec) { s.Annotations = map[string]string{AnnVersion: "a|b"} }},
		{"annotations.org.genode.typo", func(s *specs.Spec) { s.Annotations = map[string]string{"org.genode.typo": "1"} }},
	}
	b := makeBundle(t, nil)
	all := baseSpec()
	allWant := map[string]bool{}
	for _, c := range cases {
		s := baseSpec()
		c.mod(s)
		_, err := Translate(s, nil, Options{ID: "c1", Bundle: b})
		var re *RefusedError
		if !errors.As(err, &re) {
			t.Errorf("%s: got %v, want a refusal", c.field, err)
			continue
		}
		found := false
		for _, r := range re.Refusals {
			if r.Field == c.field && r.Reason != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: refusals %+v", c.field, re.Refusals)
		}
		if combinable(c.field) {
			c.mod(all)
			allWant[c.field] = true
		}
	}
	// one error lists every refused field
	_, err := Translate(all, []string{"linux.futureThing"}, Options{ID: "c1", Bundle: b})
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("combined: %v", err)
	}
	allWant["linux.futureThing"] = true
	got := map[string]bool{}
	for _, r := range re.Refusals {
		got[r.Field] = true
	}
	for f := range allWant {
		if !got[f] {
			t.Errorf("combined error lacks %s:\n%v", f, err)
		}
	}
}

// combinable tells whether a case's field is refused alone in the combined
// spec too: fields whose cases replace one another (process, root, mounts,
// annotations, an object and its members) are tested alone only.
func combinable(f string) bool {
	switch f {
	case "process", "root.path", "process.cwd", "ociVersion", "vm", "vm.kernel", "freebsd", "linux.intelRdt", "linux.intelRdt.closID":
		return false
	}
	for _, p := range []string{"mounts", "process.env", "process.args", "annotations"} {
		if strings.HasPrefix(f, p) {
			return false
		}
	}
	return true
}

// The fields were reviewed against this runtime-spec; a newer one (e.g.
// raised by another module of the workspace) adds fields that the struct
// would decode and Translate would silently ignore.
func TestSpecVersionReviewed(t *testing.T) {
	if specs.Version != "1.3.0" {
		t.Fatalf("runtime-spec %s: review its new fields in Translate, then update this test and sandbox/README.md", specs.Version)
	}
}

func TestUnknownFields(t *testing.T) {
	// enableCMT and enableMBM were removed in v1.3.0; hwConfig (the
	// schema's spelling) is the Go tag "hwconfig" and is known
	_, unknown, err := ParseSpec([]byte(`{"ociVersion":"1.3.0","process":{"args":["sh"],"cwd":"/","futureThing":1},
		"linux":{"memoryPolicy":{"mode":"MPOL_BIND","extra":"x"},"intelRdt":{"enableCMT":true,"enableMonitoring":true},"netDevices":{"eth0":{"name":"c0","mtu":9000}}},
		"vm":{"kernel":{"path":"/k"},"hwConfig":{"vcpus":2,"future":1}},"freebsd":{"jail":{"vnet":"new","later":true}},"terminal":false}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"freebsd.jail.later", "linux.intelRdt.enableCMT", "linux.memoryPolicy.extra", "linux.netDevices.eth0.mtu", "process.futureThing", "vm.hwConfig.future"}
	if !equalStrings(unknown, want) {
		t.Fatalf("%q, want %q", unknown, want)
	}
}

// Hooks that run in the runtime's namespace come back for the caller to
// run, exactly as given; nothing of them reaches the start node.
func TestHooks(t *testing.T) {
	b := makeBundle(t, nil)
	s := baseSpec()
	hook := func(p string) specs.Hook {
		return specs.Hook{Path: p, Args: []string{p, "a"}, Env: []string{"K=V"}, Timeout: ptr(5)}
	}
	s.Hooks = &specs.Hooks{
		Prestart:      []specs.Hook{hook("/usr/bin/pre")},
		CreateRuntime: []specs.Hook{hook("/usr/bin/cr1"), hook("/usr/bin/cr2")},
		Poststart:     []specs.Hook{{Path: "/usr/bin/post"}},
		Poststop:      []specs.Hook{hook("/usr/bin/stop")},
	}
	r, err := Translate(s, nil, Options{ID: "c1", Bundle: b})
	if err != nil {
		t.Fatal(err)
	}
	if r.Hooks == nil || r.Hooks == s.Hooks || !reflect.DeepEqual(*r.Hooks, *s.Hooks) {
		t.Fatalf("hooks %+v, want %+v", r.Hooks, *s.Hooks)
	}
	if len(r.NoOps) != 0 {
		t.Fatalf("no-ops %q", r.NoOps)
	}
	if enc := string(r.Start.Node().EncodeHID()); strings.Contains(enc, "/usr/bin/") {
		t.Fatalf("a hook reached the start node:\n%s", enc)
	}
	// none to run: nil
	s.Hooks = &specs.Hooks{}
	if r, err = Translate(s, nil, Options{ID: "c1", Bundle: b}); err != nil || r.Hooks != nil {
		t.Fatalf("%v %+v", err, r)
	}
	// the refused kinds are refused whatever the others are
	s.Hooks = &specs.Hooks{Poststop: []specs.Hook{hook("/usr/bin/stop")}}
	s.Hooks.StartContainer = []specs.Hook{hook("/usr/bin/sc")}
	_, err = Translate(s, nil, Options{ID: "c1", Bundle: b})
	var re *RefusedError
	if !errors.As(err, &re) || len(re.Refusals) != 1 || re.Refusals[0].Field != "hooks.startContainer" ||
		!strings.Contains(re.Refusals[0].Reason, "mount namespace") {
		t.Fatalf("%v", err)
	}
}

// Settings of v1.3.0 that Genode meets as they are: no pids limit (absent
// or -1) and the default memory policy.
func TestNoOpsV130(t *testing.T) {
	b := makeBundle(t, nil)
	for _, c := range []struct {
		mod  func(s *specs.Spec)
		noop string
	}{
		{func(s *specs.Spec) { R(s).Pids = &specs.LinuxPids{} }, "linux.resources.pids (no limit given)"},
		{func(s *specs.Spec) { R(s).Pids = &specs.LinuxPids{Limit: ptr(int64(-1))} }, "linux.resources.pids.limit (-1: no limit, as on Genode)"},
		{func(s *specs.Spec) { L(s).MemoryPolicy = &specs.LinuxMemoryPolicy{Mode: specs.MpolDefault} }, "linux.memoryPolicy (MPOL_DEFAULT: the allocator's own placement)"},
	} {
		s := baseSpec()
		c.mod(s)
		r, err := Translate(s, nil, Options{ID: "c1", Bundle: b})
		if err != nil {
			t.Fatalf("%s: %v", c.noop, err)
		}
		if !equalStrings(r.NoOps, []string{c.noop}) {
			t.Fatalf("no-ops %q, want %q", r.NoOps, c.noop)
		}
	}
}

func TestNoOpsAndResolution(t *testing.T) {
	b := makeBundle(t, nil)
	s := baseSpec()
	s.Process.Args = []string{"app"}
	s.Process.Env = []string{"PATH=/nowhere:/usr/bin"} // /usr/bin is a symlink to /bin in the rootfs
	r, err := Translate(s, nil, Options{ID: "c1", Bundle: b})
	if err != nil {
		t.Fatal(err)
	}
	if r.Binary != "/bin/app" { // /usr/bin/app with the link resolved
		t.Fatalf("binary %s", r.Binary)
	}
	// a relative program is resolved against cwd
	s.Process.Args = []string{"./app"}
	s.Process.Cwd = "/bin"
	if r, err = Translate(s, nil, Options{ID: "c1", Bundle: b}); err != nil || r.Binary != "/bin/app" {
		t.Fatalf("%v %v", r, err)
	}
	// symlinks that climb out of the rootfs stay inside it
	if h, err := resolveInRoot(filepath.Join(b, "rootfs"), "/usr/sh-escape"); err != nil || h != filepath.Join(b, "rootfs/bin/sh") {
		t.Fatalf("escape resolved to %s %v", h, err)
	}
	if h, err := resolveInRoot(filepath.Join(b, "rootfs"), "/../../bin/sh"); err != nil || h != filepath.Join(b, "rootfs/bin/sh") {
		t.Fatalf("%s %v", h, err)
	}
}

func FuzzTranslate(f *testing.F) {
	for _, n := range []string{"runc-default.json", "runc-default-genode.json", "webapp.json"} {
		d, _ := os.ReadFile(filepath.Join("testdata", n))
		f.Add(d)
	}
	b := makeBundle(f, nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, unknown, err := ParseSpec(data)
		if err != nil {
			return
		}
		r, err := Translate(s, unknown, Options{ID: "c1", Bundle: b})
		if err != nil {
			var re *RefusedError
			if !errors.As(err, &re) || len(re.Refusals) == 0 || re.Error() == "" {
				t.Fatalf("unclear error %T %v", err, err)
			}
			return
		}
		n := r.Start.Node()
		back, err := node.ParseHID(n.EncodeHID())
		if err != nil || !node.Equal(back, n) {
			t.Fatalf("start node does not round-trip: %v\n%s", err, n.EncodeHID())
		}
		cfg, err := initcfg.FromNode(node.New("config").Add(back))
		if err != nil {
			t.Fatal(err)
		}
		if !equalStrings(cfg.Starts[0].Config.Args, s.Process.Args) {
			t.Fatalf("args %q != %q", cfg.Starts[0].Config.Args, s.Process.Args)
		}
	})
}

// Stdio targets become Terminal sessions: a <terminal> node per session in
// /dev, the libc's streams on it, and a rule by the session label's last
// element to the terminal server (Genode) or to the parent with the target
// as label (Host).
func TestStdio(t *testing.T) {
	b := makeBundle(t, nil)
	type rule struct{ last, target string }
	for _, c := range []struct {
		name     string
		terminal bool
		mode     Mode
		server   string
		stdio    Stdio
		libc     [3]string
		dev      []string // label=name of the <terminal> nodes
		rules    []rule
	}{
		{name: "defaults", libc: [3]string{"/dev/null", "/dev/log", "/dev/log"}},
		{name: "stdout only", stdio: Stdio{Stdout: "/o"},
			libc: [3]string{"/dev/null", "/dev/stdout", "/dev/log"}, dev: []string{"stdout=stdout"},
			rules: []rule{{"stdout", "child container_terminal"}}},
		{name: "all three, own server", server: "file_terminal", stdio: Stdio{Stdin: "/i", Stdout: "/o", Stderr: "/e"},
			libc: [3]string{"/dev/stdin", "/dev/stdout", "/dev/stderr"}, dev: []string{"stdin=stdin", "stdout=stdout", "stderr=stderr"},
			rules: []rule{{"stdin", "child file_terminal"}, {"stdout", "child file_terminal"}, {"stderr", "child file_terminal"}}},
		{name: "host", mode: Host, stdio: Stdio{Stdin: "/i", Stderr: "/e"},
			libc: [3]string{"/dev/stdin", "/dev/log", "/dev/stderr"}, dev: []string{"stdin=stdin", "stderr=stderr"},
			rules: []rule{{"stdin", "parent /i"}, {"stderr", "parent /e"}}},
		{name: "one target shares a session", mode: Host, stdio: Stdio{Stdout: "/log", Stderr: "/x/../log"},
			libc: [3]string{"/dev/null", "/dev/stdout", "/dev/stdout"}, dev: []string{"stdout=stdout"},
			rules: []rule{{"stdout", "parent /log"}}},
		{name: "terminal to the parent", terminal: true, stdio: Stdio{Stdout: "/ignored"},
			libc: [3]string{"/dev/terminal", "/dev/terminal", "/dev/terminal"}, dev: []string{"terminal=terminal"},
			rules: []rule{{"", "parent"}}},
		{name: "terminal to its server", terminal: true, stdio: Stdio{Terminal: "/dev/pts/3"},
			libc: [3]string{"/dev/terminal", "/dev/terminal", "/dev/terminal"}, dev: []string{"terminal=terminal"},
			rules: []rule{{"terminal", "child container_terminal"}}},
		{name: "terminal, host", terminal: true, mode: Host, stdio: Stdio{Terminal: "/dev/pts/3", Stdin: "/ignored"},
			libc: [3]string{"/dev/terminal", "/dev/terminal", "/dev/terminal"}, dev: []string{"terminal=terminal"},
			rules: []rule{{"terminal", "parent /dev/pts/3"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := baseSpec()
			s.Process.Terminal = c.terminal
			r, err := Translate(s, nil, Options{ID: "c1", Bundle: b, Mode: c.mode, Stdio: c.stdio, TerminalServer: c.server})
			if err != nil {
				t.Fatal(err)
			}
			n := r.Start.Node()
			back, err := node.Parse(n.EncodeHID())
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := initcfg.FromNode(node.New("config").Add(back))
			if err != nil {
				t.Fatal(err)
			}
			st := cfg.Starts[0]
			var libc [3]string
			for i, a := range []string{"stdin", "stdout", "stderr"} {
				libc[i] = st.Config.Libc.Get(a)
			}
			if libc != c.libc {
				t.Errorf("libc %q, want %q", libc, c.libc)
			}
			var dev []string
			for _, d := range st.Config.VFS.Children {
				if name, _ := d.Attr("name"); d.Type != "dir" || name != "dev" {
					continue
				}
				for _, x := range d.Children {
					if x.Type == "terminal" {
						label, _ := x.Attr("label")
						name, ok := x.Attr("name")
						if !ok {
							name = "terminal" // the plugin's default name
						}
						dev = append(dev, label+"="+name)
					}
				}
			}
			if !equalStrings(dev, c.dev) {
				t.Errorf("/dev terminals %q, want %q", dev, c.dev)
			}
			var rules []rule
			for _, ru := range st.Route.Rules {
				if ru.Service != "Terminal" {
					continue
				}
				tg := ru.Targets[0]
				desc := tg.Kind.String()
				if tg.Name != "" {
					desc += " " + tg.Name
				}
				if tg.Label != "" {
					desc += " " + tg.Label
				}
				rules = append(rules, rule{ru.LabelLast, desc})
			}
			if !reflect.DeepEqual(rules, c.rules) {
				t.Errorf("Terminal rules %q, want %q", rules, c.rules)
			}
			// the sessions come before the catch-all rules
			for i, ru := range st.Route.Rules {
				if ru.Service == "LOG" && ru.LabelLast == "" {
					for _, later := range st.Route.Rules[i:] {
						if later.Service == "Terminal" {
							t.Errorf("a Terminal rule follows the catch-all rules")
						}
					}
					break
				}
			}
			if len(r.Terminals) != len(c.rules) && !(len(c.rules) == 1 && c.rules[0].last == "") {
				t.Errorf("Result.Terminals %+v", r.Terminals)
			}
		})
	}
}

func TestStdioRefusals(t *testing.T) {
	b := makeBundle(t, nil)
	for _, c := range []struct {
		field    string
		terminal bool
		stdio    Stdio
	}{
		{"stdio.stdin", false, Stdio{Stdin: "relative"}},
		{"stdio.stdout", false, Stdio{Stdout: "/a|b"}},
		{"stdio.stderr", false, Stdio{Stderr: "/a\"b"}},
		{"stdio.stderr", false, Stdio{Stderr: "/a\nb"}},
		{"stdio.terminal", true, Stdio{Terminal: "pts/3"}},
		{"stdio.terminal", true, Stdio{Terminal: "/dev/pts/3\x1b"}},
	} {
		s := baseSpec()
		s.Process.Terminal = c.terminal
		_, err := Translate(s, nil, Options{ID: "c1", Bundle: b, Stdio: c.stdio})
		var re *RefusedError
		if !errors.As(err, &re) || len(re.Refusals) != 1 || re.Refusals[0].Field != c.field {
			t.Errorf("%+v: %v, want a refusal of %s", c.stdio, err, c.field)
		}
	}
}

// A binary in a read-only bind mount (an image's binary directory that
// containers share, as containerd's snapshotter gives it on Genode) is
// loaded from that directory: in Host mode its host file, in Genode mode a
// ROM of the mount's source, so one caching ROM server shares its pages.
func TestBinaryFromSharedDirectory(t *testing.T) {
	b := makeBundle(t, nil)
	image := filepath.Join(b, "image")
	if err := os.MkdirAll(filepath.Join(image, "sbin"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(image, "sbin/daemon"), []byte("\x7fELF\x02\x01"), 0o644)
	os.Symlink("daemon", filepath.Join(image, "sbin/alias"))
	s := baseSpec()
	s.Process.Args = []string{"alias"}
	s.Process.Env = []string{"PATH=/sbin"} // not in the rootfs: only in the mount
	s.Mounts = []specs.Mount{{Destination: "/sbin", Type: "bind", Source: filepath.Join(image, "sbin"), Options: []string{"rbind", "ro"}}}
	r, err := Translate(s, nil, Options{ID: "c1", Bundle: b, Mode: Host})
	if err != nil {
		t.Fatal(err)
	}
	if r.Binary != "/sbin/daemon" || r.HostBinary != filepath.Join(image, "sbin/daemon") {
		t.Fatalf("binary %s at %s, want /sbin/daemon at the mount's source", r.Binary, r.HostBinary)
	}
	r, err = Translate(s, nil, Options{ID: "c1", Bundle: b, Mode: Genode, ROMServer: "image_rom", ContainerDir: "/containers/c1"})
	if err != nil {
		t.Fatal(err)
	}
	out := regexp.MustCompile(`\n *`).ReplaceAllString(string(r.Start.Node().EncodeHID()), "\n")
	for _, want := range []string{
		// the program itself: the file in the mount's source
		"unscoped_label: /sbin/daemon\n+ child image_rom | resource: /daemon | prepend_resource: " + image + "/sbin\n",
		// what the container execs from there: the source ends in the
		// destination, so a prefix reaches it
		"label_prefix: /sbin/\n+ child image_rom | prepend_resource: " + image + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("start node lacks %q:\n%s", want, out)
		}
	}
}

// TestFileBind: a read-only bind mount of a file is a <rom> in its directory
// of the view: in Host mode the host file, in Genode mode a ROM module of the
// image's ROM server named by the file's path.
func TestFileBind(t *testing.T) {
	b := makeBundle(t, nil)
	file := filepath.Join(b, "data/file")
	s := baseSpec()
	s.Mounts = []specs.Mount{{Destination: "/etc/resolv.conf", Type: "bind", Source: file, Options: []string{"rbind", "ro"}}}
	r, err := Translate(s, nil, Options{ID: "c1", Bundle: b, Mode: Host})
	if err != nil {
		t.Fatal(err)
	}
	out := regexp.MustCompile(`\n *`).ReplaceAllString(string(r.Start.Node().EncodeHID()), "\n")
	if want := "+ dir etc\n+ rom resolv.conf | label: m0 | host: " + file + "\n"; !strings.Contains(out, want) {
		t.Errorf("host mode: start node lacks %q:\n%s", want, out)
	}
	r, err = Translate(s, nil, Options{ID: "c1", Bundle: b, Mode: Genode, ROMServer: "image_rom", ContainerDir: "/containers/c1"})
	if err != nil {
		t.Fatal(err)
	}
	out = regexp.MustCompile(`\n *`).ReplaceAllString(string(r.Start.Node().EncodeHID()), "\n")
	for _, want := range []string{
		"+ dir etc\n+ rom resolv.conf | label: m0\n",
		"+ service ROM | label_last: m0\n+ child image_rom | resource: " + file + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("genode mode: start node lacks %q:\n%s", want, out)
		}
	}
}

// TestStdinFifo: a stdin named StdinFifo+path is a named pipe the container reads through a File_system
// session labelled "stdin" (/dev/stdio/NAME as libc's stdin), not a Terminal session: Host mode mounts the
// path's directory with the model's fifo="NAME", Genode mode routes the session to the pipe server.
func TestStdinFifo(t *testing.T) {
	b := makeBundle(t, nil)
	for _, mode := range []Mode{Host, Genode} {
		s := baseSpec()
		r, err := Translate(s, nil, Options{ID: "c1", Bundle: b, Mode: mode,
			Stdio: Stdio{Stdin: StdinFifo + "/run/io/c1/stdin", Stdout: "/run/io/c1/stdout"}})
		if err != nil {
			t.Fatal(err)
		}
		st := r.Start
		if got := st.Config.Libc.Get("stdin"); got != "/dev/stdio/stdin" {
			t.Errorf("%v: libc stdin %q", mode, got)
		}
		var fs *node.Node
		for _, d := range st.Config.VFS.Children {
			if name, _ := d.Attr("name"); d.Type == "dir" && name == "dev" {
				for _, x := range d.Children {
					if name, _ := x.Attr("name"); x.Type == "dir" && name == "stdio" && len(x.Children) == 1 {
						fs = x.Children[0]
					}
					if label, _ := x.Attr("label"); x.Type == "terminal" && label == "stdin" {
						t.Errorf("%v: stdin is also a Terminal session", mode)
					}
				}
			}
		}
		if fs == nil || fs.Type != "fs" {
			t.Fatalf("%v: no <dir stdio> <fs/> in /dev:\n%s", mode, st.Node().EncodeHID())
		}
		var rule *initcfg.Rule
		catchAll := false // a File_system rule for every label before the stdin rule
		for i, ru := range st.Route.Rules {
			if ru.Service == "File_system" && ru.LabelLast == "stdin" {
				rule = &st.Route.Rules[i]
				break
			}
			if (ru.Service == "File_system" || ru.Service == "") && ru.LabelLast == "" && ru.LabelPrefix == "" && ru.Label == "" {
				catchAll = true
			}
		}
		if mode == Host {
			host, _ := fs.Attr("host")
			fifo, _ := fs.Attr("fifo")
			w, _ := fs.Attr("writeable")
			if host != "/run/io/c1" || fifo != "stdin" || w != "no" {
				t.Errorf("host: <fs host=%q fifo=%q writeable=%q>", host, fifo, w)
			}
			if rule != nil {
				t.Errorf("host: a File_system rule for stdin: %+v", *rule)
			}
		} else {
			if label, _ := fs.Attr("label"); label != "stdin" {
				t.Errorf("genode: <fs label=%q>", label)
			}
			if rule == nil || rule.Targets[0].Kind != initcfg.Child || rule.Targets[0].Name != "container_pipes" {
				t.Errorf("genode: File_system rule for stdin: %+v", rule)
			} else if catchAll {
				t.Errorf("genode: a catch-all File_system rule comes before the stdin rule")
			}
		}
	}
	s := baseSpec()
	_, err := Translate(s, nil, Options{ID: "c1", Bundle: b, Stdio: Stdio{Stdin: StdinFifo + "relative"}})
	var re *RefusedError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "stdio.stdin") {
		t.Errorf("a relative named pipe: %v", err)
	}
}

// org.genode.network gives the container its own socket stack and a Nic
// route to the parent; without it, a container has no socket fs at all.
func TestNetwork(t *testing.T) {
	b := makeBundle(t, nil)
	for _, v := range []string{
		"lwip | ip_addr: 172.17.0.2 | netmask: 255.255.0.0 | gateway: 172.17.0.1 | label: bridge",
		`<lwip ip_addr="172.17.0.2" netmask="255.255.0.0" gateway="172.17.0.1" label="bridge"/>`,
	} {
		s := baseSpec()
		s.Annotations = map[string]string{AnnNetwork: v}
		r, err := Translate(s, nil, Options{ID: "c1", Bundle: b, Mode: Host})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		st := r.Start
		if got := st.Config.Libc.Get("socket"); got != "/socket" {
			t.Errorf("libc socket %q", got)
		}
		var stack *node.Node
		for _, d := range st.Config.VFS.Children {
			if name, _ := d.Attr("name"); d.Type == "dir" && name == "socket" && len(d.Children) == 1 {
				stack = d.Children[0]
			}
		}
		if stack == nil || stack.Type != "lwip" {
			t.Fatalf("no <dir socket> <lwip/>:\n%s", st.Node().EncodeHID())
		}
		if a, _ := stack.Attr("ip_addr"); a != "172.17.0.2" {
			t.Errorf("ip_addr %q", a)
		}
		nic := false
		for _, ru := range st.Route.Rules {
			nic = nic || ru.Service == "Nic" && len(ru.Targets) == 1 && ru.Targets[0].Kind == initcfg.Parent
		}
		if !nic {
			t.Errorf("no Nic route to the parent:\n%s", st.Node().EncodeHID())
		}
	}
	r, err := Translate(baseSpec(), nil, Options{ID: "c1", Bundle: b, Mode: Host})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Start.Config.Libc.Get("socket"); got != "" {
		t.Errorf("without the annotation: libc socket %q", got)
	}
	for _, ru := range r.Start.Route.Rules {
		if ru.Service == "Nic" {
			t.Errorf("without the annotation: a Nic route")
		}
	}
}

// A pod's stack on Genode: the sandbox serves its stack's directory as a
// File_system session, and a member's /socket is that session, routed to
// the sandbox's child (Options.ChildName).
func TestSharedNetwork(t *testing.T) {
	b := makeBundle(t, nil)
	s := baseSpec()
	s.Annotations = map[string]string{AnnNetwork: "lxip | ip_addr: 10.88.0.2 | netmask: 255.255.0.0 | label: pods", AnnNetworkServer: "yes"}
	r, err := Translate(s, nil, Options{ID: "pod", Bundle: b, Mode: Genode})
	if err != nil {
		t.Fatal(err)
	}
	hid := string(r.Start.Node().EncodeHID())
	for _, want := range []string{"+ provides\n", "+ service File_system\n", "+ default-policy | root: /socket | writeable: yes", "+ lxip | ip_addr: 10.88.0.2"} {
		if !strings.Contains(hid, want) {
			t.Errorf("the server lacks %q:\n%s", want, hid)
		}
	}
	s = baseSpec()
	s.Annotations = map[string]string{AnnNetworkOf: "pod-id"}
	for _, mode := range []Mode{Genode, Host} {
		r, err = Translate(s, nil, Options{ID: "m1", Bundle: b, Mode: mode, ChildName: func(id string) string { return "child-" + id }})
		if err != nil {
			t.Fatal(err)
		}
		hid = string(r.Start.Node().EncodeHID())
		if r.Start.Config.Libc.Get("socket") != "/socket" || !strings.Contains(hid, "+ dir socket\n") || !strings.Contains(hid, "+ fs | label: socket\n") {
			t.Errorf("mode %d: the member's /socket is not the session:\n%s", mode, hid)
		}
		first := r.Start.Route.Rules[0]
		if first.Service != "File_system" || first.Label != "socket" || len(first.Targets) != 1 || first.Targets[0].Kind != initcfg.Child || first.Targets[0].Name != "child-pod-id" {
			t.Errorf("mode %d: the first route rule %+v, want File_system label socket to child child-pod-id", mode, first)
		}
		for _, ru := range r.Start.Route.Rules {
			if ru.Service == "Nic" {
				t.Errorf("mode %d: a member has no stack of its own, but a Nic route", mode)
			}
		}
	}
}

// With a stack server (Options.StackServer), a container's own stack is
// the server's: its /socket is the server's File_system session, it has no
// Nic route, and the stack comes back for the server's start node
// (StackServerStart); a container that shares another's stack reaches it
// at the server too.
func TestStackServer(t *testing.T) {
	b := makeBundle(t, nil)
	s := baseSpec()
	s.Annotations = map[string]string{AnnNetwork: "lxip | ip_addr: 172.17.0.2 | netmask: 255.255.0.0 | label: bridge"}
	for _, ann := range []map[string]string{s.Annotations, {AnnNetworkOf: "pod-id"}} {
		s.Annotations = ann
		r, err := Translate(s, nil, Options{ID: "web", Bundle: b, Mode: Genode, StackServer: "socket_fs"})
		if err != nil {
			t.Fatal(err)
		}
		hid := string(r.Start.Node().EncodeHID())
		if !strings.Contains(hid, "+ fs | label: socket") || strings.Contains(hid, "lxip") {
			t.Errorf("%v: /socket is not the server's session:\n%s", ann, hid)
		}
		if first := r.Start.Route.Rules[0]; first.Service != "File_system" || first.Label != "socket" || first.Targets[0].Name != "socket_fs" {
			t.Errorf("%v: the first route rule %+v, want File_system label socket to child socket_fs", ann, first)
		}
		for _, ru := range r.Start.Route.Rules {
			if ru.Service == "Nic" {
				t.Errorf("%v: a Nic route, but the stack is the server's", ann)
			}
		}
		if own := ann[AnnNetwork] != ""; own != (r.Network != nil) {
			t.Errorf("%v: Result.Network %v", ann, r.Network)
		}
		if r.Network != nil {
			srv := string(StackServerStart("socket_fs", r.Network).Node().EncodeHID())
			for _, want := range []string{"+ binary vfs", "+ service File_system", "+ dir socket", "ip_addr: 172.17.0.2",
				"+ default-policy | root: /socket | writeable: yes", "+ service Nic"} {
				if !strings.Contains(srv, want) {
					t.Errorf("the stack server lacks %q:\n%s", want, srv)
				}
			}
		}
	}
}
