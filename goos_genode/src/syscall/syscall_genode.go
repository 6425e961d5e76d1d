// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package syscall on Genode: every call goes to Genode's libc (libc.lib.so,
// FreeBSD 12 ABI) through a trampoline. The //sys lines below are the input
// of genodego/syscalls/cmd/mklibc, which writes zsyscall_genode.go
// and the trampolines; a libc name is the lower-cased Go name unless a
// "= SYS_name" suffix gives it. Only functions exported by Genode's libc
// (repos/libports/lib/symbols/libc) may appear here. Calls that the libc
// lacks are written in Go: on top of a neighbour (dup2 for dup3, waitpid
// for wait4, getdirentries for getdents, utimes for utimensat) or as ENOSYS.

package syscall

import "unsafe"

const ImplementsGetwd = true

func Getwd() (string, error) {
	var buf [pathMax]byte
	if _, err := getcwd(buf[:]); err != nil {
		return "", err
	}
	n := clen(buf[:])
	if n < 1 {
		return "", EINVAL
	}
	return string(buf[:n]), nil
}

//sys	getcwd(buf []byte) (n int, err error)

// Directories. Genode's getdirentries hands out one FreeBSD-12 dirent per
// call, which ReadDirent's callers handle like any short read.

//sys	getdirentries(fd int, buf []byte, basep *uint64) (n int, err error)

func Getdirentries(fd int, buf []byte, basep *uintptr) (n int, err error) {
	var base uint64
	if basep != nil {
		base = uint64(*basep)
	}
	n, err = dirents(fd, buf, &base)
	if basep != nil {
		*basep = uintptr(base)
	}
	return n, err
}

func ReadDirent(fd int, buf []byte) (n int, err error) {
	var base uint64
	return dirents(fd, buf, &base)
}

// dirents is getdirentries failing for a descriptor that is not a
// directory with EINVAL, as FreeBSD's does. Genode's answers 0 (end of
// directory) for a plain file (vfs_plugin.cc), so an end is checked with
// fstat.
func dirents(fd int, buf []byte, basep *uint64) (n int, err error) {
	n, err = getdirentries(fd, buf, basep)
	if n == 0 && err == nil {
		var st Stat_t
		if Fstat(fd, &st) == nil && !isDir(&st) {
			return 0, EINVAL
		}
	}
	return n, err
}

func direntIno(buf []byte) (uint64, bool) {
	return readInt(buf, unsafe.Offsetof(Dirent{}.Fileno), unsafe.Sizeof(Dirent{}.Fileno))
}

func direntReclen(buf []byte) (uint64, bool) {
	return readInt(buf, unsafe.Offsetof(Dirent{}.Reclen), unsafe.Sizeof(Dirent{}.Reclen))
}

func direntNamlen(buf []byte) (uint64, bool) {
	return readInt(buf, unsafe.Offsetof(Dirent{}.Namlen), unsafe.Sizeof(Dirent{}.Namlen))
}

// Groups.

//sysnb	getgroups(ngid int, gid *_Gid_t) (n int, err error)
//sysnb	setgroups(ngid int, gid *_Gid_t) (err error)

func Getgroups() (gids []int, err error) {
	n, err := getgroups(0, nil)
	if err != nil || n == 0 {
		return nil, err
	}
	if n < 0 || n > 1<<16 {
		return nil, EINVAL
	}
	a := make([]_Gid_t, n)
	if n, err = getgroups(n, &a[0]); err != nil {
		return nil, err
	}
	gids = make([]int, n)
	for i := range gids {
		gids[i] = int(a[i])
	}
	return gids, nil
}

func Setgroups(gids []int) (err error) {
	if len(gids) == 0 {
		return setgroups(0, nil)
	}
	a := make([]_Gid_t, len(gids))
	for i, g := range gids {
		a[i] = _Gid_t(g)
	}
	return setgroups(len(a), &a[0])
}

// Wait status, FreeBSD encoding: low 7 bits 0 (exited), 0x7f (stopped) or
// the terminating signal; 0x80 marks a core dump; bits 8-15 carry the exit
// code or the stop signal.
type WaitStatus uint32

const (
	waitLow     = 0x7f
	waitCore    = 0x80
	waitShift   = 8
	waitStopped = 0x7f
)

