//go:build genode

// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// golang.org/x/sys/unix on Genode. Genode's libc (libc.lib.so) is FreeBSD
// 12.0's, so the names, constants and layouts are FreeBSD's
// (zerrors_genode_*.go, ztypes_genode_*.go); every call goes to the libc
// through a trampoline, as on openbsd: Genode has no system-call numbers.
//
// The //sys lines below are the input of genodego/syscalls/cmd/mklibc, which
// writes zsyscall_genode.go and the trampolines from them and from
// syscalls/table.tsv; the libc name is the lower-cased Go name unless
// "= name" gives it. Only functions the table lists for golang.org/x/sys/unix
// may appear. Functions Genode's libc lacks (status missing in the table)
// are written below in Go: on top of a neighbour where one does the same, else
// failing with ENOSYS. Where package syscall does more for Genode than call
// the libc (path resolution, child processes), these functions call it.

package unix

import (
	"errors"
	"syscall"
	"unsafe"
)

// Directories. Genode's getdirentries hands out FreeBSD-12 dirents.

//sys	getdirentries(fd int, buf []byte, basep *uint64) (n int, err error)

func direntIno(buf []byte) (uint64, bool) {
	return readInt(buf, unsafe.Offsetof(Dirent{}.Fileno), unsafe.Sizeof(Dirent{}.Fileno))
}

func direntReclen(buf []byte) (uint64, bool) {
	return readInt(buf, unsafe.Offsetof(Dirent{}.Reclen), unsafe.Sizeof(Dirent{}.Reclen))
}

func direntNamlen(buf []byte) (uint64, bool) {
	return readInt(buf, unsafe.Offsetof(Dirent{}.Namlen), unsafe.Sizeof(Dirent{}.Namlen))
}

// Getdirentries fails for a descriptor that is not a directory with EINVAL,
// as FreeBSD's does; Genode's answers 0, an end of directory
// (vfs_plugin.cc), so an end is checked with fstat.
func Getdirentries(fd int, buf []byte, basep *uintptr) (n int, err error) {
	var base uint64
	if basep != nil {
		base = uint64(*basep)
	}
	n, err = getdirentries(fd, buf, &base)
	if n == 0 && err == nil {
		var st Stat_t
		if Fstat(fd, &st) == nil && st.Mode&S_IFMT != S_IFDIR {
			return 0, EINVAL
		}
	}
	if basep != nil {
		*basep = uintptr(base)
	}
	return n, err
}

func Getdents(fd int, buf []byte) (n int, err error) {
	return Getdirentries(fd, buf, nil)
}

// getcwd returns a pointer, NULL on failure.

//sys	getcwd(buf []byte) (err error)

func Getcwd(buf []byte) (n int, err error) {
	if err = getcwd(buf); err != nil {
		return 0, err
	}
	return clen(buf), nil
}

// Path names. Genode's libc resolves "." and ".." lexically and ignores a
// trailing slash; package syscall walks such paths itself before the libc
// sees them (syscall/path_genode.go), so these go through it. Stat_t and
// Rusage have the same FreeBSD layout in both packages.

// Genode's open and openat accept O_CLOEXEC but do not set close-on-exec
// (vfs_plugin.cc), so it is set here.

func Open(path string, mode int, perm uint32) (fd int, err error) {
	fd, err = syscall.Open(path, mode, perm)
	if err == nil && mode&O_CLOEXEC != 0 {
		CloseOnExec(fd)
	}
	return fd, err
}

func Stat(path string, st *Stat_t) error {
	return syscall.Stat(path, (*syscall.Stat_t)(unsafe.Pointer(st)))
}

func Lstat(path string, st *Stat_t) error {
	return syscall.Lstat(path, (*syscall.Stat_t)(unsafe.Pointer(st)))
}

func Mkdir(path string, mode uint32) error { return syscall.Mkdir(path, mode) }

func Rmdir(path string) error { return syscall.Rmdir(path) }

