//go:build genode

// The runc shim's task service on Genode. It drives genode's runc through
// go-runc and the process package as on Linux; what differs is what Genode
// has instead of Linux's process machinery:
//
//   - A container is a child of a dynamic init (the containers' init, whose
//     config runc edits), not a child of the shim: its exit is read from
//     init's state report (sandbox/container), not reaped.
//   - There are no cgroups or OOM events: init reports each child's RAM, and
//     a child that exceeds its quota is ended by init with its status.
//   - The rootfs is not mounted: the snapshot's directory (a "bind" mount)
//     becomes the container's root in its config, and its VFS on Genode; the
//     image's binary directories the snapshot shares read-only become bind
//     mounts of the config.
//   - stdio streams are Terminal sessions that runc names (process/io_genode.go).
//   - runc's root holds one init for every namespace: Genode's init is part of
//     the scenario, configured once, not created per namespace.
package task

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	cgstats "github.com/containerd/cgroups/v3/cgroup2/stats"
	"github.com/containerd/console"
	eventstypes "github.com/containerd/containerd/api/events"
	taskAPI "github.com/containerd/containerd/api/runtime/task/v3"
	"github.com/containerd/containerd/api/types/runc/options"
	"github.com/containerd/containerd/api/types/task"
	"github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2/process"
	"github.com/containerd/containerd/v2/core/runtime"
	"github.com/containerd/containerd/v2/pkg/namespaces"
	"github.com/containerd/containerd/v2/pkg/protobuf"
	ptypes "github.com/containerd/containerd/v2/pkg/protobuf/types"
	"github.com/containerd/containerd/v2/pkg/shim"
	"github.com/containerd/containerd/v2/pkg/shutdown"
	"github.com/containerd/containerd/v2/pkg/stdio"
	"github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errgrpc"
	runcC "github.com/containerd/go-runc"
	"github.com/containerd/log"
	"github.com/containerd/ttrpc"
	"github.com/containerd/typeurl/v2"
	"github.com/opencontainers/runtime-spec/specs-go"

	"genodego/sandbox/container"
)

var (
	_     = shim.TTRPCService(&service{})
	empty = &ptypes.Empty{}
)

// NewTaskService creates the task service.
func NewTaskService(ctx context.Context, publisher shim.Publisher, sd shutdown.Service) (taskAPI.TTRPCTaskService, error) {
	s := &service{
		context:    ctx,
		events:     make(chan any, 128),
		publisher:  publisher,
		shutdown:   sd,
		containers: make(map[string]*genodeContainer),
	}
	// runc commands are the shim's own children (fork and execve work on
	// Genode's main thread), waited for by pid: go-runc's default monitor.
	// The reaper is not used: containers are not the shim's children.
	go s.forward(ctx, publisher)
	// The shim is a child of the shims' init (manager_genode.go). When it
	// ends, it removes its socket and exits; its <start> node stays, as an
	// exited child, until the shims' manager sweeps exited shims (the
	// next shim's start, or containerd's clean-up after this one,
	// manager.Stop). It does not remove its own node: init kills a child
	// the moment its node goes, which would be in the middle of the edit,
	// with the lock of init's config still held.
	socket := ""
	if f := flag.Lookup("socket"); f != nil {
		socket = f.Value.String()
	}
	sd.RegisterCallback(func(context.Context) error {
		if socket != "" {
			os.Remove(socket)
		}
		return nil
	})
	return s, nil
}

type service struct {
	mu         sync.Mutex
	context    context.Context
	events     chan any
	publisher  shim.Publisher
	shutdown   shutdown.Service
	containers map[string]*genodeContainer
}

// genodeContainer is one container of the shim and its exec processes.
type genodeContainer struct {
	mu       sync.Mutex
	id       string
	bundle   string
	root     string // runc's root
	init     *process.Init
	execs    map[string]process.Process
	reserved map[string]bool
	// sizes: the consoleSize of exec processes not yet started.
	sizes map[string]*specs.Box
	// names are init's start names of the started exec processes; killed
	// the signals that ended them (init drops a removed child from its
	// report, so its status is the shim's to give).
	names  map[string]string
	killed map[string]int
	// running counts the exec processes not yet exited; the init's exit is
	// published after theirs.
	running sync.WaitGroup
}

