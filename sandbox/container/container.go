// Package container is the Genode backend of runc: a container is a child of
// a dynamic init. Create translates the bundle (sandbox/oci) and records it
// in <root>/<id>/state.json; Start adds the child's <start> node to init's
// config (sandbox/driver); everything a later command says of the container
// comes from state.json and init's state report. runc's libcontainer package
// is a facade of this one on genode.
package container

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
	"genodego/sandbox/oci"
)

// Status is a container's status, in the order and with the names of runc's
// libcontainer.Status.
type Status int

const (
	Created Status = iota
	Running
	Pausing
	Paused
	Stopped
)

func (s Status) String() string {
	switch s {
	case Created:
		return "created"
	case Running:
		return "running"
	case Pausing:
		return "pausing"
	case Paused:
		return "paused"
	case Stopped:
		return "stopped"
	}
	return "unknown"
}

// The errors of runc's libcontainer, with its texts.
var (
	ErrExist          = errors.New("container with given ID already exists")
	ErrInvalidID      = errors.New("invalid container ID format")
	ErrNotExist       = errors.New("container does not exist")
	ErrPaused         = errors.New("container paused")
	ErrRunning        = errors.New("container still running")
	ErrNotRunning     = errors.New("container not running")
	ErrNotPaused      = errors.New("container not paused")
	ErrCgroupNotExist = errors.New("cgroup not exist")
)

// ErrNotSupported wraps every refusal of an operation Genode cannot do.
var ErrNotSupported = errors.New("not supported on Genode")

// Config is the part of runc's configs.Config that its command files read.
type Config struct {
	Version string   `json:"version"` // the bundle's ociVersion
	Rootfs  string   `json:"rootfs"`
	Labels  []string `json:"labels"` // "bundle=<dir>" and "<annotation>=<value>"
}

// BaseState is runc's BaseState, in its JSON names.
type BaseState struct {
	ID                   string    `json:"id"`
	InitProcessPid       int       `json:"init_process_pid"`
	InitProcessStartTime uint64    `json:"init_process_start"`
	Created              time.Time `json:"created"`
	Config               Config    `json:"config"`
}

// State is state.json.
type State struct {
	BaseState
	Bundle string      `json:"bundle"`
	Spec   *specs.Spec `json:"spec"`  // config.json as it was at create
	Start  string      `json:"start"` // the translated <start> node, HID
	Mode   oci.Mode    `json:"mode"`
	Stdio  oci.Stdio   `json:"stdio"`
	// Started is set once the start node went to init.
	Started bool `json:"started"`
	// Exited is the status runc recorded when it ended the child itself
	// (init drops a removed child from its report).
	Exited *int `json:"exited,omitempty"`
	// Execs are the start names of `runc exec` processes still in init's config.
	Execs []string `json:"execs,omitempty"`
	NoOps []string `json:"noops,omitempty"`
	// Pod is the id of the pod's sandbox whose sub-init hosts the
	// container's children (the container's own id for the sandbox; pod.go).
	Pod string `json:"pod,omitempty"`
	// Stack is the start node (HID) of the vfs server that serves the
	// container's own socket stack in its sub-init, and StackServer the
	// child that serves the stack the container uses (pod.go).
	Stack       string `json:"stack,omitempty"`
	StackServer string `json:"stack_server,omitempty"`
}

