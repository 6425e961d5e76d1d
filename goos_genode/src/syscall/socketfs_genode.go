// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package syscall

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// Sockets on Genode live in the socket file system that the component's
// IP stack (the lxip or lwip VFS plugin, os/src/lib/vfs/ip/vfs.cc) serves.
// The libc's socket calls open eleven files for every socket, ten of them
// control files it may never use (libc/socket_fs_plugin.cc), so a component
// of 1024 fds holds about 92 sockets. This package speaks to the file
// system itself and opens what a socket in its state needs: the handle that
// keeps the socket alive and, as the descriptor the caller sees, the data
// file of a connection or the accept file of a listener. Control files are
// opened for the one write or read a call needs and closed again.
//
// The file system is looked for at $GENODE_SOCKET_FS, else at /socket
// (where every configuration of this port mounts it, <libc socket>);
// without it the libc's socket calls are used. Each protocol directory
// holds at most 128 sockets (MAX_SOCKETS in vfs.cc); beyond that socket and
// accept fail with ENFILE. The plugin accepts a pending connection before it
// looks for a free slot and drops the connection when there is none, so
// accept does not ask while this package's own sockets fill the directory:
// the connection stays pending (net/http's Serve retries on ENFILE).
// Sockets made through the libc's socket call in the same component are not
// counted; with those, an accept at the limit still loses its connection.
//
// What the plugin cannot say, the descriptor does without: a failed write
// of a control file is EIO with the socket's error in its error file; a
// read of data that fails reads as the end, the error file telling an end
// from a reset. A descriptor made by dup reopens the data file by path
// (Genode's dup does so for every VFS file); it stays usable only while the
// descriptor socket returned is open, which owns the socket.

type sockfsSock struct {
	handle int    // new_socket or accept_socket handle: the socket lives while it is open
	dir    string // the socket's directory, "/socket/tcp/3"
	udp    bool

	connected atomic.Bool // a UDP socket with a peer: plain writes go there

	mu        sync.Mutex
	listening bool
	connfd    int       // the connect file while a connection is in progress, else -1
	rremote   int       // remote, read for the sender of the next datagram (UDP), or -1
	wremote   int       // remote, written with the destination of the next datagram (UDP), or -1
	wto       inet4Text // the destination remote was last written with
}

var sockfs struct {
	once sync.Once
	root string // "" when there is no socket file system to speak to

	// socks holds the sockets by the descriptor socket and accept return;
	// Genode's libc has 1024 descriptors (internal/fd_alloc.h).
	socks [1024]atomic.Pointer[sockfsSock]

	// count is the number of sockets of socks in tcp and udp
	count [2]atomic.Int32
}

const sockfsMaxSockets = 128 // per protocol directory, MAX_SOCKETS in vfs.cc

func protoIndex(udp bool) int {
	if udp {
		return 1
	}
	return 0
}

func sockfsRoot() string {
	sockfs.once.Do(func() {
		root := "/socket"
		if v, ok := Getenv("GENODE_SOCKET_FS"); ok && v != "" {
			root = v
		}
		var st Stat_t
		if libcLstat(root+"/tcp/new_socket", &st) == nil {
			sockfs.root = root
		}
	})
	return sockfs.root
}

func sockfsLookup(fd int) *sockfsSock {
	if uint(fd) >= uint(len(sockfs.socks)) {
		return nil
	}
	return sockfs.socks[fd].Load()
}

// sockfsOpen opens a file of the socket file system close-on-exec: a
// forked child has a fresh stack, and none of these files would mean
// anything there. It takes ForkLock for reading, so no caller may hold it:
// sync.RWMutex has no recursive read locks, and a second RLock while a fork
// waits for the lock deadlocks every goroutine that opens a file or socket
// (net's sysSocket therefore does not take it on genode: sock_cloexec.go).
func sockfsOpen(path string, mode int) (int, error) {
	return openCloexec(mode|O_CLOEXEC, func() (int, error) { return libcOpen(path, mode, 0) })
}

