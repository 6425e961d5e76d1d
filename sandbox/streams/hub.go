package streams

import (
	"encoding/hex"
	"errors"
	"io/fs"
	"net"
	"os"
	"sync"
	"time"
)

// hub is a process's one listening socket for all of its streams.
type hub struct {
	l        net.Listener
	instance string

	mu        sync.Mutex
	streams   map[token]*Listener
	sessions  int // connections accepted, for the tests
	strangers int // connections that have opened no stream yet
}

// maxStrangers bounds the connections that have opened no stream: anyone on
// the host can connect to a loopback port, and each holds a socket.
const maxStrangers = 16

var (
	hubOnce sync.Once
	theHub  *hub
	hubErr  error
)

func getHub() (*hub, error) {
	hubOnce.Do(func() {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			hubErr = err
			return
		}
		var inst [8]byte
		random(inst[:])
		theHub = &hub{l: l, instance: hex.EncodeToString(inst[:]), streams: make(map[token]*Listener)}
		go theHub.serve()
	})
	return theHub, hubErr
}

func (h *hub) serve() {
	for {
		c, err := h.l.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			// ENFILE and the like: wait for a socket to be freed
			time.Sleep(50 * time.Millisecond)
			continue
		}
		h.mu.Lock()
		h.sessions++
		full := h.strangers >= maxStrangers
		if !full {
			h.strangers++
		}
		h.mu.Unlock()
		if full {
			c.Close()
			continue
		}
		s := newSession(c, h)
		// a connection that opens no stream it knows the token of within
		// openTimeout is not kept
		time.AfterFunc(openTimeout, func() {
			s.mu.Lock()
			none := s.users == 0
			s.mu.Unlock()
			if none {
				s.fail(errors.New("streams: no stream opened"))
			}
		})
	}
}

// known counts s out of the strangers: it has opened a stream or ended.
func (h *hub) known(s *session) {
	s.mu.Lock()
	was := !s.judged
	s.judged = true
	s.mu.Unlock()
	if was {
		h.mu.Lock()
		h.strangers--
		h.mu.Unlock()
	}
}

// open answers a dialer's OPEN of stream id with token t.
func (h *hub) open(s *session, id uint32, t token) {
	h.mu.Lock()
	l := h.streams[t]
	h.mu.Unlock()
	if l == nil {
		s.send(frame(frameReset, id, nil))
		return
	}
	c := newConn(s, id, l.addr)
	c.established = true
	s.mu.Lock()
	if _, dup := s.streams[id]; dup || s.err != nil {
		s.mu.Unlock()
		s.fail(errors.New("streams: OPEN of a stream id in use"))
		return
	}
	s.streams[id] = c
	// a session that has opened a stream is kept past openTimeout
	s.users++
	s.mu.Unlock()
	h.known(s)
	s.send(frame(frameOK, id, nil))
	select {
	case l.accepted <- c:
	case <-l.done:
		c.Close()
	default:
		// nobody accepts so many connections of one stream
		c.Close()
	}
}

// Listener is a stream's listening end: Accept returns each connection a
// shim opens to it. It implements net.Listener.
type Listener struct {
	h        *hub
	tok      token
	path     string
	addr     Addr
	accepted chan *Conn
	done     chan struct{}
	once     sync.Once
}

// Listen makes the stream file at path (which must not exist) naming this
// process's hub and a new token, and returns the listener of the stream.
func Listen(path string) (*Listener, error) {
	h, err := getHub()
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: "genode-stream", Addr: Addr(path), Err: err}
	}
	l := &Listener{h: h, path: path, addr: Addr(path), accepted: make(chan *Conn, 4), done: make(chan struct{})}
	random(l.tok[:])
	h.mu.Lock()
	h.streams[l.tok] = l
	h.mu.Unlock()
	e := endpoint{hub: h.l.Addr().String(), instance: h.instance, tok: l.tok}
	if err := publish(path, e.encode()); err != nil {
		l.unregister()
		return nil, &net.OpError{Op: "listen", Net: "genode-stream", Addr: Addr(path), Err: err}
	}
	return l, nil
}

func publish(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

func (l *Listener) unregister() {
	l.h.mu.Lock()
	if l.h.streams[l.tok] == l {
		delete(l.h.streams, l.tok)
	}
	l.h.mu.Unlock()
}

// Accept waits for a shim's connection to the stream.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.accepted:
		return c, nil
	case <-l.done:
		return nil, &net.OpError{Op: "accept", Net: "genode-stream", Addr: l.addr, Err: net.ErrClosed}
	}
}

// Close stops accepting and removes the stream's file; streams accepted
// before stay open.
func (l *Listener) Close() error {
	l.once.Do(func() {
		l.unregister()
		close(l.done)
		if b, err := os.ReadFile(l.path); err == nil {
			// only the file naming this stream: another listener may have
			// taken the path since
			if e, ok := parse(string(b)); ok && e.tok == l.tok {
				os.Remove(l.path)
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			os.Remove(l.path)
		}
		for {
			select {
			case c := <-l.accepted:
				c.Close()
			default:
				return
			}
		}
	})
	return nil
}

func (l *Listener) Addr() net.Addr { return l.addr }
