package launch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// Exit statuses of a run besides the component's own (host/MODEL-CONFIG.md).
const (
	StatusTimeout        = 124 // the launcher's timeout
	StatusLauncherError  = 125 // configuration or launcher failure
	StatusStrictWarning  = 3   // a Genode warning in strict mode
	StatusFault          = 139 // Genode-style fault line printed by the model
	StatusQuota          = 137 // RAM quota exceeded
	StatusOffStack       = 134 // libc call off the stack area
	defaultLoader        = "/lib64/ld-linux-x86-64.so.2"
	modelLibrary         = "libc.lib.so"
	envModelDir          = "GENODE_MODEL_DIR"
	envModelConfig       = "GENODE_MODEL_CONFIG"
	flatConfigPermission = 0o444
)

// RunOptions control one run.
type RunOptions struct {
	ModelDir string        // directory holding libc.lib.so and posix.lib.so
	Arch     string        // amd64 or arm64 (arch.go); default $GENODE_ARCH, else the host's
	Loader   string        // default the target's system loader; run as is, without an emulator
	Timeout  time.Duration // 0: none
	Stdin    io.Reader     // default os.Stdin
	Stdout   io.Writer     // default os.Stdout
	Stderr   io.Writer     // default os.Stderr (also gets launcher warnings)
	Verbose  io.Writer     // if set, the flat configuration is printed here
	KeepRun  bool          // keep the run directory (its path goes to Verbose or Stderr)
}

// Run runs the component on the model and returns its exit status. Launcher
// failures are returned as errors (status StatusLauncherError).
func (c *Component) Run(ctx context.Context, o RunOptions) (int, error) {
	stderr := o.Stderr
	if stderr == nil {
		stderr = os.Stderr
	}
	for _, w := range c.Warnings {
		fmt.Fprintln(stderr, colourWarning(w))
	}
	if c.Strict && len(c.Warnings) > 0 {
		return StatusStrictWarning, nil
	}
	if o.ModelDir == "" {
		d, err := FindModelDir()
		if err != nil {
			return StatusLauncherError, err
		}
		o.ModelDir = d
	}
	md, err := filepath.Abs(o.ModelDir)
	if err != nil {
		return StatusLauncherError, err
	}
	if _, err := os.Stat(filepath.Join(md, modelLibrary)); err != nil {
		return StatusLauncherError, fmt.Errorf("model directory %s has no %s (run `make model`)", md, modelLibrary)
	}
	target, err := TargetFor(o.Arch)
	if err != nil {
		return StatusLauncherError, err
	}
	loader := o.Loader
	if loader == "" {
		loader = target.Loader
	} else {
		target.Emulator, target.Env = nil, nil
	}

	runDir, err := os.MkdirTemp("", "genode-run-"+c.Name+"-")
	if err != nil {
		return StatusLauncherError, err
	}
	if o.KeepRun {
		fmt.Fprintf(stderr, "genode-run: run directory %s kept\n", runDir)
	} else {
		defer os.RemoveAll(runDir)
	}
	flat, err := c.WriteRunDir(runDir)
	if err != nil {
		return StatusLauncherError, err
	}
	if o.Verbose != nil {
		data, _ := os.ReadFile(flat)
		fmt.Fprintf(o.Verbose, "genode-run: %s=%s\n%s", envModelConfig, flat, data)
	}

	// The host files serving Terminal sessions (terminal.go), opened here
	// and not at resolution, so that -n and a config that is only checked
	// create nothing; the component gets them from fd 3 on (Flat's hostfd=).
	terms, err := c.openTerminals()
	if err != nil {
		return StatusLauncherError, err
	}
	defer func() {
		for _, f := range terms {
			f.Close()
		}
	}()

	args := append(append([]string{}, target.Emulator...), loader, "--library-path", md, c.Binary)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.ExtraFiles = terms
	cmd.Env = append([]string{envModelConfig + "=" + flat}, target.Env...)
	// The model resolves every path in the VFS view; a host-relative path
	// would land in this empty directory.
	cmd.Dir = runDir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdin, o.Stdout, stderr
	if cmd.Stdin == nil {
		cmd.Stdin = os.Stdin
	}
	if cmd.Stdout == nil {
		cmd.Stdout = os.Stdout
	}
	// Own process group: the component and everything it forks end together,
	// as a Genode component's forked children (hosted by the component) do.
	// Pdeathsig: a launcher killed outright (SIGKILL) takes the component with
	// it; the model does the same for the component's forked children.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// A group other than the terminal's foreground group that reads or
	// configures the terminal is stopped by the kernel (SIGTTIN, SIGTTOU):
	// a component on the terminal the launcher runs in the foreground of
	// gets the foreground, and the launcher takes it back at the end.
	tty := foregroundTTY(cmd.Stdin)
	if tty >= 0 {
		cmd.SysProcAttr.Foreground, cmd.SysProcAttr.Ctty = true, tty
		defer takeTerminal(tty)
	}
	// Pass the host's termination requests on (go test sends SIGQUIT on its
	// timeout, an interactive user SIGINT); installed before the start, so no
	// request between start and wait is lost (or ends the launcher alone).
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGHUP)
	defer signal.Stop(sigs)
	// Pdeathsig follows the thread that started the child, not the process.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		return StatusLauncherError, err
	}
	pgid := cmd.Process.Pid
	killGroup := func(sig syscall.Signal) { _ = syscall.Kill(-pgid, sig) }
	defer killGroup(syscall.SIGKILL)

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var timeout <-chan time.Time
	if o.Timeout > 0 {
		t := time.NewTimer(o.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	if ctx == nil {
		ctx = context.Background()
	}
	for {
		select {
		case err := <-done:
			return exitStatus(err)
		case s := <-sigs:
			killGroup(s.(syscall.Signal))
		case <-timeout:
			killGroup(syscall.SIGKILL)
			<-done // first: the output copiers may still write to stderr
			fmt.Fprintf(stderr, "genode-run: %s: timeout after %v, killed\n", c.Name, o.Timeout)
			return StatusTimeout, nil
		case <-ctx.Done():
			killGroup(syscall.SIGKILL)
			<-done
			return StatusTimeout, ctx.Err()
		}
	}
}

// foregroundTTY is the descriptor of in when it is a terminal whose
// foreground group is this process's, else -1.
func foregroundTTY(in io.Reader) int {
	f, ok := in.(*os.File)
	if !ok {
		return -1
	}
	fd := int(f.Fd())
	var pgrp int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TIOCGPGRP, uintptr(unsafe.Pointer(&pgrp))); e != 0 {
		return -1
	}
	if int(pgrp) != syscall.Getpgrp() {
		return -1
	}
	return fd
}

