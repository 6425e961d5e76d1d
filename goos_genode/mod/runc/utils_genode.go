//go:build genode

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/opencontainers/runc/libcontainer"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli"

	"genodego/sandbox/container"
	"genodego/sandbox/oci"
)

var errEmptyID = errors.New("container id cannot be empty")

type CtAct uint8

const (
	CT_ACT_CREATE CtAct = iota + 1
	CT_ACT_RUN
	CT_ACT_RESTORE
)

// A Genode component cannot hand its file descriptors to another component,
// so whoever starts runc names where a container's streams go: a file or a
// terminal, as a path in runc's view. The container opens its own Terminal
// session to each. Unset, stdin is /dev/null and stdout/stderr go to files
// in the container's state directory (`runc run` copies them to its own).
const (
	envStdin    = "RUNC_GENODE_STDIN"
	envStdout   = "RUNC_GENODE_STDOUT"
	envStderr   = "RUNC_GENODE_STDERR"
	envTerminal = "RUNC_GENODE_TERMINAL"
	// envFS selects how the container's file systems are reached: "genode"
	// (default; File_system sessions to containers_fs, ROMs from image_rom)
	// or "host" (the Linux model's stand-in: host directories).
	envFS = "RUNC_GENODE_FS"
)

func stdioTargets() oci.Stdio {
	return oci.Stdio{Stdin: os.Getenv(envStdin), Stdout: os.Getenv(envStdout), Stderr: os.Getenv(envStderr),
		Terminal: os.Getenv(envTerminal)}
}

func fsMode() (oci.Mode, error) {
	switch v := os.Getenv(envFS); v {
	case "", "genode":
		return oci.Genode, nil
	case "host":
		return oci.Host, nil
	default:
		return 0, fmt.Errorf("%s=%q: expected \"genode\" or \"host\"", envFS, v)
	}
}

// getContainer returns the specified container instance by loading it from
// a state directory (root).
func getContainer(context *cli.Context) (*libcontainer.Container, error) {
	id := context.Args().First()
	if id == "" {
		return nil, errEmptyID
	}
	return libcontainer.Load(context.GlobalString("root"), id)
}

func validateProcessSpec(spec *specs.Process) error {
	if spec == nil {
		return errors.New("process property must not be empty")
	}
	if spec.Cwd == "" {
		return errors.New("Cwd property must not be empty")
	}
	if !filepath.IsAbs(spec.Cwd) {
		return errors.New("Cwd must be an absolute path")
	}
	if len(spec.Args) == 0 {
		return errors.New("args must not be empty")
	}
	return nil
}

// Genode has no users whose runtime directories runc could honour.
func shouldHonorXDGRuntimeDir() bool { return false }

func seccompVersion() (uint, uint, uint) { return 0, 0, 0 }

// refuseLinuxIO refuses the options that pass descriptors or sockets, which
// Genode cannot.
func refuseLinuxIO(context *cli.Context) error {
	if s := context.String("console-socket"); s != "" {
		return fmt.Errorf("--console-socket: runc hands the pty master over SCM_RIGHTS, and Genode has neither AF_UNIX nor descriptor passing; name the terminal in %s instead", envTerminal)
	}
	if s := context.String("pidfd-socket"); s != "" {
		return errors.New("--pidfd-socket: Genode has no pidfds and no descriptor passing")
	}
	if n := context.Int("preserve-fds"); n > 0 {
		return errors.New("--preserve-fds: a Genode component cannot pass descriptors to a child of init")
	}
	if os.Getenv("NOTIFY_SOCKET") != "" {
		return errors.New("NOTIFY_SOCKET: sd_notify needs AF_UNIX datagram sockets, which Genode does not have")
	}
	return nil
}

func terminalCheck(p *specs.Process, t oci.Stdio) error {
	if p.Terminal && t.Terminal == "" {
		return fmt.Errorf("process.terminal is true but no terminal is named: set %s to the path of the terminal the container's Terminal session goes to", envTerminal)
	}
	return nil
}

