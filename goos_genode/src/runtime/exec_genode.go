// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package runtime

import (
	"internal/abi"
	"unsafe"
)

// Process creation. Genode's fork works only on the main thread: the
// child resumes the main thread's saved context with the caller's stack,
// and it gets the malloc heap, the RW segments and that stack, but no
// anonymous mmap memory, so no Go heap and no other thread
// (libc/fork.cc). Go code therefore never runs in the child. Package
// syscall prepares a genodeForkReq in malloc'd memory (path, argv, envp,
// directory, descriptor plan) and hands it here; the main thread, which
// otherwise waits in the libc (genodePump), forks, and the child runs
// genodeForkChild (assembly): it arranges the descriptors, changes the
// directory and calls execve, or writes errno to the error pipe and
// exits with 253. The parent's pid (or fork's errno) goes back to the
// asking M.
//
// Handshake, all under genodeForkS.mu: an M waits until state is idle,
// sets req and state = asked, signals ask and waits on done until state
// is done, takes the result and sets state back to idle. The main
// thread waits on ask; when state is asked it unlocks, forks, locks,
// stores the result, sets state = done and broadcasts done.

// genodeForkReq is read by the assembly; package syscall builds it with
// the same layout (exec_genode.go there).
type genodeForkReq struct {
	path  uintptr // const char *
	argv  uintptr // char *const *
	envp  uintptr // char *const *
	dir   uintptr // const char *, or 0
	fds   uintptr // int32 per child descriptor: the parent's fd, or -1 to close
	nfd   int64
	errfd int64 // write end of the error pipe, close-on-exec
}

const (
	genodeForkIdle  = 0
	genodeForkAsked = 1
	genodeForkDone  = 2
)

// genodeForkState lives in the data segment: the main thread and the
// forked child see it without a g.
type genodeForkState struct {
	mu    pthreadmutex
	ask   pthreadcond
	done  pthreadcond
	state int64
	req   uintptr
	pid   int64
	errno int64
}

var genodeForkS genodeForkState

// Assembly, C ABI (exec_genode_$GOARCH.s).
func genodeForkInit() // called by genodeMain before the runtime starts
func genodePump()     // the main thread's loop
func genodeForkAsk()  // libcCall target: the first argument is *genodeForkArgs

type genodeForkArgs struct {
	req   uintptr
	pid   int64
	errno int64
}

// syscall_genodeFork forks on the main thread for package syscall's
// forkExec (which holds ForkLock) and returns the child's pid, or -1
// and fork's errno. req points at a genodeForkReq in malloc'd memory.
//
//go:linkname syscall_genodeFork syscall.runtime_genodeFork
func syscall_genodeFork(req unsafe.Pointer) (pid int, errno uintptr) {
	args := genodeForkArgs{req: uintptr(req)}
	entersyscallblock()
	libcCall(unsafe.Pointer(abi.FuncPCABI0(genodeForkAsk)), unsafe.Pointer(&args))
	exitsyscall()
	return int(args.pid), uintptr(args.errno)
}
