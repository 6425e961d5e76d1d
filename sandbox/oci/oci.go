// Package oci translates an OCI runtime-spec bundle (runtime-spec v1.3.0)
// into a start node for Genode's init: the container's main process becomes
// one child whose VFS is exactly the bundle's rootfs plus its mounts.
//
// Every field is either honoured, accepted as a documented harmless no-op,
// or refused; Translate reports all refused fields in one *RefusedError.
// The table is in sandbox/README.md.
package oci

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// Mode selects how file systems reach the child.
type Mode int

const (
	// Genode: File_system sessions <fs label="rootfs -> /"/>, routed to
	// Options.FSServer with identity rw/ro and prepend_resource; binaries are
	// ROMs of Options.ROMServer under the rootfs prefix.
	Genode Mode = iota
	// Host: the host model's stand-in <fs host="/abs/dir" writeable="yes|no"/>
	// and a ROM route that rewrites the binary's label to its host path.
	Host
)

// Options parameterise the translation.
type Options struct {
	ID      string // container id, used as the start name
	Bundle  string // bundle directory; root.path is relative to it
	Version string // start version ("" leaves it unset)
	Mode    Mode

	// Genode mode: servers and the container's directory on them.
	FSServer     string // default "containers_fs"
	ROMServer    string // default "image_rom"
	ContainerDir string // default "/containers/<id>"

	DefaultCaps uint64        // default 300
	DefaultRAM  initcfg.Bytes // without linux.resources.memory.limit; default 64M

	// IgnoreUnknown lists properties the pinned runtime-spec does not
	// define in Result.Unknown instead of refusing them: runtime-spec says a
	// runtime MUST NOT fail on an unknown property (config.md), so runc
	// ignores them, with a warning that names each.
	IgnoreUnknown bool

	// Stdio names where the container's streams go. Each non-empty target is routed as a Terminal session.
	Stdio          Stdio
	TerminalServer string // Genode mode: the server of those sessions, default "container_terminal"
	PipeServer     string // Genode mode: the VFS server of a stdin named pipe (StdinFifo), default "container_pipes"

	// ChildName gives the init child of another container by its id
	// (AnnNetworkOf); nil: the id.
	ChildName func(id string) string

	// StackServer names a sibling that serves socket stacks, a vfs server
	// (StackServerStart): the container's own stack (AnnNetwork) is then
	// that server's, Result.Network, and the stack it shares (AnnNetworkOf)
	// is reached there too. Its exec processes share the stack so.
	StackServer string
}

// Result is the translation of one bundle.
type Result struct {
	Start       *initcfg.Start
	Annotations map[string]string // all annotations, for runc's state
	Binary      string            // args[0] resolved inside the rootfs (container path)
	HostBinary  string            // the same file on the host
	RootFS      string            // host path of the rootfs
	NoOps       []string          // fields present and accepted as no-ops
	Unknown     []string          // properties runtime-spec does not define, ignored (Options.IgnoreUnknown)
	Terminals   []TerminalSession // the stdio sessions routed to Options.Stdio targets
	// Network is the container's own socket stack when Options.StackServer
	// serves it: what that server's <vfs> must hold.
	Network *node.Node
	// Hooks are the hooks the caller runs itself, host side, with the OCI
	// state on stdin: only prestart, createRuntime, poststart, poststop;
	// nil when there are none.
	Hooks *specs.Hooks
}

// Annotation keys of the Genode extension.
const (
	AnnCaps         = "org.genode.caps"           // capability quota
	AnnPriority     = "org.genode.priority"       // 0, -1, ... (init priority)
	AnnRoutes       = "org.genode.routes"         // extra <route> rules, HID or XML
	AnnSkipKernelFS = "org.genode.skip-kernel-fs" // "yes": proc/sysfs/cgroup/devpts/mqueue mounts are no-ops
	AnnVersion      = "org.genode.version"        // start version
	AnnNetwork      = "org.genode.network"        // the socket stack: an <lwip> or <lxip> node, HID or XML
	// AnnNetworkServer "yes": the container serves its socket stack to
	// others as a File_system session (a pod's sandbox on Genode is the
	// pod's vfs server); AnnNetworkOf: the container's socket file system
	// is that session of the named container, whose stack it shares.
	AnnNetworkServer = "org.genode.network-server"
	AnnNetworkOf     = "org.genode.network-of"
	// AnnPod "yes": the container is a pod's sandbox, started in a sub-init
	// of its own (the pod); AnnPodOf: the container joins the sub-init of
	// the named pod's sandbox. runc's genode backend places them; the start
	// node is the same.
	AnnPod          = "org.genode.pod"
	AnnPodOf        = "org.genode.pod-of"
	annGenodePrefix = "org.genode."
)

