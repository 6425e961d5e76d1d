package launch

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"genodego/sandbox/node"
)

// HostCommand describes a genode program that a host command (_build/bin/runc,
// _build/bin/ctr) runs on the model on behalf of its caller: its view holds
// host directories at their own paths, so that paths on the command line mean
// the same inside, and its stdio is the caller's.
type HostCommand struct {
	Name   string // the component's name and argv[0]
	Binary string // host path of the genode binary
	Argv   []string
	Cwd    string
	RW, RO []string    // host directories seen at their own paths
	Mounts []HostMount // further nodes of the view
	Env    []KV
	Socket bool // the socket file system on the loopback network
	// Address, with Socket, is the stack's own address and netmask instead
	// of the loopback's ("10.88.255.254/255.255.0.0"): the model lays its
	// subnet onto the loopback (host/libc/model_sock.c), so the command
	// reaches peers of that subnet at their addresses.
	Address string
	Caps    string
	RAM     string
}

// Run runs the command on the model until it ends and returns its exit
// status; a command that could not be started returns -1 and why.
func (h HostCommand) Run(ctx context.Context) (int, error) {
	c, err := Resolve(h.Start(), Options{File: "(" + h.Name + ")", Dir: h.Cwd})
	if err != nil {
		return -1, err
	}
	modelDir, err := FindModelDir()
	if err != nil {
		return -1, err
	}
	return c.Run(ctx, RunOptions{ModelDir: modelDir})
}

// HostMount puts nodes at Path of a view.
type HostMount struct {
	Path  string
	Nodes []*node.Node
}

// Start returns the component's <start> node. stdin and stdout are the
// launcher's own descriptors; stderr is a Terminal session routed to the
// caller's stderr, so that messages reach the caller whole and unlabelled (a
// LOG session would prefix and cut each line), and the LOG session where
// stderr cannot be opened by name (a socket).
func (h HostCommand) Start() *node.Node {
	start := node.New("start", "name", h.Name, "caps", h.Caps, "ram", h.RAM)
	start.Add(node.New("binary", "name", h.Binary))
	cfg := node.New("config")
	start.Add(cfg)
	vfs := node.New("vfs")
	tree := &HostTree{}
	dev := []*node.Node{node.New("log"), node.New("null"), node.New("zero"), node.New("rtc"), node.New("terminal"),
		node.New("jitterentropy", "name", "random")}
	stderr := "/dev/log"
	if p := StderrPath(); p != "" {
		stderr = "/dev/stderr"
		dev = append(dev, node.New("terminal", "name", "stderr", "label", "stderr"))
		route := node.New("route")
		route.Add(node.New("service", "name", "Terminal", "label_last", "stderr").Add(node.New("parent", "label", p)))
		route.Add(node.New("any-service").Add(node.New("parent")))
		start.Add(route)
	}
	tree.Mount("/dev", dev...)
	passwd := node.New("inline", "name", "passwd")
	passwd.Content = "root:x:0:0:root:/:/bin/sh\n"
	group := node.New("inline", "name", "group")
	group.Content = "root:x:0:\n"
	tree.Mount("/etc", passwd, group)
	tree.Mount("/pipe", node.New("pipe"))
	if !Covered("/tmp", append(append([]string{}, h.RW...), h.RO...)) {
		// a scratch /tmp, unless the caller's own /tmp is in the view
		tree.Mount("/tmp", node.New("ram"))
	}
	libc := []string{"stdin", "/dev/terminal", "stdout", "/dev/terminal", "stderr", stderr,
		"rtc", "/dev/rtc", "rng", "/dev/random", "pipe", "/pipe", "cwd", h.Cwd}
	if h.Socket {
		ip, mask := "127.0.0.1", "255.0.0.0"
		if h.Address != "" {
			ip, mask, _ = strings.Cut(h.Address, "/")
		}
		tree.Mount("/socket", node.New("lxip", "ip_addr", ip, "netmask", mask))
		libc = append(libc, "socket", "/socket")
	}
	for _, d := range Minimal(h.RW) {
		tree.Mount(d, node.New("fs", "host", d, "writeable", "yes"))
	}
	for _, d := range Minimal(h.RO) {
		if !Covered(d, h.RW) {
			tree.Mount(d, node.New("fs", "host", d, "writeable", "no"))
		}
	}
	for _, m := range h.Mounts {
		tree.Mount(m.Path, m.Nodes...)
	}
	tree.Emit(vfs)
	cfg.Add(vfs)
	cfg.Add(node.New("libc", libc...))
	cfg.Add(node.New("arg", "value", h.Name))
	for _, a := range h.Argv {
		cfg.Add(node.New("arg", "value", a))
	}
	for _, kv := range h.Env {
		cfg.Add(node.New("env", "key", kv.Name, "value", kv.Value))
	}
	return start
}