func Unlink(path string) error { return syscall.Unlink(path) }

func Readlink(path string, buf []byte) (n int, err error) { return syscall.Readlink(path, buf) }

func Symlink(path string, link string) error { return syscall.Symlink(path, link) }

func Rename(from string, to string) error { return syscall.Rename(from, to) }

// The *at calls. Genode's libc has only openat and fstatat; the others
// are served for AT_FDCWD and absolute paths by the plain call and fail
// with ENOSYS for a directory descriptor (Genode has no way back from a
// descriptor to its path).

//sys	openat(dirfd int, path string, mode int, perm uint32) (fd int, err error)
//sys	Fstatat(fd int, path string, stat *Stat_t, flags int) (err error)

func Openat(dirfd int, path string, mode int, perm uint32) (fd int, err error) {
	fd, err = openat(dirfd, path, mode, perm)
	if err == nil && mode&O_CLOEXEC != 0 {
		CloseOnExec(fd)
	}
	return fd, err
}

func plainAt(dirfd int, path string) bool {
	return dirfd == AT_FDCWD || len(path) > 0 && path[0] == '/'
}

func Faccessat(dirfd int, path string, mode uint32, flags int) error {
	if !plainAt(dirfd, path) || flags&^AT_EACCESS != 0 {
		return ENOSYS
	}
	return Access(path, mode)
}

func Fchmodat(dirfd int, path string, mode uint32, flags int) error {
	if !plainAt(dirfd, path) || flags != 0 {
		return ENOSYS
	}
	return Chmod(path, mode)
}

func Fchownat(dirfd int, path string, uid int, gid int, flags int) error {
	if !plainAt(dirfd, path) || flags != 0 {
		return ENOSYS
	}
	return Chown(path, uid, gid)
}

func Linkat(pathfd int, path string, linkfd int, link string, flags int) error {
	if !plainAt(pathfd, path) || !plainAt(linkfd, link) || flags != 0 {
		return ENOSYS
	}
	return Link(path, link)
}

func Mkdirat(dirfd int, path string, mode uint32) error {
	if !plainAt(dirfd, path) {
		return ENOSYS
	}
	return Mkdir(path, mode)
}

func Mknodat(dirfd int, path string, mode uint32, dev uint64) error {
	if !plainAt(dirfd, path) {
		return ENOSYS
	}
	return Mknod(path, mode, dev)
}

func Readlinkat(dirfd int, path string, buf []byte) (n int, err error) {
	if !plainAt(dirfd, path) {
		return 0, ENOSYS
	}
	return Readlink(path, buf)
}

func Renameat(fromfd int, from string, tofd int, to string) error {
	if !plainAt(fromfd, from) || !plainAt(tofd, to) {
		return ENOSYS
	}
	return Rename(from, to)
}

func Symlinkat(oldpath string, newdirfd int, newpath string) error {
	if !plainAt(newdirfd, newpath) {
		return ENOSYS
	}
	return Symlink(oldpath, newpath)
}

func Unlinkat(dirfd int, path string, flags int) error {
	switch {
	case !plainAt(dirfd, path):
		return ENOSYS
	case flags == AT_REMOVEDIR:
		return Rmdir(path)
	case flags == 0:
		return Unlink(path)
	}
	return EINVAL
}

// utimensat is missing: UtimesNano falls back to utimes on ENOSYS
// (syscall_bsd.go); utimes is a stub in Genode's libc (it does nothing).

//sys	utimes(path string, timeval *[2]Timeval) (err error)

func utimensat(dirfd int, path string, times *[2]Timespec, flags int) error { return ENOSYS }

func futimes(fd int, timeval *[2]Timeval) error { return ENOSYS }

// Files.