// readRetry is one read of fd, repeated while it is interrupted.
func readRetry(fd int, buf []byte) (int, error) {
	for {
		n, err := libcRead(fd, buf)
		if err != EINTR {
			return n, err
		}
	}
}

// lastError is the socket's last error from its error file, written by
// the plugin as a node: "error | name: EADDRINUSE | value: 3" (HID) or
// <error name="EADDRINUSE" value="3"/> (XML, with generate_xml).
func (s *sockfsSock) lastError(fallback Errno) Errno {
	fd, err := sockfsOpen(s.dir+"/error", O_RDONLY)
	if err != nil {
		return fallback
	}
	var buf [64]byte
	n, _ := readRetry(fd, buf[:])
	libcClose(fd)
	if n < 0 {
		n = 0
	}
	text := string(buf[:clen(buf[:n])])
	for i := 0; i+5 <= len(text); i++ {
		if text[i:i+5] != "value" {
			continue
		}
		j := i + 5
		for j < len(text) && (text[j] == ':' || text[j] == '=' || text[j] == ' ' || text[j] == '"') {
			j++
		}
		v, k := 0, j
		for k < len(text) && text[k] >= '0' && text[k] <= '9' {
			v = v*10 + int(text[k]-'0')
			k++
		}
		if k > j {
			if e := genodeSocketErrno(v); e != 0 {
				return e
			}
			return fallback
		}
	}
	return fallback
}

// genodeSocketErrno maps genode_c_api/socket.h's Errno to FreeBSD's (as
// libc/socket_fs_plugin.cc's socket_errno does); 0 for ENONE.
func genodeSocketErrno(v int) Errno {
	table := [...]Errno{0, E2BIG, EACCES, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EALREADY, EBADF,
		EBADF, EBADMSG, EINVAL, EBUSY, ECONNABORTED, ECONNREFUSED, EDESTADDRREQ, EDOM, EEXIST, EFAULT, EFBIG,
		EHOSTUNREACH, EINPROGRESS, EINTR, EINVAL, EIO, EISCONN, ELOOP, EMLINK, EMSGSIZE, ENAMETOOLONG, ENETDOWN,
		ENETUNREACH, ENFILE, ENOBUFS, ENOATTR, ENODEV, ENOENT, ENOTTY, ENOLINK, ENOMEM, ENOMSG, ENOPROTOOPT,
		ENOSPC, ENOSYS, ENOTCONN, EOPNOTSUPP, ENOTTY, ENXIO, EOPNOTSUPP, EOVERFLOW, EPERM, EPFNOSUPPORT, EPIPE,
		EPROTO, EPROTONOSUPPORT, EPROTOTYPE, ERANGE, EIO, ESOCKTNOSUPPORT, ESPIPE, ESRCH, ESTALE, ETIMEDOUT,
		ETOOMANYREFS, EUSERS, EXDEV, ECONNRESET}
	if v < 0 || v >= len(table) {
		return EIO
	}
	return table[v]
}

// control writes line to one of the socket's control files.
func (s *sockfsSock) control(name, line string) error {
	fd, err := sockfsOpen(s.dir+"/"+name, O_WRONLY)
	if err != nil {
		return err
	}
	_, err = write(fd, []byte(line))
	libcClose(fd)
	if err == EIO {
		return s.lastError(EIO)
	}
	return err
}

// address reads local or remote: "a.b.c.d:port\n".
func (s *sockfsSock) address(name string) (*SockaddrInet4, error) {
	fd, err := sockfsOpen(s.dir+"/"+name, O_RDONLY)
	if err != nil {
		return nil, err
	}
	var buf [32]byte
	n, err := readRetry(fd, buf[:])
	libcClose(fd)
	if err != nil {
		return nil, err
	}
	a, port, err := parseInet4(buf[:n])
	if err != nil {
		return nil, err
	}
	return &SockaddrInet4{Addr: a, Port: port}, nil
}