// Container is one container under a root.
type Container struct {
	root string
	id   string
	st   State
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// maxChildName leaves room in init's names (initcfg.MaxName) for a
// container's exec processes, <name>.execN.
const maxChildName = 40

// childName is the container's name among init's children: its id, or for
// an id longer than maxChildName (the CRI's and Docker's are 64 characters)
// the id's first 24 characters and 15 of its SHA-256, so that names stay
// distinct and <name>.execN fits init's 63 characters.
func childName(id string) string {
	if len(id) <= maxChildName {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return id[:24] + "-" + hex.EncodeToString(sum[:])[:15]
}

// name is the container's name among init's children.
func (c *Container) name() string { return childName(c.id) }

// checkID keeps an id usable as a directory name and an init start name.
func checkID(id string) error {
	if !idRE.MatchString(id) || id == "." || id == ".." || strings.Contains(id, ".exec") {
		return fmt.Errorf("%w: %q (1-64 characters of [A-Za-z0-9_.-], not containing \".exec\")", ErrInvalidID, id)
	}
	return nil
}

// Options of Create.
type Options struct {
	Mode oci.Mode
	// Stdio: where the streams go. An empty Stdout or Stderr becomes the
	// file stdout or stderr in the container's state directory, so that no
	// output is lost; an empty Stdin is /dev/null.
	Stdio oci.Stdio
	Warn  func(string) // hook and cleanup warnings (default: stderr)
}

func (o *Options) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if o != nil && o.Warn != nil {
		o.Warn(msg)
		return
	}
	fmt.Fprintln(os.Stderr, msg)
}

// StdioFile returns the state-directory file that an empty stdout/stderr
// target goes to.
func StdioFile(root, id, stream string) string { return filepath.Join(root, id, stream) }

// Create checks and translates the bundle, records the container and runs
// the createRuntime and prestart hooks. Nothing runs in the container yet.
func Create(root, id, bundle string, spec *specs.Spec, unknown []string, o Options) (*Container, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	bundle, err := filepath.Abs(bundle)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, id)
	if _, err := os.Lstat(dir); err == nil {
		return nil, ErrExist
	}
	stdio := o.Stdio
	if spec.Process != nil && !spec.Process.Terminal {
		if stdio.Stdout == "" {
			stdio.Stdout = StdioFile(root, id, "stdout")
		}
		if stdio.Stderr == "" {
			stdio.Stderr = StdioFile(root, id, "stderr")
		}
	}
	// a pod's sandbox and the stack's server must be there: init would
	// hold the session
	pod, stackServer, err := checkPod(root, id, spec.Annotations)
	if err != nil {
		return nil, err
	}
	res, err := oci.Translate(spec, unknown, oci.Options{ID: childName(id), Bundle: bundle, Mode: o.Mode, Stdio: stdio,
		IgnoreUnknown: true, ChildName: childName, StackServer: stackServer})
	if err != nil {
		return nil, err
	}
	stack := ""
	if res.Network != nil {
		stack = startHID(oci.StackServerStart(stackServer, res.Network))
	}
	for _, u := range res.Unknown {
		o.warn("warning: config.json: %s is not defined by runtime-spec %s; ignored, as the spec requires", u, specs.Version)
	}
	if err := os.MkdirAll(root, 0o711); err != nil {
		return nil, err
	}
	if err := os.Mkdir(dir, 0o711); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, ErrExist
		}
		return nil, err
	}
	if err := dropDebris(root, id, pod); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &Container{root: root, id: id}
	c.st = State{
		BaseState: BaseState{ID: id, Created: time.Now().UTC(),
			Config: Config{Version: spec.Version, Rootfs: res.RootFS, Labels: labels(bundle, spec.Annotations)}},
		Bundle: bundle, Spec: spec, Start: startHID(res.Start), Mode: o.Mode, Stdio: stdio, NoOps: res.NoOps,
		Pod: pod, Stack: stack, StackServer: stackServer,
	}
	if res.Hooks != nil {
		h := *res.Hooks
		c.st.Spec.Hooks = &h
	}
	for _, f := range []string{stdio.Stdout, stdio.Stderr} {
		if strings.HasPrefix(f, dir+"/") {
			if err := os.WriteFile(f, nil, 0o600); err != nil {
				os.RemoveAll(dir)
				return nil, err
			}
		}
	}
	if err := c.save(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if h := c.hooks(); h != nil {
		for _, kind := range []struct {
			name string
			l    []specs.Hook
		}{{"prestart", h.Prestart}, {"createRuntime", h.CreateRuntime}} {
			if err := runHooks(kind.name, kind.l, c.ociState(Created, 0)); err != nil {
				os.RemoveAll(dir)
				return nil, err
			}
		}
	}
	return c, nil
}