//sys	Access(path string, mode uint32) (err error)
//sys	Chdir(path string) (err error)
//sys	Chmod(path string, mode uint32) (err error)
//sys	Chown(path string, uid int, gid int) (err error)
//sys	Chroot(path string) (err error)
//sys	Close(fd int) (err error)
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
//sys	Getdtablesize() (size int)
//sys	Link(path string, link string) (err error)
//sys	Mkfifo(path string, mode uint32) (err error)
//sys	Mknod(path string, mode uint32, dev uint64) (err error)
//sys	Pathconf(path string, name int) (val int, err error)
//sys	pread(fd int, p []byte, offset int64) (n int, err error)
//sys	pwrite(fd int, p []byte, offset int64) (n int, err error)
//sys	read(fd int, p []byte) (n int, err error)
//sys	readv(fd int, iovs []Iovec) (n int, err error)
//sys	Seek(fd int, offset int64, whence int) (newoffset int64, err error) = lseek
//sys	Select(nfd int, r *FdSet, w *FdSet, e *FdSet, timeout *Timeval) (n int, err error)
//sys	Statfs(path string, stat *Statfs_t) (err error)
//sys	Sync() (err error)
//sys	Truncate(path string, length int64) (err error)
//sys	Umask(newmask int) (oldmask int)
//sys	write(fd int, p []byte) (n int, err error)
//sys	writev(fd int, iovs []Iovec) (n int, err error)
//sys	getfsstat(buf unsafe.Pointer, size int, flags int) (n int, err error)

func Getfsstat(buf []Statfs_t, flags int) (n int, err error) {
	var p unsafe.Pointer
	if len(buf) > 0 {
		p = unsafe.Pointer(&buf[0])
	}
	return getfsstat(p, len(buf)*int(unsafe.Sizeof(Statfs_t{})), flags)
}

// preadv and pwritev are missing.

func preadv(fd int, iovs []Iovec, offset int64) (n int, err error) { return 0, ENOSYS }

func pwritev(fd int, iovs []Iovec, offset int64) (n int, err error) { return 0, ENOSYS }

// fcntl: Genode serves F_GETFD/F_SETFD, F_GETFL/F_SETFL and F_DUPFD; its
// locks always succeed; other commands fail with EINVAL. Its
// F_DUPFD_CLOEXEC does not set close-on-exec, so FcntlInt sets it.

//sys	fcntl(fd int, cmd int, arg int) (val int, err error)
//sys	fcntlPtr(fd int, cmd int, arg unsafe.Pointer) (val int, err error) = fcntl

func FcntlInt(fd uintptr, cmd, arg int) (int, error) {
	val, err := fcntl(int(fd), cmd, arg)
	if err == nil && cmd == F_DUPFD_CLOEXEC {
		CloseOnExec(val)
	}
	return val, err
}

func FcntlFlock(fd uintptr, cmd int, lk *Flock_t) error {
	_, err := fcntlPtr(int(fd), cmd, unsafe.Pointer(lk))
	return err
}

// Dup3 is dup2 and FD_CLOEXEC: Genode's libc has no dup3, and its fcntl
// knows no F_DUP2FD.
func Dup3(oldfd, newfd, flags int) error {
	if oldfd == newfd || flags&^O_CLOEXEC != 0 {
		return EINVAL
	}
	if err := Dup2(oldfd, newfd); err != nil {
		return err
	}
	if flags&O_CLOEXEC != 0 {
		CloseOnExec(newfd)
	}
	return nil
}

// ioctl: Genode serves TIOCGWINSZ, TIOCGETA, TIOCSETA (terminal VFS
// plugins), TIOCFLUSH and DIOCGMEDIASIZE; other requests fail.

//sys	ioctl(fd int, req uint, arg uintptr) (err error)
//sys	ioctlPtr(fd int, req uint, arg unsafe.Pointer) (err error) = ioctl

// Pipes. Genode's pipe2 honours O_NONBLOCK only, so O_CLOEXEC is set with
// fcntl afterwards.

//sysnb	pipe2(p *[2]_C_int, flags int) (err error)

func Pipe(p []int) error {
	return Pipe2(p, 0)
}

