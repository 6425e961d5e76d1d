package streams

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// dialers are this process's connections to hubs, one per hub instance.
var dialers = &dialerSet{m: make(map[string]*session)}

type dialerSet struct {
	mu sync.Mutex
	m  map[string]*session
}

func (d *dialerSet) forget(s *session) {
	d.mu.Lock()
	if d.m[s.key] == s {
		delete(d.m, s.key)
	}
	d.mu.Unlock()
}

// get returns the session to e's hub with one more user, connecting first
// if there is none.
func (d *dialerSet) get(e endpoint) (*session, error) {
	key := e.hub + "/" + e.instance
	d.mu.Lock()
	defer d.mu.Unlock()
	if s := d.m[key]; s != nil {
		s.mu.Lock()
		ok := s.err == nil
		if ok {
			s.users++
			if s.idle != nil {
				s.idle.Stop()
			}
		}
		s.mu.Unlock()
		if ok {
			return s, nil
		}
		delete(d.m, key)
	}
	c, err := net.DialTimeout("tcp4", e.hub, openTimeout)
	if err != nil {
		return nil, err
	}
	s := newSession(c, nil)
	s.key = key
	s.users = 1
	d.m[key] = s
	return s, nil
}

// Dial opens the stream whose file is at path. For a file that names no
// stream but a "unix" socket, it connects to that socket, so a client that
// listens on sockets is served too. A stream nobody listens to any more is
// refused (ECONNREFUSED), a missing file is ENOENT, as for a socket file.
func Dial(path string) (net.Conn, error) {
	e, err := read(path)
	if errors.Is(err, errNotStream) {
		return net.Dial("unix", path)
	}
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: "genode-stream", Addr: Addr(path), Err: err}
	}
	s, err := dialers.get(e)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: "genode-stream", Addr: Addr(path), Err: err}
	}
	s.mu.Lock()
	s.nextID++
	c := newConn(s, s.nextID, Addr(path))
	s.mu.Unlock()
	if !s.add(c) {
		s.mu.Lock()
		s.release()
		s.mu.Unlock()
		return nil, &net.OpError{Op: "dial", Net: "genode-stream", Addr: Addr(path), Err: errHubClosed}
	}
	s.send(frame(frameOpen, c.id, e.tok[:]))
	c.mu.Lock()
	deadline := time.Now().Add(openTimeout)
	for !c.established && !c.reset && !c.broken {
		if !c.wait(deadline) {
			break
		}
	}
	established := c.established
	c.mu.Unlock()
	if !established {
		c.Close()
		err := errRefused
		if !c.reset {
			err = &os.SyscallError{Syscall: "connect", Err: syscall.ETIMEDOUT}
		}
		return nil, &net.OpError{Op: "dial", Net: "genode-stream", Addr: Addr(path), Err: err}
	}
	return c, nil
}

var (
	errNotStream = errors.New("not a stream file")
	errHubClosed = errors.New("connection to the hub closed")
)

// read reads a stream file. A listener creates the file before it writes
// it, so a file without a whole line is read again for a short while.
func read(path string) (endpoint, error) {
	for i := 0; ; i++ {
		b, err := os.ReadFile(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return endpoint{}, &os.SyscallError{Syscall: "connect", Err: syscall.ENOENT}
			}
			// a socket of the host (ENXIO on Linux), or unreadable
			return endpoint{}, errNotStream
		}
		if e, ok := parse(string(b)); ok {
			return e, nil
		}
		n := min(len(b), len(magic))
		if string(b[:n]) != magic[:n] {
			return endpoint{}, errNotStream
		}
		if n == len(magic) && b[len(b)-1] == '\n' {
			return endpoint{}, fmt.Errorf("%s: a malformed stream file", path)
		}
		if i == 10 {
			return endpoint{}, errRefused
		}
		time.Sleep(5 * time.Millisecond)
	}
}