func (w WaitStatus) Exited() bool { return w&waitLow == 0 }

func (w WaitStatus) ExitStatus() int {
	if !w.Exited() {
		return -1
	}
	return int(w>>waitShift) & 0xff
}

func (w WaitStatus) Signaled() bool { return w&waitLow != waitStopped && w&waitLow != 0 }

func (w WaitStatus) Signal() Signal {
	if !w.Signaled() {
		return -1
	}
	return Signal(w & waitLow)
}

func (w WaitStatus) CoreDump() bool { return w.Signaled() && w&waitCore != 0 }

func (w WaitStatus) Stopped() bool {
	return w&waitLow == waitStopped && Signal(w>>waitShift)&0xff != SIGSTOP
}

func (w WaitStatus) Continued() bool {
	return w&waitLow == waitStopped && Signal(w>>waitShift)&0xff == SIGSTOP
}

func (w WaitStatus) StopSignal() Signal {
	if !w.Stopped() {
		return -1
	}
	return Signal(w>>waitShift) & 0xff
}

func (w WaitStatus) TrapCause() int { return -1 }

//sys	waitpid(pid int, wstatus *_C_int, options int) (wpid int, err error)

// Wait4 waits with waitpid: Genode's libc has no wait4 and keeps no
// resource usage for children, so *rusage is zeroed. With WNOHANG and no
// exited child Genode's waitpid returns -1 without setting errno; that is
// FreeBSD's 0.
func Wait4(pid int, wstatus *WaitStatus, options int, rusage *Rusage) (wpid int, err error) {
	if !isChild(pid) {
		return -1, ECHILD
	}
	var status _C_int
	wpid, err = waitpid(pid, &status, options)
	if wpid == -1 && options&WNOHANG != 0 {
		wpid, err = 0, nil
	}
	if wstatus != nil {
		*wstatus = WaitStatus(status)
	}
	if wpid > 0 {
		forgetChild(wpid)
	}
	if rusage != nil {
		*rusage = Rusage{}
	}
	return wpid, err
}

// Pipes. Genode's pipe2 honours only O_NONBLOCK, so callers use Pipe and
// set close-on-exec under ForkLock (forkpipe.go, os/pipe_unix.go).

//sysnb	pipe(p *[2]_C_int) (err error)

func Pipe(p []int) error {
	if len(p) != 2 {
		return EINVAL
	}
	var pp [2]_C_int
	if err := pipe(&pp); err != nil {
		return err
	}
	p[0], p[1] = int(pp[0]), int(pp[1])
	return nil
}

// Sockets. Genode's libc serves AF_INET (TCP, UDP) through its socket file
// system; other families fail at run time but keep FreeBSD's encoding.

//sys	libcAccept(s int, rsa *RawSockaddrAny, addrlen *_Socklen) (fd int, err error) = accept
//sys	libcBind(s int, addr unsafe.Pointer, addrlen _Socklen) (err error) = bind
//sys	libcConnect(s int, addr unsafe.Pointer, addrlen _Socklen) (err error) = connect
//sysnb	libcSocket(domain int, typ int, proto int) (fd int, err error) = socket
//sys	libcGetsockopt(s int, level int, name int, val unsafe.Pointer, vallen *_Socklen) (err error) = getsockopt
//sys	libcSetsockopt(s int, level int, name int, val unsafe.Pointer, vallen uintptr) (err error) = setsockopt
//sysnb	libcGetpeername(fd int, rsa *RawSockaddrAny, addrlen *_Socklen) (err error) = getpeername
//sysnb	libcGetsockname(fd int, rsa *RawSockaddrAny, addrlen *_Socklen) (err error) = getsockname
//sys	libcShutdown(s int, how int) (err error) = shutdown
//sysnb	socketpair(domain int, typ int, proto int, fd *[2]int32) (err error)
//sys	libcRecvfrom(fd int, p []byte, flags int, from *RawSockaddrAny, fromlen *_Socklen) (n int, err error) = recvfrom
//sys	libcSendto(s int, buf []byte, flags int, to unsafe.Pointer, addrlen _Socklen) (err error) = sendto
//sys	libcRecvmsg(s int, msg *Msghdr, flags int) (n int, err error) = recvmsg
//sys	libcSendmsg(s int, msg *Msghdr, flags int) (n int, err error) = sendmsg
//sys	libcListen(s int, backlog int) (err error) = listen