// parseInet4 reads "a.b.c.d:port" (a newline may follow).
func parseInet4(text []byte) (addr [4]byte, port int, err error) {
	i := 0
	for part := 0; part < 4; part++ {
		v, j := 0, i
		for j < len(text) && text[j] >= '0' && text[j] <= '9' {
			v = v*10 + int(text[j]-'0')
			j++
		}
		if j == i || v > 255 {
			return addr, 0, EINVAL
		}
		addr[part] = byte(v)
		i = j
		if part < 3 {
			if i >= len(text) || text[i] != '.' {
				return addr, 0, EINVAL
			}
			i++
		}
	}
	if i >= len(text) || text[i] != ':' {
		return addr, 0, EINVAL
	}
	i++
	j := i
	for j < len(text) && text[j] >= '0' && text[j] <= '9' {
		port = port*10 + int(text[j]-'0')
		j++
	}
	if j == i || port > 0xffff {
		return addr, 0, EINVAL
	}
	return addr, port, nil
}

// inet4Text is "a.b.c.d:port" without allocating: datagrams name their
// destination in it.
type inet4Text struct {
	b [24]byte
	n int
}

func (t *inet4Text) bytes() []byte { return t.b[:t.n] }

func (t *inet4Text) num(v int) { t.n += len(appendDecimal(t.b[t.n:t.n], v)) }

func formatInet4(addr [4]byte, port int) (t inet4Text) {
	for i, a := range addr {
		t.num(int(a))
		if i < 3 {
			t.b[t.n] = '.'
			t.n++
		}
	}
	t.b[t.n] = ':'
	t.n++
	t.num(port)
	return t
}

func putInet4(rsa *RawSockaddrInet4, addr [4]byte, port int) {
	*rsa = RawSockaddrInet4{Len: SizeofSockaddrInet4, Family: AF_INET, Addr: addr}
	putPort(&rsa.Port, port)
}

// rawInet4 reads the IPv4 address of a raw sockaddr the way the libc's
// socket calls accept one: AF_INET only.
func rawInet4(addr unsafe.Pointer, n _Socklen) ([4]byte, int, error) {
	if addr == nil {
		return [4]byte{}, 0, EFAULT
	}
	rsa := (*RawSockaddrInet4)(addr)
	if n < SizeofSockaddrInet4 || rsa.Family != AF_INET {
		return [4]byte{}, 0, EAFNOSUPPORT
	}
	return rsa.Addr, getPort(&rsa.Port), nil
}

// newSock opens the data file of the socket whose handle is h and
// registers it; the data file's descriptor is the socket's.
func newSock(h int, nonblock bool) (int, error) {
	var buf [16]byte
	n, err := readRetry(h, buf[:])
	if err != nil || n < 2 || buf[n-1] != '\n' {
		libcClose(h)
		if err == nil {
			err = EIO
		}
		return -1, err
	}
	name := string(buf[:n-1])
	s := &sockfsSock{handle: h, dir: sockfs.root + "/" + name, udp: name[0] == 'u', connfd: -1, rremote: -1, wremote: -1}
	mode := O_RDWR
	if nonblock {
		mode |= O_NONBLOCK
	}
	fd, err := sockfsOpen(s.dir+"/data", mode)
	if err != nil {
		libcClose(h)
		return -1, err
	}
	if uint(fd) >= uint(len(sockfs.socks)) {
		libcClose(fd)
		libcClose(h)
		return -1, EMFILE
	}
	sockfs.socks[fd].Store(s)
	sockfs.count[protoIndex(s.udp)].Add(1)
	return fd, nil
}

func sockfsSocket(domain, typ, proto int) (int, error) {
	// The plugin has IPv4 only; the libc would make any domain an IPv4
	// socket and refuse its addresses later.
	if domain != AF_INET {
		return -1, EAFNOSUPPORT
	}
	var dir string
	switch {
	case typ&3 == SOCK_STREAM && (proto == 0 || proto == IPPROTO_TCP):
		dir = "/tcp"
	case typ&3 == SOCK_DGRAM && (proto == 0 || proto == IPPROTO_UDP):
		dir = "/udp"
	default:
		return -1, EPROTONOSUPPORT
	}
	h, err := sockfsOpen(sockfs.root+dir+"/new_socket", O_RDONLY)
	if err == ENOENT {
		return -1, ENFILE // the directory holds its 128 sockets
	}
	if err != nil {
		return -1, err
	}
	return newSock(h, typ&SOCK_NONBLOCK != 0)
}

