// Package streams carries the stdio streams of containerd's tasks between a
// client (containerd and its CRI, ctr, the engine) and the shims on Genode.
//
// A Linux client makes a FIFO per stream and the shim opens it. Genode has no
// FIFOs, and every "unix" socket of a component is a TCP socket of its IP
// stack, which holds 128 (the VFS socket plugin's limit). One socket per
// stream would let a containerd serve about 15 pods of two containers. Here a
// client has one listening socket (its hub) for all of its streams, and a
// shim one connection to each client for all of its streams, over which the
// streams are framed with per-stream flow control, so that a stream nobody
// reads stops only itself.
//
// A stream is named by a file at the path a FIFO would have, which Listen
// writes and Dial reads: the hub's address, the hub's instance and the
// stream's token, a secret of 128 bits that only readers of the file know.
package streams

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	magic = "genode-streams v1"

	// window is how much a stream's sender may send ahead of its reader.
	window = 128 << 10
	// maxFrame bounds one DATA frame, so that a large write of one stream
	// does not hold the connection from the others for long.
	maxFrame = 16 << 10

	// openTimeout bounds the wait for the hub's answer to an OPEN, and a
	// new connection's wait for its first OPEN at the hub.
	openTimeout = 10 * time.Second
)

// idleClose: a dialer's connection with no stream left is closed after this
// long, so that a shim keeps no socket of a client it no longer streams to,
// while the streams of short execs share one connection.
var idleClose = 2 * time.Second

// Frame types. A frame is a 9-byte header (type, stream id, payload length,
// big-endian) and the payload.
const (
	frameOpen   = 1 // dialer → hub: payload is the stream's token
	frameOK     = 2 // hub → dialer: the stream is accepted
	frameData   = 3
	frameWindow = 4 // payload: 4 bytes, the credit the reader gives back
	frameClose  = 5 // the sender sends no more on the stream (end of file)
	frameReset  = 6 // the sender reads no more (or refuses the OPEN)
)

const headerLen = 9

type token [16]byte

// ErrReset is what a write returns once the other end has closed the stream.
var ErrReset = errors.New("streams: stream closed by the other end")

// errRefused is what Dial returns for a stream nobody listens to (any more):
// a connection refused, as for a socket file whose listener has gone.
var errRefused = &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}

// session is one TCP connection carrying streams.
type session struct {
	c net.Conn

	mu      sync.Mutex
	streams map[uint32]*Conn
	nextID  uint32
	err     error // set once the connection has failed or closed
	users   int   // dialer side: streams open and Dials under way
	idle    *time.Timer
	key     string
	// hub side: the hub that accepts the OPENs, nil on the dialer side
	hub    *hub
	judged bool // hub side: counted out of the hub's strangers

	// the writer goroutine's queue: frames are written whole and in order
	qmu    sync.Mutex
	qcond  *sync.Cond
	queue  [][]byte
	qclose bool
}

func newSession(c net.Conn, h *hub) *session {
	s := &session{c: c, streams: make(map[uint32]*Conn), hub: h}
	s.qcond = sync.NewCond(&s.qmu)
	go s.writeLoop()
	go s.readLoop()
	return s
}

func frame(typ byte, id uint32, payload []byte) []byte {
	b := make([]byte, headerLen+len(payload))
	b[0] = typ
	binary.BigEndian.PutUint32(b[1:], id)
	binary.BigEndian.PutUint32(b[5:], uint32(len(payload)))
	copy(b[headerLen:], payload)
	return b
}

// send queues a frame; it never blocks, so the reader may answer frames.
// What is queued is bounded by the streams' windows.
func (s *session) send(b []byte) {
	s.qmu.Lock()
	if !s.qclose {
		s.queue = append(s.queue, b)
		s.qcond.Signal()
	}
	s.qmu.Unlock()
}

func (s *session) writeLoop() {
	for {
		s.qmu.Lock()
		for len(s.queue) == 0 && !s.qclose {
			s.qcond.Wait()
		}
		if s.qclose {
			s.qmu.Unlock()
			return
		}
		q := s.queue
		s.queue = nil
		s.qmu.Unlock()
		bufs := net.Buffers(q)
		if _, err := bufs.WriteTo(s.c); err != nil {
			s.fail(err)
			return
		}
	}
}