// The socket calls go to the socket file system itself when there is one
// (socketfs_genode.go), else to the libc.

func socket(domain, typ, proto int) (int, error) {
	if sockfsRoot() != "" {
		return sockfsSocket(domain, typ, proto)
	}
	// The libc ignores SOCK_NONBLOCK and SOCK_CLOEXEC.
	ForkLock.RLock()
	fd, err := libcSocket(domain, typ&^(SOCK_NONBLOCK|SOCK_CLOEXEC), proto)
	if err == nil && typ&SOCK_CLOEXEC != 0 {
		CloseOnExec(fd)
	}
	ForkLock.RUnlock()
	if err == nil && typ&SOCK_NONBLOCK != 0 {
		if err = SetNonblock(fd, true); err != nil {
			Close(fd)
			return -1, err
		}
	}
	return fd, err
}

func accept(s int, rsa *RawSockaddrAny, addrlen *_Socklen) (int, error) {
	if sk := sockfsLookup(s); sk != nil {
		nfd, sa, err := sk.accept(s)
		if err != nil {
			return -1, err
		}
		putRaw(sa, rsa, addrlen)
		return nfd, nil
	}
	return libcAccept(s, rsa, addrlen)
}

func bind(s int, addr unsafe.Pointer, addrlen _Socklen) error {
	if sk := sockfsLookup(s); sk != nil {
		return sk.bind(addr, addrlen)
	}
	return libcBind(s, addr, addrlen)
}

func connect(s int, addr unsafe.Pointer, addrlen _Socklen) error {
	if sk := sockfsLookup(s); sk != nil {
		return sk.connect(s, addr, addrlen)
	}
	return libcConnect(s, addr, addrlen)
}

func Listen(s int, backlog int) error {
	if sk := sockfsLookup(s); sk != nil {
		return sk.listen(s, backlog)
	}
	return libcListen(s, backlog)
}

func getsockopt(s int, level int, name int, val unsafe.Pointer, vallen *_Socklen) error {
	if sk := sockfsLookup(s); sk != nil {
		return sk.getsockopt(level, name, val, vallen)
	}
	return libcGetsockopt(s, level, name, val, vallen)
}

func setsockopt(s int, level int, name int, val unsafe.Pointer, vallen uintptr) error {
	if sk := sockfsLookup(s); sk != nil {
		return sk.setsockopt(level, name, val, vallen)
	}
	return libcSetsockopt(s, level, name, val, vallen)
}

func getpeername(fd int, rsa *RawSockaddrAny, addrlen *_Socklen) error {
	if sk := sockfsLookup(fd); sk != nil {
		if sk.udp {
			if !sk.connected.Load() {
				return ENOTCONN
			}
			sk.mu.Lock()
			to := sk.wto
			sk.mu.Unlock()
			a, port, err := parseInet4(to.bytes())
			if err != nil {
				return ENOTCONN
			}
			putRaw(&SockaddrInet4{Addr: a, Port: port}, rsa, addrlen)
			return nil
		}
		sa, err := sk.address("remote")
		if err != nil {
			return ENOTCONN
		}
		putRaw(sa, rsa, addrlen)
		return nil
	}
	return libcGetpeername(fd, rsa, addrlen)
}

func getsockname(fd int, rsa *RawSockaddrAny, addrlen *_Socklen) error {
	if sk := sockfsLookup(fd); sk != nil {
		sa, err := sk.address("local")
		if err != nil {
			return err
		}
		putRaw(sa, rsa, addrlen)
		return nil
	}
	return libcGetsockname(fd, rsa, addrlen)
}

// Shutdown does nothing on the socket file system, as the libc's does:
// the plugin has no file for it.
func Shutdown(s int, how int) error {
	if sk := sockfsLookup(s); sk != nil {
		return nil
	}
	return libcShutdown(s, how)
}