// LoadBundle reads config.json of a bundle. Fields that runtime-spec
// v1.3.0 does not define (and that would be silently dropped) are reported
// as refusals by Translate through the returned unknown list.
func LoadBundle(dir string) (*specs.Spec, []string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, nil, err
	}
	return ParseSpec(data)
}

// ParseSpec decodes config.json and lists the non-empty fields unknown to
// runtime-spec v1.3.0.
func ParseSpec(data []byte) (*specs.Spec, []string, error) {
	var s specs.Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, nil, fmt.Errorf("config.json: %w", err)
	}
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, nil, err
	}
	back, _ := json.Marshal(&s)
	var known any
	_ = json.Unmarshal(back, &known)
	var unknown []string
	diffKeys("", raw, known, &unknown)
	sort.Strings(unknown)
	return &s, unknown, nil
}

func nonZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

func diffKeys(prefix string, raw, known any, out *[]string) {
	switch r := raw.(type) {
	case map[string]any:
		k, _ := known.(map[string]any)
		for key, v := range r {
			p := key
			if prefix != "" {
				p = prefix + "." + key
			}
			if prefix == "annotations" || strings.HasSuffix(prefix, "sysctl") || strings.HasSuffix(prefix, "unified") || strings.HasSuffix(prefix, "rdma") || strings.HasSuffix(prefix, "timeOffsets") {
				continue
			}
			kv, ok := k[key]
			if !ok {
				// encoding/json also fills a field whose name matches
				// case-insensitively (the schema's "hwConfig" is the Go
				// tag "hwconfig")
				for kk, v2 := range k {
					if strings.EqualFold(kk, key) {
						kv, ok = v2, true
						break
					}
				}
			}
			if !ok {
				if nonZero(v) {
					*out = append(*out, p)
				}
				continue
			}
			diffKeys(p, v, kv, out)
		}
	case []any:
		k, _ := known.([]any)
		for i, v := range r {
			if i < len(k) {
				diffKeys(fmt.Sprintf("%s[%d]", prefix, i), v, k[i], out)
			}
		}
	}
}

