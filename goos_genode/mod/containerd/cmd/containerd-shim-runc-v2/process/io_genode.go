//go:build genode

package process

// A process's stdio on Genode. The container's output streams are Terminal
// sessions that init routes by label; genode's runc names where each goes
// (RUNC_GENODE_STDOUT, _STDERR): here, files in a directory of the shim (io/
// under its working directory, the bundle), which on Genode a file_terminal
// serves. The shim follows the output files and copies them to the client's
// streams. The client's streams are stream files the client listens on
// (pkg/cio on genode), because a component cannot make FIFOs; the shim
// connects to them, as a Windows shim connects to the client's named pipes,
// all of them over one connection per client (genodego/sandbox/streams).
//
// stdin is not a Terminal session, which has no end of stream
// (terminal_file_system.h answers a read with nothing queued by blocking):
// it is a named pipe of a VFS server (RUNC_GENODE_STDIN=fifo:PATH,
// oci.StdinFifo), which the shim writes what the client sends to and closes
// at the client's end.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/containerd/containerd/v2/pkg/stdio"
	runc "github.com/containerd/go-runc"
	"github.com/containerd/log"

	"genodego/sandbox/oci"
	"genodego/sandbox/streams"
)

// consoleSockets: Genode has none (no SCM_RIGHTS, no ptys); a process's
// terminal is a Terminal session its I/O serves, for exec processes too.
const consoleSockets = false

// An output file is looked at every pollInterval after new data, then less
// often while none comes, up to every pollIdle: a component has no file
// notification through the libc, and a shim per container polls.
const (
	pollInterval = 5 * time.Millisecond
	pollIdle     = 100 * time.Millisecond
)

var bufPool = sync.Pool{
	New: func() any {
		buffer := make([]byte, 32<<10)
		return &buffer
	},
}

type processIO struct {
	io    *genodeIO
	stdio stdio.Stdio
	copy  bool
}

func (p *processIO) Close() error {
	if p.io != nil {
		return p.io.Close()
	}
	return nil
}

func (p *processIO) IO() runc.IO {
	return p.io
}

// exited tells the followers that no more output will come once they have
// copied what the files hold.
func (p *processIO) exited() {
	if p.io != nil {
		p.io.exited.Store(true)
	}
}

// SetStartedPid gives an init process whose pid runc's state could not
// tell at its start (a short-lived container has stopped by then, and runc
// reports a stopped container's pid as 0) the pid init gave its child.
func SetStartedPid(p *Init, pid int) {
	if p.pid == 0 {
		p.pid = pid
	}
}

// IOExited tells p's stdio that p has ended.
func IOExited(p Process) {
	switch p := p.(type) {
	case *Init:
		if p.io != nil {
			p.io.exited()
		}
	case *execProcess:
		if p.io != nil {
			p.io.exited()
		}
	}
}

// Copy starts copying the output files to the client's streams and the
// client's stdin to the input file.
func (p *processIO) Copy(ctx context.Context, wg *sync.WaitGroup) error {
	if !p.copy {
		return nil
	}
	g := p.io
	if g.terminal != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.serveTerminal(p.stdio.Stdin, p.stdio.Stdout)
		}()
		return nil
	}
	same := p.stdio.Stdout == p.stdio.Stderr
	var sameDst *sharedConn
	if same && p.stdio.Stdout != "" {
		sameDst = &sharedConn{target: p.stdio.Stdout, file: g.uri != nil && g.uri.Scheme == "file"}
	}
	for _, s := range []struct {
		file, target string
	}{{g.stdout, p.stdio.Stdout}, {g.stderr, p.stdio.Stderr}} {
		if s.file == "" || s.target == "" {
			continue
		}
		dst := sameDst
		if dst == nil {
			dst = &sharedConn{target: s.target, file: g.uri != nil && g.uri.Scheme == "file"}
		}
		if dst.users.Add(1) == 1 {
			dst.connect()
		}
		wg.Add(1)
		go func(file string, dst *sharedConn) {
			defer wg.Done()
			g.follow(file, dst)
		}(s.file, dst)
	}
	if g.stdin != "" && p.stdio.Stdin != "" {
		go g.feed(p.stdio.Stdin)
	}
	return nil
}

// sharedConn is the client's end of one or two output streams. A client
// that goes away (ctr run -d) or comes back (ctr task attach listens on the
// same path again) is connected to anew; while none is, the followers keep
// the output in the files, as a FIFO without reader keeps it in the pipe.
type sharedConn struct {
	target    string
	file      bool // a file:// log, appended to
	mu        sync.Mutex
	w         io.WriteCloser
	connected bool         // once connected, later attempts do not wait
	gone      *atomic.Bool // the client closed the connection
	users     atomic.Int32
	broken    bool // a log file that cannot be opened
}