func recvfrom(fd int, p []byte, flags int, from *RawSockaddrAny, fromlen *_Socklen) (int, error) {
	if sk := sockfsLookup(fd); sk != nil {
		if flags&MSG_PEEK != 0 {
			pk, err := sockfsOpen(sk.dir+"/peek", O_RDONLY)
			if err != nil {
				return 0, err
			}
			n, err := libcRead(pk, p)
			libcClose(pk)
			if err == EIO {
				err = EAGAIN // nothing to peek at
			}
			return n, err
		}
		if flags != 0 {
			return 0, EOPNOTSUPP
		}
		n, err := sk.recvfrom(fd, p, from)
		if err == nil && from != nil && fromlen != nil {
			if sk.udp {
				*fromlen = SizeofSockaddrInet4
			} else {
				*fromlen = 0
			}
		}
		return n, err
	}
	return libcRecvfrom(fd, p, flags, from, fromlen)
}

func sendto(s int, buf []byte, flags int, to unsafe.Pointer, addrlen _Socklen) error {
	if sk := sockfsLookup(s); sk != nil {
		n, err := sk.sendto(s, buf, to, addrlen)
		if err == nil && n < len(buf) && sk.udp {
			err = EMSGSIZE
		}
		return err
	}
	return libcSendto(s, buf, flags, to, addrlen)
}

// recvmsg and sendmsg on the socket file system carry one buffer and no
// control data, as the libc's do.
func recvmsg(s int, msg *Msghdr, flags int) (int, error) {
	if sk := sockfsLookup(s); sk != nil {
		var p []byte
		if msg.Iovlen > 0 && msg.Iov.Base != nil {
			p = unsafe.Slice(msg.Iov.Base, msg.Iov.Len)
		}
		var from *RawSockaddrAny
		if msg.Name != nil && msg.Namelen >= SizeofSockaddrInet4 {
			from = (*RawSockaddrAny)(unsafe.Pointer(msg.Name))
		}
		n, err := sk.recvfrom(s, p, from)
		if err != nil {
			return n, err
		}
		if from != nil {
			msg.Namelen = SizeofSockaddrInet4
		}
		msg.Controllen = 0
		msg.Flags = 0
		return n, nil
	}
	return libcRecvmsg(s, msg, flags)
}

func sendmsg(s int, msg *Msghdr, flags int) (int, error) {
	if sk := sockfsLookup(s); sk != nil {
		var p []byte
		if msg.Iovlen > 0 && msg.Iov.Base != nil {
			p = unsafe.Slice(msg.Iov.Base, msg.Iov.Len)
		}
		return sk.sendto(s, p, unsafe.Pointer(msg.Name), _Socklen(msg.Namelen))
	}
	return libcSendmsg(s, msg, flags)
}

// putPort stores port in network byte order.
func putPort(dst *uint16, port int) {
	b := (*[2]byte)(unsafe.Pointer(dst))
	b[0], b[1] = byte(port>>8), byte(port)
}

func getPort(src *uint16) int {
	b := (*[2]byte)(unsafe.Pointer(src))
	return int(b[0])<<8 | int(b[1])
}

func (sa *SockaddrInet4) sockaddr() (unsafe.Pointer, _Socklen, error) {
	if sa.Port < 0 || sa.Port > 0xffff {
		return nil, 0, EINVAL
	}
	sa.raw = RawSockaddrInet4{Len: SizeofSockaddrInet4, Family: AF_INET, Addr: sa.Addr}
	putPort(&sa.raw.Port, sa.Port)
	return unsafe.Pointer(&sa.raw), SizeofSockaddrInet4, nil
}

func (sa *SockaddrInet6) sockaddr() (unsafe.Pointer, _Socklen, error) {
	if sa.Port < 0 || sa.Port > 0xffff {
		return nil, 0, EINVAL
	}
	sa.raw = RawSockaddrInet6{Len: SizeofSockaddrInet6, Family: AF_INET6, Addr: sa.Addr, Scope_id: sa.ZoneId}
	putPort(&sa.raw.Port, sa.Port)
	return unsafe.Pointer(&sa.raw), SizeofSockaddrInet6, nil
}

func (sa *SockaddrUnix) sockaddr() (unsafe.Pointer, _Socklen, error) {
	n := len(sa.Name)
	if n == 0 || n >= len(sa.raw.Path) {
		return nil, 0, EINVAL
	}
	sa.raw = RawSockaddrUnix{Family: AF_UNIX}
	for i := 0; i < n; i++ {
		sa.raw.Path[i] = int8(sa.Name[i])
	}
	// sun_len counts sun_len, sun_family, the path and its NUL.
	sa.raw.Len = byte(2 + n + 1)
	return unsafe.Pointer(&sa.raw), _Socklen(sa.raw.Len), nil
}