func (c *genodeContainer) process(execID string) (process.Process, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if execID == "" {
		return c.init, nil
	}
	p := c.execs[execID]
	if p == nil {
		return nil, errgrpc.ToGRPCf(errdefs.ErrNotFound, "process %s does not exist", execID)
	}
	return p, nil
}

func (s *service) RegisterTTRPC(server *ttrpc.Server) error {
	taskAPI.RegisterTTRPCTaskService(server, s)
	return nil
}

// runcRoot is runc's root for every namespace: the directory "runc" beside
// the runtime's task directory (<state>/io.containerd.runtime.v2.task/<ns>/<id>),
// unless the runtime options name one.
func runcRoot(bundle string, opts *options.Options) string {
	if opts != nil && opts.Root != "" {
		return opts.Root
	}
	return filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(bundle))), "runc")
}

// bundleConsoleSize is the process.consoleSize of the bundle's config, if any.
func bundleConsoleSize(bundle string) *specs.Box {
	data, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		return nil
	}
	var spec specs.Spec
	if json.Unmarshal(data, &spec) != nil || spec.Process == nil {
		return nil
	}
	return spec.Process.ConsoleSize
}

// useRootfs makes the snapshot directory the container's root: the rootfs
// mounts containerd passes are a "bind" mount of one directory (the native
// snapshotter's), which on Genode becomes the container's VFS root without
// a mount, followed by read-only binds with a Target (the image's binary
// directories the snapshot shares with its parent), which become mounts of
// the config. Anything else is refused by name.
func useRootfs(bundle string, mounts []process.Mount) error {
	if len(mounts) == 0 {
		return nil
	}
	readonly := false
	var shared []specs.Mount
	for i, m := range mounts {
		if m.Type != "bind" && m.Type != "rbind" {
			return fmt.Errorf("rootfs mount of type %q: Genode cannot mount; only binds of directories (the native snapshotter's) make a container's root", m.Type)
		}
		ro := false
		for _, o := range m.Options {
			switch o {
			case "ro":
				ro = true
			case "rbind", "bind", "rw":
			default:
				return fmt.Errorf("rootfs mount option %q: Genode cannot mount; only binds of directories make a container's root", o)
			}
		}
		if i == 0 {
			if m.Target != "" && m.Target != "/" {
				return fmt.Errorf("rootfs: the first mount is the root, not %q", m.Target)
			}
			readonly = ro
			continue
		}
		if m.Target == "" || !ro {
			return fmt.Errorf("rootfs mount %d of %s: only read-only binds below the root are supported", i, m.Source)
		}
		shared = append(shared, specs.Mount{Destination: "/" + strings.TrimPrefix(m.Target, "/"), Type: "bind",
			Source: m.Source, Options: []string{"rbind", "ro"}})
	}
	m := mounts[0]
	cfgPath := filepath.Join(bundle, "config.json")
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		return err
	}
	var spec specs.Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s: %w", cfgPath, err)
	}
	if spec.Root == nil {
		spec.Root = &specs.Root{}
	}
	spec.Root.Path = m.Source
	spec.Root.Readonly = spec.Root.Readonly || readonly
	// the rootfs's own mounts lie beneath the config's: one of those at or
	// above a shared directory hides it, as on Linux. They go last, so the
	// config's mounts keep the indexes their refusals name.
	var under []specs.Mount
	for _, sm := range shared {
		hidden := false
		for _, cm := range spec.Mounts {
			d := filepath.Clean(cm.Destination)
			if d == sm.Destination || d == "/" || strings.HasPrefix(sm.Destination, d+"/") {
				hidden = true
			}
		}
		if !hidden {
			under = append(under, sm)
		}
	}
	spec.Mounts = append(spec.Mounts, under...)
	out, err := json.Marshal(&spec)
	if err != nil {
		return err
	}
	tmp := cfgPath + ".tmp"
	if err := os.WriteFile(tmp, out, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, cfgPath)
}

