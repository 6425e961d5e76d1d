//go:build genode

package cio

// The streams of a task on Genode. Genode has no FIFOs (mkfifo is ENOSYS in
// its libc), so each path of a FIFOSet is a stream file the client listens
// on, and the shim connects to it, as a Windows shim connects to the client's
// named pipes. The streams of all tasks share the client's one listening
// socket and a shim's one connection to it (genodego/sandbox/streams): a
// socket per stream would spend the component's IP stack. A stream is opened
// by the first connection to it: writing to stdin or reading stdout waits
// for the shim, as opening a FIFO waits for its other end.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"genodego/sandbox/streams"
)

// NewFIFOSetInDir returns a new FIFOSet with paths in a temporary directory under root
func NewFIFOSetInDir(root, id string, terminal bool) (*FIFOSet, error) {
	if root != "" {
		if err := os.MkdirAll(root, 0700); err != nil {
			return nil, err
		}
	}
	dir, err := os.MkdirTemp(root, "")
	if err != nil {
		return nil, err
	}
	closer := func() error {
		return os.RemoveAll(dir)
	}
	return NewFIFOSet(Config{
		Stdin:    filepath.Join(dir, id+"-stdin"),
		Stdout:   filepath.Join(dir, id+"-stdout"),
		Stderr:   filepath.Join(dir, id+"-stderr"),
		Terminal: terminal,
	}, closer), nil
}

// stream is the client's end of one stream: a listener at the stream's path
// and the shim's connection, accepted on first use. The shim connects when it
// creates the process, as a shim opens its FIFOs there.
type stream struct {
	path string
	l    net.Listener
	once sync.Once
	c    net.Conn
	err  error
	mu   sync.Mutex
	done bool
}

func listen(ctx context.Context, path string) (*stream, error) {
	os.Remove(path)
	l, err := streams.Listen(path)
	if err != nil {
		return nil, fmt.Errorf("listening for the shim on %s: %w", path, err)
	}
	s := &stream{path: path, l: l}
	context.AfterFunc(ctx, s.stopAccepting)
	return s, nil
}

// stopAccepting is Cancel's part: a stream the shim has not connected to
// ends, as the opening of a FIFO is cancelled; one it has connected to goes
// on until the shim closes it, so that output written before the exit is
// still read after it.
func (s *stream) stopAccepting() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil && !s.done {
		s.done = true
		s.l.Close()
		os.Remove(s.path)
	}
}

func (s *stream) conn() (net.Conn, error) {
	s.once.Do(func() {
		c, err := s.l.Accept()
		s.mu.Lock()
		defer s.mu.Unlock()
		if err != nil {
			s.err = err
			return
		}
		if s.done {
			c.Close()
			s.err = net.ErrClosed
			return
		}
		s.c = c
		s.l.Close()
	})
	return s.c, s.err
}

func (s *stream) Read(b []byte) (int, error) {
	c, err := s.conn()
	if err != nil {
		if errors.Is(err, net.ErrClosed) {
			return 0, io.EOF
		}
		return 0, err
	}
	return c.Read(b)
}

func (s *stream) Write(b []byte) (int, error) {
	c, err := s.conn()
	if err != nil {
		return 0, err
	}
	return c.Write(b)
}

func (s *stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil
	}
	s.done = true
	s.l.Close()
	if s.c != nil {
		s.c.Close()
	}
	os.Remove(s.path)
	return nil
}

func copyIO(fifos *FIFOSet, ioset *Streams) (*cio, error) {
	ctx, cancel := context.WithCancel(context.Background())
	pipes, err := openFifos(ctx, fifos)
	if err != nil {
		cancel()
		return nil, err
	}
	if fifos.Stdin != "" {
		go func() {
			p := bufPool.Get().(*[]byte)
			defer bufPool.Put(p)
			io.CopyBuffer(pipes.Stdin, ioset.Stdin, *p)
			pipes.Stdin.Close()
		}()
	}
	wg := &sync.WaitGroup{}
	if fifos.Stdout != "" {
		wg.Go(func() {
			p := bufPool.Get().(*[]byte)
			defer bufPool.Put(p)
			io.CopyBuffer(ioset.Stdout, pipes.Stdout, *p)
			pipes.Stdout.Close()
		})
	}
	if !fifos.Terminal && fifos.Stderr != "" {
		wg.Go(func() {
			p := bufPool.Get().(*[]byte)
			defer bufPool.Put(p)
			io.CopyBuffer(ioset.Stderr, pipes.Stderr, *p)
			pipes.Stderr.Close()
		})
	}
	return &cio{
		config:  fifos.Config,
		wg:      wg,
		closers: append(pipes.closers(), fifos),
		cancel:  cancel,
	}, nil
}

func openFifos(ctx context.Context, fifos *FIFOSet) (f pipes, retErr error) {
	defer func() {
		if retErr != nil {
			for _, c := range f.closers() {
				if c != nil {
					c.Close()
				}
			}
			fifos.Close()
		}
	}()
	if fifos.Stdin != "" {
		s, err := listen(ctx, fifos.Stdin)
		if err != nil {
			return f, err
		}
		f.Stdin = s
	}
	if fifos.Stdout != "" {
		s, err := listen(ctx, fifos.Stdout)
		if err != nil {
			return f, err
		}
		f.Stdout = s
	}
	if !fifos.Terminal && fifos.Stderr != "" {
		s, err := listen(ctx, fifos.Stderr)
		if err != nil {
			return f, err
		}
		f.Stderr = s
	}
	return f, nil
}

// NewDirectIO returns an IO implementation that exposes the IO streams as io.ReadCloser
// and io.WriteCloser.
func NewDirectIO(ctx context.Context, fifos *FIFOSet) (*DirectIO, error) {
	ctx, cancel := context.WithCancel(ctx)
	pipes, err := openFifos(ctx, fifos)
	return &DirectIO{
		pipes: pipes,
		cio: cio{
			config:  fifos.Config,
			closers: append(pipes.closers(), fifos),
			cancel:  cancel,
		},
	}, err
}

// TerminalLogURI provides the raw logging URI
// as well as sets the terminal option to true.
func TerminalLogURI(uri *url.URL) Creator {
	return func(_ string) (IO, error) {
		return &logURI{
			config: Config{
				Stdout:   uri.String(),
				Stderr:   uri.String(),
				Terminal: true,
			},
		}, nil
	}
}

// TerminalBinaryIO forwards container STDOUT|STDERR directly to a logging binary
// It also sets the terminal option to true
func TerminalBinaryIO(binary string, args map[string]string) Creator {
	return func(_ string) (IO, error) {
		uri, err := LogURIGenerator("binary", binary, args)
		if err != nil {
			return nil, err
		}
		res := uri.String()
		return &logURI{
			config: Config{
				Stdout:   res,
				Stderr:   res,
				Terminal: true,
			},
		}, nil
	}
}

// OpenStream is the client's end of one stream of a FIFOSet (what opening
// the FIFO is elsewhere) for a client that copies the streams itself, as
// the CRI does; the context's end stops waiting for the shim.
func OpenStream(ctx context.Context, path string) (io.ReadWriteCloser, error) {
	return listen(ctx, path)
}