func (s *sockfsSock) close(fd int) error {
	if sockfs.socks[fd].CompareAndSwap(s, nil) {
		sockfs.count[protoIndex(s.udp)].Add(-1)
	}
	s.mu.Lock()
	for _, f := range []*int{&s.connfd, &s.rremote, &s.wremote} {
		if *f >= 0 {
			libcClose(*f)
			*f = -1
		}
	}
	s.mu.Unlock()
	err := libcClose(fd)
	libcClose(s.handle)
	return err
}

func (s *sockfsSock) bind(addr unsafe.Pointer, n _Socklen) error {
	a, port, err := rawInet4(addr, n)
	if err != nil {
		return err
	}
	t := formatInet4(a, port)
	return s.control("bind", string(t.bytes()))
}

// listen makes the socket's descriptor its accept file, whose readiness
// is that of a pending connection (as the libc polls a listener).
func (s *sockfsSock) listen(fd, backlog int) error {
	if backlog < 0 {
		backlog = 0
	}
	if err := s.control("listen", decimal(backlog)); err != nil {
		return err
	}
	fl, err := fcntl(fd, F_GETFL, 0)
	if err != nil {
		return err
	}
	cloexec, _ := fcntl(fd, F_GETFD, 0)
	a, err := sockfsOpen(s.dir+"/accept", O_RDONLY|fl&O_NONBLOCK)
	if err != nil {
		return err
	}
	err = Dup2(a, fd)
	libcClose(a)
	if err != nil {
		return err
	}
	fcntl(fd, F_SETFD, cloexec&FD_CLOEXEC)
	s.mu.Lock()
	s.listening = true
	s.mu.Unlock()
	return nil
}

func (s *sockfsSock) accept(fd int) (int, *SockaddrInet4, error) {
	var buf [8]byte
	// "1\n" once a connection is pending; O_NONBLOCK without one: EAGAIN
	if _, err := readRetry(fd, buf[:]); err != nil {
		return -1, nil, err
	}
	if sockfs.count[protoIndex(s.udp)].Load() >= sockfsMaxSockets {
		return -1, nil, ENFILE // pending, and left so until a socket is closed
	}
	h, err := sockfsOpen(s.dir+"/accept_socket", O_RDONLY)
	if err == ENOENT {
		return -1, nil, ENFILE // the directory is full: the plugin dropped the connection
	}
	if err != nil {
		return -1, nil, err
	}
	nfd, err := newSock(h, false)
	if err != nil {
		return -1, nil, err
	}
	ns := sockfsLookup(nfd)
	sa, err := ns.address("remote")
	if err != nil {
		ns.close(nfd)
		return -1, nil, err
	}
	return nfd, sa, nil
}