func (s *service) Create(ctx context.Context, r *taskAPI.CreateTaskRequest) (_ *taskAPI.CreateTaskResponse, err error) {
	ns, err := namespaces.NamespaceRequired(ctx)
	if err != nil {
		return nil, err
	}
	if r.Checkpoint != "" || r.ParentCheckpoint != "" {
		return nil, errgrpc.ToGRPCf(errdefs.ErrNotImplemented, "checkpoint and restore: Genode has no CRIU")
	}
	opts := &options.Options{}
	if r.Options.GetValue() != nil {
		v, err := typeurl.UnmarshalAny(r.Options)
		if err != nil {
			return nil, err
		}
		if o, ok := v.(*options.Options); ok && o != nil {
			opts = o
		}
	}
	var mounts []process.Mount
	for _, m := range r.Rootfs {
		mounts = append(mounts, process.Mount{Type: m.Type, Source: m.Source, Target: m.Target, Options: m.Options})
	}
	if err := useRootfs(r.Bundle, mounts); err != nil {
		return nil, errgrpc.ToGRPCf(errdefs.ErrNotImplemented, "%v", err)
	}
	root := runcRoot(r.Bundle, opts)
	rt := &runcC.Runc{
		Command:   opts.BinaryName,
		Log:       filepath.Join(r.Bundle, "log.json"),
		LogFormat: runcC.JSON,
		Root:      root,
	}
	p := process.New(r.ID, rt, stdio.Stdio{Stdin: r.Stdin, Stdout: r.Stdout, Stderr: r.Stderr, Terminal: r.Terminal})
	p.Bundle = r.Bundle
	p.Platform = noConsoles{}
	p.WorkDir = filepath.Join(r.Bundle, "work")
	p.CriuWorkPath = p.WorkDir
	// The process package would hand runc a console socket for a terminal
	// (SCM_RIGHTS, which Genode lacks); here the terminal is a stream like
	// the others: the process's stdio says Terminal, and its I/O serves the
	// container's Terminal session (process/io_genode.go).
	config := &process.CreateConfig{ID: r.ID, Bundle: r.Bundle, Runtime: opts.BinaryName, Rootfs: mounts,
		Stdin: r.Stdin, Stdout: r.Stdout, Stderr: r.Stderr, Options: r.Options}
	if err := p.Create(ctx, config); err != nil {
		return nil, errgrpc.ToGRPC(err)
	}
	if r.Terminal {
		// The shim serves the Terminal session: its size is the spec's
		// consoleSize from the start, before any resize.
		if box := bundleConsoleSize(r.Bundle); box != nil {
			if err := process.ResizeTerminal(p, uint32(box.Width), uint32(box.Height)); err != nil {
				log.G(ctx).WithError(err).Warn("console size")
			}
		}
	}
	c := &genodeContainer{id: r.ID, bundle: r.Bundle, root: root, init: p,
		execs: map[string]process.Process{}, reserved: map[string]bool{}, sizes: map[string]*specs.Box{},
		names: map[string]string{}, killed: map[string]int{}}
	s.mu.Lock()
	s.containers[r.ID] = c
	s.mu.Unlock()
	log.G(ctx).WithField("namespace", ns).WithField("id", r.ID).Debug("created")
	s.send(&eventstypes.TaskCreate{
		ContainerID: r.ID,
		Bundle:      r.Bundle,
		Rootfs:      r.Rootfs,
		IO:          &eventstypes.TaskIO{Stdin: r.Stdin, Stdout: r.Stdout, Stderr: r.Stderr, Terminal: r.Terminal},
		Pid:         uint32(p.Pid()),
	})
	return &taskAPI.CreateTaskResponse{Pid: uint32(p.Pid())}, nil
}