// dropDebris removes children of init named id or <id>.execN while id has
// no state directory but the one Create just made: they are what is left of
// a container whose state directory went (removed by hand or by a tool
// that cleans the root), which no runc command can reach any more: runc
// knows a container by its state directory. Left in place, the new
// container would count as running before it starts, and its start would
// fail. A pod's container's are in its pod's sub-init; a pod's sandbox's
// pod is a child of the containers' init of the same name.
func dropDebris(root, id, pod string) error {
	n := childName(id)
	mine := func(s *initcfg.Start) bool { return s.Name == n || strings.HasPrefix(s.Name, n+".exec") }
	if pod != "" && pod != id {
		root = podDir(root, pod)
	}
	cfg, err := readConfig(root)
	if err != nil || !slices.ContainsFunc(cfg.Starts, mine) {
		return err
	}
	h, err := openHost(root)
	if err != nil {
		return err
	}
	defer h.close()
	return h.drv.Update(func(cfg *initcfg.Config) error {
		cfg.Starts = slices.DeleteFunc(cfg.Starts, mine)
		return nil
	})
}

func labels(bundle string, ann map[string]string) []string {
	l := []string{"bundle=" + bundle}
	for k, v := range ann {
		l = append(l, k+"="+v)
	}
	return l
}

func startHID(s *initcfg.Start) string {
	return string(s.Node().EncodeHID())
}

func (c *Container) start() (*initcfg.Start, error) {
	s, err := decodeStart(c.st.Start)
	if err != nil {
		return nil, fmt.Errorf("%s: the recorded start node: %w", c.statePath(), err)
	}
	return s, nil
}

func decodeStart(hid string) (*initcfg.Start, error) {
	cfg, err := initcfg.Decode([]byte("config\n" + indent(hid) + "-\n"))
	if err != nil {
		return nil, err
	}
	if len(cfg.Starts) != 1 {
		return nil, errors.New("no start node")
	}
	return cfg.Starts[0], nil
}

// indent nests a HID node one level (two columns) under a parent.
func indent(hid string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimRight(hid, "\n"), "\n") {
		if l == "-" {
			continue
		}
		if i == 0 {
			b.WriteString("+ " + l + "\n")
			continue
		}
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

func (c *Container) statePath() string { return filepath.Join(c.root, c.id, "state.json") }

func (c *Container) save() error {
	data, err := json.Marshal(&c.st)
	if err != nil {
		return err
	}
	return driver.WriteFileAtomic(c.statePath(), data)
}

// Load reads a container's state.json.
func Load(root, id string) (*Container, error) {
	if err := checkID(id); err != nil {
		return nil, ErrNotExist
	}
	data, err := os.ReadFile(filepath.Join(root, id, "state.json"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotExist
		}
		return nil, err
	}
	c := &Container{root: root, id: id}
	if err := json.Unmarshal(data, &c.st); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(root, id, "state.json"), err)
	}
	return c, nil
}

// ID returns the container's id.
func (c *Container) ID() string { return c.id }

// Config returns the configuration runc's commands read.
func (c *Container) Config() Config { return c.st.Config }

// Bundle returns the bundle directory.
func (c *Container) Bundle() string { return c.st.Bundle }

// Spec returns the bundle's config as it was at create.
func (c *Container) Spec() *specs.Spec { return c.st.Spec }

// Stdio returns where the container's streams go.
func (c *Container) Stdio() oci.Stdio { return c.st.Stdio }

// Root returns the state root.
func (c *Container) Root() string { return c.root }

func (c *Container) hooks() *specs.Hooks {
	if c.st.Spec == nil {
		return nil
	}
	return c.st.Spec.Hooks
}