func (s *sockfsSock) connect(fd int, addr unsafe.Pointer, n _Socklen) error {
	a, port, err := rawInet4(addr, n)
	if err != nil {
		if addr != nil && n >= 2 && (*RawSockaddrInet4)(addr).Family == AF_UNSPEC && s.udp {
			// dissolving a UDP association: the family 0 of vfs.cc's connect line
			s.connected.Store(false)
			return s.control("connect", "0.0.0.0:0;0")
		}
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listening {
		return EINVAL
	}
	if s.connfd >= 0 {
		return EALREADY
	}
	c, err := sockfsOpen(s.dir+"/connect", O_RDWR)
	if err != nil {
		return err
	}
	t := formatInet4(a, port)
	if _, err := libcWrite(c, t.bytes()); err != nil {
		libcClose(c)
		if err == EIO {
			return s.lastError(ECONNREFUSED)
		}
		return err
	}
	if s.udp {
		// The stack associates a UDP socket at once; its peer is
		// where data's writes go (vfs.cc keeps it as remote_addr).
		libcClose(c)
		s.wto = t
		s.connected.Store(true)
		return nil
	}
	s.connfd = c
	fl, _ := fcntl(fd, F_GETFL, 0)
	if fl&O_NONBLOCK != 0 {
		return EINPROGRESS
	}
	// A blocking connect waits as the libc's does: for the connect file
	// to become readable, at most ten seconds (<libc connect_timeout_sec>).
	ready, err := readable(c, 10)
	if err != nil {
		return err
	}
	if !ready {
		libcClose(c)
		s.connfd = -1
		return ETIMEDOUT
	}
	return s.connectStatusLocked()
}

// connectStatusLocked reads the outcome of a connection in progress from
// the connect file, which answers only once it is readable.
func (s *sockfsSock) connectStatusLocked() error {
	c := s.connfd
	var buf [32]byte
	n, err := readRetry(c, buf[:])
	libcClose(c)
	s.connfd = -1
	if err != nil {
		return err
	}
	switch string(buf[:clen(buf[:n])]) {
	case "connected":
		return nil
	case "not connected":
		// The file peeks at the data: an end of stream, a connection
		// that was made and that the peer has closed already (a socket
		// that never connected reads "unknown error"). The libc makes
		// this ENOTCONN; here it connected, and a read finds the end.
		return nil
	case "connection refused":
		return ECONNREFUSED
	case "no route to host":
		return EHOSTUNREACH
	}
	return ECONNREFUSED
}

// soError is SO_ERROR: a connection in progress is EINPROGRESS until its
// connect file is readable, then its outcome.
func (s *sockfsSock) soError() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.connfd < 0 {
		return 0
	}
	if ready, err := readable(s.connfd, 0); err != nil || !ready {
		return int(EINPROGRESS)
	}
	if err := s.connectStatusLocked(); err != nil {
		return int(err.(Errno))
	}
	return 0
}

func (s *sockfsSock) setRemoteLocked(to *inet4Text) error {
	if s.wremote < 0 {
		fd, err := sockfsOpen(s.dir+"/remote", O_WRONLY)
		if err != nil {
			return err
		}
		s.wremote = fd
	}
	if s.wto == *to {
		return nil
	}
	if _, err := libcWrite(s.wremote, to.bytes()); err != nil {
		return err
	}
	s.wto = *to
	return nil
}

// sendto of UDP names the destination in remote, then writes data.
func (s *sockfsSock) sendto(fd int, p []byte, to unsafe.Pointer, n _Socklen) (int, error) {
	if to == nil && s.udp && !s.connected.Load() {
		return 0, EDESTADDRREQ
	}
	if to != nil {
		if !s.udp {
			return 0, EISCONN
		}
		a, port, err := rawInet4(to, n)
		if err != nil {
			return 0, err
		}
		s.mu.Lock()
		t := formatInet4(a, port)
		err = s.setRemoteLocked(&t)
		s.mu.Unlock()
		if err != nil {
			return 0, err
		}
	}
	n2, err := libcWrite(fd, p)
	if err == EIO {
		err = s.lastError(EIO)
	}
	return n2, err
}

// recvfrom of UDP reads the sender of the next datagram from remote (it
// blocks as data does), then the datagram.
func (s *sockfsSock) recvfrom(fd int, p []byte, from *RawSockaddrAny) (int, error) {
	if from != nil && s.udp {
		s.mu.Lock()
		if s.rremote < 0 {
			fl, _ := fcntl(fd, F_GETFL, 0)
			r, err := sockfsOpen(s.dir+"/remote", O_RDONLY|fl&O_NONBLOCK)
			if err != nil {
				s.mu.Unlock()
				return 0, err
			}
			s.rremote = r
		}
		r := s.rremote
		s.mu.Unlock()
		var buf [32]byte
		k, err := readRetry(r, buf[:])
		if err != nil {
			return 0, err
		}
		a, port, err := parseInet4(buf[:k])
		if err != nil {
			return 0, err
		}
		putInet4((*RawSockaddrInet4)(unsafe.Pointer(from)), a, port)
	} else if from != nil {
		*from = RawSockaddrAny{}
	}
	return read(fd, p)
}