func Pipe2(p []int, flags int) error {
	if len(p) != 2 {
		return EINVAL
	}
	var pp [2]_C_int
	if err := pipe2(&pp, flags&^O_CLOEXEC); err != nil {
		return err
	}
	if flags&O_CLOEXEC != 0 {
		CloseOnExec(int(pp[0]))
		CloseOnExec(int(pp[1]))
	}
	p[0], p[1] = int(pp[0]), int(pp[1])
	return nil
}

// Memory. Anonymous mmap commits RAM at once and ignores address hints;
// munmap frees whole mappings only; mprotect, madvise (but MADV_DONTNEED)
// fail with ENOSYS; the mlock family is missing.

//sys	mmap(addr uintptr, length uintptr, prot int, flag int, fd int, pos int64) (ret uintptr, err error)
//sys	munmap(addr uintptr, length uintptr) (err error)
//sys	Madvise(b []byte, behav int) (err error)
//sys	Mprotect(b []byte, prot int) (err error)
//sys	Msync(b []byte, flags int) (err error)

func Mlock(b []byte) error { return ENOSYS }

func Munlock(b []byte) error { return ENOSYS }

func Mlockall(flags int) error { return ENOSYS }

func Munlockall() error { return ENOSYS }

// Sockets. Genode's libc serves AF_INET and AF_INET6 through its socket
// file system; AF_UNIX does not exist and socketpair is a stub (ENOSYS),
// so SCM_RIGHTS messages are never delivered, but they encode as FreeBSD's.

//sys	accept(s int, rsa *RawSockaddrAny, addrlen *_Socklen) (fd int, err error)
//sys	accept4(fd int, rsa *RawSockaddrAny, addrlen *_Socklen, flags int) (nfd int, err error)
//sys	bind(s int, addr unsafe.Pointer, addrlen _Socklen) (err error)
//sys	connect(s int, addr unsafe.Pointer, addrlen _Socklen) (err error)
//sysnb	socket(domain int, typ int, proto int) (fd int, err error)
//sys	getsockopt(s int, level int, name int, val unsafe.Pointer, vallen *_Socklen) (err error)
//sys	setsockopt(s int, level int, name int, val unsafe.Pointer, vallen uintptr) (err error)
//sysnb	getpeername(fd int, rsa *RawSockaddrAny, addrlen *_Socklen) (err error)
//sysnb	getsockname(fd int, rsa *RawSockaddrAny, addrlen *_Socklen) (err error)
//sys	Shutdown(s int, how int) (err error)
//sysnb	socketpair(domain int, typ int, proto int, fd *[2]int32) (err error)
//sys	recvfrom(fd int, p []byte, flags int, from *RawSockaddrAny, fromlen *_Socklen) (n int, err error)
//sys	sendto(s int, buf []byte, flags int, to unsafe.Pointer, addrlen _Socklen) (err error)
//sys	recvmsg(s int, msg *Msghdr, flags int) (n int, err error)
//sys	sendmsg(s int, msg *Msghdr, flags int) (n int, err error)
//sys	Listen(s int, backlog int) (err error)

func anyToSockaddrGOOS(fd int, rsa *RawSockaddrAny) (Sockaddr, error) {
	return nil, EAFNOSUPPORT
}

// Accept4 applies SOCK_NONBLOCK and SOCK_CLOEXEC itself: Genode's accept4
// ignores its flags.
func Accept4(fd, flags int) (nfd int, sa Sockaddr, err error) {
	if flags&^(SOCK_NONBLOCK|SOCK_CLOEXEC) != 0 {
		return -1, nil, EINVAL
	}
	var rsa RawSockaddrAny
	var n _Socklen = SizeofSockaddrAny
	nfd, err = accept4(fd, &rsa, &n, 0)
	if err != nil {
		return -1, nil, err
	}
	if flags&SOCK_CLOEXEC != 0 {
		CloseOnExec(nfd)
	}
	if flags&SOCK_NONBLOCK != 0 {
		if err = SetNonblock(nfd, true); err != nil {
			Close(nfd)
			return -1, nil, err
		}
	}
	if n > SizeofSockaddrAny {
		panic("RawSockaddrAny too small")
	}
	sa, err = anyToSockaddr(fd, &rsa)
	if err != nil {
		Close(nfd)
		return -1, nil, err
	}
	return nfd, sa, nil
}

