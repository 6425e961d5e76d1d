package streams

import (
	"encoding/binary"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// Conn is one stream: a net.Conn whose reads and writes go over the
// session's connection. Close ends both directions, CloseWrite only this
// end's writing (the other end reads the end of file).
type Conn struct {
	s    *session
	id   uint32
	addr Addr

	mu sync.Mutex
	// wake is closed and replaced whenever the state below changes
	wake chan struct{}

	established bool // dialer side: the hub accepted the OPEN
	recv        []byte
	recvCredit  int  // what the peer may still send
	unacked     int  // read but not yet given back to the peer
	recvClosed  bool // the peer sends no more
	sendCredit  int
	sendClosed  bool
	reset       bool // the peer reads no more
	closed      bool // Close was called
	broken      bool // the session failed
	rdeadline   time.Time
	wdeadline   time.Time
}

func newConn(s *session, id uint32, addr Addr) *Conn {
	return &Conn{s: s, id: id, addr: addr, wake: make(chan struct{}), recvCredit: window, sendCredit: window}
}

// update changes the state under the lock and wakes the waiters.
func (c *Conn) update(f func()) {
	c.mu.Lock()
	f()
	close(c.wake)
	c.wake = make(chan struct{})
	c.mu.Unlock()
}

// wait releases c.mu until the state changes or the deadline passes; false
// when the deadline has passed. c.mu is held on return.
func (c *Conn) wait(deadline time.Time) bool {
	if !deadline.IsZero() && !time.Now().Before(deadline) {
		return false
	}
	wake := c.wake
	c.mu.Unlock()
	defer c.mu.Lock()
	if deadline.IsZero() {
		<-wake
		return true
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-wake:
		return true
	case <-t.C:
		return false
	}
}

func (c *Conn) Read(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if c.closed {
			return 0, net.ErrClosed
		}
		if len(c.recv) > 0 {
			if len(b) == 0 {
				return 0, nil
			}
			n := copy(b, c.recv)
			c.recv = c.recv[n:]
			if len(c.recv) == 0 {
				c.recv = nil
			}
			c.unacked += n
			// give the credit back in halves of the window, not per read
			if c.unacked >= window/2 || (len(c.recv) == 0 && c.unacked >= maxFrame) {
				var p [4]byte
				binary.BigEndian.PutUint32(p[:], uint32(c.unacked))
				c.recvCredit += c.unacked
				c.unacked = 0
				c.s.send(frame(frameWindow, c.id, p[:]))
			}
			return n, nil
		}
		if c.recvClosed {
			return 0, io.EOF
		}
		if c.broken {
			return 0, io.ErrUnexpectedEOF
		}
		if !c.wait(c.rdeadline) {
			return 0, os.ErrDeadlineExceeded
		}
	}
}

func (c *Conn) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	done := 0
	for done < len(b) {
		switch {
		case c.closed:
			return done, net.ErrClosed
		case c.sendClosed:
			return done, ErrReset
		case c.reset:
			return done, ErrReset
		case c.broken:
			return done, io.ErrClosedPipe
		}
		if c.sendCredit == 0 {
			if !c.wait(c.wdeadline) {
				return done, os.ErrDeadlineExceeded
			}
			continue
		}
		n := min(len(b)-done, c.sendCredit, maxFrame)
		c.sendCredit -= n
		c.s.send(frame(frameData, c.id, b[done:done+n]))
		done += n
	}
	return done, nil
}

// CloseWrite ends this end's writing: the other end reads the end of file.
func (c *Conn) CloseWrite() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return net.ErrClosed
	}
	if !c.sendClosed {
		c.sendClosed = true
		c.s.send(frame(frameClose, c.id, nil))
	}
	return nil
}

// Close ends the stream: what was written is still delivered, then the
// other end reads the end of file, and its writes fail.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	if !c.sendClosed {
		c.sendClosed = true
		c.s.send(frame(frameClose, c.id, nil))
	}
	if !c.reset {
		c.s.send(frame(frameReset, c.id, nil))
	}
	c.closed = true
	c.recv = nil
	close(c.wake)
	c.wake = make(chan struct{})
	c.mu.Unlock()
	c.s.remove(c)
	return nil
}

func (c *Conn) LocalAddr() net.Addr  { return c.addr }
func (c *Conn) RemoteAddr() net.Addr { return c.addr }

func (c *Conn) SetDeadline(t time.Time) error {
	c.update(func() { c.rdeadline, c.wdeadline = t, t })
	return nil
}

func (c *Conn) SetReadDeadline(t time.Time) error {
	c.update(func() { c.rdeadline = t })
	return nil
}

func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.update(func() { c.wdeadline = t })
	return nil
}