// ArgDirs are the directories the absolute paths among args name ("/d",
// "-o=/d/f", "--file=/d/f"): a path's own directory, or the directory that
// holds it, so that a file the command is to make can be made.
func ArgDirs(args []string) []string {
	var dirs []string
	for _, a := range args {
		if _, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") {
			a = v
		}
		if !filepath.IsAbs(a) {
			continue
		}
		if fi, err := os.Stat(a); err == nil && fi.IsDir() {
			dirs = append(dirs, a)
		} else if fi, err := os.Stat(filepath.Dir(a)); err == nil && fi.IsDir() {
			dirs = append(dirs, filepath.Dir(a))
		}
	}
	return dirs
}

// StderrPath names this process's stderr for the launcher to open: a
// terminal, file or pipe, through /proc/self/fd (the launcher runs in this
// process).
func StderrPath() string {
	var st unix.Stat_t
	if err := unix.Fstat(2, &st); err != nil {
		return ""
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG, unix.S_IFCHR, unix.S_IFIFO:
		return "/proc/self/fd/2"
	}
	return ""
}

// KeepDescriptors makes every descriptor this process inherited beyond stdio
// close on exec. Go's os/exec passes a descriptor that is not close-on-exec on
// to the child, and an init a host command starts outlives it and hosts
// components whose host processes would inherit them in turn (CVE-2024-21626
// was a runc descriptor reaching a container). Genode's init gets none of its
// starter's descriptors.
func KeepDescriptors() {
	if unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC) == nil {
		return
	}
	ents, _ := os.ReadDir("/proc/self/fd")
	for _, e := range ents {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
}

// Minimal drops directories inside others of the list, and "/".
func Minimal(dirs []string) []string {
	var out []string
	for _, d := range dirs {
		d = filepath.Clean(d)
		if d == "/" || Covered(d, out) {
			continue
		}
		var keep []string
		for _, o := range out {
			if !strings.HasPrefix(o+"/", d+"/") {
				keep = append(keep, o)
			}
		}
		out = append(keep, d)
	}
	return out
}

// Covered reports whether d is one of dirs or inside one.
func Covered(d string, dirs []string) bool {
	for _, o := range dirs {
		if d == o || strings.HasPrefix(d, o+"/") {
			return true
		}
	}
	return false
}

// InitFiles are the files of one init model: its config, the state report it
// writes, its log and the file holding its host pid.
type InitFiles struct {
	Dir, Config, State, Log, Pid string
}

// Init names the files of the init model kept in dir.
func Init(dir string) InitFiles {
	return InitFiles{Dir: dir, Config: filepath.Join(dir, "init.config"), State: filepath.Join(dir, "init.state"),
		Log: filepath.Join(dir, "init.log"), Pid: filepath.Join(dir, "init.pid")}
}

// StartInit starts the init model (genode-init of binDir, launching its
// children with genode-run) in a session of its own, so that it outlives the
// caller, and records its pid. args are further genode-init flags (-rom).
func (f InitFiles) StartInit(binDir string, args ...string) (int, error) {
	logf, err := os.OpenFile(f.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	modelDir, err := FindModelDir()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(filepath.Join(binDir, "genode-init"), "-config", f.Config, "-state", f.State,
		"-launcher", filepath.Join(binDir, "genode-run"))
	cmd.Args = append(cmd.Args, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = f.Dir
	cmd.Env = append(os.Environ(), "GENODE_MODEL_DIR="+modelDir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	pid := cmd.Process.Pid
	cmd.Process.Release()
	return pid, os.WriteFile(f.Pid, []byte(strconv.Itoa(pid)+"\n"), 0o600)
}

// PidOf returns the recorded pid of a running init model, or 0.
func (f InitFiles) PidOf() int {
	data, err := os.ReadFile(f.Pid)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 || !Running(pid) {
		return 0
	}
	if cmd, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline"); err != nil || !strings.Contains(string(cmd), "genode-init") {
		return 0 // a reused pid
	}
	return pid
}

// StopInit ends the init model (TERM, then KILL after 2 s); its children
// end with it (the model gives each the parent-death signal).
func (f InitFiles) StopInit() {
	pid := f.PidOf()
	if pid == 0 {
		return
	}
	syscall.Kill(pid, syscall.SIGTERM)
	for i := 0; i < 200 && Running(pid); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if Running(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	os.Remove(f.Pid)
}

// Running: the process exists and has not exited. A released child that
// exited stays a zombie until the host's pid 1 reaps it, which may take
// seconds; kill(pid, 0) still succeeds on it.
func Running(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 || i+2 >= len(data) {
		return true
	}
	state := data[i+2]
	return state != 'Z' && state != 'X'
}