// Translate turns a spec into a start node. unknown lists fields from
// ParseSpec that the pinned runtime-spec does not know; each is refused,
// or, with Options.IgnoreUnknown, listed in Result.Unknown.
func Translate(s *specs.Spec, unknown []string, o Options) (*Result, error) {
	c := &collector{}
	var ignored []string
	for _, u := range unknown {
		if o.IgnoreUnknown {
			ignored = append(ignored, u)
			continue
		}
		c.refuse(u, "not defined by runtime-spec v%s, so its meaning cannot be honoured", specs.Version)
	}
	if o.FSServer == "" {
		o.FSServer = "containers_fs"
	}
	if o.ROMServer == "" {
		o.ROMServer = "image_rom"
	}
	if o.PipeServer == "" {
		o.PipeServer = "container_pipes"
	}
	if o.TerminalServer == "" {
		o.TerminalServer = "container_terminal"
	}
	if o.ContainerDir == "" {
		o.ContainerDir = "/containers/" + o.ID
	}
	if o.DefaultCaps == 0 {
		o.DefaultCaps = 300
	}
	if o.DefaultRAM == 0 {
		o.DefaultRAM = 64 * initcfg.MiB
	}
	if !validID(o.ID) {
		c.refuse("id", "start name %q must be 1-63 characters of [A-Za-z0-9._-] (init's name of the child, and a session-label element)", o.ID)
	}
	res := &Result{Annotations: map[string]string{}, Unknown: ignored}
	st := &initcfg.Start{Name: o.ID, Version: o.Version, Caps: o.DefaultCaps, RAM: o.DefaultRAM}
	res.Start = st
	for k, v := range s.Annotations {
		res.Annotations[k] = v
	}

	// ociVersion
	if !strings.HasPrefix(s.Version, "1.") {
		c.refuse("ociVersion", "version %q is not a 1.x runtime spec", s.Version)
	}

	// platforms other than Linux
	if s.Solaris != nil {
		c.refuse("solaris", "Solaris settings have no Genode equivalent")
	}
	if s.Windows != nil {
		c.refuse("windows", "Windows settings have no Genode equivalent")
	}
	if v := s.VM; v != nil {
		const why = "virtual-machine containers are not supported: the container is a component of init, not a guest"
		c.refuseObject("vm", why,
			member{"hypervisor", v.Hypervisor.Path != "" || len(v.Hypervisor.Parameters) > 0, why},
			member{"kernel", v.Kernel.Path != "" || len(v.Kernel.Parameters) > 0 || v.Kernel.InitRD != "", why},
			member{"image", v.Image.Path != "" || v.Image.Format != "", why},
			member{"hwConfig", v.HwConfig != nil, "device tree, vCPUs, memory, I/O memory and IRQs are handed to a VM guest; a component gets devices only through sessions its routes name"})
	}
	if s.ZOS != nil {
		c.refuse("zos", "z/OS settings have no Genode equivalent")
	}
	if f := s.FreeBSD; f != nil {
		c.refuseObject("freebsd", "FreeBSD kernel settings have no Genode equivalent (Genode's libc derives from FreeBSD's, but there are no jails or devfs)",
			member{"devices", len(f.Devices) > 0, "no devfs: device access is a session route, not a device node"},
			member{"jail", f.Jail != nil, "no jails: a component is isolated by construction, and its addresses, host name and IPC are whatever its routes reach"})
	}
	if h := s.Hooks; h != nil {
		res.Hooks = translateHooks(c, h)
	}
	if s.Hostname != "" {
		c.refuse("hostname", "Genode's libc always reports \"localhost\" (sysctl.cc)")
	}
	if s.Domainname != "" {
		c.refuse("domainname", "Genode's libc has no domain name")
	}

	// annotations: the Genode extension
	skipKernelFS := false
	var extraRoutes []initcfg.Rule
	var network *node.Node
	serveNetwork, networkOf := false, ""
	pod, podOf := false, ""
	keys := make([]string, 0, len(s.Annotations))
	for k := range s.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := s.Annotations[k]
		if !strings.HasPrefix(k, annGenodePrefix) {
			continue
		}
		f := "annotations." + k
		switch k {
		case AnnCaps:
			n, err := node.ParseUnsigned(v)
			if err != nil || n == 0 {
				c.refuse(f, "expected a positive number of capabilities, got %q", v)
			} else {
				st.Caps = n
			}
		case AnnPriority:
			n, err := node.ParseSigned(v)
			if err != nil || n > 0 || n < math.MinInt32 {
				c.refuse(f, "expected 0 or a negative priority, got %q", v)
			} else {
				st.Priority = int(n)
			}
		case AnnVersion:
			if v == "" || strings.ContainsAny(v, "|\"\n") {
				c.refuse(f, "version must be non-empty without '|', '\"' or newline")
			} else {
				st.Version = v
			}
		case AnnSkipKernelFS:
			skipKernelFS = c.yesNo(f, v)
		case AnnRoutes:
			rules, err := parseRoutes(v)
			if err != nil {
				c.refuse(f, "%v", err)
			} else {
				extraRoutes = rules
			}
		case AnnNetwork:
			n, err := parseNetwork(v)
			if err != nil {
				c.refuse(f, "%v", err)
			} else {
				network = n
			}
		case AnnNetworkServer:
			serveNetwork = c.yesNo(f, v)
		case AnnNetworkOf:
			networkOf = c.containerID(f, v, "the id of the container whose socket stack this one shares")
		case AnnPod:
			pod = c.yesNo(f, v)
		case AnnPodOf:
			podOf = c.containerID(f, v, "the id of the pod's sandbox container")
		default:
			c.refuse(f, "unknown Genode annotation (known: %s)", strings.Join([]string{AnnCaps, AnnNetwork, AnnNetworkOf,
				AnnNetworkServer, AnnPod, AnnPodOf, AnnPriority, AnnRoutes, AnnSkipKernelFS, AnnVersion}, ", "))
		}
	}
	if pod && podOf != "" {
		c.refuse("annotations."+AnnPodOf, "a pod's sandbox (%s) is in its own pod", AnnPod)
	}
	switch {
	case serveNetwork && network == nil:
		c.refuse("annotations."+AnnNetworkServer, "serves the container's own socket stack, which %s names: there is none", AnnNetwork)
	case networkOf != "" && network != nil:
		c.refuse("annotations."+AnnNetworkOf, "a container has one socket stack: its own (%s) or another's, not both", AnnNetwork)
	case networkOf != "" && serveNetwork:
		c.refuse("annotations."+AnnNetworkOf, "a container that serves its stack (%s) has its own", AnnNetworkServer)
	}
	// the child whose File_system session is the container's /socket
	stackServer := ""
	switch {
	case networkOf != "" && o.StackServer != "":
		stackServer = o.StackServer
	case networkOf != "":
		stackServer = networkOf
		if o.ChildName != nil {
			stackServer = o.ChildName(networkOf)
		}
	case network != nil && !serveNetwork && o.StackServer != "":
		stackServer = o.StackServer
		res.Network = network
	}
	if stackServer != "" {
		extraRoutes = append([]initcfg.Rule{{Service: "File_system", Label: "socket",
			Targets: []initcfg.Target{{Kind: initcfg.Child, Name: stackServer}}}}, extraRoutes...)
	}

	// root
	var rootfs string
	rootReadonly := false
	if s.Root == nil || s.Root.Path == "" {
		c.refuse("root.path", "a root file system is required")
	} else {
		rootfs = s.Root.Path
		relative := !filepath.IsAbs(rootfs)
		if relative {
			rootfs = filepath.Join(o.Bundle, rootfs)
		}
		rootfs = filepath.Clean(rootfs)
		if fi, err := os.Stat(rootfs); err != nil || !fi.IsDir() {
			c.refuse("root.path", "%s is not a directory", rootfs)
		} else if why := dirProblem(rootfs, o.Bundle, relative); why != "" {
			c.refuse("root.path", "%s", why)
		}
		rootReadonly = s.Root.Readonly
	}
	res.RootFS = rootfs

	cfg := &initcfg.ChildConfig{Libc: &initcfg.Libc{}}
	st.Config = cfg

	// process
	p := s.Process
	terminal := false
	if p == nil {
		c.refuse("process", "a process is required to start the container")
	} else {
		terminal = p.Terminal
		if p.ConsoleSize != nil {
			c.noop("process.consoleSize")
		}
		if p.CommandLine != "" {
			c.refuse("process.commandLine", "Windows only")
		}
		if p.User.Username != "" {
			c.refuse("process.user.username", "Windows only")
		}
		if p.User.UID != 0 || p.User.GID != 0 {
			// cosmetic: answers getpwuid() only; getuid() is always 0 on Genode
			cfg.Libc.Children = append(cfg.Libc.Children, node.New("passwd", "uid", strconv.FormatUint(uint64(p.User.UID), 10), "gid", strconv.FormatUint(uint64(p.User.GID), 10)))
			c.noop("process.user.uid/gid (getuid() is always 0; <passwd> answers getpwent())")
		}
		if p.User.Umask != nil {
			c.noop("process.user.umask")
		}
		if len(p.User.AdditionalGids) > 0 {
			c.noop("process.user.additionalGids")
		}
		if p.Capabilities != nil {
			c.noop("process.capabilities")
		}
		if p.NoNewPrivileges {
			c.noop("process.noNewPrivileges")
		}
		if p.ApparmorProfile != "" {
			c.refuse("process.apparmorProfile", "no AppArmor on Genode; the routes are the policy")
		}
		if p.SelinuxLabel != "" {
			c.refuse("process.selinuxLabel", "no SELinux on Genode; the routes are the policy")
		}
		if p.OOMScoreAdj != nil {
			c.noop("process.oomScoreAdj")
		}
		if p.Scheduler != nil {
			c.refuse("process.scheduler", "Linux scheduling policies do not exist; use the %s annotation for init's priority", AnnPriority)
		}
		if p.IOPriority != nil {
			c.refuse("process.ioPriority", "no I/O priorities on Genode")
		}
		if p.ExecCPUAffinity != nil {
			c.refuse("process.execCPUAffinity", "affinity of exec'd processes is not supported; use linux.resources.cpu.cpus")
		}
		for i, r := range p.Rlimits {
			f := fmt.Sprintf("process.rlimits[%d]", i)
			if r.Type == "RLIMIT_NOFILE" {
				c.noop(f + " (RLIMIT_NOFILE: libc's descriptor table is fixed)")
				continue
			}
			c.refuse(f, "%s cannot be set: Genode's setrlimit is a stub and getrlimit is fixed", r.Type)
		}

		// environment
		pathEnv := ""
		envSeen := map[string]int{}
		for i, e := range p.Env {
			f := fmt.Sprintf("process.env[%d]", i)
			k, v, ok := strings.Cut(e, "=")
			if !ok || k == "" {
				c.refuse(f, "%q is not NAME=VALUE", e)
				continue
			}
			if prob := envNameProblem(k); prob != "" {
				c.refuse(f, "name %q %s", k, prob)
				continue
			}
			if prob := initcfg.ArgProblem(v); prob != "" {
				c.refuse(f, "value %s", prob)
				continue
			}
			if j, dup := envSeen[k]; dup {
				cfg.Env[j].Value = v // the last definition wins, as with execve
			} else {
				envSeen[k] = len(cfg.Env)
				cfg.Env = append(cfg.Env, initcfg.EnvVar{Name: k, Value: v})
			}
			if k == "PATH" {
				pathEnv = v
			}
		}

		// cwd
		cwd := p.Cwd
		if cwd == "" || !strings.HasPrefix(cwd, "/") {
			c.refuse("process.cwd", "must be an absolute path, got %q", cwd)
			cwd = "/"
		} else if path.Clean(cwd) != cwd && cwd != "/" {
			cwd = path.Clean(cwd)
		}
		if bad := attrProblem(cwd); bad != "" {
			c.refuse("process.cwd", "%s", bad)
		}
		if len(cwd) > maxPath {
			c.refuse("process.cwd", "%d bytes: longer than Genode's path limit (%d)", len(cwd), maxPath)
		}
		cfg.Libc.Set("cwd", cwd)

		// args
		if len(p.Args) == 0 {
			c.refuse("process.args", "at least one argument (the program) is required")
		}
		for i, a := range p.Args {
			if prob := initcfg.ArgProblem(a); prob != "" {
				c.refuse(fmt.Sprintf("process.args[%d]", i), "%s", prob)
			}
		}
		cfg.Args = append(cfg.Args, p.Args...)
		if len(p.Args) > 0 && rootfs != "" {
			cp, hp, err := lookPath(bindView(rootfs, s.Mounts, o.Bundle), cwd, p.Args[0], pathEnv)
			if err != nil {
				c.refuse("process.args[0]", "%q cannot be executed from the rootfs: %v", p.Args[0], err)
			} else if bad := attrProblem(cp); bad != "" {
				c.refuse("process.args[0]", "resolved path %s", bad)
			} else if len(cp) > maxPath {
				c.refuse("process.args[0]", "resolved path of %d bytes: longer than Genode's path limit (%d)", len(cp), maxPath)
			} else {
				// the binary ROM is named by its symlink-free path: the ROM
				// server looks the file up without following links
				res.Binary, res.HostBinary = cp, hp
				st.Binary = cp
			}
		}
	}

	// linux
	if l := s.Linux; l != nil {
		if len(l.UIDMappings) > 0 {
			c.noop("linux.uidMappings")
		}
		if len(l.GIDMappings) > 0 {
			c.noop("linux.gidMappings")
		}
		for _, k := range sortedKeys(l.Sysctl) {
			c.refuse("linux.sysctl."+k, "no kernel parameters on Genode")
		}
		if l.CgroupsPath != "" {
			c.noop("linux.cgroupsPath")
		}
		for i, ns := range l.Namespaces {
			f := fmt.Sprintf("linux.namespaces[%d]", i)
			if ns.Path != "" {
				c.refuse(f+".path", "joining an existing %s namespace is not supported (share a server instead)", ns.Type)
				continue
			}
			c.noop(f + " (" + string(ns.Type) + ": every Genode component is isolated)")
		}
		for i := range l.Devices {
			c.refuse(fmt.Sprintf("linux.devices[%d]", i), "device nodes do not exist; device access is a session route")
		}
		if l.Seccomp != nil {
			c.refuse("linux.seccomp", "libc calls cannot be filtered; the routes define what the container reaches")
		}
		if l.RootfsPropagation != "" {
			c.noop("linux.rootfsPropagation")
		}
		for i, mp := range l.MaskedPaths {
			if !under(mp, "/proc") && !under(mp, "/sys") {
				c.refuse(fmt.Sprintf("linux.maskedPaths[%d]", i), "paths of the rootfs cannot be masked")
			} else {
				c.noop(fmt.Sprintf("linux.maskedPaths[%d]", i))
			}
		}
		for i, rp := range l.ReadonlyPaths {
			if !under(rp, "/proc") && !under(rp, "/sys") {
				c.refuse(fmt.Sprintf("linux.readonlyPaths[%d]", i), "parts of the rootfs cannot be made read-only")
			} else {
				c.noop(fmt.Sprintf("linux.readonlyPaths[%d]", i))
			}
		}
		if l.MountLabel != "" {
			c.refuse("linux.mountLabel", "no SELinux on Genode")
		}
		if r := l.IntelRdt; r != nil {
			const why = "no resctrl (cache and memory-bandwidth allocation) on Genode"
			c.refuseObject("linux.intelRdt", why,
				member{"closID", r.ClosID != "", why},
				member{"l3CacheSchema", r.L3CacheSchema != "", why},
				member{"memBwSchema", r.MemBwSchema != "", why},
				member{"schemata", len(r.Schemata) > 0, why},
				member{"enableMonitoring", r.EnableMonitoring, "no resctrl monitoring groups on Genode"})
		}
		for _, k := range sortedKeys(l.NetDevices) {
			c.refuse("linux.netDevices."+k, "a host network device cannot be moved into a component; networking is a Nic or Uplink session (route it with %s)", AnnRoutes)
		}
		if mp := l.MemoryPolicy; mp != nil {
			if mp.Mode == specs.MpolDefault && mp.Nodes == "" && len(mp.Flags) == 0 {
				c.noop("linux.memoryPolicy (MPOL_DEFAULT: the allocator's own placement)")
			} else {
				c.refuse("linux.memoryPolicy", "no NUMA memory policy on Genode (%s): RAM comes from the container's quota without node placement", mp.Mode)
			}
		}
		if l.Personality != nil {
			c.refuse("linux.personality", "no execution domains on Genode")
		}
		if len(l.TimeOffsets) > 0 {
			c.refuse("linux.timeOffsets", "no time namespaces on Genode")
		}
		if r := l.Resources; r != nil {
			translateResources(c, r, st)
		}
	}

	// file systems: mounts, /dev, rootfs
	stdio := planStdio(c, terminal, o.Stdio, o)
	res.Terminals = stdio.sessions
	vfs, binds, fileROMs := translateMounts(c, s.Mounts, o, skipKernelFS, rootfs, rootReadonly, stdio.dev)
	cfg.VFS = vfs
	cfg.Libc.Set("stdin", stdio.libc[0])
	cfg.Libc.Set("stdout", stdio.libc[1])
	cfg.Libc.Set("stderr", stdio.libc[2])
	cfg.Libc.Set("rtc", "/dev/rtc")
	cfg.Libc.Set("rng", "/dev/random")
	cfg.Libc.Set("pipe", "/dev/pipe")
	// the container's main process is its pid 1
	cfg.Libc.Set("pid", "1")
	switch {
	case stackServer != "":
		vfs.Add(node.New("dir", "name", "socket").Add(node.New("fs", "label", "socket")))
		cfg.Libc.Set("socket", "/socket")
	case network != nil:
		// its own IP stack, whose Nic session the parent routes (on
		// Genode to a NIC router domain chosen by the session label)
		vfs.Add(node.New("dir", "name", "socket").Add(network))
		cfg.Libc.Set("socket", "/socket")
		if serveNetwork {
			// as a vfs server serves it: the stack's directory, to all
			st.Provides = append(st.Provides, "File_system")
			cfg.Extra = append(cfg.Extra, node.New("default-policy", "root", "/socket", "writeable", "yes"))
		}
	}
	sortLibc(cfg.Libc)

	st.Route = buildRoute(o, res.Binary, res.HostBinary, rootReadonly, binds, stdio.routes(o), append(fileROMs, extraRoutes...))
	if network != nil && stackServer == "" {
		st.Route.Rules = append(st.Route.Rules, initcfg.Rule{Service: "Nic", Targets: []initcfg.Target{{Kind: initcfg.Parent}}})
	}

	if err := c.err(); err != nil {
		return nil, err
	}
	// last line of defence: the start node must be representable
	n := st.Node()
	if err := n.CheckHID(); err != nil {
		return nil, &RefusedError{Refusals: []Refusal{{Field: "(generated start node)", Reason: err.Error()}}}
	}
	res.NoOps = c.noops
	return res, nil
}

