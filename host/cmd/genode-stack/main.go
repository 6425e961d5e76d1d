// Command genode-stack runs containerd on the Linux model of Genode, as a
// child of a dynamic init the way a Genode scenario would host it:
//
//	genode-stack [-dir DIR] [-engine] [-engine-tcp HOST:PORT] up | down | status | restart-containerd | restart-engine
//
// up lays out DIR (default: _build/stack next to this command's bin
// directory), copies the genode binaries into DIR/rom (on Genode: ROM
// modules), writes containerd's config and an init config with containerd
// as a child, starts the init model on it and waits until containerd
// answers on its "unix" socket. down stops the init and with it every
// component it hosts.
//
// The components see DIR's directories at their own host paths (as runc's
// host command does), because runc on the model names a container's rootfs
// to the launcher by the path runc sees: DIR/etc (config.toml, read-only),
// DIR/root (containerd's root), DIR/run (its state, and the socket files
// DIR/run/containerd.sock and .ttrpc). /run/containerd/s, where containerd
// puts shim sockets whatever its state directory, is DIR/s, and
// /run/containerd/fifo, where clients put a task's streams (/var/run links
// to /run), is DIR/fifo. DIR/node stands for the files a node's kubelet and
// runtime share (pod logs in DIR/node/log, the host paths of volumes): the
// CRI's clients (_build/bin/crictl, critest) see it too, and use
// DIR/node/tmp as their TMPDIR.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"genodego/host/launch"
	"genodego/sandbox/node"
)

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "genode-stack: "+format+"\n", args...)
	os.Exit(1)
}

// Stack is the layout of one stack directory.
type Stack struct {
	Dir, Bin string
	Debug    bool
	// Engine: the Docker engine (engine/) runs beside containerd, serving
	// DIR/run/docker.sock and, when EngineTCP is set, that loopback address.
	Engine    bool
	EngineTCP string
	// CRI: containerd serves the CRI on its socket. Mirror, when set, is
	// the HOST:PORT of a plain-HTTP registry every image name is pulled
	// from (certs.d/_default/hosts.toml), so that names stay as given.
	CRI    bool
	Mirror string
}

// RouterConfig is the NIC router's config, which the engine writes.
func (s Stack) RouterConfig() string { return s.path("engine", "nic_router.config") }

// PodsRouterConfig is the pods' NIC router's config, which the CRI writes
// (podsandbox.RouterConfig in the CRI plugin's root).
func (s Stack) PodsRouterConfig() string {
	return s.path("root", "io.containerd.grpc.v1.cri", "genode-pod-network", "nic_router.config")
}

// DockerSocket is the engine's socket file on the host.
func (s Stack) DockerSocket() string { return s.path("run", "docker.sock") }

func (s Stack) path(p ...string) string { return filepath.Join(append([]string{s.Dir}, p...)...) }
func (s Stack) init() launch.InitFiles  { return launch.Init(s.path("init")) }

// Socket is containerd's gRPC socket file on the host.
func (s Stack) Socket() string { return s.path("run", "containerd.sock") }

const config = `version = 3
root = "{{DIR}}/root"
state = "{{DIR}}/run"
{{CRI}}
[grpc]
  address = "{{DIR}}/run/containerd.sock"

[ttrpc]
  address = "{{DIR}}/run/containerd.sock.ttrpc"
`

// noCRI leaves containerd's CRI plugin out: a stack that serves no kubelet.
const noCRI = `
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images", "io.containerd.cri.v1.runtime", "io.containerd.podsandbox.controller.v1.podsandbox"]
`

// criConfig is the CRI plugin's config: images on the native snapshotter,
// registries configured by hosts.toml files in DIR/etc/certs.d.
const criConfig = `
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "native"
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "{{DIR}}/etc/certs.d"
`

// binaries are the genode programs the stack's components load as ROMs:
// NAME.genode-ARCH, ARCH being $GENODE_ARCH (arm64 runs under qemu-user,
// host/launch) or amd64.
var binaries = []string{"containerd", "ctr", "containerd-shim-runc-v2", "runc"}