func GetsockoptIPMreqn(fd, level, opt int) (*IPMreqn, error) {
	var value IPMreqn
	vallen := _Socklen(SizeofIPMreqn)
	err := getsockopt(fd, level, opt, unsafe.Pointer(&value), &vallen)
	return &value, err
}

func SetsockoptIPMreqn(fd, level, opt int, mreq *IPMreqn) error {
	return setsockopt(fd, level, opt, unsafe.Pointer(mreq), unsafe.Sizeof(*mreq))
}

// Readiness. poll and select wait in whole milliseconds; kqueue serves
// EVFILT_READ and EVFILT_WRITE, level-triggered.

//sys	poll(fds *PollFd, nfds int, timeout int) (n int, err error)
//sys	Kqueue() (fd int, err error)
//sys	kevent(kq int, change unsafe.Pointer, nchange int, event unsafe.Pointer, nevent int, timeout *Timespec) (n int, err error)

// Processes and identity. Genode has one user (the ids are stubs answering
// 0 or failing), no sessions or process groups to speak of, and no resource
// usage accounting; fork and signals for children are package syscall's.

//sysnb	Getegid() (egid int)
//sysnb	Geteuid() (uid int)
//sysnb	Getgid() (gid int)
//sysnb	Getuid() (uid int)
//sysnb	Getpgrp() (pgrp int)
//sysnb	Getpid() (pid int)
//sysnb	Getppid() (ppid int)
//sys	Getpriority(which int, who int) (prio int, err error)
//sys	Setpriority(which int, who int, prio int) (err error)
//sysnb	Getrlimit(which int, lim *Rlimit) (err error)
//sysnb	Getrusage(who int, rusage *Rusage) (err error)
//sysnb	Getsid(pid int) (sid int, err error)
//sysnb	Gettimeofday(tv *Timeval) (err error)
//sys	Issetugid() (tainted bool)
//sysnb	Setegid(egid int) (err error)
//sysnb	Seteuid(euid int) (err error)
//sysnb	Setgid(gid int) (err error)
//sysnb	Setpgid(pid int, pgid int) (err error)
//sysnb	Setregid(rgid int, egid int) (err error)
//sysnb	Setreuid(ruid int, euid int) (err error)
//sysnb	Setsid() (pid int, err error)
//sysnb	Setuid(uid int) (err error)
//sysnb	getgroups(ngid int, gid *_Gid_t) (n int, err error)
//sysnb	setgroups(ngid int, gid *_Gid_t) (err error)
//sys	Nanosleep(time *Timespec, leftover *Timespec) (err error)
//sysnb	ClockGettime(clockid int32, time *Timespec) (err error) = clock_gettime

func Getpgid(pid int) (pgid int, err error) { return syscall.Getpgid(pid) }

// wait4 is missing; package syscall's Wait4 waits with waitpid for the
// children it forked (and zeroes *rusage: Genode keeps none).
func wait4(pid int, wstatus *_C_int, options int, rusage *Rusage) (wpid int, err error) {
	var ws syscall.WaitStatus
	wpid, err = syscall.Wait4(pid, &ws, options, (*syscall.Rusage)(unsafe.Pointer(rusage)))
	if wstatus != nil {
		*wstatus = _C_int(ws)
	}
	return wpid, err
}

// Kill reaches the own component and forked Go children (package syscall's
// signal pipes); Genode's kill can reach nothing else.
func Kill(pid int, signum syscall.Signal) error { return syscall.Kill(pid, signum) }

func Settimeofday(tp *Timeval) error { return ENOSYS }

