package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"

	containerd "github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/pkg/cio"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// An exec is a second process in a running container's view (docker
// exec): on Genode another child of the containers' init with the same
// view and routes.
type exec struct {
	id        string
	container *Container
	req       container.ExecCreateRequest

	mu       sync.Mutex
	running  bool
	started  bool
	exitCode *int
	pid      int
	process  containerd.Process
}

type execs struct {
	mu sync.Mutex
	m  map[string]*exec
}

func (d *Daemon) execByID(id string) (*exec, error) {
	d.execs.mu.Lock()
	defer d.execs.mu.Unlock()
	if e, ok := d.execs.m[id]; ok {
		return e, nil
	}
	return nil, notFound(fmt.Errorf("No such exec instance: %s", id))
}

// ExecCreate is docker exec's first step: the process is described, not
// started.
func (d *Daemon) ExecCreate(ctx context.Context, name string, req container.ExecCreateRequest) (string, error) {
	c, err := d.get(name)
	if err != nil {
		return "", err
	}
	running := c.isRunning()
	if !running {
		return "", conflict(fmt.Errorf("container %s is not running", c.ID))
	}
	switch {
	case len(req.Cmd) == 0:
		return "", invalid(errors.New("no exec command specified"))
	case req.Privileged:
		return "", notImplemented(errors.New("docker exec --privileged: a Genode component cannot be given the host's authority"))
	case req.User != "" && req.User != "0" && req.User != "root":
		return "", notImplemented(fmt.Errorf("docker exec --user=%s: a Genode component's getuid() is always 0; it has no user to run as", req.User))
	case req.DetachKeys != "":
		return "", notImplemented(errors.New("--detach-keys: not offered by the engine yet"))
	}
	e := &exec{id: newID(), container: c, req: req}
	d.execs.mu.Lock()
	if d.execs.m == nil {
		d.execs.m = map[string]*exec{}
	}
	d.execs.m[e.id] = e
	d.execs.mu.Unlock()
	d.containerEvent(c, events.ActionExecCreate, map[string]string{"execID": e.id})
	return e.id, nil
}