func main() {
	dir := flag.String("dir", "", "the stack's directory (default: _build/stack beside the bin directory)")
	debug := flag.Bool("debug", false, "containerd and the shims log at debug level")
	engine := flag.Bool("engine", false, "up: start the Docker engine too (DIR/run/docker.sock)")
	engineTCP := flag.String("engine-tcp", "", "up: the engine also serves this loopback `HOST:PORT` (as dockerd -H tcp://)")
	cri := flag.Bool("cri", false, "up: containerd serves the CRI (crictl, a kubelet) on its socket")
	mirror := flag.String("mirror", "", "up, with -cri: pull every image from this plain-HTTP registry `HOST:PORT`, keeping the image names")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: genode-stack [-dir DIR] [-debug] [-engine] [-engine-tcp HOST:PORT] [-cri [-mirror HOST:PORT]] up|down|status|restart-containerd|restart-engine")
		flag.PrintDefaults()
	}
	flag.Parse()
	self, err := os.Executable()
	if err != nil {
		die("%v", err)
	}
	s := Stack{Dir: *dir, Bin: filepath.Dir(self), Debug: *debug, Engine: *engine || *engineTCP != "", EngineTCP: *engineTCP,
		CRI: *cri, Mirror: *mirror}
	if s.Dir == "" {
		s.Dir = filepath.Join(filepath.Dir(s.Bin), "stack")
	}
	if s.Dir, err = filepath.Abs(s.Dir); err != nil {
		die("%v", err)
	}
	switch flag.Arg(0) {
	case "up":
		launch.KeepDescriptors()
		err = s.Up()
	case "down":
		s.Down()
	case "restart-containerd":
		err = s.Restart("containerd", s.Socket())
	case "restart-engine":
		err = s.Restart("engine", s.DockerSocket())
	case "status":
		if pid := s.init().PidOf(); pid != 0 {
			fmt.Printf("running: init pid %d, %s\n", pid, s.Dir)
			state, _ := os.ReadFile(s.init().State)
			os.Stdout.Write(state)
		} else {
			fmt.Printf("stopped: %s\n", s.Dir)
			os.Exit(3)
		}
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		die("%v", err)
	}
}