// status computes the status and, for a stopped container, its exit status
// (-1 when init no longer knows it).
func (c *Container) status() (Status, int, childStatus, error) {
	if c.st.Exited != nil {
		return Stopped, *c.st.Exited, childStatus{}, nil
	}
	cs, err := c.lookupChild(c.name())
	if err != nil {
		return Stopped, -1, cs, err
	}
	if !cs.inConfig {
		if !c.st.Started {
			return Created, 0, cs, nil
		}
		// A kill records the exit status before it removes the node: the
		// state read before the node was seen gone may predate the record.
		if n, err := Load(c.root, c.id); err == nil && n.st.Exited != nil {
			c.st = n.st
			return Stopped, *n.st.Exited, cs, nil
		}
		return Stopped, -1, cs, nil
	}
	switch {
	case cs.status.State == driver.Stopped:
		return Stopped, cs.status.ExitCode, cs, nil
	case cs.child != nil && cs.child.Incomplete:
		// init could not start it (a binary or route it lacks); it never will
		return Stopped, -1, cs, nil
	}
	return Running, 0, cs, nil
}

// Status returns the container's status.
func (c *Container) Status() (Status, error) {
	s, _, _, err := c.status()
	return s, err
}

// ExitStatus returns the exit status of a stopped container (-1: unknown).
func (c *Container) ExitStatus() (int, bool, error) {
	s, code, _, err := c.status()
	return code, s == Stopped, err
}

// State returns the state runc's commands print. The pid is init's id of the
// child (<report ids="yes">): Genode has no global process ids.
func (c *Container) State() (*State, error) {
	st := c.st
	s, _, cs, err := c.status()
	if err != nil {
		return nil, err
	}
	if s == Running && cs.child != nil && cs.child.HasID {
		st.InitProcessPid = int(cs.child.ID)
	}
	return &st, nil
}

// OCIState is the state of the runtime spec, as hooks get it on stdin.
func (c *Container) OCIState() (*specs.State, error) {
	s, err := c.State()
	if err != nil {
		return nil, err
	}
	status, err := c.Status()
	if err != nil {
		return nil, err
	}
	return c.ociState(status, s.InitProcessPid), nil
}

func (c *Container) ociState(s Status, pid int) *specs.State {
	st := &specs.State{Version: specs.Version, ID: c.id, Status: specs.ContainerState(s.String()), Pid: pid,
		Bundle: c.st.Bundle}
	if c.st.Spec != nil && len(c.st.Spec.Annotations) > 0 {
		st.Annotations = c.st.Spec.Annotations
	}
	return st
}

// Exec starts the container's process (`runc start`): its start node goes
// to init, which starts the child at once. Then the poststart hooks run; if
// one fails, the child is ended (exit status 137, as runc's SIGKILL) and the
// hook's error returned.
func (c *Container) Exec() error {
	s, err := c.Status()
	if err != nil {
		return err
	}
	if s != Created {
		return fmt.Errorf("cannot start a container in the %s state", s)
	}
	start, err := c.start()
	if err != nil {
		return err
	}
	// The node and the record that it went to init change under the root's
	// lock, which Signal holds too: a kill never sees one without the other.
	hs, err := c.openHosts()
	if err != nil {
		return err
	}
	switch {
	case c.st.Pod == c.id:
		err = c.startPod(hs, start)
	case hs.gone:
		err = fmt.Errorf("cannot start %s: its pod %s is gone: %w", c.id, c.st.Pod, ErrNotRunning)
	default:
		err = hs.update(func(cfg *initcfg.Config) error {
			if findStart(cfg, start.Name) != nil {
				return fmt.Errorf("%w: %s", driver.ErrExists, start.Name)
			}
			cfg.Starts = append(cfg.Starts, start)
			return nil
		})
	}
	if err == nil {
		c.st.Started = true
		err = c.save()
	}
	hs.close()
	if err != nil {
		return err
	}
	cs, err := c.waitChild(c.name(), 30*time.Second)
	if err != nil {
		if n, lerr := Load(c.root, c.id); lerr == nil && n.st.Exited != nil {
			// a `runc kill` ended it before init reported it: it started
			c.st = n.st
			return nil
		}
		return err
	}
	if cs.child != nil && cs.child.Incomplete {
		return fmt.Errorf("init could not start %s: its binary or a session route is missing (see the hosting init's log)", c.id)
	}
	if h := c.hooks(); h != nil && len(h.Poststart) > 0 {
		if err := runHooks("poststart", h.Poststart, c.ociState(Running, int(cs.status.ID))); err != nil {
			// runtime-spec v1.3.0: a failing poststart hook is an error
			// that stops the container (runc terminates the process and
			// returns the error; `runc run` then deletes the container)
			if kerr := c.Signal(syscall.SIGKILL); kerr != nil {
				(&Options{}).warn("warning: stopping %s after its poststart hook failed: %v", c.id, kerr)
			}
			return err
		}
	}
	return nil
}