// ExecStart runs the exec; attached (detach false), attached is called once
// it has started (an error before is the caller's to answer), and its output
// goes to out and the client's input from in to its stdin until it ends.
func (d *Daemon) ExecStart(ctx context.Context, id string, detach bool, attached func() (in io.Reader, out func(stream int, b []byte) error, err error)) error {
	e, err := d.execByID(id)
	if err != nil {
		return err
	}
	e.mu.Lock()
	if e.started {
		e.mu.Unlock()
		return conflict(fmt.Errorf("exec %s has been started already", id))
	}
	e.started = true
	e.mu.Unlock()
	c := e.container
	bctx := d.ctx(context.Background())
	task, err := d.task(bctx, c)
	if err != nil {
		return err
	}
	cc, err := d.client.LoadContainer(bctx, c.cid())
	if err != nil {
		return err
	}
	spec, err := cc.Spec(bctx)
	if err != nil {
		return err
	}
	p := *spec.Process
	p.Args = e.req.Cmd
	p.Terminal = e.req.Tty
	if e.req.WorkingDir != "" {
		p.Cwd = e.req.WorkingDir
	}
	if len(e.req.Env) > 0 {
		p.Env = mergeEnv(p.Env, e.req.Env)
	}
	p.ConsoleSize = nil
	if cs := e.req.ConsoleSize; e.req.Tty && cs != nil && cs[0] > 0 && cs[1] > 0 {
		p.ConsoleSize = &specs.Box{Height: cs[0], Width: cs[1]}
	}

	// the exec's streams: its output to the client (when attached), its
	// stdin from it
	var stdinR io.Reader
	var stdinW *io.PipeWriter
	if e.req.AttachStdin && !detach {
		var r *io.PipeReader
		r, stdinW = io.Pipe()
		stdinR = r
	}
	// output waits until the client is attached
	ready := make(chan struct{})
	var out func(stream int, b []byte) error
	var wmu sync.Mutex
	writer := func(stream int) io.Writer {
		return writerFunc(func(b []byte) (int, error) {
			if detach {
				return len(b), nil
			}
			<-ready
			wmu.Lock()
			defer wmu.Unlock()
			if out == nil {
				return len(b), nil
			}
			if err := out(stream, b); err != nil {
				return 0, err
			}
			return len(b), nil
		})
	}
	opts := []cio.Opt{cio.WithStreams(stdinR, writer(streamStdout), writer(streamStderr))}
	if e.req.Tty {
		opts = append(opts, cio.WithTerminal)
	}
	// a process that cannot start has status 126 (127: no such program),
	// and an attached client reads why on its stream, as from Docker
	failed := func(err error) error {
		code := 126
		if strings.Contains(err.Error(), "not found") || strings.Contains(err.Error(), "does not exist") {
			code = 127
		}
		e.mu.Lock()
		e.exitCode = &code
		e.mu.Unlock()
		if detach {
			return startError(err)
		}
		_, o, aerr := attached()
		if aerr != nil {
			return aerr
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "OCI runtime") {
			msg = "OCI runtime exec failed: " + msg
		}
		return o(streamStdout, []byte(msg+"\n"))
	}
	process, err := task.Exec(bctx, e.id[:12], &p, cio.NewCreator(opts...))
	if err != nil {
		return failed(err)
	}
	statusC, err := process.Wait(bctx)
	if err != nil {
		process.Delete(bctx)
		return failed(err)
	}
	if err := process.Start(bctx); err != nil {
		process.Delete(bctx)
		return failed(err)
	}
	e.mu.Lock()
	e.running, e.pid, e.process = true, int(process.Pid()), process
	e.mu.Unlock()
	d.containerEvent(c, events.ActionExecStart, map[string]string{"execID": e.id})
	if !detach {
		in, o, err := attached()
		wmu.Lock()
		out = o
		wmu.Unlock()
		close(ready)
		if err != nil {
			process.Kill(bctx, syscall.SIGKILL)
		} else if stdinW != nil {
			go func() {
				io.Copy(stdinW, in)
				stdinW.Close()
				process.CloseIO(bctx, containerd.WithStdinCloser)
			}()
		}
	}
	finish := func() {
		st := <-statusC
		code, _, _ := st.Result()
		if _, err := process.Delete(bctx); err != nil && !errdefs.IsNotFound(err) {
			process.Delete(bctx, containerd.WithProcessKill)
		}
		n := int(code)
		e.mu.Lock()
		e.running, e.exitCode = false, &n
		e.mu.Unlock()
		d.containerEvent(c, events.ActionExecDie, map[string]string{"execID": e.id, "exitCode": fmt.Sprint(n)})
	}
	if detach {
		go finish()
		return nil
	}
	finish()
	return nil
}

// ExecInspect is the exec's state (docker exec reads its exit code here).
func (d *Daemon) ExecInspect(ctx context.Context, id string) (container.ExecInspectResponse, error) {
	e, err := d.execByID(id)
	if err != nil {
		return container.ExecInspectResponse{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r := container.ExecInspectResponse{ID: e.id, Running: e.running, ExitCode: e.exitCode, ContainerID: e.container.ID,
		OpenStdin: e.req.AttachStdin, OpenStdout: e.req.AttachStdout, OpenStderr: e.req.AttachStderr, Pid: e.pid,
		ProcessConfig: &container.ExecProcessConfig{Tty: e.req.Tty, Entrypoint: e.req.Cmd[0], Arguments: e.req.Cmd[1:]}}
	return r, nil
}

// ExecResize sets the exec's terminal size.
func (d *Daemon) ExecResize(ctx context.Context, id string, height, width int) error {
	e, err := d.execByID(id)
	if err != nil {
		return err
	}
	e.mu.Lock()
	p := e.process
	e.mu.Unlock()
	if p == nil {
		return conflict(fmt.Errorf("exec %s is not running", id))
	}
	return p.Resize(d.ctx(ctx), uint32(width), uint32(height))
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// mergeEnv is env with each of set's NAME=VALUE replacing the same NAME's.
func mergeEnv(env, set []string) []string {
	out := append([]string(nil), env...)
	for _, kv := range set {
		name, _, _ := strings.Cut(kv, "=")
		replaced := false
		for i, old := range out {
			if n, _, _ := strings.Cut(old, "="); n == name {
				out[i], replaced = kv, true
				break
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}