// takeTerminal makes this process's group the foreground group of the
// terminal fd again; from the background that needs SIGTTOU ignored.
func takeTerminal(fd int) {
	signal.Ignore(syscall.SIGTTOU)
	defer signal.Reset(syscall.SIGTTOU)
	pgrp := int32(syscall.Getpgrp())
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TIOCSPGRP, uintptr(unsafe.Pointer(&pgrp)))
}

// exitStatus maps a wait result to a status: the exit code, or 128+signal for
// a component the host killed (the model reports its own faults with 139).
func exitStatus(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	return StatusLauncherError, err
}

// FindModelDir finds the model libraries: $GENODE_MODEL_DIR, else
// _build/model (ModelDirName) of the repository holding the running
// executable (it lives in _build/bin) or the current directory.
func FindModelDir() (string, error) {
	if d := os.Getenv(envModelDir); d != "" {
		return d, nil
	}
	var starts []string
	if exe, err := os.Executable(); err == nil {
		if e, err := filepath.EvalSymlinks(exe); err == nil {
			exe = e
		}
		starts = append(starts, filepath.Dir(exe))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, s := range starts {
		for d := s; ; d = filepath.Dir(d) {
			if filepath.Base(d) == "_build" {
				if fi, err := os.Stat(filepath.Join(d, ModelDirName())); err == nil && fi.IsDir() {
					return filepath.Join(d, ModelDirName()), nil
				}
			}
			m := filepath.Join(d, "_build", ModelDirName())
			if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
				return m, nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", fmt.Errorf("cannot find the model libraries: set -model or %s", envModelDir)
}

func runOutput(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).Output()
	return string(out), err
}

// colourWarning renders a warning as Genode's log does (base/src/lib/base/log.cc):
// "Warning: " and the text in blue.
func colourWarning(w string) string {
	if i := strings.Index(w, "Warning: "); i >= 0 {
		return w[:i] + "\033[34m" + w[i:] + "\033[0m"
	}
	return w
}