func (s *service) Start(ctx context.Context, r *taskAPI.StartRequest) (*taskAPI.StartResponse, error) {
	c, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if r.ExecID != "" {
		if st, _ := c.init.Status(ctx); st != "running" {
			return nil, errgrpc.ToGRPCf(errdefs.ErrFailedPrecondition, "container %s init process is not running", c.id)
		}
		c.running.Add(1)
	}
	if err := p.Start(ctx); err != nil {
		if r.ExecID != "" {
			c.running.Done()
		}
		return nil, errgrpc.ToGRPC(err)
	}
	if r.ExecID == "" {
		if p.Pid() == 0 {
			// it has stopped already: init still reports its child
			if gc, err := container.Load(c.root, c.id); err == nil {
				if children, err := gc.ReportedChildren(); err == nil {
					for _, ch := range children {
						if ch.Name == c.id && ch.HasID {
							process.SetStartedPid(c.init, int(ch.ID))
						}
					}
				}
			}
		}
		s.send(&eventstypes.TaskStart{ContainerID: c.id, Pid: uint32(p.Pid())})
	} else {
		// An exec's Terminal session comes with its start: its size can
		// only follow, as a resize would.
		c.mu.Lock()
		box := c.sizes[r.ExecID]
		delete(c.sizes, r.ExecID)
		c.mu.Unlock()
		if box != nil {
			if err := process.ResizeTerminal(p, uint32(box.Width), uint32(box.Height)); err != nil {
				log.G(ctx).WithError(err).Warn("console size")
			}
		}
		s.send(&eventstypes.TaskExecStarted{ContainerID: c.id, ExecID: r.ExecID, Pid: uint32(p.Pid())})
	}
	name := c.id
	if r.ExecID != "" {
		name = execName(c, p.Pid())
		c.mu.Lock()
		c.names[r.ExecID] = name
		c.mu.Unlock()
	}
	go s.watch(c, p, r.ExecID, name)
	return &taskAPI.StartResponse{Pid: uint32(p.Pid())}, nil
}

// watch waits until init reports the process ended and publishes its exit
// (the init's after every exec process's).
func (s *service) watch(c *genodeContainer, p process.Process, execID, name string) {
	status := -1
	if gc, err := container.Load(c.root, c.id); err == nil {
		status, err = gc.Wait(s.context, name)
		if err != nil {
			log.G(s.context).WithError(err).WithField("id", name).Error("waiting for the process")
		}
	} else {
		log.G(s.context).WithError(err).WithField("id", c.id).Error("loading the container")
	}
	if status < 0 {
		// ended by runc or the shim (a kill removes the start node)
		// without a recorded status
		status = 128 + 9
		c.mu.Lock()
		if sig, ok := c.killed[execID]; ok {
			status = 128 + sig
			delete(c.killed, execID)
		}
		c.mu.Unlock()
	}
	c.mu.Lock()
	delete(c.names, execID)
	c.mu.Unlock()
	if execID == "" {
		c.running.Wait()
	}
	process.IOExited(p)
	p.SetExited(status)
	s.send(&eventstypes.TaskExit{
		ContainerID: c.id,
		ID:          p.ID(),
		Pid:         uint32(p.Pid()),
		ExitStatus:  uint32(status),
		ExitedAt:    protobuf.ToTimestamp(p.ExitedAt()),
	})
	if execID != "" {
		c.running.Done()
	}
}

// execName is init's name of the exec process just started: the child
// with init's id pid, else (runc exec -d wrote no pid: the child may not be
// reported yet) the newest exec of the container's state.
func execName(c *genodeContainer, pid int) string {
	gc, err := container.Load(c.root, c.id)
	if err != nil {
		return c.id
	}
	if pid > 0 {
		if children, err := gc.ReportedChildren(); err == nil {
			for _, ch := range children {
				if ch.HasID && int(ch.ID) == pid {
					return ch.Name
				}
			}
		}
	}
	if st, err := gc.State(); err == nil && len(st.Execs) > 0 {
		return st.Execs[len(st.Execs)-1]
	}
	return c.id
}