var errNoClient = errors.New("no client on the stream")

// connect joins the client's stream as the process is created, as a shim
// opens the client's FIFOs there: the client, which listens before it asks
// for the task, reads what the process writes however soon after it the
// exit comes. A client not there is connected to at the first write.
func (c *sharedConn) connect() {
	if c.file {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if w, err := streams.Dial(c.target); err == nil {
		c.setConn(w)
	}
}

func (c *sharedConn) Write(b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken {
		return nil
	}
	if c.w == nil {
		var w io.WriteCloser
		var err error
		switch {
		case c.file:
			w, err = os.OpenFile(c.target, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
			if err != nil {
				c.broken = true
				log.L.WithError(err).WithField("stream", c.target).Warn("log file")
				return nil
			}
		case c.connected:
			w, err = streams.Dial(c.target)
		default:
			w, err = dialClient(c.target)
		}
		if err != nil {
			c.connected = true
			return errNoClient
		}
		c.setConn(w)
	}
	if c.gone != nil && c.gone.Load() {
		c.w.Close()
		c.w, c.gone = nil, nil
		return errNoClient
	}
	if _, err := c.w.Write(b); err != nil {
		c.w.Close()
		c.w, c.gone = nil, nil
		return errNoClient
	}
	return nil
}

func (c *sharedConn) setConn(w io.WriteCloser) {
	c.w, c.connected = w, true
	if conn, ok := w.(net.Conn); ok {
		// A client that has gone must not take the next write into a
		// connection whose reset comes later: its end is seen here.
		gone := &atomic.Bool{}
		c.gone = gone
		go func() {
			io.Copy(io.Discard, conn)
			gone.Store(true)
		}()
	}
}

func (c *sharedConn) done() {
	if c.users.Add(-1) > 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w == nil && !c.connected && !c.broken && !c.file {
		// nothing was written: connect anyway, so that a client that is
		// there sees the stream end (one that has gone is not waited for)
		if w, err := streams.Dial(c.target); err == nil {
			c.w = w
		}
	}
	if c.w != nil {
		c.w.Close()
		c.w = nil
	}
}

func dialClient(path string) (net.Conn, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := streams.Dial(path)
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("connecting to the client's stream %s: %w", path, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// genodeIO is the runc.IO of a process on Genode: it names the stream files
// to runc in its environment.
type genodeIO struct {
	dir                   string
	stdin, stdout, stderr string
	// terminal: the container's one Terminal session is a connection to
	// this listener of the shim's (the shim serves the session).
	terminal     string
	terminalL    net.Listener
	uri          *url.URL
	exited       atomic.Bool
	stdinConn    atomic.Pointer[net.Conn]
	stdinPipe    atomic.Pointer[os.File]
	stdinClosing atomic.Bool
	closed       atomic.Bool
}

func (g *genodeIO) Close() error {
	g.closed.Store(true)
	if f := g.stdinPipe.Load(); f != nil {
		f.Close() // a write to a pipe nobody reads ends
	}
	if c := g.stdinConn.Load(); c != nil {
		(*c).Close()
	}
	if g.terminalL != nil {
		g.terminalL.Close()
	}
	return os.RemoveAll(g.dir)
}

func (g *genodeIO) Stdin() io.WriteCloser { return nil }
func (g *genodeIO) Stdout() io.ReadCloser { return nil }
func (g *genodeIO) Stderr() io.ReadCloser { return nil }

// Set names the streams to runc. A stream that is not copied goes to
// /dev/null, never to runc's own descriptors.
func (g *genodeIO) Set(cmd *exec.Cmd) {
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	if g.terminal != "" {
		cmd.Env = append(cmd.Env, "RUNC_GENODE_TERMINAL="+g.terminal)
		return
	}
	name := func(f string) string {
		if f == "" {
			return os.DevNull
		}
		return f
	}
	cmd.Env = append(cmd.Env, "RUNC_GENODE_STDOUT="+name(g.stdout), "RUNC_GENODE_STDERR="+name(g.stderr))
	if g.stdin != "" {
		cmd.Env = append(cmd.Env, "RUNC_GENODE_STDIN="+oci.StdinFifo+g.stdin)
	}
}

// follow copies file to dst until the process has exited and the file holds
// nothing more.
func (g *genodeIO) follow(file string, dst *sharedConn) {
	defer dst.done()
	f, err := os.Open(file)
	if err != nil {
		log.L.WithError(err).Warn("stdio file")
		return
	}
	defer f.Close()
	buf := make([]byte, 32*1024)
	idle := pollInterval
	for {
		n, err := f.Read(buf)
		if n > 0 {
			idle = pollInterval
			if dst.Write(buf[:n]) == nil {
				continue
			}
			// no client: keep the data for the next one
			if _, serr := f.Seek(-int64(n), io.SeekCurrent); serr != nil || g.exited.Load() {
				return
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			log.L.WithError(err).Warn("stdio file")
			return
		}
		if g.exited.Load() {
			// one more look: the last write may have come after the read
			if n, _ := f.Read(buf); n > 0 {
				if dst.Write(buf[:n]) == nil {
					continue
				}
			}
			return
		}
		time.Sleep(idle)
		idle = min(idle*2, pollIdle)
	}
}

// feed writes what the client sends on its stdin stream into the process's
// named pipe and closes it at the stream's end, which the process reads as
// its end of file. The pipe appears when the process is started (on the
// model, the launcher makes it as it starts the component).
//
// The pipe plugin tells a writer nothing of readers, and a reader that opens
// after the last writer has closed an empty pipe waits for the next writer
// (gems/src/lib/vfs/pipe: waiting_for_writers). So the pipe is closed no
// sooner than readerGrace after it appeared: by then the process has opened
// its stdin, which its libc does before main.
func (g *genodeIO) feed(target string) {
	// a client that has closed its stdin already (nothing to send) has
	// removed its socket file: the process still gets its end of file
	var c net.Conn
	err := os.ErrNotExist
	if _, serr := os.Stat(target); serr == nil {
		c, err = dialClient(target)
	}
	if err == nil {
		g.storeStdinConn(c)
		defer c.Close()
	} else {
		log.L.WithError(err).Debug("client stdin")
		c = nil
	}
	appeared, ok := g.waitFifo()
	if !ok {
		return
	}
	f, err := os.OpenFile(g.stdin, os.O_WRONLY, 0)
	if err != nil {
		log.L.WithError(err).Warn("stdin pipe")
		return
	}
	g.stdinPipe.Store(f)
	if c != nil {
		if g.stdinClosing.Load() {
			// CloseIO came while the process was starting: what the
			// client sent waits in the connection
			c.SetReadDeadline(time.Now().Add(stdinDrain))
		}
		io.Copy(f, c)
	}
	if d := readerGrace - time.Since(appeared); d > 0 && !g.exited.Load() {
		time.Sleep(d)
	}
	f.Close()
}

const readerGrace = time.Second

// waitFifo waits until the process's named pipe exists; false if the
// process ended or its I/O was closed first.
func (g *genodeIO) waitFifo() (time.Time, bool) {
	idle := pollInterval
	for {
		if _, err := os.Stat(g.stdin); err == nil {
			return time.Now(), true
		}
		if g.exited.Load() || g.closed.Load() {
			return time.Time{}, false
		}
		time.Sleep(idle)
		idle = min(idle*2, pollIdle)
	}
}

func createIO(ctx context.Context, id string, ioUID, ioGID int, sio stdio.Stdio) (*processIO, error) {
	pio := &processIO{stdio: sio}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	base := filepath.Join(cwd, "io")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(base, id+"-")
	if err != nil {
		return nil, err
	}
	g := &genodeIO{dir: dir}
	pio.io = g
	if sio.Terminal {
		g.terminal = filepath.Join(dir, "terminal")
		if g.terminalL, err = net.Listen("unix", g.terminal); err != nil {
			return nil, fmt.Errorf("serving the container's terminal: %w", err)
		}
		pio.copy = true
		return pio, nil
	}
	if sio.IsNull() {
		return pio, nil
	}
	if sio.Stdout != "" {
		u, err := url.Parse(sio.Stdout)
		if err != nil {
			return nil, fmt.Errorf("unable to parse stdout uri: %w", err)
		}
		switch u.Scheme {
		case "", "fifo":
		case "file":
			if err := os.MkdirAll(filepath.Dir(u.Path), 0o755); err != nil {
				return nil, err
			}
			pio.stdio.Stdout, pio.stdio.Stderr = u.Path, u.Path
		case "binary", "binary-v2":
			return nil, fmt.Errorf("stdio scheme %s: a logging binary needs pipes the container's Terminal sessions cannot be on Genode", u.Scheme)
		default:
			return nil, fmt.Errorf("unknown STDIO scheme %s", u.Scheme)
		}
		g.uri = u
	}
	mk := func(name string) (string, error) {
		p := filepath.Join(dir, name)
		f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return "", err
		}
		return p, f.Close()
	}
	if pio.stdio.Stdout != "" {
		if g.stdout, err = mk("stdout"); err != nil {
			return nil, err
		}
	}
	if pio.stdio.Stderr != "" {
		if g.stderr, err = mk("stderr"); err != nil {
			return nil, err
		}
	}
	if sio.Stdin != "" {
		// a named pipe, which runc's translation declares (oci.StdinFifo)
		g.stdin = filepath.Join(dir, "stdin")
	}
	pio.copy = true
	return pio, nil
}

// stdinCloser is what CloseIO closes: the client's stdin stream. What the
// client sent before may still be in the connection (a client closes stdin
// after writing the last of it): the shim reads on for stdinDrain, then the
// copy ends and with it the process's stdin.
type stdinCloser struct{ p *processIO }

const stdinDrain = 200 * time.Millisecond

func (s stdinCloser) Close() error {
	if s.p == nil || s.p.io == nil {
		return nil
	}
	g := s.p.io
	g.stdinClosing.Store(true)
	if c := g.stdinConn.Load(); c != nil {
		return (*c).SetReadDeadline(time.Now().Add(stdinDrain))
	}
	return nil
}

// storeStdinConn records the client's stdin connection for CloseIO, which
// may have come already.
func (g *genodeIO) storeStdinConn(c net.Conn) {
	g.stdinConn.Store(&c)
	if g.stdinClosing.Load() {
		c.SetReadDeadline(time.Now().Add(stdinDrain))
	}
}

// openStdin on Genode: the shim already reads the client's stdin stream
// (Copy); what it keeps is the means to close it.
func (p *Init) openStdin(path string) error {
	sc := stdinCloser{p.io}
	p.stdin = sc
	p.closers = append(p.closers, sc)
	return nil
}

func (e *execProcess) openStdin(path string) error {
	sc := stdinCloser{e.io}
	e.stdin = sc
	e.closers = append(e.closers, sc)
	return nil
}

// serveTerminal accepts the container's Terminal session and joins it to
// the client's streams: what the client types goes to the terminal, what the
// container writes goes to the client's stdout. It returns when the session
// ends (the container has exited) or the process's I/O is closed.
//
// The client expects a console, a pty's master (its own terminal is raw):
// the shim does the output and input processing a pty's default termios
// would, newline to CR NL out (ONLCR) and CR to newline in (ICRNL). A Genode
// Terminal session has no line discipline to do it.
func (g *genodeIO) serveTerminal(stdin, stdout string) {
	session, err := g.terminalL.Accept()
	g.terminalL.Close()
	if err != nil {
		return
	}
	defer session.Close()
	if stdin != "" {
		go func() {
			c, err := dialClient(stdin)
			if err != nil {
				return
			}
			g.storeStdinConn(c)
			defer c.Close()
			copyMapped(session, c, '\r', []byte{'\n'})
		}()
	}
	if stdout == "" {
		io.Copy(io.Discard, session)
		return
	}
	out, err := dialClient(stdout)
	if err != nil {
		io.Copy(io.Discard, session)
		return
	}
	defer out.Close()
	copyMapped(out, session, '\n', []byte{'\r', '\n'})
}

// copyMapped copies src to dst with every byte from replaced by to.
func copyMapped(dst io.Writer, src io.Reader, from byte, to []byte) {
	buf := make([]byte, 16<<10)
	var out []byte
	for {
		n, err := src.Read(buf)
		if n > 0 {
			out = out[:0]
			for _, b := range buf[:n] {
				if b == from {
					out = append(out, to...)
				} else {
					out = append(out, b)
				}
			}
			if _, werr := dst.Write(out); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// ResizeTerminal sets the size p's Terminal session reports (Terminal::
// Session::size, which the shim serves); a process without a terminal has
// nothing to resize. Genode delivers no SIGWINCH: the container sees the new
// size when it next asks.
func ResizeTerminal(p Process, width, height uint32) error {
	var pio *processIO
	switch p := p.(type) {
	case *Init:
		pio = p.io
	case *execProcess:
		pio = p.io
	}
	if pio == nil || pio.io == nil || pio.io.terminal == "" {
		return nil
	}
	return pio.io.setSize(height, width)
}

// setSize publishes the session's size where the container's libc asks for
// it: on the model, the file beside the listener's socket file
// (host/libc/model_vfs.c term_size).
func (g *genodeIO) setSize(rows, cols uint32) error {
	tmp := g.terminal + ".size.tmp"
	if err := os.WriteFile(tmp, fmt.Appendf(nil, "%d %d\n", rows, cols), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, g.terminal+".size")
}