func anyToSockaddr(rsa *RawSockaddrAny) (Sockaddr, error) {
	switch rsa.Addr.Family {
	case AF_INET:
		p := (*RawSockaddrInet4)(unsafe.Pointer(rsa))
		return &SockaddrInet4{Port: getPort(&p.Port), Addr: p.Addr}, nil
	case AF_INET6:
		p := (*RawSockaddrInet6)(unsafe.Pointer(rsa))
		return &SockaddrInet6{Port: getPort(&p.Port), ZoneId: p.Scope_id, Addr: p.Addr}, nil
	case AF_UNIX:
		p := (*RawSockaddrUnix)(unsafe.Pointer(rsa))
		if p.Len < 2 || p.Len > SizeofSockaddrUnix {
			return nil, EINVAL
		}
		// The length may or may not include the NUL; stop at the first.
		n := 0
		for n < int(p.Len)-2 && p.Path[n] != 0 {
			n++
		}
		return &SockaddrUnix{Name: string(unsafe.Slice((*byte)(unsafe.Pointer(&p.Path[0])), n))}, nil
	}
	return nil, EAFNOSUPPORT
}

func Accept(fd int) (nfd int, sa Sockaddr, err error) {
	var rsa RawSockaddrAny
	var n _Socklen = SizeofSockaddrAny
	if nfd, err = accept(fd, &rsa, &n); err != nil {
		return
	}
	if sa, err = anyToSockaddr(&rsa); err != nil {
		Close(nfd)
		return 0, nil, err
	}
	return nfd, sa, nil
}

func Getsockname(fd int) (sa Sockaddr, err error) {
	var rsa RawSockaddrAny
	var n _Socklen = SizeofSockaddrAny
	if err = getsockname(fd, &rsa, &n); err != nil {
		return nil, err
	}
	return anyToSockaddr(&rsa)
}

func getsockoptValue(fd, level, opt int, p unsafe.Pointer, size uintptr) error {
	n := _Socklen(size)
	return getsockopt(fd, level, opt, p, &n)
}

func GetsockoptByte(fd, level, opt int) (value byte, err error) {
	err = getsockoptValue(fd, level, opt, unsafe.Pointer(&value), 1)
	return value, err
}

func GetsockoptInet4Addr(fd, level, opt int) (value [4]byte, err error) {
	err = getsockoptValue(fd, level, opt, unsafe.Pointer(&value), 4)
	return value, err
}

func GetsockoptIPMreq(fd, level, opt int) (*IPMreq, error) {
	v := new(IPMreq)
	return v, getsockoptValue(fd, level, opt, unsafe.Pointer(v), SizeofIPMreq)
}

func GetsockoptIPv6Mreq(fd, level, opt int) (*IPv6Mreq, error) {
	v := new(IPv6Mreq)
	return v, getsockoptValue(fd, level, opt, unsafe.Pointer(v), SizeofIPv6Mreq)
}

func GetsockoptIPv6MTUInfo(fd, level, opt int) (*IPv6MTUInfo, error) {
	v := new(IPv6MTUInfo)
	return v, getsockoptValue(fd, level, opt, unsafe.Pointer(v), SizeofIPv6MTUInfo)
}

func GetsockoptICMPv6Filter(fd, level, opt int) (*ICMPv6Filter, error) {
	v := new(ICMPv6Filter)
	return v, getsockoptValue(fd, level, opt, unsafe.Pointer(v), SizeofICMPv6Filter)
}

func recvmsgRaw(fd int, p, oob []byte, flags int, rsa *RawSockaddrAny) (n, oobn int, recvflags int, err error) {
	var msg Msghdr
	var iov Iovec
	var dummy byte
	msg.Name = (*byte)(unsafe.Pointer(rsa))
	msg.Namelen = SizeofSockaddrAny
	// Written out here, not in a helper: storing through pointer
	// parameters would move iov and dummy to the heap.
	if len(p) > 0 {
		iov.Base = &p[0]
		iov.SetLen(len(p))
	}
	if len(oob) > 0 {
		// As on other BSDs, control data travels with one data byte.
		if len(p) == 0 {
			iov.Base = &dummy
			iov.SetLen(1)
		}
		msg.Control = &oob[0]
		msg.SetControllen(len(oob))
	}
	msg.Iov = &iov
	msg.Iovlen = 1
	if n, err = recvmsg(fd, &msg, flags); err != nil {
		return
	}
	return n, int(msg.Controllen), int(msg.Flags), nil
}