// Wait waits until the container (or one of its exec processes, by start
// name) has stopped and returns its exit status.
//
// Init's report is polled (a Genode component has no file notification
// through the libc): every 10 ms at first, then less often while nothing
// changes, up to every 100 ms, so that many idle waiters cost little.
func (c *Container) Wait(ctx context.Context, name string) (int, error) {
	interval := 10 * time.Millisecond
	for {
		var code int
		var stopped bool
		if name == c.id || name == c.name() {
			// state.json changes only at start and stop, and status
			// reads it again when the child is gone: it is reloaded
			// only while the container looks not started
			s, ec, _, err := c.status()
			if err == nil && s == Created {
				if err = c.reload(); err == nil {
					s, ec, _, err = c.status()
				}
			}
			if err != nil {
				return -1, err
			}
			code, stopped = ec, s == Stopped
		} else {
			cs, err := c.lookupChild(name)
			if err != nil {
				return -1, err
			}
			switch {
			case !cs.inConfig:
				code, stopped = -1, true
			case cs.status.State == driver.Stopped:
				code, stopped = cs.status.ExitCode, true
			case cs.child != nil && cs.child.Incomplete:
				code, stopped = -1, true
			}
		}
		if stopped {
			return code, nil
		}
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(interval):
		}
		interval = min(interval*2, 100*time.Millisecond)
	}
}

func (c *Container) reload() error {
	n, err := Load(c.root, c.id)
	if err != nil {
		return err
	}
	c.st = n.st
	return nil
}

// Signal delivers sig as far as Genode can. Init offers its children no
// signals: the one way to end a child is to remove its start node, which
// KILL and TERM both do (the exit status is 128+sig, as a shell reports a
// process killed by it). Signal 0 asks whether the container runs. Every
// other signal is refused, not dropped.
func (c *Container) Signal(sig syscall.Signal) error {
	switch sig {
	case 0, syscall.SIGKILL, syscall.SIGTERM:
	default:
		if s, _, _, err := c.status(); err != nil {
			return err
		} else if s == Stopped {
			return ErrNotRunning
		}
		return fmt.Errorf("cannot deliver signal %d (%s) to %s: Genode's init has no way to signal a child; only KILL and TERM, which both end it, are supported: %w",
			int(sig), signalName(sig), c.id, ErrNotSupported)
	}
	// Under the root's lock, so that a concurrent start (Exec) has either
	// added the node and recorded it, or neither.
	hs, err := c.openHosts()
	if err != nil {
		return err
	}
	defer hs.close()
	if err := c.reload(); err != nil {
		return err
	}
	s, _, _, err := c.status()
	if err != nil {
		return err
	}
	if s == Stopped {
		return ErrNotRunning
	}
	if sig == 0 {
		return nil
	}
	// The exit status is recorded before the nodes go: a runc waiting for
	// the container (`runc run`) that sees the child gone from init's
	// config must find why, not an unknown exit (-1). That runc may delete
	// the container at once, so nothing is saved afterwards.
	code := 128 + int(sig)
	old := c.st
	c.st.Exited = &code
	c.st.Execs = nil
	if err := c.save(); err != nil {
		c.st = old
		return err
	}
	if s != Running {
		return nil
	}
	err = hs.update(func(cfg *initcfg.Config) error {
		cfg.Starts = without(cfg.Starts, (&Container{id: c.id, st: old}).children(cfg))
		return nil
	})
	if err != nil {
		c.st = old
		c.save()
	}
	return err
}