func (s *service) Delete(ctx context.Context, r *taskAPI.DeleteRequest) (*taskAPI.DeleteResponse, error) {
	c, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if err := p.Delete(ctx); err != nil {
		return nil, errgrpc.ToGRPC(err)
	}
	if r.ExecID == "" {
		s.mu.Lock()
		delete(s.containers, r.ID)
		s.mu.Unlock()
		s.send(&eventstypes.TaskDelete{
			ContainerID: c.id,
			Pid:         uint32(p.Pid()),
			ExitStatus:  uint32(p.ExitStatus()),
			ExitedAt:    protobuf.ToTimestamp(p.ExitedAt()),
		})
	} else {
		c.mu.Lock()
		delete(c.execs, r.ExecID)
		delete(c.reserved, r.ExecID)
		delete(c.sizes, r.ExecID)
		c.mu.Unlock()
	}
	return &taskAPI.DeleteResponse{
		ExitStatus: uint32(p.ExitStatus()),
		ExitedAt:   protobuf.ToTimestamp(p.ExitedAt()),
		Pid:        uint32(p.Pid()),
	}, nil
}

func (s *service) Exec(ctx context.Context, r *taskAPI.ExecProcessRequest) (*ptypes.Empty, error) {
	c, err := s.getContainer(r.ID)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.reserved[r.ExecID] {
		c.mu.Unlock()
		return nil, errgrpc.ToGRPCf(errdefs.ErrAlreadyExists, "id %s", r.ExecID)
	}
	c.reserved[r.ExecID] = true
	c.mu.Unlock()
	p, err := c.init.Exec(ctx, c.bundle, &process.ExecConfig{ID: r.ExecID, Terminal: r.Terminal,
		Stdin: r.Stdin, Stdout: r.Stdout, Stderr: r.Stderr, Spec: r.Spec})
	if err != nil {
		c.mu.Lock()
		delete(c.reserved, r.ExecID)
		c.mu.Unlock()
		return nil, errgrpc.ToGRPC(err)
	}
	c.mu.Lock()
	c.execs[r.ExecID] = p
	if r.Terminal && r.Spec != nil {
		var ps specs.Process
		if json.Unmarshal(r.Spec.Value, &ps) == nil && ps.ConsoleSize != nil {
			c.sizes[r.ExecID] = ps.ConsoleSize
		}
	}
	c.mu.Unlock()
	s.send(&eventstypes.TaskExecAdded{ContainerID: c.id, ExecID: p.ID()})
	return empty, nil
}

func (s *service) ResizePty(ctx context.Context, r *taskAPI.ResizePtyRequest) (*ptypes.Empty, error) {
	_, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if err := process.ResizeTerminal(p, r.Width, r.Height); err != nil {
		return nil, errgrpc.ToGRPC(err)
	}
	return empty, nil
}

func (s *service) State(ctx context.Context, r *taskAPI.StateRequest) (*taskAPI.StateResponse, error) {
	c, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	status := task.Status_UNKNOWN
	switch st {
	case "created":
		status = task.Status_CREATED
	case "running":
		status = task.Status_RUNNING
	case "stopped":
		status = task.Status_STOPPED
	}
	sio := p.Stdio()
	return &taskAPI.StateResponse{
		ID:         p.ID(),
		Bundle:     c.bundle,
		Pid:        uint32(p.Pid()),
		Status:     status,
		Stdin:      sio.Stdin,
		Stdout:     sio.Stdout,
		Stderr:     sio.Stderr,
		Terminal:   sio.Terminal,
		ExitStatus: uint32(p.ExitStatus()),
		ExitedAt:   protobuf.ToTimestamp(p.ExitedAt()),
	}, nil
}

func (s *service) Pause(ctx context.Context, r *taskAPI.PauseRequest) (*ptypes.Empty, error) {
	return nil, errgrpc.ToGRPCf(errdefs.ErrNotImplemented, "pause: Genode's init cannot freeze a child")
}

func (s *service) Resume(ctx context.Context, r *taskAPI.ResumeRequest) (*ptypes.Empty, error) {
	return nil, errgrpc.ToGRPCf(errdefs.ErrNotImplemented, "resume: Genode's init cannot freeze a child")
}

