package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	containerd "github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/pkg/cio"
	"github.com/containerd/containerd/v2/pkg/oci"
	"github.com/containerd/errdefs"
	"github.com/containerd/platforms"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var validName = regexp.MustCompile(`^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// get is the container name names: its name, its ID or a unique prefix of
// its ID.
func (d *Daemon) get(name string) (*Container, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.containers[name]; ok {
		return c, nil
	}
	var found *Container
	for _, c := range d.containers {
		if c.Name == "/"+strings.TrimPrefix(name, "/") {
			return c, nil
		}
		if name != "" && strings.HasPrefix(c.ID, name) {
			if found != nil {
				return nil, invalid(fmt.Errorf("multiple containers match the ID prefix %s", name))
			}
			found = c
		}
	}
	if found == nil {
		return nil, notFound(fmt.Errorf("No such container: %s", name))
	}
	return found, nil
}

// CreateContainer is docker create: the container's configuration is
// checked against what Genode can honour (refused by option name), its
// image resolved, its spec made and containerd's container created.
func (d *Daemon) CreateContainer(ctx context.Context, name string, cfg *container.Config, hc *container.HostConfig) (container.CreateResponse, error) {
	ctx = d.ctx(ctx)
	if cfg == nil {
		return container.CreateResponse{}, invalid(errors.New("the container's config is missing"))
	}
	if hc == nil {
		hc = &container.HostConfig{}
	}
	if err := refuse(cfg, hc); err != nil {
		return container.CreateResponse{}, err
	}
	netname, err := networkOf(hc)
	if err != nil {
		return container.CreateResponse{}, err
	}
	if err := d.checkPorts(hc, netname); err != nil {
		return container.CreateResponse{}, err
	}
	if name != "" {
		if !validName.MatchString(name) {
			return container.CreateResponse{}, invalid(fmt.Errorf("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name))
		}
		name = "/" + strings.TrimPrefix(name, "/")
	}
	if cfg.StopSignal != "" {
		if _, err := parseSignal(cfg.StopSignal); err != nil {
			return container.CreateResponse{}, invalid(fmt.Errorf("--stop-signal: %w", err))
		}
	}
	imgs, imageID, err := d.findImage(ctx, cfg.Image)
	if err != nil {
		return container.CreateResponse{}, err
	}
	img := containerd.NewImageWithPlatform(d.client, imgs[0], d.platform)
	_, icfg, err := d.imageConfig(ctx, imgs[0])
	if err != nil {
		return container.CreateResponse{}, err
	}
	entry, cmd := []string(icfg.Config.Entrypoint), []string(icfg.Config.Cmd)
	if cfg.Entrypoint != nil {
		entry, cmd = cfg.Entrypoint, nil
		if len(entry) == 1 && entry[0] == "" {
			entry = nil
		}
	}
	if len(cfg.Cmd) > 0 {
		cmd = cfg.Cmd
	}
	// the image's exposed ports are the container's, for -P and inspect
	for p := range icfg.Config.ExposedPorts {
		port, err := network.ParsePort(p)
		if err != nil {
			continue
		}
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = network.PortSet{}
		}
		cfg.ExposedPorts[port] = struct{}{}
	}
	args := append(slices.Clone(entry), cmd...)
	if len(args) == 0 {
		return container.CreateResponse{}, invalid(errors.New("no command specified"))
	}
	mounts, err := bindMounts(hc)
	if err != nil {
		return container.CreateResponse{}, err
	}

	d.mu.Lock()
	id := newID()
	if name == "" {
		name = "/" + randomName(func(n string) bool {
			for _, c := range d.containers {
				if c.Name == "/"+n {
					return true
				}
			}
			return false
		})
	}
	for _, c := range d.containers {
		if c.Name == name {
			d.mu.Unlock()
			return container.CreateResponse{}, conflict(fmt.Errorf("Conflict. The container name %q is already in use by container %q. You have to remove (or rename) that container to be able to reuse that name.", name, c.ID))
		}
	}
	c := &Container{ID: id, Name: name, Created: time.Now().UTC(), Image: cfg.Image, ImageID: imageID,
		Config: cfg, HostConfig: hc, Path: args[0], Args: args[1:],
		dir: filepath.Join(d.cfg.Root, "containers", id), changed: make(chan struct{})}
	c.State = container.State{Status: container.StateCreated, StartedAt: zeroTime, FinishedAt: zeroTime}
	if netname == bridgeName {
		ip, err := d.allocIP()
		if err != nil {
			d.mu.Unlock()
			return container.CreateResponse{}, err
		}
		c.Net = &Netstate{IP: ip}
	}
	d.containers[id] = c // the name and address are taken from here on
	d.mu.Unlock()
	fail := func(err error) (container.CreateResponse, error) {
		d.mu.Lock()
		delete(d.containers, id)
		d.mu.Unlock()
		os.RemoveAll(c.dir)
		return container.CreateResponse{}, err
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return fail(err)
	}

	opts := []oci.SpecOpts{
		oci.WithDefaultSpecForPlatform(platforms.Format(platforms.DefaultSpec())),
		oci.WithImageConfig(img),
		oci.WithProcessArgs(args...),
	}
	if len(cfg.Env) > 0 {
		opts = append(opts, oci.WithEnv(cfg.Env))
	}
	if cfg.WorkingDir != "" {
		opts = append(opts, oci.WithProcessCwd(cfg.WorkingDir))
	}
	if cfg.Tty {
		opts = append(opts, oci.WithTTY)
		if hc.ConsoleSize[0] > 0 && hc.ConsoleSize[1] > 0 {
			opts = append(opts, oci.WithTTYSize(int(hc.ConsoleSize[1]), int(hc.ConsoleSize[0])))
		}
	}
	if hc.Memory > 0 {
		opts = append(opts, oci.WithMemoryLimit(uint64(hc.Memory)))
	}
	if len(mounts) > 0 {
		opts = append(opts, oci.WithMounts(mounts))
	}
	if c.Net != nil {
		opts = append(opts, oci.WithAnnotations(map[string]string{annNetwork: d.stackNode(c.Net.IP)}))
	}
	_, err = d.client.NewContainer(ctx, c.cid(),
		containerd.WithImage(img),
		containerd.WithSnapshotter(d.cfg.Snapshotter),
		containerd.WithNewSnapshot(c.cid(), img),
		containerd.WithRuntime(d.cfg.Runtime, nil),
		containerd.WithNewSpec(opts...),
		containerd.WithContainerLabels(map[string]string{"com.docker/engine.bundle.path": c.dir, "name": name}))
	if err != nil {
		return fail(err)
	}
	c.mu.Lock()
	err = c.save()
	c.mu.Unlock()
	if err != nil {
		d.client.ContainerService().Delete(ctx, c.cid())
		return fail(err)
	}
	d.containerEvent(c, events.ActionCreate, nil)
	return container.CreateResponse{ID: id, Warnings: []string{}}, nil
}

const zeroTime = "0001-01-01T00:00:00Z"

// bindMounts are -v HOST:CTR[:ro] and --mount type=bind: Genode's init
// gives a child a host directory through a File_system session; named
// volumes and tmpfs the engine does not have.
func bindMounts(hc *container.HostConfig) ([]specs.Mount, error) {
	var out []specs.Mount
	for _, b := range hc.Binds {
		parts := strings.Split(b, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, invalid(fmt.Errorf("invalid volume specification: %q", b))
		}
		src, dst := parts[0], parts[1]
		if slices.Contains(parts, "") {
			return nil, invalid(fmt.Errorf("invalid volume specification: %q: empty section between colons", b))
		}
		if !filepath.IsAbs(src) && !validName.MatchString(src) {
			return nil, invalid(fmt.Errorf("invalid volume specification: %q: %q is neither an absolute host path nor a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]+)", b, src))
		}
		if !filepath.IsAbs(src) {
			return nil, notImplemented(fmt.Errorf("-v %s: named volumes: the engine on Genode has no volumes; give a host directory (an absolute path)", b))
		}
		if !filepath.IsAbs(dst) {
			return nil, invalid(fmt.Errorf("invalid mount config: the mount point %q of %q is not an absolute path", dst, b))
		}
		mode := "rw"
		if len(parts) == 3 {
			for _, o := range strings.Split(parts[2], ",") {
				switch o {
				case "ro", "rw":
					mode = o
				case "z", "Z", "shared", "rshared", "slave", "rslave", "private", "rprivate",
					"nocopy", "consistent", "cached", "delegated":
					return nil, notImplemented(fmt.Errorf("-v %s: option %q: Genode's File_system sessions are read-only or writeable, nothing else", b, o))
				default:
					return nil, invalid(fmt.Errorf("invalid volume specification: %q: invalid mode %q", b, o))
				}
			}
		}
		out = append(out, specs.Mount{Type: "bind", Source: src, Destination: dst, Options: []string{"rbind", mode}})
	}
	for _, m := range hc.Mounts {
		switch m.Type {
		case mount.TypeBind, mount.TypeVolume, mount.TypeTmpfs, mount.TypeNamedPipe, mount.TypeCluster, mount.TypeImage:
		default:
			return nil, invalid(fmt.Errorf("--mount type=%s: not a mount type (bind, volume, tmpfs, npipe, cluster, image)", m.Type))
		}
		if m.Type != "bind" {
			return nil, notImplemented(fmt.Errorf("--mount type=%s: the engine on Genode has only bind mounts", m.Type))
		}
		if !filepath.IsAbs(m.Source) || !filepath.IsAbs(m.Target) {
			return nil, invalid(fmt.Errorf("--mount source=%s,target=%s: both must be absolute paths", m.Source, m.Target))
		}
		mode := "rw"
		if m.ReadOnly {
			mode = "ro"
		}
		out = append(out, specs.Mount{Type: "bind", Source: m.Source, Destination: m.Target, Options: []string{"rbind", mode}})
	}
	return out, nil
}

// StartContainer is docker start: a containerd task whose streams the
// engine keeps (log and attached clients).
func (d *Daemon) StartContainer(ctx context.Context, name string) error {
	ctx = d.ctx(ctx)
	c, err := d.get(name)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.State.Running {
		return notModified{}
	}
	if c.removed {
		return notFound(fmt.Errorf("No such container: %s", name))
	}
	cc, err := d.client.LoadContainer(ctx, c.cid())
	if err != nil {
		return err
	}
	// a task left by an earlier run (the engine stopped before it saw the exit)
	if t, err := cc.Task(ctx, nil); err == nil {
		t.Delete(ctx, containerd.WithProcessKill)
	}
	if err := d.publish(c); err != nil {
		return err
	}
	cio_, err := c.ensureIO()
	if err != nil {
		d.unpublish(c)
		return err
	}
	task, err := cc.NewTask(ctx, creator(cio_))
	if err != nil {
		d.startFailed(c, err)
		return startError(err)
	}
	exitC, err := task.Wait(d.ctx(context.Background()))
	if err != nil {
		task.Delete(ctx, containerd.WithProcessKill)
		d.unpublish(c)
		return err
	}
	if err := task.Start(ctx); err != nil {
		task.Delete(ctx, containerd.WithProcessKill)
		d.startFailed(c, err)
		return startError(err)
	}
	c.setState(func(s *container.State) {
		s.Status, s.Running, s.Pid, s.ExitCode, s.Error = container.StateRunning, true, int(task.Pid()), 0, ""
		s.StartedAt, s.FinishedAt = time.Now().UTC().Format(time.RFC3339Nano), zeroTime
	})
	d.containerEvent(c, events.ActionStart, nil)
	go d.monitor(c, task, exitC, cio_)
	return nil
}

// startFailed: a container that could not start stays created with the
// error and Docker's status for it (127: no such program); one to be removed
// at its end is removed (docker run --rm waits for that).
// c.mu is held.
func (d *Daemon) startFailed(c *Container, err error) {
	d.unpublish(c)
	if c.io != nil {
		c.io.close()
		c.io = nil
	}
	code := 128
	switch msg := err.Error(); {
	case strings.Contains(msg, "not found"), strings.Contains(msg, "no such file"):
		code = 127
	case strings.Contains(msg, "permission denied"):
		code = 126
	}
	c.setState(func(s *container.State) {
		s.Running, s.ExitCode, s.Error = false, code, err.Error()
	})
	if c.HostConfig.AutoRemove {
		go func() {
			if err := d.RemoveContainer(context.Background(), c.ID, true); err != nil && !errdefs.IsNotFound(err) {
				fmt.Fprintf(os.Stderr, "engine: removing %s after its failed start: %v\n", c.ID, err)
			}
		}()
	}
}

func startError(err error) error {
	// the runtime's refusal names what Genode cannot do; it is the client's
	// request that cannot be honoured, not an engine failure
	if errdefs.IsNotImplemented(err) || strings.Contains(err.Error(), "Genode") {
		return notImplemented(err)
	}
	return err
}

type notModified struct{}

func (notModified) Error() string { return "container already started" }
func (notModified) NotModified()  {}

func creator(io_ *containerIO) cio.Creator {
	opts := []cio.Opt{cio.WithStreams(io_.stdin(), io_.stdout(), io_.stderr())}
	if io_.tty {
		opts = append(opts, cio.WithTerminal)
	}
	return cio.NewCreator(opts...)
}

// ensureIO is the container's streams for its next run; c.mu is held.
func (c *Container) ensureIO() (*containerIO, error) {
	if c.io != nil {
		return c.io, nil
	}
	io_, err := newContainerIO(c.logPath(), c.Config.Tty, c.Config.OpenStdin)
	if err != nil {
		return nil, err
	}
	c.io = io_
	return io_, nil
}

// monitor waits for the task's exit, records it, and removes the task (and
// the container, if it is to be removed when it ends).
func (d *Daemon) monitor(c *Container, task containerd.Task, exitC <-chan containerd.ExitStatus, io_ *containerIO) {
	ctx := d.ctx(context.Background())
	var code uint32
	var err error
	for {
		st := <-exitC
		code, _, err = st.Result()
		if err == nil {
			break
		}
		// the wait failed, not necessarily the task: it is asked again
		// while it runs
		s, serr := task.Status(ctx)
		if serr == nil && s.Status == containerd.Stopped {
			code, err = s.ExitStatus, nil
			break
		}
		if serr != nil && errdefs.IsNotFound(serr) {
			break
		}
		time.Sleep(200 * time.Millisecond)
		if exitC, serr = task.Wait(ctx); serr != nil {
			err = serr
			break
		}
	}
	deleteTask(ctx, task)
	io_.close()
	c.mu.Lock()
	if c.io == io_ {
		c.io = nil
	}
	c.exits++
	d.unpublish(c)
	c.setState(func(s *container.State) {
		s.Status, s.Running, s.Pid, s.ExitCode = container.StateExited, false, 0, int(code)
		s.FinishedAt = time.Now().UTC().Format(time.RFC3339Nano)
		if err != nil {
			s.Error = err.Error()
		}
	})
	auto := c.HostConfig.AutoRemove
	c.mu.Unlock()
	d.containerEvent(c, events.ActionDie, map[string]string{"exitCode": strconv.Itoa(int(code))})
	if auto {
		if err := d.RemoveContainer(ctx, c.ID, true); err != nil && !errdefs.IsNotFound(err) {
			fmt.Fprintf(os.Stderr, "engine: removing %s after its end: %v\n", c.ID, err)
		}
	}
}

// deleteTask removes an ended task. The runtime may still call it running
// for a moment after its exit was published (init reports the child's end,
// runc's state follows): the delete is tried again for a while before the
// task is killed. Its streams are closed whatever came of it.
func deleteTask(ctx context.Context, task containerd.Task) {
	for i := 0; ; i++ {
		_, err := task.Delete(ctx)
		if err == nil || errdefs.IsNotFound(err) {
			break
		}
		if i == 40 {
			fmt.Fprintf(os.Stderr, "engine: deleting the task of %s: %v; killing it\n", task.ID(), err)
			task.Delete(ctx, containerd.WithProcessKill)
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if io := task.IO(); io != nil {
		io.Close()
	}
}

// WaitContainer is docker wait: it returns the exit code once the
// condition holds ("not-running", the default; "next-exit"; "removed").
func (d *Daemon) WaitContainer(ctx context.Context, name string, condition container.WaitCondition) (int, error) {
	c, err := d.get(name)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	exits := c.exits
	c.mu.Unlock()
	for {
		c.mu.Lock()
		var done bool
		switch condition {
		case container.WaitConditionNextExit:
			done = c.exits > exits
		case container.WaitConditionRemoved:
			done = c.removed
		case "", container.WaitConditionNotRunning:
			done = !c.State.Running
		default:
			c.mu.Unlock()
			return 0, invalid(fmt.Errorf("invalid condition: %q", condition))
		}
		code, ch := c.State.ExitCode, c.changed
		c.mu.Unlock()
		if done {
			return code, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// KillContainer is docker kill. Genode's init ends a child but signals
// none, so KILL and TERM end the container and others are refused (by the
// runtime, naming the signal).
func (d *Daemon) KillContainer(ctx context.Context, name, signal string) error {
	ctx = d.ctx(ctx)
	c, err := d.get(name)
	if err != nil {
		return err
	}
	sig := syscall.SIGKILL
	if signal != "" {
		s, err := parseSignal(signal)
		if err != nil {
			return err
		}
		sig = s
	}
	running := c.isRunning()
	if !running {
		return conflict(fmt.Errorf("cannot kill container: %s: container %s is not running", name, c.ID))
	}
	notRunning := conflict(fmt.Errorf("cannot kill container: %s: container %s is not running", name, c.ID))
	task, err := d.task(ctx, c)
	if err != nil {
		if errdefs.IsNotFound(err) {
			return notRunning // it has just ended
		}
		return err
	}
	if err := task.Kill(ctx, sig); err != nil {
		if errdefs.IsNotFound(err) {
			return notRunning
		}
		return startError(err)
	}
	d.containerEvent(c, events.ActionKill, map[string]string{"signal": strconv.Itoa(int(sig))})
	return nil
}

func (d *Daemon) task(ctx context.Context, c *Container) (containerd.Task, error) {
	cc, err := d.client.LoadContainer(ctx, c.cid())
	if err != nil {
		return nil, err
	}
	return cc.Task(ctx, nil)
}

func parseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		// Linux's 1 to 64; the runtime takes a uint32, where another
		// number would wrap round to some other signal
		if n < 1 || n > 64 {
			return 0, invalid(fmt.Errorf("invalid signal: %s (a number from 1 to 64 or a name)", s))
		}
		return syscall.Signal(n), nil
	}
	up := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	for name, sig := range map[string]syscall.Signal{"KILL": syscall.SIGKILL, "TERM": syscall.SIGTERM,
		"INT": syscall.SIGINT, "HUP": syscall.SIGHUP, "QUIT": syscall.SIGQUIT, "USR1": syscall.SIGUSR1,
		"USR2": syscall.SIGUSR2, "STOP": syscall.SIGSTOP, "CONT": syscall.SIGCONT} {
		if name == up {
			return sig, nil
		}
	}
	return 0, invalid(fmt.Errorf("invalid signal: %s", s))
}

// StopContainer is docker stop: the stop signal (TERM), then KILL after
// timeout seconds (10 unless given).
func (d *Daemon) StopContainer(ctx context.Context, name string, timeout *int) error {
	c, err := d.get(name)
	if err != nil {
		return err
	}
	c.mu.Lock()
	running, stopSignal := c.State.Running, c.Config.StopSignal
	t := 10
	if c.Config.StopTimeout != nil {
		t = *c.Config.StopTimeout
	}
	c.mu.Unlock()
	if !running {
		return notModified{}
	}
	if timeout != nil {
		t = *timeout
	}
	if stopSignal == "" {
		stopSignal = "TERM"
	}
	if t != 0 {
		if err := d.KillContainer(ctx, c.ID, stopSignal); err != nil && !errdefs.IsConflict(err) {
			return err
		}
	}
	wctx := ctx
	if t >= 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, time.Duration(t)*time.Second)
		defer cancel()
	}
	if _, err := d.WaitContainer(wctx, c.ID, container.WaitConditionNotRunning); err == nil {
		d.containerEvent(c, events.ActionStop, nil)
		return nil
	}
	if err := d.KillContainer(ctx, c.ID, "KILL"); err != nil && !errdefs.IsConflict(err) {
		return err
	}
	if _, err := d.WaitContainer(ctx, c.ID, container.WaitConditionNotRunning); err != nil {
		return err
	}
	d.containerEvent(c, events.ActionStop, nil)
	return nil
}

// RestartContainer is docker restart.
func (d *Daemon) RestartContainer(ctx context.Context, name string, timeout *int) error {
	if err := d.StopContainer(ctx, name, timeout); err != nil && !isNotModified(err) {
		return err
	}
	if err := d.StartContainer(ctx, name); err != nil && !isNotModified(err) {
		return err
	}
	c, err := d.get(name)
	if err == nil {
		d.containerEvent(c, events.ActionRestart, nil)
	}
	return nil
}

func isNotModified(err error) bool { return errdefs.IsNotModified(err) }

// RemoveContainer is docker rm: a running container only when forced.
func (d *Daemon) RemoveContainer(ctx context.Context, name string, force bool) error {
	ctx = d.ctx(ctx)
	c, err := d.get(name)
	if err != nil {
		return err
	}
	running := c.isRunning()
	if running {
		if !force {
			return conflict(fmt.Errorf("cannot remove container %q: container is running: stop the container before removing or force remove", c.Name))
		}
		if err := d.KillContainer(ctx, c.ID, "KILL"); err != nil && !errdefs.IsConflict(err) {
			return err
		}
		if _, err := d.WaitContainer(ctx, c.ID, container.WaitConditionNotRunning); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.removed {
		return nil
	}
	if cc, err := d.client.LoadContainer(ctx, c.cid()); err == nil {
		if t, err := cc.Task(ctx, nil); err == nil {
			t.Delete(ctx, containerd.WithProcessKill)
		}
		if err := cc.Delete(ctx, containerd.WithSnapshotCleanup); err != nil && !errdefs.IsNotFound(err) {
			return err
		}
	} else if !errdefs.IsNotFound(err) {
		return err
	}
	if c.io != nil {
		c.io.close()
		c.io = nil
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return err
	}
	d.mu.Lock()
	delete(d.containers, c.ID)
	d.mu.Unlock()
	c.removed = true
	c.setState(func(s *container.State) { s.Status = container.StateRemoving })
	d.containerEvent(c, events.ActionDestroy, nil)
	return nil
}

// Containers is docker ps: all of them, or the running ones, filtered by
// status, name, id, label, exited and ancestor.
func (d *Daemon) Containers(ctx context.Context, all bool, filters map[string][]string) ([]container.Summary, error) {
	for k := range filters {
		switch k {
		case "status", "name", "id", "label", "exited", "ancestor":
		default:
			return nil, invalid(fmt.Errorf("invalid filter '%s'", k))
		}
	}
	for _, v := range filters["status"] {
		if err := container.ValidateContainerState(container.ContainerState(v)); err != nil {
			return nil, invalid(fmt.Errorf("invalid filter 'status=%s': %w", v, err))
		}
	}
	for _, v := range filters["exited"] {
		if _, err := strconv.Atoi(v); err != nil {
			return nil, invalid(fmt.Errorf("invalid filter 'exited=%s': not an exit code", v))
		}
	}
	if len(filters["status"]) > 0 || len(filters["exited"]) > 0 {
		all = true
	}
	d.mu.Lock()
	list := make([]*Container, 0, len(d.containers))
	for _, c := range d.containers {
		list = append(list, c)
	}
	d.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].Created.After(list[j].Created) })
	out := []container.Summary{}
	for _, c := range list {
		c.mu.Lock()
		s := container.Summary{ID: c.ID, Names: []string{c.Name}, Image: c.Image, ImageID: c.ImageID,
			Command: c.command(), Created: c.Created.Unix(), State: c.State.Status, Status: c.summaryStatus(),
			Labels: c.Config.Labels, Ports: portSummary(c), Mounts: mountPoints(c.HostConfig)}
		if s.Labels == nil {
			s.Labels = map[string]string{}
		}
		s.HostConfig.NetworkMode = string(c.HostConfig.NetworkMode)
		if c.Net != nil {
			s.NetworkSettings = &container.NetworkSettingsSummary{Networks: d.networkSettings(c).Networks}
		}
		exitCode, running := c.State.ExitCode, c.State.Running
		c.mu.Unlock()
		if !all && !running {
			continue
		}
		if !matches(filters, s, exitCode, running) {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

func matches(f map[string][]string, s container.Summary, exitCode int, running bool) bool {
	any := func(key string, ok func(v string) bool) bool {
		vs := f[key]
		if len(vs) == 0 {
			return true
		}
		for _, v := range vs {
			if ok(v) {
				return true
			}
		}
		return false
	}
	return any("status", func(v string) bool { return v == string(s.State) }) &&
		any("name", func(v string) bool {
			return strings.Contains(strings.TrimPrefix(s.Names[0], "/"), strings.TrimPrefix(v, "/"))
		}) &&
		any("id", func(v string) bool { return strings.HasPrefix(s.ID, v) }) &&
		any("exited", func(v string) bool { n, err := strconv.Atoi(v); return err == nil && !running && n == exitCode }) &&
		any("ancestor", func(v string) bool {
			if n, err := NormalizeRef(v); err == nil {
				if n2, err := NormalizeRef(s.Image); err == nil && n == n2 {
					return true
				}
			}
			return strings.HasPrefix(strings.TrimPrefix(s.ImageID, "sha256:"), strings.TrimPrefix(v, "sha256:"))
		}) &&
		allLabels(f["label"], s.Labels)
}

func allLabels(want []string, have map[string]string) bool {
	for _, w := range want {
		k, v, hasValue := strings.Cut(w, "=")
		got, ok := have[k]
		if !ok || hasValue && got != v {
			return false
		}
	}
	return true
}

func mountPoints(hc *container.HostConfig) []container.MountPoint {
	mounts, _ := bindMounts(hc)
	out := []container.MountPoint{}
	for _, m := range mounts {
		out = append(out, container.MountPoint{Type: "bind", Source: m.Source, Destination: m.Destination,
			Mode: m.Options[1], RW: m.Options[1] == "rw", Propagation: "rprivate"})
	}
	return out
}

// InspectContainer is docker inspect of a container.
func (d *Daemon) InspectContainer(ctx context.Context, name string) (container.InspectResponse, error) {
	c, err := d.get(name)
	if err != nil {
		return container.InspectResponse{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	state := c.State
	return container.InspectResponse{ID: c.ID, Created: c.Created.Format(time.RFC3339Nano), Path: c.Path,
		Args: slices.Clone(c.Args), State: &state, Image: c.ImageID, LogPath: c.logPath(), Name: c.Name,
		Driver: d.cfg.Snapshotter, Platform: "genode", HostConfig: c.HostConfig, Config: c.Config,
		Mounts: mountPoints(c.HostConfig), ExecIDs: nil, NetworkSettings: d.networkSettings(c)}, nil
}

// LogsOptions are docker logs' options.
type LogsOptions struct {
	Stdout, Stderr, Follow, Timestamps bool
	Tail                               int // < 0: all
}

// Logs writes the container's log to w (stream by stream), and with Follow
// what it writes until it ends or ctx is done.
func (d *Daemon) Logs(ctx context.Context, name string, o LogsOptions, w func(stream int, b []byte) error) error {
	c, err := d.get(name)
	if err != nil {
		return err
	}
	want := [3]bool{false, o.Stdout, o.Stderr}
	format := func(stream int, t time.Time, b []byte) error {
		if !want[stream] {
			return nil
		}
		if o.Timestamps {
			b = append([]byte(t.UTC().Format(time.RFC3339Nano)+" "), b...)
		}
		return w(stream, b)
	}
	c.mu.Lock()
	io_ := c.io
	running := c.State.Running
	c.mu.Unlock()
	if !o.Follow || !running || io_ == nil {
		return readLog(c.logPath(), o.Tail, func(e logEntry) error {
			return format(streamOf(e.Stream), e.Time, []byte(e.Log))
		})
	}
	// the log so far and what comes after it, nothing twice: both under the
	// streams' lock
	type chunk struct {
		stream int
		b      []byte
	}
	ch := make(chan chunk, 256)
	io_.mu.Lock()
	io_.log.Sync()
	err = readLog(c.logPath(), o.Tail, func(e logEntry) error {
		return format(streamOf(e.Stream), e.Time, []byte(e.Log))
	})
	var sub *subscriber
	var gone <-chan struct{}
	if !io_.closed {
		sub = &subscriber{streams: [3]bool{false, true, true}, gone: make(chan struct{}), w: func(stream int, b []byte) error {
			select {
			case ch <- chunk{stream, append([]byte(nil), b...)}:
				return nil
			default:
				return errors.New("log follower too slow")
			}
		}}
		io_.subs[sub] = struct{}{}
		gone = sub.gone
	}
	io_.mu.Unlock()
	if err != nil || sub == nil {
		return err
	}
	defer io_.unsubscribe(sub)
	for {
		select {
		case k := <-ch:
			if err := format(k.stream, time.Now(), k.b); err != nil {
				return err
			}
		case <-gone:
			for {
				select {
				case k := <-ch:
					if err := format(k.stream, time.Now(), k.b); err != nil {
						return err
					}
				default:
					return nil
				}
			}
		case <-ctx.Done():
			return nil
		}
	}
}

func streamOf(name string) int {
	if name == "stderr" {
		return streamStderr
	}
	return streamStdout
}

// AttachOptions are docker attach's (and docker run's) choice of streams.
type AttachOptions struct {
	Stdin, Stdout, Stderr, Stream, Logs bool
}

// Attach joins a client to the container's streams: output to out until
// the container's output ends, the client's input from in to its stdin.
// ready is called once the container is found fit to attach to, before
// any output; an error before it is the caller's to answer.
func (d *Daemon) Attach(ctx context.Context, name string, o AttachOptions, in io.Reader, out func(stream int, b []byte) error, ready func(tty bool) error) error {
	c, err := d.get(name)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if c.State.Status == container.StateExited && o.Stream {
		c.mu.Unlock()
		return conflict(errors.New("You cannot attach to a stopped container, start it first"))
	}
	var io_ *containerIO
	if o.Stream {
		if io_, err = c.ensureIO(); err != nil {
			c.mu.Unlock()
			return err
		}
	}
	tty := c.Config.Tty
	stdinOnce := c.Config.StdinOnce
	c.mu.Unlock()
	if err := ready(tty); err != nil {
		return err
	}
	if o.Logs {
		if err := d.Logs(ctx, c.ID, LogsOptions{Stdout: o.Stdout, Stderr: o.Stderr, Tail: -1}, out); err != nil {
			return err
		}
	}
	if !o.Stream {
		return nil
	}
	sub, gone := io_.subscribe([3]bool{false, o.Stdout, o.Stderr}, out)
	defer io_.unsubscribe(sub)
	if o.Stdin && in != nil && io_.stdinW != nil {
		go func() {
			io.Copy(io_.stdinW, in)
			if stdinOnce {
				io_.stdinW.Close()
			}
		}()
	}
	d.containerEvent(c, events.ActionAttach, nil)
	select {
	case <-gone:
	case <-ctx.Done():
	}
	return nil
}

// ResizeContainer sets the container's terminal size.
func (d *Daemon) ResizeContainer(ctx context.Context, name string, height, width int) error {
	ctx = d.ctx(ctx)
	c, err := d.get(name)
	if err != nil {
		return err
	}
	running := c.isRunning()
	if !running {
		return conflict(fmt.Errorf("cannot resize container %s: it is not running", c.ID))
	}
	task, err := d.task(ctx, c)
	if err != nil {
		return err
	}
	return task.Resize(ctx, uint32(width), uint32(height))
}

func (d *Daemon) containerEvent(c *Container, action events.Action, extra map[string]string) {
	attrs := map[string]string{"name": strings.TrimPrefix(c.Name, "/"), "image": c.Image}
	for k, v := range c.Config.Labels {
		attrs[k] = v
	}
	for k, v := range extra {
		attrs[k] = v
	}
	d.events.publish("container", string(action), c.ID, attrs)
}

// restore loads the containers of the engine's root and takes up the ones
// whose task still runs (the engine restarted, the containers did not).
func (d *Daemon) restore(ctx context.Context) error {
	ents, err := os.ReadDir(filepath.Join(d.cfg.Root, "containers"))
	if err != nil {
		return err
	}
	for _, e := range ents {
		c, err := loadContainer(filepath.Join(d.cfg.Root, "containers", e.Name()))
		if err != nil {
			fmt.Fprintf(os.Stderr, "engine: skipping %s: %v\n", e.Name(), err)
			continue
		}
		cc, err := d.client.LoadContainer(ctx, c.cid())
		if err != nil {
			if errdefs.IsNotFound(err) {
				// containerd lost it: what the engine knows is kept, to be removed
				c.State.Running, c.State.Status, c.State.Dead = false, container.StateDead, true
			}
			d.containers[c.ID] = c
			continue
		}
		d.containers[c.ID] = c
		if !c.State.Running {
			continue
		}
		io_, err := newContainerIO(c.logPath(), c.Config.Tty, c.Config.OpenStdin)
		if err != nil {
			return err
		}
		task, err := cc.Task(ctx, cio.NewAttach(cio.WithStreams(io_.stdin(), io_.stdout(), io_.stderr())))
		if err == nil {
			var st containerd.Status
			if st, err = task.Status(ctx); err == nil && st.Status != containerd.Stopped {
				exitC, werr := task.Wait(d.ctx(context.Background()))
				if werr == nil {
					c.io = io_
					go d.monitor(c, task, exitC, io_)
					continue
				}
				err = werr
			} else if err == nil {
				code := int(st.ExitStatus)
				task.Delete(ctx)
				io_.close()
				c.mu.Lock()
				d.forgetPorts(c)
				c.setState(func(s *container.State) {
					s.Status, s.Running, s.Pid, s.ExitCode = container.StateExited, false, 0, code
					s.FinishedAt = st.ExitTime.UTC().Format(time.RFC3339Nano)
				})
				c.mu.Unlock()
				continue
			}
		}
		io_.close()
		c.mu.Lock()
		d.forgetPorts(c)
		c.setState(func(s *container.State) {
			s.Status, s.Running, s.Pid, s.ExitCode = container.StateExited, false, 0, 255
			s.Error = fmt.Sprintf("the task was gone when the engine restarted: %v", err)
			s.FinishedAt = time.Now().UTC().Format(time.RFC3339Nano)
		})
		c.mu.Unlock()
	}
	return nil
}