// translateHooks keeps the hooks that run in the runtime's namespace (runc
// runs them as programs in its own view) and refuses those that must run
// inside the container.
func translateHooks(c *collector, h *specs.Hooks) *specs.Hooks {
	for _, x := range []struct {
		n string
		l []specs.Hook
	}{{"createContainer", h.CreateContainer}, {"startContainer", h.StartContainer}} {
		if len(x.l) > 0 {
			c.refuse("hooks."+x.n, "runs inside the container's mount namespace after it is set up, which a Genode component does not have: its view is built by its VFS from sessions, not by mounts a runtime could enter")
		}
	}
	check := func(kind string, l []specs.Hook) []specs.Hook {
		for i, k := range l {
			f := fmt.Sprintf("hooks.%s[%d]", kind, i)
			if !path.IsAbs(k.Path) {
				c.refuse(f+".path", "must be an absolute path, got %q", k.Path)
			}
			if k.Timeout != nil && *k.Timeout <= 0 {
				c.refuse(f+".timeout", "must be greater than zero, got %d", *k.Timeout)
			}
		}
		return l
	}
	r := &specs.Hooks{
		Prestart:      check("prestart", h.Prestart),
		CreateRuntime: check("createRuntime", h.CreateRuntime),
		Poststart:     check("poststart", h.Poststart),
		Poststop:      check("poststop", h.Poststop),
	}
	if len(r.Prestart)+len(r.CreateRuntime)+len(r.Poststart)+len(r.Poststop) == 0 {
		return nil
	}
	return r
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortLibc(l *initcfg.Libc) {
	order := map[string]int{"stdin": 0, "stdout": 1, "stderr": 2, "rtc": 3, "rng": 4, "pipe": 5, "cwd": 6, "pid": 7}
	sort.SliceStable(l.Attrs, func(i, j int) bool { return order[l.Attrs[i].Name] < order[l.Attrs[j].Name] })
}

func validID(id string) bool {
	if id == "" || len(id) > initcfg.MaxName || id == "." || id == ".." {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func envNameProblem(k string) string {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x21 || c == 0x7f || c == '|' || c == '"' {
			return "contains a character HID or XML cannot carry in a name"
		}
	}
	if strings.HasSuffix(k, ":") || strings.Contains(k, ": ") {
		return "looks like a HID attribute tag"
	}
	return ""
}

// attrProblem tells why s cannot be an attribute value in HID and XML.
func attrProblem(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '|' || c == '"' {
			return fmt.Sprintf("%q contains a character ('|', '\"' or a control character) that a Genode attribute cannot carry", s)
		}
	}
	if strings.TrimSpace(s) != s {
		return fmt.Sprintf("%q has leading or trailing spaces", s)
	}
	return ""
}

func under(p, dir string) bool {
	p = path.Clean(p)
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// parseRoutes reads the org.genode.routes annotation: route rules as the
// body of a <route> node, in HID ("+ service Nic | + child nic_router") or
// XML ("<service name="Nic"><child name="nic_router"/></service>").
func parseRoutes(v string) ([]initcfg.Rule, error) {
	var doc string
	if strings.HasPrefix(strings.TrimLeft(v, " \t\n"), "<") {
		doc = "<route>" + v + "</route>"
	} else {
		doc = "route\n" + strings.TrimRight(v, "\n") + "\n-\n"
	}
	n, err := node.Parse([]byte(doc))
	if err != nil {
		return nil, err
	}
	c, err := initcfg.FromNode(node.New("config").Add(node.New("start", "name", "x").Add(n)))
	if err != nil {
		return nil, err
	}
	return c.Starts[0].Route.Rules, nil
}

// parseNetwork reads the org.genode.network annotation: the container's
// socket file system, one <lwip> or <lxip> node in HID
// ("lwip | ip_addr: 172.17.0.2 | netmask: 255.255.0.0 | label: bridge") or
// XML, with a static address or dhcp="yes".
func parseNetwork(v string) (*node.Node, error) {
	doc := v
	if !strings.HasPrefix(strings.TrimLeft(v, " \t\n"), "<") {
		doc = strings.TrimRight(v, "\n") + "\n-\n"
	}
	n, err := node.Parse([]byte(doc))
	if err != nil {
		return nil, err
	}
	if n.Type != "lwip" && n.Type != "lxip" {
		return nil, fmt.Errorf("<%s>: expected an <lwip> or <lxip> socket file system", n.Type)
	}
	if len(n.Children) > 0 {
		return nil, fmt.Errorf("<%s>: unexpected sub node <%s>", n.Type, n.Children[0].Type)
	}
	addr := false
	for _, a := range n.Attrs {
		switch a.Name {
		case "ip_addr", "netmask", "gateway", "nameserver":
			if ip, err := netip.ParseAddr(a.Value); err != nil || !ip.Is4() {
				return nil, fmt.Errorf("<%s %s=%q>: not an IPv4 address", n.Type, a.Name, a.Value)
			}
			addr = addr || a.Name == "ip_addr"
		case "dhcp":
			if _, err := node.ParseBool(a.Value); err != nil {
				return nil, fmt.Errorf("<%s dhcp=%q>: %v", n.Type, a.Value, err)
			}
		case "mtu":
			if _, err := node.ParseUnsigned(a.Value); err != nil {
				return nil, fmt.Errorf("<%s mtu=%q>: %v", n.Type, a.Value, err)
			}
		case "label":
			if p := attrProblem(a.Value); p != "" {
				return nil, fmt.Errorf("<%s label=%q>: %s", n.Type, a.Value, p)
			}
		default:
			return nil, fmt.Errorf("<%s>: unknown attribute %q (known: ip_addr, netmask, gateway, nameserver, dhcp, mtu, label)", n.Type, a.Name)
		}
	}
	if d, _ := n.Attr("dhcp"); !addr && !isTrue(d) {
		return nil, fmt.Errorf("<%s>: needs ip_addr (and netmask) or dhcp=\"yes\"", n.Type)
	}
	return n, nil
}

func isTrue(v string) bool { b, err := node.ParseBool(v); return err == nil && b }

func translateResources(c *collector, r *specs.LinuxResources, st *initcfg.Start) {
	for i, d := range r.Devices {
		f := fmt.Sprintf("linux.resources.devices[%d]", i)
		if d.Allow {
			c.refuse(f, "device access cannot be granted by a cgroup rule; it is a session route")
		} else {
			c.noop(f + " (deny: no device is reachable without a route)")
		}
	}
	if m := r.Memory; m != nil {
		if m.Limit != nil {
			switch {
			case *m.Limit <= 0:
				if *m.Limit != -1 {
					c.refuse("linux.resources.memory.limit", "invalid limit %d", *m.Limit)
				}
			default:
				st.RAM = initcfg.Bytes(*m.Limit)
			}
		}
		if m.Reservation != nil {
			c.noop("linux.resources.memory.reservation (ram is always reserved in full)")
		}
		if m.Swap != nil {
			if m.Limit == nil || *m.Swap > *m.Limit && *m.Swap != -1 {
				c.refuse("linux.resources.memory.swap", "Genode has no swap")
			} else {
				c.noop("linux.resources.memory.swap")
			}
		}
		if m.Kernel != nil {
			c.refuse("linux.resources.memory.kernel", "kernel memory is bounded by caps, not bytes")
		}
		if m.KernelTCP != nil {
			c.refuse("linux.resources.memory.kernelTCP", "no kernel TCP buffers on Genode")
		}
		if m.Swappiness != nil {
			c.noop("linux.resources.memory.swappiness")
		}
		if m.DisableOOMKiller != nil {
			c.noop("linux.resources.memory.disableOOMKiller (Genode never kills on exhaustion; the child blocks)")
		}
		if m.UseHierarchy != nil {
			c.noop("linux.resources.memory.useHierarchy")
		}
		if m.CheckBeforeUpdate != nil {
			c.noop("linux.resources.memory.checkBeforeUpdate")
		}
	}
	if cpu := r.CPU; cpu != nil {
		if cpu.Shares != nil {
			c.refuse("linux.resources.cpu.shares", "no per-component CPU weight; use the %s annotation", AnnPriority)
		}
		if cpu.Quota != nil && *cpu.Quota > 0 {
			c.refuse("linux.resources.cpu.quota", "CPU quotas were removed from init in Genode 25.11")
		}
		if cpu.Period != nil {
			c.refuse("linux.resources.cpu.period", "CPU quotas were removed from init in Genode 25.11")
		}
		if cpu.Burst != nil {
			c.refuse("linux.resources.cpu.burst", "no CPU bandwidth control on Genode")
		}
		if cpu.RealtimeRuntime != nil || cpu.RealtimePeriod != nil {
			c.refuse("linux.resources.cpu.realtime", "no real-time bandwidth control on Genode")
		}
		if cpu.Idle != nil {
			c.refuse("linux.resources.cpu.idle", "no SCHED_IDLE on Genode")
		}
		if cpu.Mems != "" {
			c.refuse("linux.resources.cpu.mems", "no NUMA memory placement on Genode")
		}
		if cpu.Cpus != "" {
			a, err := parseCpus(cpu.Cpus)
			if err != nil {
				c.refuse("linux.resources.cpu.cpus", "%v", err)
			} else {
				st.Affinity = a
			}
		}
	}
	if p := r.Pids; p != nil {
		switch {
		case p.Limit == nil:
			c.noop("linux.resources.pids (no limit given)")
		case *p.Limit == -1:
			c.noop("linux.resources.pids.limit (-1: no limit, as on Genode)")
		default:
			c.refuse("linux.resources.pids.limit", "limit %d: no process-count limit on Genode; forked processes draw on the container's ram and caps", *p.Limit)
		}
	}
	if r.BlockIO != nil {
		c.refuse("linux.resources.blockIO", "no block-I/O control on Genode")
	}
	if len(r.HugepageLimits) > 0 {
		c.refuse("linux.resources.hugepageLimits", "no huge-page accounting on Genode")
	}
	if r.Network != nil {
		c.refuse("linux.resources.network", "no traffic classes; networking is a Nic route")
	}
	if len(r.Rdma) > 0 {
		c.refuse("linux.resources.rdma", "no RDMA on Genode")
	}
	if len(r.Unified) > 0 {
		c.refuse("linux.resources.unified", "no cgroup v2 files on Genode")
	}
}

// parseCpus accepts one CPU or one contiguous range ("2", "0-3").
func parseCpus(s string) (*initcfg.Affinity, error) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "-")
	a, err1 := strconv.Atoi(lo)
	b := a
	var err2 error
	if isRange {
		b, err2 = strconv.Atoi(hi)
	}
	if err1 != nil || err2 != nil || a < 0 || b < a || strings.Contains(s, ",") {
		return nil, fmt.Errorf("%q: only one CPU or one contiguous range (\"0-3\") maps to an <affinity> within init's <affinity-space>", s)
	}
	return &initcfg.Affinity{XPos: a, Width: b - a + 1}, nil
}

// StackServerStart is the start node of Genode's vfs server serving the
// socket stack network (a Result.Network) to its siblings as a File_system
// session, as Genode's own scenarios run a socket_fs (dde_linux's
// vfs_cfg.run: caps 200, ram 32M); its Nic session goes to the parent.
func StackServerStart(name string, network *node.Node) *initcfg.Start {
	cfg := &initcfg.ChildConfig{VFS: node.New("vfs").Add(node.New("dir", "name", "socket").Add(network.Clone())),
		Extra: []*node.Node{node.New("default-policy", "root", "/socket", "writeable", "yes")}}
	return &initcfg.Start{Name: name, Caps: 200, RAM: 32 * initcfg.MiB, Binary: "vfs", Provides: []string{"File_system"},
		Config: cfg, Route: &initcfg.Route{Rules: []initcfg.Rule{
			{Service: "Nic", Targets: []initcfg.Target{{Kind: initcfg.Parent}}},
			{Any: true, Targets: []initcfg.Target{{Kind: initcfg.Parent}}},
		}}}
}