func sendmsgN(fd int, p, oob []byte, ptr unsafe.Pointer, salen _Socklen, flags int) (n int, err error) {
	var msg Msghdr
	var iov Iovec
	var dummy byte
	msg.Name = (*byte)(ptr)
	msg.Namelen = uint32(salen)
	if len(p) > 0 {
		iov.Base = &p[0]
		iov.SetLen(len(p))
	}
	if len(oob) > 0 {
		// As on other BSDs, control data travels with one data byte.
		if len(p) == 0 {
			iov.Base = &dummy
			iov.SetLen(1)
		}
		msg.Control = &oob[0]
		msg.SetControllen(len(oob))
	}
	msg.Iov = &iov
	msg.Iovlen = 1
	if n, err = sendmsg(fd, &msg, flags); err != nil {
		return 0, err
	}
	if len(oob) > 0 && len(p) == 0 {
		n = 0
	}
	return n, nil
}

func sendfile(outfd int, infd int, offset *int64, count int) (written int, err error) {
	return -1, ENOSYS
}

// Kill sends signum to pid. Genode's kill reaches only the component itself
// and runs the action at once; it charges signal 0 like any other, and its
// SIG_DFL for 0 ends the component with exit value 1 (signal.cc,
// internal/signal.h). Signal 0 only asks whether the process exists, so it
// is answered here for the own pid. Forked children are reached through
// their signal pipes (exec_genode.go).
func Kill(pid int, signum Signal) (err error) {
	if ok, err := signalChild(pid, signum); ok {
		return err
	}
	if signum == 0 && pid == Getpid() {
		return nil
	}
	return kill(pid, signum)
}

// sysctl. Genode answers a few two-level numeric MIBs and rejects
// sysctlbyname, so names are translated here.

//sys	sysctl(mib []_C_int, old *byte, oldlen *uintptr, new *byte, newlen uintptr) (err error)

// sysctlNames lists the MIBs Genode's libc serves (libc/sysctl.cc), with
// FreeBSD's numbers.
var sysctlNames = map[string][2]_C_int{
	"kern.ostype":      {1, 1},
	"kern.osrelease":   {1, 2},
	"kern.osrevision":  {1, 3},
	"kern.version":     {1, 4},
	"kern.hostname":    {1, 10},
	"kern.arandom":     {1, 37},
	"hw.machine":       {6, 1},
	"hw.ncpu":          {6, 3},
	"hw.physmem":       {6, 5},
	"hw.usermem":       {6, 6},
	"hw.pagesize":      {6, 7},
	"hw.floatingpoint": {6, 10},
	"hw.realmem":       {6, 12},
}

func nametomib(name string) ([]_C_int, error) {
	mib, ok := sysctlNames[name]
	if !ok {
		return nil, ENOENT
	}
	return mib[:], nil
}

func Sysctl(name string) (value string, err error) {
	mib, err := nametomib(name)
	if err != nil {
		return "", err
	}
	// No size probe: Genode's __sysctl fails with EINVAL for a NULL old
	// pointer. Its string values are short constants, cut to the buffer.
	var buf [256]byte
	n := uintptr(len(buf))
	if err = sysctl(mib, &buf[0], &n, nil, 0); err != nil {
		return "", err
	}
	if n > uintptr(len(buf)) {
		return "", EIO
	}
	if n > 0 && buf[n-1] == 0 {
		n--
	}
	return string(buf[:n]), nil
}

func SysctlUint32(name string) (value uint32, err error) {
	mib, err := nametomib(name)
	if err != nil {
		return 0, err
	}
	n := uintptr(4)
	if err = sysctl(mib, (*byte)(unsafe.Pointer(&value)), &n, nil, 0); err != nil {
		return 0, err
	}
	if n != 4 {
		return 0, EIO
	}
	return value, nil
}

// File times. Only utimes exists (and is a no-op in Genode's libc).

