// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package syscall

import (
	"internal/abi"
	"sync"
	"unsafe"
)

// Process creation on Genode. fork works only on the component's main
// thread and the child gets the malloc heap but not the Go heap
// (libc/fork.cc), so no Go code runs in the child: forkAndExecInChild
// copies everything the child needs into one malloc'd block and the
// runtime has the main thread fork; the child (runtime assembly) moves
// the descriptors, changes the directory and calls execve, and reports
// a failure's errno on the pipe as exec_unix.go expects.

type SysProcAttr struct {
	Chroot     string      // Chroot; not available on Genode.
	Credential *Credential // Credential; not available on Genode.
	Ptrace     bool        // Enable tracing; not available on Genode.
	Setsid     bool        // Create session; not available on Genode.
	// Setpgid sets the process group ID of the child to Pgid,
	// or, if Pgid == 0, to the new child's process ID.
	// Not available on Genode.
	Setpgid bool
	// Setctty sets the controlling terminal of the child to
	// file descriptor Ctty. Not available on Genode.
	Setctty bool
	Noctty  bool // Detach fd 0 from controlling terminal; not available.
	Ctty    int  // Controlling TTY fd
	// Foreground places the child process group in the foreground.
	// Not available on Genode.
	Foreground bool
	Pgid       int // Child's process group ID if Setpgid.
}

// runtime_genodeFork is runtime.syscall_genodeFork: it forks on the main
// thread, which runs the request req in the child, and returns the pid
// or -1 and fork's errno.
func runtime_genodeFork(req unsafe.Pointer) (pid int, errno uintptr)

// forkReq is runtime.genodeForkReq.
type forkReq struct {
	path  uintptr
	argv  uintptr
	envp  uintptr
	dir   uintptr
	fds   uintptr
	nfd   int64
	errfd int64
}

// cstrlen is the length of a NUL-terminated string made by
// BytePtrFromString.
func cstrlen(p *byte) int {
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return n
}

// forkBlock is a bump allocator over one malloc'd block.
type forkBlock struct {
	base uintptr
	off  uintptr
}

func (b *forkBlock) alloc(n uintptr) uintptr {
	b.off = (b.off + 7) &^ 7
	p := b.base + b.off
	b.off += n
	return p
}

func (b *forkBlock) str(s *byte) uintptr {
	n := uintptr(cstrlen(s)) + 1
	p := b.alloc(n)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(p)), n), unsafe.Slice(s, n))
	return p
}

func (b *forkBlock) vec(v []*byte) uintptr {
	p := b.alloc(uintptr(len(v)+1) * 8)
	a := unsafe.Slice((*uintptr)(unsafe.Pointer(p)), len(v)+1)
	for i, s := range v {
		if s == nil {
			a[i] = 0
			continue
		}
		a[i] = b.str(s)
	}
	a[len(v)] = 0
	return p
}

func forkAndExecInChild(argv0 *byte, argv, envv []*byte, chroot, dir *byte, attr *ProcAttr, sys *SysProcAttr, pipe int) (pid int, err1 Errno) {
	if chroot != nil || sys.Credential != nil || sys.Ptrace || sys.Setsid || sys.Setpgid ||
		sys.Setctty || sys.Noctty || sys.Foreground {
		return 0, ENOSYS
	}

	if e := execCheck(argv0, dir); e != 0 {
		return 0, e
	}

	// The child's signal pipe (see childSignals): its read end becomes
	// the child's fd len(attr.Files), named in the environment.
	files := attr.Files
	sigp := [2]int{-1, -1}
	if Pipe(sigp[:]) == nil {
		CloseOnExec(sigp[0])
		CloseOnExec(sigp[1])
		SetNonblock(sigp[1], true)
		files = append(files[:len(files):len(files)], uintptr(sigp[0]))
		kv, _ := BytePtrFromString(signalFdEnv + "=" + decimal(len(attr.Files)))
		// envv ends with the nil of SlicePtrFromStrings.
		n := len(envv)
		if n > 0 && envv[n-1] == nil {
			n--
		}
		envv = append(append(envv[:n:n], kv), nil)
	}
	defer func() {
		if sigp[0] >= 0 {
			Close(sigp[0])
		}
		if sigp[1] >= 0 && err1 != 0 {
			Close(sigp[1])
		}
	}()

	// Size of the block: the request, the vectors, the plan, the strings.
	size := unsafe.Sizeof(forkReq{}) + 8
	size += uintptr(len(argv)+1)*8 + uintptr(len(envv)+1)*8 + uintptr(len(files))*4 + 8
	add := func(s *byte) {
		if s != nil {
			size += uintptr(cstrlen(s)) + 1 + 8
		}
	}
	add(argv0)
	add(dir)
	for _, s := range argv {
		add(s)
	}
	for _, s := range envv {
		add(s)
	}

	mem, _, _ := rawSyscall(abi.FuncPCABI0(libc_malloc_trampoline), size, 0, 0)
	if mem == 0 {
		return 0, ENOMEM
	}
	b := forkBlock{base: mem}
	req := (*forkReq)(unsafe.Pointer(b.alloc(unsafe.Sizeof(forkReq{}))))
	req.path = b.str(argv0)
	req.argv = b.vec(argv)
	req.envp = b.vec(envv)
	if dir != nil {
		req.dir = b.str(dir)
	} else {
		req.dir = 0
	}
	req.nfd = int64(len(files))
	req.fds = b.alloc(uintptr(len(files)) * 4)
	fds := unsafe.Slice((*int32)(unsafe.Pointer(req.fds)), len(files))
	for i, fd := range files {
		fds[i] = int32(int(fd))
	}
	req.errfd = int64(pipe)
	if b.off > size {
		panic("syscall: fork request overflows its block")
	}

	pid, e := runtime_genodeFork(unsafe.Pointer(req))
	rawSyscall(abi.FuncPCABI0(libc_free_trampoline), mem, 0, 0)
	if pid == -1 {
		return 0, Errno(e)
	}
	childSignals.Lock()
	childSignals.fds[pid] = sigp[1]
	childSignals.Unlock()
	return pid, 0
}