func (s *session) readLoop() {
	var hdr [headerLen]byte
	for {
		if _, err := io.ReadFull(s.c, hdr[:]); err != nil {
			s.fail(err)
			return
		}
		typ, id, n := hdr[0], binary.BigEndian.Uint32(hdr[1:]), binary.BigEndian.Uint32(hdr[5:])
		if n > maxFrame {
			s.fail(fmt.Errorf("streams: frame of %d bytes", n))
			return
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(s.c, payload); err != nil {
			s.fail(err)
			return
		}
		if err := s.handle(typ, id, payload); err != nil {
			s.fail(err)
			return
		}
	}
}

func (s *session) handle(typ byte, id uint32, payload []byte) error {
	if typ == frameOpen {
		if s.hub == nil {
			return errors.New("streams: OPEN from a hub")
		}
		var t token
		if len(payload) != len(t) {
			return errors.New("streams: OPEN without a token")
		}
		copy(t[:], payload)
		s.hub.open(s, id, t)
		return nil
	}
	s.mu.Lock()
	c := s.streams[id]
	s.mu.Unlock()
	if c == nil {
		// a stream closed here already; what its peer still sends is dropped
		return nil
	}
	switch typ {
	case frameOK:
		c.update(func() { c.established = true })
	case frameData:
		var err error
		c.update(func() {
			if c.recvClosed || len(payload) > c.recvCredit {
				err = fmt.Errorf("streams: stream %d sent beyond its window", id)
				return
			}
			c.recvCredit -= len(payload)
			c.recv = append(c.recv, payload...)
		})
		return err
	case frameWindow:
		if len(payload) != 4 {
			return errors.New("streams: bad WINDOW frame")
		}
		n := int(binary.BigEndian.Uint32(payload))
		c.update(func() { c.sendCredit += n })
	case frameClose:
		c.update(func() { c.recvClosed = true })
	case frameReset:
		c.update(func() { c.reset = true })
	default:
		return fmt.Errorf("streams: frame type %d", typ)
	}
	return nil
}

// fail ends the session: its streams see the error (or the end of file if
// their peer had closed them), and the connection is closed.
func (s *session) fail(err error) {
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return
	}
	s.err = err
	streams := s.streams
	s.streams = map[uint32]*Conn{}
	if s.idle != nil {
		s.idle.Stop()
	}
	s.mu.Unlock()
	s.qmu.Lock()
	s.qclose = true
	s.queue = nil
	s.qcond.Signal()
	s.qmu.Unlock()
	s.c.Close()
	if s.hub == nil {
		dialers.forget(s)
	} else {
		s.hub.known(s)
	}
	for _, c := range streams {
		c.update(func() { c.broken = true })
	}
}

// add registers a new stream; false if the session has failed.
func (s *session) add(c *Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return false
	}
	s.streams[c.id] = c
	return true
}

// remove forgets a closed stream; the dialer side closes an idle connection
// after idleClose.
func (s *session) remove(c *Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streams[c.id] == c {
		delete(s.streams, c.id)
	}
	if s.hub == nil {
		s.release()
	}
}

// release drops one user of a dialer's session; s.mu is held.
func (s *session) release() {
	s.users--
	if s.users > 0 || s.err != nil {
		return
	}
	if s.idle == nil {
		s.idle = time.AfterFunc(idleClose, func() {
			s.mu.Lock()
			idle := s.users == 0
			s.mu.Unlock()
			if idle {
				s.fail(net.ErrClosed)
			}
		})
	} else {
		s.idle.Reset(idleClose)
	}
}

// Addr is the address of a stream: its file.
type Addr string

func (a Addr) Network() string { return "genode-stream" }
func (a Addr) String() string  { return string(a) }

// endpoint is what a stream's file names.
type endpoint struct {
	hub      string // host:port of the hub
	instance string // the hub's instance, hex: a restarted client's hub on the same port is another
	tok      token
}

func (e endpoint) encode() string {
	return fmt.Sprintf("%s %s %s %s\n", magic, e.hub, e.instance, hex.EncodeToString(e.tok[:]))
}

// parse reads a stream file; ok is false for anything else (a "unix"
// socket file, a partly written stream file).
func parse(s string) (e endpoint, ok bool) {
	rest, ok := strings.CutPrefix(s, magic+" ")
	if !ok {
		return e, false
	}
	rest, ok = strings.CutSuffix(rest, "\n")
	if !ok {
		return e, false
	}
	f := strings.Fields(rest)
	if len(f) != 3 || len(f[1]) != 16 {
		return e, false
	}
	if _, err := hex.DecodeString(f[1]); err != nil {
		return e, false
	}
	t, err := hex.DecodeString(f[2])
	if err != nil || len(t) != len(e.tok) {
		return e, false
	}
	e.hub, e.instance = f[0], f[1]
	copy(e.tok[:], t)
	return e, true
}

func random(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic("streams: no entropy: " + err.Error())
	}
}