func Adjtime(delta *Timeval, olddelta *Timeval) error { return ENOSYS }

func Lchown(path string, uid int, gid int) error { return ENOSYS }

func Chflags(path string, flags int) error { return ENOSYS }

func Fchflags(fd int, flags int) error { return ENOSYS }

func Revoke(path string) error { return ENOSYS }

func Setlogin(name string) error { return ENOSYS }

// Unmount is missing: Genode's file systems are the component's VFS
// configuration, not mounts.
func Unmount(path string, flags int) error { return ENOSYS }

// sysctl. Genode's serves a few read-only two-level MIBs (libc/sysctl.cc)
// and no name lookup, so names are translated here with FreeBSD's numbers.
// A size query (old == nil) fails with EINVAL. kern.hostname is left out:
// Genode's CTL_KERN cases fall through into CTL_HW's and answer it with the
// integer 1.

//sys	sysctl(mib []_C_int, old *byte, oldlen *uintptr, new *byte, newlen uintptr) (err error)

var sysctlMIBs = map[string][]_C_int{
	"kern.ostype":      {CTL_KERN, KERN_OSTYPE},
	"kern.osrelease":   {CTL_KERN, KERN_OSRELEASE},
	"kern.osrevision":  {CTL_KERN, 3},
	"kern.version":     {CTL_KERN, KERN_VERSION},
	"kern.arandom":     {CTL_KERN, 37},
	"hw.machine":       {CTL_HW, HW_MACHINE},
	"hw.ncpu":          {CTL_HW, 3},
	"hw.physmem":       {CTL_HW, 5},
	"hw.usermem":       {CTL_HW, 6},
	"hw.pagesize":      {CTL_HW, 7},
	"hw.floatingpoint": {CTL_HW, 10},
	"hw.realmem":       {CTL_HW, 12},
}

func nametomib(name string) (mib []_C_int, err error) {
	m, ok := sysctlMIBs[name]
	if !ok {
		return nil, ENOENT
	}
	return append([]_C_int(nil), m...), nil
}

// Uname reads the fields from sysctl as FreeBSD's __xuname does (the
// libc's exported uname is the compatibility form with 32-byte fields).
// Genode answers sysname "Genode" and leaves release, version and machine
// empty; the node name stays empty (see kern.hostname above).
func Uname(uname *Utsname) error {
	fields := []struct {
		mib []_C_int
		buf []byte
	}{
		{[]_C_int{CTL_KERN, KERN_OSTYPE}, uname.Sysname[:]},
		{[]_C_int{CTL_KERN, KERN_OSRELEASE}, uname.Release[:]},
		{[]_C_int{CTL_KERN, KERN_VERSION}, uname.Version[:]},
		{[]_C_int{CTL_HW, HW_MACHINE}, uname.Machine[:]},
	}
	for _, f := range fields {
		n := uintptr(len(f.buf))
		if err := sysctl(f.mib, &f.buf[0], &n, nil, 0); err != nil && !errors.Is(err, ENOMEM) {
			return err
		}
		f.buf[len(f.buf)-1] = 0
	}
	// The version may end in a newline or tab, as FreeBSD's __xuname trims.
	for i, b := range uname.Version {
		if b == '\n' || b == '\t' {
			if i == len(uname.Version)-1 {
				uname.Version[i] = 0
			} else {
				uname.Version[i] = ' '
			}
		}
	}
	return nil
}

// Extended attributes. Genode's libc has no extattr_* functions, so to a
// caller every Genode file system is one without extended attributes, for
// which FreeBSD answers EOPNOTSUPP: xattr_bsd.go's functions fail with
// ENOTSUP, the answer tar extraction and copy code already read as "this
// file cannot carry attributes".