// children are the start names of the container's children: its process,
// the recorded exec processes, and any <id>.execN a runc killed between
// adding an exec child and recording it left behind (ids cannot contain
// ".exec", so the prefix is this container's alone).
func (c *Container) children(cfg *initcfg.Config) []string {
	names := append([]string{c.name()}, c.st.Execs...)
	for _, s := range cfg.Starts {
		if strings.HasPrefix(s.Name, c.name()+".exec") && !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
		}
	}
	return names
}

func without(starts []*initcfg.Start, names []string) []*initcfg.Start {
	var out []*initcfg.Start
	for _, s := range starts {
		keep := true
		for _, n := range names {
			if s.Name == n {
				keep = false
			}
		}
		if keep {
			out = append(out, s)
		}
	}
	return out
}

// Destroy removes the container: its children leave init's config, the
// poststop hooks run, the state directory goes. A pod's sandbox takes its
// pod with it, and what still runs in it.
func (c *Container) Destroy() error {
	hs, err := c.openHosts()
	if err != nil {
		return err
	}
	err = hs.update(func(cfg *initcfg.Config) error {
		cfg.Starts = without(cfg.Starts, c.children(cfg))
		return nil
	})
	pod := err == nil && c.st.Pod == c.id
	if pod {
		err = hs.updateOuter(func(cfg *initcfg.Config) error {
			cfg.Starts = without(cfg.Starts, []string{c.name()})
			return nil
		})
	}
	hs.close()
	if err != nil {
		return err
	}
	if pod {
		// the sub-init's files go once it is gone: until then it reports
		if err := waitGone(c.root, c.name(), 10*time.Second); err != nil {
			(&Options{}).warn("warning: %v", err)
		}
	}
	// runtime-spec: a failing poststop hook is a warning, and the
	// remaining hooks and the deletion go on
	if hk := c.hooks(); hk != nil {
		for i, h := range hk.Poststop {
			if err := runHooks("poststop", []specs.Hook{h}, c.ociState(Stopped, 0)); err != nil {
				(&Options{}).warn("warning: %v", strings.Replace(err.Error(), "hook #0", "hook #"+itoa(i), 1))
			}
		}
	}
	return os.RemoveAll(filepath.Join(c.root, c.id))
}

// Processes returns init's ids of the container's children: its process and
// the `runc exec` processes that run.
func (c *Container) Processes() ([]int, error) {
	st, err := readReport(c.hostDir())
	if err != nil || st == nil {
		return nil, err
	}
	var ids []int
	for _, n := range append([]string{c.name()}, c.st.Execs...) {
		ch := st.Child(n)
		if ch != nil && ch.HasID && ch.Exited == nil && !ch.Incomplete {
			ids = append(ids, int(ch.ID))
		}
	}
	return ids, nil
}

// Pause cannot be done: Genode's init cannot suspend a child.
func (c *Container) Pause() error {
	return fmt.Errorf("cannot pause %s: Genode's init has no way to suspend a child (no freezer; stopping its threads needs the CPU sessions, which init does not hand out): %w", c.id, ErrNotSupported)
}

// Resume cannot be done either.
func (c *Container) Resume() error {
	return fmt.Errorf("cannot resume %s: Genode's init has no way to suspend or resume a child: %w", c.id, ErrNotSupported)
}

func signalName(s syscall.Signal) string {
	if n := s.String(); n != "" {
		return n
	}
	return "signal " + itoa(int(s))
}
