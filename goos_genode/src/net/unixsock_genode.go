// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package net

import (
	"context"
	"errors"
	"internal/stringslite"
	"io/fs"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"time"
)

// Genode's libc has no AF_UNIX: socket() ignores the domain and bind and
// connect accept only AF_INET (libc/socket_fs_plugin.cc). The "unix"
// network is therefore built from the two things a component does have,
// its socket file system and its VFS:
//
//   - Listen("unix", path) listens on a loopback TCP port and creates the
//     file path (exclusively) holding one line
//     "genode-go-unix tcp4 127.0.0.1:PORT COOKIE\n" where COOKIE is 128
//     random bits in hex.
//   - Dial("unix", path) reads that file, connects to the port and sends the
//     16 cookie bytes first; the listener drops every connection that does
//     not present them within unixHandshakeTimeout.
//   - The listener takes connections off its port in the background and
//     reads their cookies concurrently. At most unixMaxHandshakes (16)
//     connections are unauthenticated at once; when there are that many,
//     the next is taken once one of them is done or the oldest has waited
//     unixHandshakeGrace (250 ms), which is then dropped. A dialer sends
//     the cookie right after connecting, so a peer that connects and sends
//     nothing holds at most 16 of the component's sockets, each for a
//     quarter of a second while others wait, and Accept goes on. At most
//     unixMaxQueued (64) connections are taken ahead of Accept.
//   - Close removes the file if it still names this listener.
//   - Listen finds an existing file: if it is an endpoint file whose port
//     refuses connections, it is stale and replaced; anything else gives
//     EADDRINUSE, as bind does on an existing path.
//
// Who can connect: a peer must reach the listener's IP stack (whoever
// shares that socket file system, see goos_genode/README.md) and read the
// socket file (whoever has that directory in its VFS). "unixgram",
// "unixpacket", ancillary data (SCM_RIGHTS, credentials) and binding the
// dialing end to a path are not provided.

const (
	unixEndpointMagic    = "genode-go-unix"
	unixCookieLen        = 16
	unixHandshakeTimeout = 5 * time.Second
	unixProbeTimeout     = time.Second
	unixMaxHandshakes    = 16
	unixHandshakeGrace   = 250 * time.Millisecond
	unixMaxQueued        = 64
)

// unixEndpoint is what a socket file names.
type unixEndpoint struct {
	addr   netip.AddrPort
	cookie [unixCookieLen]byte
}

func (ep *unixEndpoint) encode() string {
	const hexDigits = "0123456789abcdef"
	var hx [2 * unixCookieLen]byte
	for i, b := range ep.cookie {
		hx[2*i] = hexDigits[b>>4]
		hx[2*i+1] = hexDigits[b&15]
	}
	return unixEndpointMagic + " tcp4 " + ep.addr.String() + " " + string(hx[:]) + "\n"
}