func (s *service) Kill(ctx context.Context, r *taskAPI.KillRequest) (*ptypes.Empty, error) {
	c, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if r.ExecID != "" {
		return empty, s.killExec(ctx, c, p, r.ExecID, syscall.Signal(r.Signal))
	}
	st, _ := p.Status(ctx)
	if err := p.Kill(ctx, r.Signal, r.All); err != nil {
		return nil, errgrpc.ToGRPC(err)
	}
	if st == "created" && (r.Signal == uint32(syscall.SIGKILL) || r.Signal == uint32(syscall.SIGTERM)) {
		// A created container has no process yet (Genode's init starts
		// a child only with its start node); runc recorded the kill's
		// status, which watch publishes as the exit.
		go s.watch(c, p, "", c.id)
	}
	return empty, nil
}

// killExec ends an exec process as runc's kill ends a container: an exec
// is a child of init, not of the shim, so the process package's kill(2) of
// its pid cannot reach it; its start node goes, with the status 128+sig.
func (s *service) killExec(ctx context.Context, c *genodeContainer, p process.Process, execID string, sig syscall.Signal) error {
	st, err := p.Status(ctx)
	if err != nil {
		return errgrpc.ToGRPC(err)
	}
	switch {
	case st == "created":
		return errgrpc.ToGRPCf(errdefs.ErrFailedPrecondition, "process not created")
	case st == "stopped":
		return errgrpc.ToGRPCf(errdefs.ErrNotFound, "process already finished")
	case sig == 0:
		return nil
	case sig != syscall.SIGKILL && sig != syscall.SIGTERM:
		return errgrpc.ToGRPCf(errdefs.ErrNotImplemented, "cannot deliver signal %d to exec process %s: Genode's init has no way to signal a child; only KILL and TERM, which both end it, are supported", int(sig), execID)
	}
	c.mu.Lock()
	name, ok := c.names[execID]
	if ok {
		c.killed[execID] = int(sig)
	}
	c.mu.Unlock()
	if !ok {
		return errgrpc.ToGRPCf(errdefs.ErrNotFound, "process already finished")
	}
	gc, err := container.Load(c.root, c.id)
	if err != nil {
		return errgrpc.ToGRPC(err)
	}
	if err := gc.EndProcess(name); err != nil {
		return errgrpc.ToGRPC(err)
	}
	return nil
}

func (s *service) Pids(ctx context.Context, r *taskAPI.PidsRequest) (*taskAPI.PidsResponse, error) {
	c, err := s.getContainer(r.ID)
	if err != nil {
		return nil, err
	}
	pids, err := c.init.Runtime().Ps(ctx, c.id)
	if err != nil {
		return nil, errgrpc.ToGRPC(err)
	}
	var out []*task.ProcessInfo
	for _, pid := range pids {
		info := &task.ProcessInfo{Pid: uint32(pid)}
		c.mu.Lock()
		for _, p := range c.execs {
			if p.Pid() == pid {
				a, err := typeurl.MarshalAnyToProto(&options.ProcessDetails{ExecID: p.ID()})
				if err == nil {
					info.Info = a
				}
				break
			}
		}
		c.mu.Unlock()
		out = append(out, info)
	}
	return &taskAPI.PidsResponse{Processes: out}, nil
}

func (s *service) CloseIO(ctx context.Context, r *taskAPI.CloseIORequest) (*ptypes.Empty, error) {
	_, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if stdin := p.Stdin(); stdin != nil {
		if err := stdin.Close(); err != nil {
			return nil, err
		}
	}
	return empty, nil
}

func (s *service) Checkpoint(ctx context.Context, r *taskAPI.CheckpointTaskRequest) (*ptypes.Empty, error) {
	return nil, errgrpc.ToGRPCf(errdefs.ErrNotImplemented, "checkpoint: Genode has no CRIU")
}

func (s *service) Update(ctx context.Context, r *taskAPI.UpdateTaskRequest) (*ptypes.Empty, error) {
	c, err := s.getContainer(r.ID)
	if err != nil {
		return nil, err
	}
	if err := c.init.Update(ctx, r.Resources); err != nil {
		return nil, errgrpc.ToGRPC(err)
	}
	return empty, nil
}