func startContainer(context *cli.Context, action CtAct, _ any) (int, error) {
	if action == CT_ACT_RESTORE {
		return -1, errors.New("restore: Genode has no checkpoint/restore")
	}
	if err := revisePidFile(context); err != nil {
		return -1, err
	}
	if err := refuseLinuxIO(context); err != nil {
		return -1, err
	}
	if _, err := setupSpec(context); err != nil {
		return -1, err
	}
	spec, unknown, err := oci.LoadBundle(".")
	if err != nil {
		return -1, err
	}
	id := context.Args().First()
	if id == "" {
		return -1, errEmptyID
	}
	mode, err := fsMode()
	if err != nil {
		return -1, err
	}
	targets := stdioTargets()
	if err := terminalCheck(spec.Process, targets); err != nil {
		return -1, err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return -1, err
	}
	root := context.GlobalString("root")
	c, err := container.Create(root, id, cwd, spec, unknown, container.Options{Mode: mode, Stdio: targets})
	if err != nil {
		return -1, err
	}
	r := &runner{
		container:     c,
		detach:        context.Bool("detach"),
		pidFile:       context.String("pid-file"),
		action:        action,
		init:          true,
		shouldDestroy: !context.Bool("keep"),
	}
	return r.run(spec.Process)
}

type runner struct {
	init            bool
	enableSubreaper bool
	shouldDestroy   bool
	detach          bool
	preserveFDs     int
	pidFile         string
	consoleSocket   string
	pidfdSocket     string
	container       *libcontainer.Container
	action          CtAct
	subCgroupPaths  map[string]string
}

func (r *runner) run(p *specs.Process) (int, error) {
	c := r.container
	if !r.init {
		return r.exec(p)
	}
	if r.action == CT_ACT_CREATE {
		if err := writePidFile(r.pidFile, 0); err != nil {
			c.Destroy()
			return -1, err
		}
		return 0, nil
	}
	if err := c.Exec(); err != nil {
		c.Destroy()
		return -1, err
	}
	st, err := c.State()
	if err != nil {
		return -1, err
	}
	if err := writePidFile(r.pidFile, st.InitProcessPid); err != nil {
		c.Signal(9)
		c.Destroy()
		return -1, err
	}
	if r.detach {
		return 0, nil
	}
	code, err := r.follow(c.ID(), c.Stdio())
	if r.shouldDestroy {
		if derr := c.Destroy(); err == nil {
			err = derr
		}
	}
	return code, err
}

// exec runs `runc exec`: another child of init in the container's view.
func (r *runner) exec(p *specs.Process) (int, error) {
	c := r.container
	targets := stdioTargets()
	if err := terminalCheck(p, targets); err != nil {
		return -1, err
	}
	name, stdio, err := c.StartProcess(p, targets)
	if err != nil {
		return -1, err
	}
	if r.detach {
		// as runc start does, return once init has the child, with its pid
		pid, err := c.ProcessID(name)
		if err != nil {
			c.EndProcess(name)
			return -1, err
		}
		return 0, writePidFile(r.pidFile, pid)
	}
	code, err := r.follow(name, stdio)
	if eerr := c.EndProcess(name); err == nil {
		err = eerr
	}
	return code, err
}

// follow waits for child name to stop while it copies the streams that went
// to files in the container's state directory to runc's own stdout and
// stderr.
func (r *runner) follow(name string, stdio oci.Stdio) (int, error) {
	c := r.container
	dir := filepath.Join(c.Root(), c.ID()) + "/"
	var tails []*tail
	if strings.HasPrefix(stdio.Stdout, dir) {
		tails = append(tails, &tail{path: stdio.Stdout, w: os.Stdout})
	}
	if strings.HasPrefix(stdio.Stderr, dir) {
		tails = append(tails, &tail{path: stdio.Stderr, w: os.Stderr})
	}
	done := make(chan struct{})
	var code int
	var werr error
	go func() {
		code, werr = c.Wait(context.Background(), name)
		close(done)
	}()
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-done:
			for _, tl := range tails {
				tl.copy()
			}
			if code < 0 {
				code = 255
			}
			return code, werr
		case <-t.C:
			for _, tl := range tails {
				tl.copy()
			}
		}
	}
}

type tail struct {
	path string
	off  int64
	w    io.Writer
}

func (t *tail) copy() {
	f, err := os.Open(t.path)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.Seek(t.off, io.SeekStart); err != nil {
		return
	}
	n, _ := io.Copy(t.w, f)
	t.off += n
}

func writePidFile(path string, pid int) error {
	if path == "" {
		return nil
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path))
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_SYNC, 0o666)
	if err != nil {
		return err
	}
	_, err = f.WriteString(strconv.Itoa(pid))
	f.Close()
	if err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Genode has no cgroups whose permissions could be at fault.
func maybeLogCgroupWarning(string, error) {}