// Socket options as the libc offers them (socket_fs_plugin.cc): the
// plugin's sockopts files, SO_ERROR and SO_TYPE answered here, TCP_NODELAY
// and SO_LINGER(off) accepted and ignored, everything else ENOPROTOOPT.
func sockoptFile(level, opt int) string {
	switch {
	case level == SOL_SOCKET && opt == SO_KEEPALIVE:
		return "so_keepalive"
	case level == SOL_SOCKET && opt == SO_REUSEADDR:
		return "so_reuseaddr"
	case level == IPPROTO_TCP && opt == TCP_KEEPCNT:
		return "tcp_keepcnt"
	case level == IPPROTO_TCP && opt == TCP_KEEPIDLE:
		return "tcp_keepidle"
	case level == IPPROTO_TCP && opt == TCP_KEEPINTVL:
		return "tcp_keepintvl"
	}
	return ""
}

func (s *sockfsSock) setsockopt(level, opt int, val unsafe.Pointer, n uintptr) error {
	if level == IPPROTO_TCP && opt == TCP_NODELAY {
		return nil
	}
	if level == SOL_SOCKET && opt == SO_LINGER {
		if n >= SizeofLinger && (*Linger)(val).Onoff == 0 {
			return nil
		}
		return ENOPROTOOPT
	}
	name := sockoptFile(level, opt)
	if name == "" || n < 4 {
		return ENOPROTOOPT
	}
	v := int64(*(*int32)(val))
	fd, err := sockfsOpen(s.dir+"/sockopts/"+name, O_RDWR)
	if err != nil {
		return ENOPROTOOPT
	}
	_, err = write(fd, (*[8]byte)(unsafe.Pointer(&v))[:])
	libcClose(fd)
	if err != nil {
		return EINVAL
	}
	return nil
}

func (s *sockfsSock) getsockopt(level, opt int, val unsafe.Pointer, n *_Socklen) error {
	if val == nil || n == nil || *n < 4 {
		return EINVAL
	}
	put := func(v int32) error {
		*(*int32)(val) = v
		*n = 4
		return nil
	}
	switch {
	case level == SOL_SOCKET && opt == SO_ERROR:
		return put(int32(s.soError()))
	case level == SOL_SOCKET && opt == SO_TYPE:
		if s.udp {
			return put(SOCK_DGRAM)
		}
		return put(SOCK_STREAM)
	}
	name := sockoptFile(level, opt)
	if name == "" {
		return ENOPROTOOPT
	}
	fd, err := sockfsOpen(s.dir+"/sockopts/"+name, O_RDONLY)
	if err != nil {
		return ENOPROTOOPT
	}
	var v [8]byte
	k, err := readRetry(fd, v[:])
	libcClose(fd)
	if err != nil || k < 4 {
		return EINVAL
	}
	return put(*(*int32)(unsafe.Pointer(&v[0])))
}

func putRaw(sa *SockaddrInet4, rsa *RawSockaddrAny, n *_Socklen) {
	ptr, l, _ := sa.sockaddr()
	if n == nil || rsa == nil {
		return
	}
	k := *n
	if k > l {
		k = l
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(rsa)), k), unsafe.Slice((*byte)(ptr), k))
	*n = l
}

// readable waits at most sec seconds for fd to become readable.
func readable(fd int, sec int64) (bool, error) {
	var r FdSet
	r.X__fds_bits[fd/64] |= 1 << (uint(fd) % 64)
	tv := Timeval{Sec: sec}
	if err := Select(fd+1, &r, nil, nil, &tv); err != nil {
		return false, err
	}
	return r.X__fds_bits[fd/64]&(1<<(uint(fd)%64)) != 0, nil
}