//sys	utimes(path string, timeval *[2]Timeval) (err error)

// utimeOmit is FreeBSD's UTIME_OMIT (internal/syscall/unix.UTIME_OMIT).
const utimeOmit = -2

func Utimes(path string, tv []Timeval) (err error) {
	if len(tv) != 2 {
		return EINVAL
	}
	return utimes(path, (*[2]Timeval)(unsafe.Pointer(&tv[0])))
}

func UtimesNano(path string, ts []Timespec) error {
	if len(ts) != 2 {
		return EINVAL
	}
	return utimensat(_AT_FDCWD, path, (*[2]Timespec)(unsafe.Pointer(&ts[0])), 0)
}

// utimensat is what internal/syscall/unix.Utimensat links to. It handles
// the current directory and UTIME_OMIT (by keeping the file's time).
func utimensat(dirfd int, path string, ts *[2]Timespec, flags int) error {
	if dirfd != _AT_FDCWD || flags&^_AT_SYMLINK_NOFOLLOW != 0 {
		return ENOSYS
	}
	if ts == nil {
		return utimes(path, nil)
	}
	t := *ts
	if t[0].Nsec == utimeOmit || t[1].Nsec == utimeOmit {
		var st Stat_t
		var err error
		if flags&_AT_SYMLINK_NOFOLLOW != 0 {
			err = Lstat(path, &st)
		} else {
			err = Stat(path, &st)
		}
		if err != nil {
			return err
		}
		if t[0].Nsec == utimeOmit {
			t[0] = st.Atimespec
		}
		if t[1].Nsec == utimeOmit {
			t[1] = st.Mtimespec
		}
	}
	tv := [2]Timeval{NsecToTimeval(TimespecToNsec(t[0])), NsecToTimeval(TimespecToNsec(t[1]))}
	return utimes(path, &tv)
}

func Futimes(fd int, tv []Timeval) (err error) {
	if len(tv) != 2 {
		return EINVAL
	}
	return ENOSYS
}

// fcntl and ioctl.

//sys	fcntl(fd int, cmd int, arg int) (val int, err error)
//sys	fcntlPtr(fd int, cmd int, arg unsafe.Pointer) (val int, err error) = SYS_fcntl
//sysnb	ioctl(fd int, req int, arg int) (err error)
//sysnb	ioctlPtr(fd int, req uint, arg unsafe.Pointer) (err error) = SYS_ioctl

// Memory mappings.

//sys	mmap(addr uintptr, length uintptr, prot int, flag int, fd int, pos int64) (ret uintptr, err error)
//sys	munmap(addr uintptr, length uintptr) (err error)

var mapper = &mmapper{
	active: make(map[*byte][]byte),
	mmap:   mmap,
	munmap: munmap,
}

func Mmap(fd int, offset int64, length int, prot int, flags int) (data []byte, err error) {
	return mapper.Mmap(fd, offset, length, prot, flags)
}

func Munmap(b []byte) (err error) {
	return mapper.Munmap(b)
}

// The *at family: Genode's libc has openat and fstatat only.
// internal/syscall/unix reaches these two by linkname.

//sys	openat(fd int, path string, flags int, perm uint32) (fdret int, err error)
//sys	fstatat(fd int, path string, stat *Stat_t, flags int) (err error)

// Process creation (exec_libc2.go) and exit.

//sysnb	fork() (pid int, err error)
//sysnb	execve(path *byte, argv **byte, envp **byte) (err error)
//sysnb	exit(res int) (err error)

// Calls exported directly.