func parseUnixEndpoint(s string) (unixEndpoint, bool) {
	var ep unixEndpoint
	rest, ok := stringslite.CutPrefix(s, unixEndpointMagic+" tcp4 ")
	if !ok {
		return ep, false
	}
	rest, ok = stringslite.CutSuffix(rest, "\n")
	if !ok {
		return ep, false
	}
	addr, hx, ok := stringslite.Cut(rest, " ")
	if !ok || len(hx) != 2*unixCookieLen {
		return ep, false
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Is4() {
		return ep, false
	}
	ep.addr = ap
	for i := range ep.cookie {
		hi, ok1 := xtoi2(hx[2*i:2*i+2], 0)
		if !ok1 {
			return ep, false
		}
		ep.cookie[i] = hi
	}
	return ep, true
}

// readUnixEndpoint reads the socket file at path. A file that does not
// (yet) hold a complete endpoint line is re-read for a short while, since
// a listener creates the file before it writes it.
func readUnixEndpoint(path string) (unixEndpoint, error) {
	for i := 0; ; i++ {
		b, err := os.ReadFile(path)
		if err != nil {
			return unixEndpoint{}, pathErrno(err)
		}
		if ep, ok := parseUnixEndpoint(string(b)); ok {
			return ep, nil
		}
		if i == 10 {
			// Not a socket file: connect(2) says so.
			return unixEndpoint{}, syscall.ECONNREFUSED
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pathErrno reduces an os error to its errno, as a socket call reports it.
func pathErrno(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// unixListeners maps a listener's netFD to its acceptor.
var unixListeners sync.Map // *netFD -> *unixAcceptor

func sockaddrToUnix(sa syscall.Sockaddr) Addr {
	if s, ok := sa.(*syscall.SockaddrUnix); ok {
		return &UnixAddr{Name: s.Name, Net: "unix"}
	}
	return nil
}

func sockaddrToUnixgram(sa syscall.Sockaddr) Addr {
	if s, ok := sa.(*syscall.SockaddrUnix); ok {
		return &UnixAddr{Name: s.Name, Net: "unixgram"}
	}
	return nil
}

func sockaddrToUnixpacket(sa syscall.Sockaddr) Addr {
	if s, ok := sa.(*syscall.SockaddrUnix); ok {
		return &UnixAddr{Name: s.Name, Net: "unixpacket"}
	}
	return nil
}

func sotypeToNet(sotype int) string {
	switch sotype {
	case syscall.SOCK_STREAM:
		return "unix"
	case syscall.SOCK_DGRAM:
		return "unixgram"
	case syscall.SOCK_SEQPACKET:
		return "unixpacket"
	}
	panic("sotypeToNet: unknown socket type")
}

func (a *UnixAddr) family() int { return syscall.AF_UNIX }

func (a *UnixAddr) sockaddr(family int) (syscall.Sockaddr, error) {
	if a == nil {
		return nil, nil
	}
	return &syscall.SockaddrUnix{Name: a.Name}, nil
}

func (a *UnixAddr) toLocal(net string) sockaddr { return a }

// A "unix" connection is a loopback TCP connection: reads and writes pass
// straight through; there is no source address and no ancillary data.

func (c *UnixConn) readFrom(b []byte) (int, *UnixAddr, error) {
	n, err := c.fd.Read(b)
	return n, nil, err
}

func (c *UnixConn) readMsg(b, oob []byte) (n, oobn, flags int, addr *UnixAddr, err error) {
	n, err = c.fd.Read(b)
	return n, 0, 0, nil, err
}

func (c *UnixConn) writeTo(b []byte, addr *UnixAddr) (int, error) {
	if c.fd.isConnected {
		return 0, ErrWriteToConnected
	}
	if addr == nil {
		return 0, errMissingAddress
	}
	return 0, syscall.EISCONN
}

func (c *UnixConn) writeMsg(b, oob []byte, addr *UnixAddr) (n, oobn int, err error) {
	if len(oob) > 0 {
		return 0, 0, syscall.EOPNOTSUPP
	}
	if addr != nil && addr.Net != "unix" {
		return 0, 0, syscall.EAFNOSUPPORT
	}
	n, err = c.fd.Write(b)
	return n, 0, err
}

func (sd *sysDialer) dialUnix(ctx context.Context, laddr, raddr *UnixAddr) (*UnixConn, error) {
	if sd.network != "unix" {
		return nil, syscall.EPROTONOSUPPORT
	}
	if raddr == nil {
		return nil, errMissingAddress
	}
	if laddr != nil && laddr.Name != "" {
		return nil, syscall.EOPNOTSUPP
	}
	ep, err := readUnixEndpoint(raddr.Name)
	if err != nil {
		return nil, os.NewSyscallError("connect", err)
	}
	tsd := *sd
	tsd.network = "tcp4"
	tsd.address = ep.addr.String()
	tc, err := tsd.dialTCP(ctx, nil, TCPAddrFromAddrPort(ep.addr))
	if err != nil {
		return nil, err
	}
	fd := tc.fd
	if _, err := fd.Write(ep.cookie[:]); err != nil {
		fd.Close()
		return nil, err
	}
	fd.net = "unix"
	fd.laddr = &UnixAddr{Net: "unix"}
	fd.raddr = &UnixAddr{Name: raddr.Name, Net: "unix"}
	return newUnixConn(fd), nil
}

// unixAcceptor accepts a listener's connections in the background and
// hands those that presented the cookie to Accept.
type unixAcceptor struct {
	fd *netFD
	ep *unixEndpoint

	room  chan struct{} // a token per connection taken ahead of Accept
	ready chan *netFD   // authenticated, for Accept
	errc  chan error    // an accept error for a waiting Accept (ENFILE, ...)
	done  chan struct{} // closed when the background accept ends

	mu       sync.Mutex
	pending  []unixPending // unauthenticated, oldest first
	gone     chan struct{} // closed and replaced when one leaves pending
	err      error         // why the background accept ended
	deadline time.Time
	dlChange chan struct{} // closed and replaced when the deadline changes
}

func newUnixAcceptor(fd *netFD, ep *unixEndpoint) *unixAcceptor {
	a := &unixAcceptor{fd: fd, ep: ep, room: make(chan struct{}, unixMaxQueued),
		ready: make(chan *netFD, unixMaxQueued), errc: make(chan error, 1),
		done: make(chan struct{}), dlChange: make(chan struct{}), gone: make(chan struct{})}
	go a.run()
	return a
}

func (a *unixAcceptor) run() {
	defer close(a.done)
	backoff := 5 * time.Millisecond
	for {
		a.room <- struct{}{}
		a.admit()
		fd, err := a.fd.accept()
		if err != nil {
			<-a.room
			if errors.Is(err, ErrClosed) {
				a.mu.Lock()
				a.err = err
				a.mu.Unlock()
				a.drop()
				return
			}
			// A temporary failure (ENFILE: the socket fs is full) goes
			// to a waiting Accept; the loop retries as net/http does.
			select {
			case a.errc <- err:
			default:
			}
			time.Sleep(backoff)
			if backoff *= 2; backoff > time.Second {
				backoff = time.Second
			}
			continue
		}
		backoff = 5 * time.Millisecond
		a.handshake(fd)
	}
}

type unixPending struct {
	fd    *netFD
	since time.Time
}

// admit waits until another connection may be authenticated: one of
// unixMaxHandshakes is done, or the oldest has had unixHandshakeGrace and
// is dropped.
func (a *unixAcceptor) admit() {
	for {
		a.mu.Lock()
		if len(a.pending) < unixMaxHandshakes {
			a.mu.Unlock()
			return
		}
		old := a.pending[0]
		wait := unixHandshakeGrace - time.Since(old.since)
		if wait <= 0 {
			a.leaveLocked(0)
			a.mu.Unlock()
			old.fd.Close() // its reader fails and gives the room back
			continue
		}
		gone := a.gone
		a.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-gone:
		case <-t.C:
		}
		t.Stop()
	}
}

func (a *unixAcceptor) leaveLocked(i int) {
	a.pending = append(a.pending[:i], a.pending[i+1:]...)
	close(a.gone)
	a.gone = make(chan struct{})
}

// handshake reads the cookie of a new connection.
func (a *unixAcceptor) handshake(fd *netFD) {
	a.mu.Lock()
	a.pending = append(a.pending, unixPending{fd, time.Now()})
	a.mu.Unlock()
	go func() {
		ok := unixCheckCookie(fd, a.ep)
		a.mu.Lock()
		mine := false
		for i, p := range a.pending {
			if p.fd == fd {
				a.leaveLocked(i)
				mine = true
				break
			}
		}
		a.mu.Unlock()
		if !ok || !mine {
			if mine {
				fd.Close()
			}
			<-a.room
			return
		}
		a.ready <- fd // room is held until Accept takes it
	}()
}

// drop closes what was taken ahead of Accept once the listener is closed.
func (a *unixAcceptor) drop() {
	a.mu.Lock()
	for _, p := range a.pending {
		p.fd.Close()
	}
	a.pending = nil
	a.mu.Unlock()
	for {
		select {
		case fd := <-a.ready:
			fd.Close()
			<-a.room
		default:
			return
		}
	}
}

func (a *unixAcceptor) accept() (*netFD, error) {
	for {
		a.mu.Lock()
		dl, changed, err := a.deadline, a.dlChange, a.err
		a.mu.Unlock()
		select {
		case fd := <-a.ready:
			<-a.room
			return fd, nil
		default:
		}
		if err != nil {
			return nil, err
		}
		var timeout <-chan time.Time
		var t *time.Timer
		if !dl.IsZero() {
			d := time.Until(dl)
			if d <= 0 {
				return nil, os.ErrDeadlineExceeded
			}
			t = time.NewTimer(d)
			timeout = t.C
		}
		var fd *netFD
		select {
		case fd = <-a.ready:
			<-a.room
		case err = <-a.errc:
		case <-a.done:
			// the listener was closed: its error next time round
		case <-timeout:
			err = os.ErrDeadlineExceeded
		case <-changed:
		}
		if t != nil {
			t.Stop()
		}
		if fd != nil || err != nil {
			return fd, err
		}
	}
}

func (a *unixAcceptor) setDeadline(t time.Time) {
	a.mu.Lock()
	a.deadline = t
	close(a.dlChange)
	a.dlChange = make(chan struct{})
	a.mu.Unlock()
}

func (ln *UnixListener) acceptor() *unixAcceptor {
	v, _ := unixListeners.Load(ln.fd)
	a, _ := v.(*unixAcceptor)
	return a
}

func (ln *UnixListener) accept() (*UnixConn, error) {
	a := ln.acceptor()
	if a == nil {
		return nil, ErrClosed
	}
	fd, err := a.accept()
	if err != nil {
		return nil, err
	}
	fd.net = "unix"
	fd.laddr = &UnixAddr{Name: ln.path, Net: "unix"}
	fd.raddr = &UnixAddr{Net: "unix"}
	return newUnixConn(fd), nil
}

// setDeadline is Accept's deadline: the listener's own descriptor is
// read by the background accept, which has none.
func (ln *UnixListener) setDeadline(t time.Time) error {
	a := ln.acceptor()
	if a == nil {
		return ErrClosed
	}
	a.setDeadline(t)
	return nil
}

// unixCheckCookie reads the dialer's first bytes and compares them with
// the listener's cookie.
func unixCheckCookie(fd *netFD, ep *unixEndpoint) bool {
	var got [unixCookieLen]byte
	fd.SetReadDeadline(time.Now().Add(unixHandshakeTimeout))
	for n := 0; n < len(got); {
		m, err := fd.Read(got[n:])
		if err != nil {
			return false
		}
		n += m
	}
	fd.SetReadDeadline(time.Time{})
	var diff byte
	for i := range got {
		diff |= got[i] ^ ep.cookie[i]
	}
	return diff == 0
}

func (ln *UnixListener) close() error {
	ln.unlinkOnce.Do(func() {
		v, ok := unixListeners.Load(ln.fd)
		if !ok || !ln.unlink {
			return
		}
		// Remove the file only while it still names this listener:
		// a stale-file replacement may have taken the path over.
		if b, err := os.ReadFile(ln.path); err == nil && string(b) == v.(*unixAcceptor).ep.encode() {
			os.Remove(ln.path)
		}
	})
	err := ln.fd.Close()
	if a := ln.acceptor(); a != nil {
		<-a.done // the background accept has ended and dropped its queue
		unixListeners.Delete(ln.fd)
	}
	return err
}

func (ln *UnixListener) file() (*os.File, error) {
	f, err := ln.fd.dup()
	if err != nil {
		return nil, err
	}
	return f, nil
}

// SetUnlinkOnClose sets whether the socket file is removed when the
// listener is closed. By default Listen and ListenUnix remove the file
// they created.
func (l *UnixListener) SetUnlinkOnClose(unlink bool) {
	l.unlink = unlink
}

func (sl *sysListener) listenUnix(ctx context.Context, laddr *UnixAddr) (*UnixListener, error) {
	if sl.network != "unix" {
		return nil, syscall.EPROTONOSUPPORT
	}
	if laddr == nil || laddr.Name == "" {
		return nil, syscall.EINVAL
	}
	tsl := *sl
	tsl.network = "tcp4"
	tsl.address = "127.0.0.1:0"
	tl, err := tsl.listenTCP(ctx, &TCPAddr{IP: IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	ep := &unixEndpoint{addr: tl.fd.laddr.(*TCPAddr).AddrPort()}
	for i := 0; i < unixCookieLen; i += 8 {
		r := runtime_rand()
		for j := 0; j < 8; j++ {
			ep.cookie[i+j] = byte(r >> (8 * j))
		}
	}
	if err := publishUnixEndpoint(ctx, laddr.Name, ep); err != nil {
		tl.fd.Close()
		return nil, err
	}
	fd := tl.fd
	fd.net = "unix"
	fd.laddr = &UnixAddr{Name: laddr.Name, Net: "unix"}
	unixListeners.Store(fd, newUnixAcceptor(fd, ep))
	return &UnixListener{fd: fd, path: laddr.Name, unlink: true}, nil
}

// publishUnixEndpoint creates the socket file at path naming ep.
func publishUnixEndpoint(ctx context.Context, path string, ep *unixEndpoint) error {
	for attempt := 0; attempt < 3; attempt++ {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			_, err = f.WriteString(ep.encode())
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(path)
				return os.NewSyscallError("bind", pathErrno(err))
			}
			return nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return os.NewSyscallError("bind", pathErrno(err))
		}
		if !unixEndpointStale(ctx, path) {
			break
		}
		os.Remove(path)
	}
	return os.NewSyscallError("bind", syscall.EADDRINUSE)
}

// unixEndpointStale reports whether path is a socket file whose listener
// is gone: its port refuses connections.
func unixEndpointStale(ctx context.Context, path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	ep, ok := parseUnixEndpoint(string(b))
	if !ok {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, unixProbeTimeout)
	defer cancel()
	sd := &sysDialer{network: "tcp4", address: ep.addr.String()}
	c, err := sd.dialTCP(ctx, nil, TCPAddrFromAddrPort(ep.addr))
	if err == nil {
		// Someone listens there; the connection without a cookie is
		// dropped by its Accept at once.
		c.Close()
		return false
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

func (sl *sysListener) listenUnixgram(ctx context.Context, laddr *UnixAddr) (*UnixConn, error) {
	return nil, syscall.EPROTONOSUPPORT
}