// Signals to children. Genode's kill reaches only the component itself
// (libc/signal.cc): a parent cannot signal or end a forked child through
// the libc. So every child gets the read end of a pipe, at the fd that
// the environment variable GENODE_SIGNAL_FD names; the runtime of a Go
// child polls it and takes each byte as a signal sent to it (SIGKILL
// ends it with exit status 137). Kill writes to the pipe and Wait4
// closes it. A child that is not a Go program of this port ignores the
// pipe, and Kill cannot reach it.
const signalFdEnv = "GENODE_SIGNAL_FD"

// childSignals also lists the children not yet waited for: Genode's wait4
// blocks until the pid it is given exits, even when no such child exists
// (libc/fork.cc), so Wait4 answers ECHILD for the others itself.
var childSignals = struct {
	sync.Mutex
	fds map[int]int // pid -> write end of its signal pipe, or -1
}{fds: map[int]int{}}

// isChild reports whether pid (or, for pid <= 0, any child) may be waited for.
func isChild(pid int) bool {
	childSignals.Lock()
	defer childSignals.Unlock()
	if pid <= 0 {
		return len(childSignals.fds) > 0
	}
	_, ok := childSignals.fds[pid]
	return ok
}

// signalChild sends sig to the forked child pid; ok is false when pid
// is not a child with a signal pipe.
func signalChild(pid int, sig Signal) (ok bool, err error) {
	childSignals.Lock()
	defer childSignals.Unlock()
	fd, ok := childSignals.fds[pid]
	if !ok || fd < 0 {
		return false, nil
	}
	if sig <= 0 || sig >= 64 {
		if sig == 0 {
			return true, nil
		}
		return true, EINVAL
	}
	b := [1]byte{byte(sig)}
	if _, err := Write(fd, b[:]); err != nil {
		if err == EAGAIN {
			return true, EAGAIN
		}
		return true, ESRCH // the child has ended (its read end is closed)
	}
	return true, nil
}

// decimal formats a small non-negative n.
func decimal(n int) string {
	var b [20]byte
	return string(appendDecimal(b[:0], n))
}

// appendDecimal appends the digits of a non-negative n to b.
func appendDecimal(b []byte, n int) []byte {
	var d [20]byte
	i := len(d)
	for {
		i--
		d[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return append(b, d[i:]...)
		}
	}
}

// forgetChild closes the signal pipe of a child that has been waited for.
func forgetChild(pid int) {
	childSignals.Lock()
	if fd, ok := childSignals.fds[pid]; ok {
		if fd >= 0 {
			Close(fd)
		}
		delete(childSignals.fds, pid)
	}
	childSignals.Unlock()
}

// execCheck makes execve's own checks in the parent. Genode's execve
// closes the close-on-exec descriptors, the error pipe among them,
// before it looks at the binary (libc/execve.cc), so a child whose
// execve fails could report nothing but exit status 253. Like execve,
// it wants a file the VFS resolves (else ENOENT) that is an ELF image
// or a "#!" script (else ENOEXEC); a relative path is relative to dir.
func execCheck(argv0, dir *byte) Errno {
	path := unsafe.String(argv0, cstrlen(argv0))
	if dir != nil && len(path) > 0 && path[0] != '/' {
		path = unsafe.String(dir, cstrlen(dir)) + "/" + path
	}
	fd, err := open(path, O_RDONLY, 0) // ForkLock is held: closed before the fork
	if err != nil {
		if e, ok := err.(Errno); ok {
			return e
		}
		return ENOENT
	}
	defer Close(fd)
	var st Stat_t
	if Fstat(fd, &st) != nil || st.Mode&S_IFMT != S_IFREG {
		return ENOENT
	}
	var head [4]byte
	n, _ := read(fd, head[:])
	switch {
	case n == 4 && string(head[:]) == "\x7fELF":
	case n >= 2 && head[0] == '#' && head[1] == '!':
	default:
		return ENOEXEC
	}
	return 0
}

// forkAndExecFailureCleanup cleans up after an exec failure.
func forkAndExecFailureCleanup(attr *ProcAttr, sys *SysProcAttr) {}