func (s *service) Wait(ctx context.Context, r *taskAPI.WaitRequest) (*taskAPI.WaitResponse, error) {
	_, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if err := p.Wait(ctx); err != nil {
		return nil, errgrpc.ToGRPC(err)
	}
	return &taskAPI.WaitResponse{ExitStatus: uint32(p.ExitStatus()), ExitedAt: protobuf.ToTimestamp(p.ExitedAt())}, nil
}

func (s *service) Connect(ctx context.Context, r *taskAPI.ConnectRequest) (*taskAPI.ConnectResponse, error) {
	var pid int
	if c, err := s.getContainer(r.ID); err == nil {
		pid = c.init.Pid()
	}
	return &taskAPI.ConnectResponse{ShimPid: uint32(os.Getpid()), TaskPid: uint32(pid)}, nil
}

func (s *service) Shutdown(ctx context.Context, r *taskAPI.ShutdownRequest) (*ptypes.Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.containers) > 0 {
		return empty, nil
	}
	s.shutdown.Shutdown()
	return empty, nil
}

// Stats are what init reports of the container's children: their RAM
// quota and use, in cgroup v2's metrics type, which clients print and CRI
// reads. Genode accounts no CPU time per child.
func (s *service) Stats(ctx context.Context, r *taskAPI.StatsRequest) (*taskAPI.StatsResponse, error) {
	c, err := s.getContainer(r.ID)
	if err != nil {
		return nil, err
	}
	gc, err := container.Load(c.root, c.id)
	if err != nil {
		return nil, errgrpc.ToGRPC(err)
	}
	st, err := gc.Stats()
	if err != nil {
		return nil, errgrpc.ToGRPCf(errdefs.ErrNotFound, "%v", err)
	}
	c.mu.Lock()
	procs := uint64(1 + len(c.execs))
	c.mu.Unlock()
	m := &cgstats.Metrics{
		Pids:   &cgstats.PidsStat{Current: procs},
		Memory: &cgstats.MemoryStat{Usage: st.RAM.Used, UsageLimit: st.RAM.Quota},
	}
	data, err := typeurl.MarshalAny(m)
	if err != nil {
		return nil, err
	}
	return &taskAPI.StatsResponse{Stats: typeurl.MarshalProto(data)}, nil
}

func (s *service) send(evt any) {
	select {
	case s.events <- evt:
	case <-s.shutdown.Done():
	}
}

func (s *service) forward(ctx context.Context, publisher shim.Publisher) {
	ctx = context.WithoutCancel(ctx)
	defer publisher.Close()
	publish := func(e any) {
		if err := publisher.Publish(ctx, runtime.GetTopic(e), e); err != nil {
			log.G(ctx).WithError(err).Error("post event")
		}
	}
	for {
		select {
		case e := <-s.events:
			publish(e)
		case <-s.shutdown.Done():
			for {
				select {
				case e := <-s.events:
					publish(e)
				default:
					return
				}
			}
		}
	}
}

// getProcess is the container id and its process execID ("" for the init).
func (s *service) getProcess(id, execID string) (*genodeContainer, process.Process, error) {
	c, err := s.getContainer(id)
	if err != nil {
		return nil, nil, err
	}
	p, err := c.process(execID)
	if err != nil {
		return nil, nil, err
	}
	return c, p, nil
}

func (s *service) getContainer(id string) (*genodeContainer, error) {
	s.mu.Lock()
	c := s.containers[id]
	s.mu.Unlock()
	if c == nil {
		return nil, errgrpc.ToGRPCf(errdefs.ErrNotFound, "container not created")
	}
	return c, nil
}

// noConsoles is the platform of a shim without ptys: the process package
// asks it only for a console runc sent over a socket, which Genode's does not.
type noConsoles struct{}

func (noConsoles) CopyConsole(ctx context.Context, console console.Console, id, stdin, stdout, stderr string, wg *sync.WaitGroup) (console.Console, error) {
	return nil, fmt.Errorf("terminal: %w", errdefs.ErrNotImplemented)
}

func (noConsoles) ShutdownConsole(ctx context.Context, console console.Console) error { return nil }

func (noConsoles) Close() error { return nil }
