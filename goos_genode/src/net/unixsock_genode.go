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
//     16 cookie bytes first; Accept drops every connection that does not
//     present them within unixHandshakeTimeout.
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

// unixListeners maps a listener's netFD to the endpoint it published.
var unixListeners sync.Map // *netFD -> *unixEndpoint

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

func (ln *UnixListener) accept() (*UnixConn, error) {
	v, _ := unixListeners.Load(ln.fd)
	ep, _ := v.(*unixEndpoint)
	for {
		fd, err := ln.fd.accept()
		if err != nil {
			return nil, err
		}
		if ep != nil && unixCheckCookie(fd, ep) {
			fd.net = "unix"
			fd.laddr = &UnixAddr{Name: ln.path, Net: "unix"}
			fd.raddr = &UnixAddr{Net: "unix"}
			return newUnixConn(fd), nil
		}
		fd.Close()
	}
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
		v, ok := unixListeners.LoadAndDelete(ln.fd)
		if !ok || !ln.unlink {
			return
		}
		// Remove the file only while it still names this listener:
		// a stale-file replacement may have taken the path over.
		if b, err := os.ReadFile(ln.path); err == nil && string(b) == v.(*unixEndpoint).encode() {
			os.Remove(ln.path)
		}
	})
	return ln.fd.Close()
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
	unixListeners.Store(fd, ep)
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