//sys	Access(path string, mode uint32) (err error)
//sys	Chdir(path string) (err error)
//sys	Chmod(path string, mode uint32) (err error)
//sys	Chown(path string, uid int, gid int) (err error)
//sys	Chroot(path string) (err error)
//sys	libcClose(fd int) (err error) = close
//sys	Dup(fd int) (nfd int, err error)
//sys	Dup2(from int, to int) (err error)
//sys	Fchdir(fd int) (err error)
//sys	Fchmod(fd int, mode uint32) (err error)
//sys	Fchown(fd int, uid int, gid int) (err error)
//sys	Flock(fd int, how int) (err error)
//sys	Fpathconf(fd int, name int) (val int, err error)
//sys	Fstat(fd int, stat *Stat_t) (err error)
//sys	Fstatfs(fd int, stat *Statfs_t) (err error)
//sys	Fsync(fd int) (err error)
//sys	Ftruncate(fd int, length int64) (err error)
//sysnb	Getegid() (egid int)
//sysnb	Geteuid() (uid int)
//sysnb	Getgid() (gid int)
//sysnb	Getpgrp() (pgrp int)
//sysnb	Getpid() (pid int)
//sysnb	Getppid() (ppid int)
//sys	Getpriority(which int, who int) (prio int, err error)
//sysnb	Getrlimit(which int, lim *Rlimit) (err error)
//sysnb	Getrusage(who int, rusage *Rusage) (err error)
//sysnb	Getsid(pid int) (sid int, err error)
//sysnb	Gettimeofday(tv *Timeval) (err error)
//sysnb	Getuid() (uid int)
//sys	Issetugid() (tainted bool)
//sys	kill(pid int, signum Signal) (err error)
//sys	Link(path string, link string) (err error)
//sys	Mkfifo(path string, mode uint32) (err error)
//sys	Mknod(path string, mode uint32, dev int) (err error)
//sys	Nanosleep(time *Timespec, leftover *Timespec) (err error)
//sys	Pathconf(path string, name int) (val int, err error)
//sys	pread(fd int, p []byte, offset int64) (n int, err error)
//sys	pwrite(fd int, p []byte, offset int64) (n int, err error)
//sys	libcRead(fd int, p []byte) (n int, err error) = read
//sys	readlen(fd int, buf *byte, nbuf int) (n int, err error) = SYS_read
//sys	Seek(fd int, offset int64, whence int) (newoffset int64, err error) = SYS_lseek
//sys	Select(n int, r *FdSet, w *FdSet, e *FdSet, timeout *Timeval) (err error)
//sysnb	Setegid(egid int) (err error)
//sysnb	Seteuid(euid int) (err error)
//sysnb	Setgid(gid int) (err error)
//sysnb	Setpgid(pid int, pgid int) (err error)
//sys	Setpriority(which int, who int, prio int) (err error)
//sysnb	Setregid(rgid int, egid int) (err error)
//sysnb	Setreuid(ruid int, euid int) (err error)
//sysnb	setrlimit(which int, lim *Rlimit) (err error)
//sysnb	Setsid() (pid int, err error)
//sysnb	Setuid(uid int) (err error)
//sys	Statfs(path string, stat *Statfs_t) (err error)
//sys	Sync() (err error)
//sys	Truncate(path string, length int64) (err error)
//sys	Umask(newmask int) (oldmask int)
//sys	libcWrite(fd int, p []byte) (n int, err error) = write
//sys	writev(fd int, iovecs []Iovec) (n uintptr, err error)

// Calls Genode's libc does not export.

func Lchown(path string, uid int, gid int) error { return ENOSYS }

func Getpgid(pid int) (pgid int, err error) {
	if pid == 0 || pid == Getpid() {
		return Getpgrp(), nil
	}
	return 0, ENOSYS
}

func Settimeofday(tp *Timeval) error { return ENOSYS }

// Close, read and write know the sockets of the socket file system: a
// socket's descriptor is closed with its handle; a read of data that ends
// and a write that fails with EIO take the socket's error from its error
// file (a reset connection, a broken pipe).

func Close(fd int) error {
	if sk := sockfsLookup(fd); sk != nil {
		return sk.close(fd)
	}
	return libcClose(fd)
}

func read(fd int, p []byte) (int, error) {
	n, err := libcRead(fd, p)
	if n == 0 && err == nil && len(p) > 0 {
		if sk := sockfsLookup(fd); sk != nil && !sk.udp {
			if e := sk.lastError(0); e != 0 && e != EAGAIN {
				return 0, e
			}
		}
	}
	return n, err
}

func write(fd int, p []byte) (int, error) {
	if sk := sockfsLookup(fd); sk != nil && sk.udp && !sk.connected.Load() {
		return 0, EDESTADDRREQ // data would go to the last destination of a sendto
	}
	n, err := libcWrite(fd, p)
	if err == EIO {
		if sk := sockfsLookup(fd); sk != nil {
			return n, sk.lastError(EIO)
		}
	}
	return n, err
}