// Up starts the stack unless it runs.
func (s Stack) Up() error {
	in := s.init()
	if in.PidOf() != 0 {
		return nil
	}
	for _, d := range []string{"etc", "root", "run", "s", "fifo", "opt", "rom", "init", "node", "node/tmp", "node/log"} {
		if err := os.MkdirAll(s.path(d), 0o711); err != nil {
			return err
		}
	}
	for _, b := range binaries {
		if err := copyFile(filepath.Join(s.Bin, b+".genode-"+launch.Arch()), s.path("rom", b)); err != nil {
			return fmt.Errorf("%v (make containerd)", err)
		}
	}
	if s.Engine {
		if err := os.MkdirAll(s.path("engine"), 0o711); err != nil {
			return err
		}
		if err := copyFile(filepath.Join(s.Bin, "engine.genode-"+launch.Arch()), s.path("rom", "engine")); err != nil {
			return fmt.Errorf("%v (make docker)", err)
		}
		os.Remove(s.DockerSocket())
		// the containers' NIC router, a sibling of the containers' init on
		// Genode, is a host process on the model (host/nicrouter)
		if err := s.startRouter(engineRouter, s.RouterConfig()); err != nil {
			return err
		}
	}
	cri := noCRI
	if s.CRI {
		cri = criConfig
		if err := s.writeHosts(); err != nil {
			return err
		}
		// the pods' NIC router: the CRI writes its config (a pod's host
		// ports are its forwards), a sibling of the containers' init on
		// Genode, a host process on the model
		if err := s.startRouter(podsRouter, s.PodsRouterConfig()); err != nil {
			return err
		}
	}
	cfgText := strings.ReplaceAll(strings.ReplaceAll(config, "{{CRI}}", cri), "{{DIR}}", s.Dir)
	if s.Debug {
		cfgText += "\n[debug]\n  level = \"debug\"\n"
	}
	if err := os.WriteFile(s.path("etc", "config.toml"), []byte(cfgText), 0o644); err != nil {
		return err
	}
	// A socket file of an earlier run names a port nobody listens on.
	os.Remove(s.Socket())
	cfg := s.initConfig()
	if err := os.WriteFile(in.Config, cfg.EncodeHID(), 0o644); err != nil {
		return err
	}
	// The shims' init and the containers' init (runc's root), siblings of
	// containerd's: on Genode all three are children of the scenario's init.
	for _, d := range []string{s.path("run", "shims"), s.path("run", "runc")} {
		if err := os.MkdirAll(d, 0o711); err != nil {
			return err
		}
	}
	if err := os.WriteFile(s.path("run", "shims", "shim.start"), s.shimTemplate().EncodeHID(), 0o644); err != nil {
		return err
	}
	for _, d := range []string{s.path("run", "shims"), s.path("run", "runc")} {
		sub := launch.Init(d)
		if sub.PidOf() != 0 {
			continue
		}
		if _, err := sub.StartInit(s.Bin, "-rom", s.path("rom"), "-run", filepath.Join(d, "children")); err != nil {
			return err
		}
	}
	if _, err := in.StartInit(s.Bin, "-rom", s.path("rom"), "-run", s.path("init", "run")); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		_, err := os.Stat(s.Socket())
		if err == nil && s.Engine {
			_, err = os.Stat(s.DockerSocket())
		}
		if err == nil {
			return s.waitCRI(deadline)
		}
		if in.PidOf() == 0 {
			// CI saw init taken for gone within a second of its start
			// while it went on to start the stack: look once more, and
			// say what was seen
			time.Sleep(500 * time.Millisecond)
			if in.PidOf() != 0 {
				fmt.Fprintf(os.Stderr, "genode-stack: init's pid was not found once\n")
				continue
			}
			pid, _ := os.ReadFile(in.Pid)
			stat, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/stat")
			cmdline, _ := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/cmdline")
			fmt.Fprintf(os.Stderr, "genode-stack: init is gone: pid file %q, stat %q (%v), cmdline %q\n", pid, stat, err, cmdline)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(in.Log)
	s.Down()
	what := "containerd"
	if s.Engine {
		what = "containerd or the engine"
	}
	return fmt.Errorf("%s did not come up; init's log (%s):\n%s", what, in.Log, tail(string(log), 30))
}

// writeHosts writes the registry hosts of the CRI's image service: with a
// mirror, every registry's default host file names it.
func (s Stack) writeHosts() error {
	d := s.path("etc", "certs.d", "_default")
	if s.Mirror == "" {
		os.RemoveAll(d)
		return os.MkdirAll(s.path("etc", "certs.d"), 0o755)
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	hosts := fmt.Sprintf("[host.%q]\n  capabilities = [\"pull\", \"resolve\"]\n", "http://"+s.Mirror)
	return os.WriteFile(filepath.Join(d, "hosts.toml"), []byte(hosts), 0o644)
}

// Restart has init restart its child name (containerd or the engine), as
// Genode's init restarts a child whose <start> version changes, and waits
// until it serves socket again; the shims and containers, children of the
// other inits, are not touched.
func (s Stack) Restart(name, socket string) error {
	in := s.init()
	if in.PidOf() == 0 {
		return fmt.Errorf("the stack is not running (%s)", s.Dir)
	}
	data, err := os.ReadFile(in.Config)
	if err != nil {
		return err
	}
	cfg, err := node.Parse(data)
	if err != nil {
		return err
	}
	found := false
	for _, st := range cfg.All("start") {
		if n, _ := st.Attr("name"); n == name {
			found = true
			v, _ := st.Attr("version")
			n, _ := strconv.Atoi(v)
			st.Set("version", strconv.Itoa(n+1))
		}
	}
	if !found {
		return fmt.Errorf("the stack has no %s (%s)", name, s.Dir)
	}
	os.Remove(socket)
	if err := os.WriteFile(in.Config+".tmp", cfg.EncodeHID(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(in.Config+".tmp", in.Config); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(socket); err == nil {
			if name == "containerd" {
				return s.waitCRI(deadline)
			}
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not come back within 60 s (%s)", name, in.Log)
}

// waitCRI waits, in a stack whose containerd serves the CRI, until the CRI
// answers: containerd listens before its CRI plugin has recovered its pods
// and containers, and until then every CRI call fails ("server is not
// initialized yet"). The check is crictl's own (`crictl info`), run on the
// model as a kubelet's client would be.
func (s Stack) waitCRI(deadline time.Time) error {
	cfg, err := os.ReadFile(s.path("etc", "config.toml"))
	if err != nil || strings.Contains(string(cfg), `"io.containerd.grpc.v1.cri"`) {
		return nil // the CRI plugin is disabled
	}
	crictl := filepath.Join(s.Bin, "crictl")
	if _, err := os.Stat(crictl); err != nil {
		return fmt.Errorf("cannot tell whether containerd's CRI answers: %v (make cri builds it)", err)
	}
	var out []byte
	for time.Now().Before(deadline) {
		c := exec.Command(crictl, "--timeout", "10s", "info")
		c.Env = append(os.Environ(), "GENODE_STACK="+s.Dir)
		if out, err = c.CombinedOutput(); err == nil {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("containerd's CRI did not answer within 60 s: crictl info: %v\n%s", err, out)
}

// Down stops the init and every component it hosts.
func (s Stack) Down() {
	s.init().StopInit()
	launch.Init(s.path("run", "shims")).StopInit()
	launch.Init(s.path("run", "runc")).StopInit()
	os.Remove(s.Socket())
	os.Remove(s.Socket() + ".ttrpc")
	os.Remove(s.DockerSocket())
	s.stopRouter(engineRouter)
	s.stopRouter(podsRouter)
}

// A NIC router of the stack: "nic_router", the docker engine's bridge, or
// "pods_nic_router", the CRI's pods; each is a process of the router's model
// following the config its owner writes.
const (
	engineRouter = "nic_router"
	podsRouter   = "pods_nic_router"
)

func (s Stack) routerPid(name string) int {
	data, err := os.ReadFile(s.path("run", name+".pid"))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 || !launch.Running(pid) {
		return 0
	}
	if cmd, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline"); err != nil || !strings.Contains(string(cmd), "genode-nic-router") {
		return 0
	}
	return pid
}

func (s Stack) startRouter(name, config string) error {
	if s.routerPid(name) != 0 {
		return nil
	}
	logf, err := os.OpenFile(s.path("run", name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(s.Bin, "genode-nic-router"), "-config", config)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("the NIC router model: %v (make host-tools)", err)
	}
	pid := cmd.Process.Pid
	cmd.Process.Release()
	return os.WriteFile(s.path("run", name+".pid"), []byte(strconv.Itoa(pid)+"\n"), 0o600)
}

func (s Stack) stopRouter(name string) {
	pid := s.routerPid(name)
	if pid == 0 {
		return
	}
	syscall.Kill(pid, syscall.SIGTERM)
	for i := 0; i < 200 && launch.Running(pid); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if launch.Running(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	os.Remove(s.path("run", name+".pid"))
}

func (s Stack) initConfig() *node.Node {
	cfg := node.New("config")
	pp := node.New("parent-provides")
	for _, svc := range []string{"ROM", "PD", "CPU", "LOG", "Timer", "Rtc", "File_system", "Terminal", "Nic", "Report"} {
		pp.Add(node.New("service", "name", svc))
	}
	cfg.Add(pp)
	cfg.Add(node.New("default-route").Add(node.New("any-service").Add(node.New("parent"))))
	cfg.Add(node.New("report", "ids", "yes", "child_ram", "yes", "delay_ms", "100"))
	cfg.Add(s.containerd())
	if s.Engine {
		cfg.Add(s.engine())
	}
	return cfg
}

// engine is the Docker engine's <start> node: it sees the stack's run
// directory (containerd's socket and its own), the clients' stream directory
// (where the shims connect to the streams it listens on), its root, and
// containerd's root read-only.
func (s Stack) engine() *node.Node {
	args := []string{"engine", "-H", "unix://" + s.DockerSocket(), "--containerd", s.Socket(), "--root", s.path("engine"),
		"--nic-router-config", s.RouterConfig()}
	if s.EngineTCP != "" {
		args = append(args, "-H", "tcp://"+s.EngineTCP)
	}
	return component("engine", "engine", "1000", "512M", func(t *launch.HostTree) {
		t.Mount(s.fs(s.path("run"), "run", "yes"))
		t.Mount(s.fs(s.path("engine"), "engine", "yes"))
		// the client side of a create reads the image's /etc/passwd and
		// group from the snapshot, which containerd's root holds
		t.Mount(s.fs(s.path("root"), "root", "no"))
		t.Mount(s.fs("/run/containerd/fifo", "fifo", "yes"))
	}, args)
}

// component is a stack component's <start> node: the devices, /tmp, the
// pipe and socket file systems every one has, the mounts given, its libc
// logging to LOG, PATH=/bin and env.
func component(name, binary, caps, ram string, mounts func(t *launch.HostTree), args []string, env ...string) *node.Node {
	return componentOn(loopback, name, binary, caps, ram, mounts, args, env...)
}

// loopback is a stack component's socket stack: the host's loopback, where
// the "unix" sockets of the stack are.
var loopback = node.New("lxip", "ip_addr", "127.0.0.1", "netmask", "255.0.0.0")

// nodeStack is containerd's socket stack when it serves the CRI: the node's
// address in the pods' subnet, as the CRI's clients have it (host/cmd/crictl),
// so that containerd reaches a pod at its address (port forwarding). On Genode
// the node's domain is routed to the pods' by the NIC router; the model lays
// the subnet onto the loopback, and 127.0.0.1 stays reachable.
var nodeStack = node.New("lxip", "ip_addr", "10.88.255.254", "netmask", "255.255.0.0")

func componentOn(stack *node.Node, name, binary, caps, ram string, mounts func(t *launch.HostTree), args []string, env ...string) *node.Node {
	start := node.New("start", "name", name, "caps", caps, "ram", ram)
	start.Add(node.New("binary", "name", binary))
	c := node.New("config")
	start.Add(c)
	t := &launch.HostTree{}
	t.Mount("/dev", node.New("log"), node.New("null"), node.New("zero"), node.New("rtc"),
		node.New("jitterentropy", "name", "random"))
	mounts(t)
	t.Mount("/var", node.New("symlink", "name", "run", "target", "/run"))
	t.Mount("/tmp", node.New("ram"))
	t.Mount("/pipe", node.New("pipe"))
	t.Mount("/socket", stack.Clone())
	vfs := node.New("vfs")
	t.Emit(vfs)
	c.Add(vfs)
	c.Add(node.New("libc", "stdout", "/dev/log", "stderr", "/dev/log", "rtc", "/dev/rtc", "rng", "/dev/random",
		"pipe", "/pipe", "socket", "/socket"))
	for _, a := range args {
		c.Add(node.New("arg", "value", a))
	}
	env = append([]string{"PATH", "/bin"}, env...)
	for k := 0; k+1 < len(env); k += 2 {
		c.Add(node.New("env", "key", env[k], "value", env[k+1]))
	}
	return start
}

func (s Stack) fs(path, host, writeable string) (string, *node.Node) {
	return path, node.New("fs", "host", s.path(host), "writeable", writeable)
}

func (s Stack) containerd() *node.Node {
	stack := loopback
	if s.CRI {
		stack = nodeStack
	}
	return componentOn(stack, "containerd", "containerd", "2000", "1G", func(t *launch.HostTree) {
		t.Mount(s.fs(s.path("etc"), "etc", "no"))
		t.Mount(s.fs(s.path("root"), "root", "yes"))
		t.Mount(s.fs(s.path("run"), "run", "yes"))
		t.Mount(s.fs("/run/containerd/s", "s", "yes"))
		t.Mount(s.fs("/opt", "opt", "yes"))
		t.Mount(s.fs("/bin", "rom", "no"))
		t.Mount(s.fs(s.path("node"), "node", "yes"))
	}, []string{"containerd", "--config", s.path("etc", "config.toml")})
}

// shimTemplate is the <start> node the shim manager makes each shim from:
// what a shim may see is the integrator's decision. It sees the stack's
// state (bundles, runc's root, the shims' directory), containerd's root
// read-only (the snapshots runc checks), the shim sockets, the clients'
// stream directory, and runc in /bin. runc names the container's files to
// the model's launcher by their host paths (the views here are the host's).
func (s Stack) shimTemplate() *node.Node {
	return component("shim", "containerd-shim-runc-v2", "1000", "512M", func(t *launch.HostTree) {
		t.Mount(s.fs(s.path("run"), "run", "yes"))
		t.Mount(s.fs(s.path("root"), "root", "no"))
		t.Mount(s.fs("/run/containerd/s", "s", "yes"))
		t.Mount(s.fs("/run/containerd/fifo", "fifo", "yes"))
		t.Mount(s.fs("/bin", "rom", "no"))
		t.Mount(s.fs(s.path("node"), "node", "yes"))
	}, nil, "RUNC_GENODE_FS", "host")
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