func ExtattrGetFd(fd int, attrnamespace int, attrname string, data uintptr, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func ExtattrSetFd(fd int, attrnamespace int, attrname string, data uintptr, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func ExtattrDeleteFd(fd int, attrnamespace int, attrname string) error { return ENOTSUP }

func ExtattrListFd(fd int, attrnamespace int, data uintptr, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func ExtattrGetFile(file string, attrnamespace int, attrname string, data uintptr, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func ExtattrSetFile(file string, attrnamespace int, attrname string, data uintptr, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func ExtattrDeleteFile(file string, attrnamespace int, attrname string) error { return ENOTSUP }

func ExtattrListFile(file string, attrnamespace int, data uintptr, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func ExtattrGetLink(link string, attrnamespace int, attrname string, data uintptr, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func ExtattrSetLink(link string, attrnamespace int, attrname string, data uintptr, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func ExtattrDeleteLink(link string, attrnamespace int, attrname string) error { return ENOTSUP }

func ExtattrListLink(link string, attrnamespace int, data uintptr, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func extattrGetFd(fd int, attrnamespace int, attrname string, data unsafe.Pointer, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func extattrSetFd(fd int, attrnamespace int, attrname string, data unsafe.Pointer, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func extattrListFd(fd int, attrnamespace int, data unsafe.Pointer, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func extattrGetFile(file string, attrnamespace int, attrname string, data unsafe.Pointer, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func extattrSetFile(file string, attrnamespace int, attrname string, data unsafe.Pointer, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func extattrListFile(file string, attrnamespace int, data unsafe.Pointer, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func extattrGetLink(link string, attrnamespace int, attrname string, data unsafe.Pointer, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func extattrSetLink(link string, attrnamespace int, attrname string, data unsafe.Pointer, nbytes int) (int, error) {
	return -1, ENOTSUP
}

func extattrListLink(link string, attrnamespace int, data unsafe.Pointer, nbytes int) (int, error) {
	return -1, ENOTSUP
}

// System-call numbers: Genode has none. Package syscall's Syscall (which
// Syscall and RawSyscall jump to) maps these three FreeBSD numbers onto
// libc functions and fails with ENOSYS for every other.
const (
	SYS_IOCTL    = 54
	SYS_EXECVE   = 59
	SYS___SYSCTL = 202
)

// Device numbers: FreeBSD 12's 64-bit dev_t (sys/types.h).

func Major(dev uint64) uint32 {
	return uint32((dev>>32)&0xffffff00 | (dev>>8)&0xff)
}

func Minor(dev uint64) uint32 {
	return uint32((dev>>24)&0xff00 | dev&0xffff00ff)
}

func Mkdev(major, minor uint32) uint64 {
	return uint64(major&0xffffff00)<<32 | uint64(major&0xff)<<8 |
		uint64(minor&0xff00)<<24 | uint64(minor&0xffff00ff)
}

// Both architectures are 64-bit with FreeBSD's LP64 layouts.

func setTimespec(sec, nsec int64) Timespec {
	return Timespec{Sec: sec, Nsec: nsec}
}

func setTimeval(sec, usec int64) Timeval {
	return Timeval{Sec: sec, Usec: usec}
}

func SetKevent(k *Kevent_t, fd, mode, flags int) {
	k.Ident = uint64(fd)
	k.Filter = int16(mode)
	k.Flags = uint16(flags)
}

func (iov *Iovec) SetLen(length int) {
	iov.Len = uint64(length)
}

func (msghdr *Msghdr) SetControllen(length int) {
	msghdr.Controllen = uint32(length)
}

func (msghdr *Msghdr) SetIovlen(length int) {
	msghdr.Iovlen = int32(length)
}

func (cmsg *Cmsghdr) SetLen(length int) {
	cmsg.Len = uint32(length)
}

// SockaddrDatalink is FreeBSD's AF_LINK address, which syscall_bsd.go
// decodes; Genode's libc never returns one.
type SockaddrDatalink struct {
	Len    uint8
	Family uint8
	Index  uint16
	Type   uint8
	Nlen   uint8
	Alen   uint8
	Slen   uint8
	Data   [46]int8
	raw    RawSockaddrDatalink
}
