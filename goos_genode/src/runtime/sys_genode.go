// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package runtime

import (
	"internal/abi"
	"internal/runtime/atomic"
	"unsafe"
)

// Every OS service is a call into Genode's libc.lib.so. The libc_X_trampoline
// functions (plain jumps to the imported libc_X symbols) and their
// cgo_import_dynamic lines are generated into zlibc_genode*.{go,s} from
// syscalls/table.tsv. The runtime never unpacks arguments per function:
// it fills a libcArgs block and runs one of the generic helpers of
// sys_genode_$GOARCH.s on the g0 stack (libcCall), which calls args.fn
// with the C calling convention and stores r1, r2 and, when fn returned
// -1 (or NULL for syscallPtr), errno read through __error().
//
// Calls must run on a Genode-allocated stack (libc finds the calling
// pthread, its errno and its mutex ownership from the stack pointer), so
// nothing here may call libc from a goroutine stack.

// libcArgs is the block syscall6 and syscall6X read. (syscall, syscallX
// and syscallPtr read fn, a1..a3, r1, r2, err: the argument list of
// syscall_syscall below, passed with cgo_unsafe_args.)
type libcArgs struct {
	fn                     uintptr
	a1, a2, a3, a4, a5, a6 uintptr
	r1, r2, err            uintptr
}

// libc6 calls fn with up to six integer arguments for a C function that
// returns int: the helper looks for a 32-bit -1.
//
//go:nosplit
func libc6(fn uintptr, a1, a2, a3, a4, a5, a6 uintptr) (r int32, errno int32) {
	args := libcArgs{fn: fn, a1: a1, a2: a2, a3: a3, a4: a4, a5: a5, a6: a6}
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall6)), unsafe.Pointer(&args))
	return int32(args.r1), int32(args.err)
}

// libc6X is libc6 for C functions that return long, ssize_t or a pointer.
//
//go:nosplit
func libc6X(fn uintptr, a1, a2, a3, a4, a5, a6 uintptr) (r uintptr, errno int32) {
	args := libcArgs{fn: fn, a1: a1, a2: a2, a3: a3, a4: a4, a5: a5, a6: a6}
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall6X)), unsafe.Pointer(&args))
	return args.r1, int32(args.err)
}

// libc6NoG is libc6 for callers that may run without a g (usleep_no_g).
//
//go:nosplit
func libc6NoG(fn uintptr, a1, a2, a3, a4, a5, a6 uintptr) (r int32, errno int32) {
	args := libcArgs{fn: fn, a1: a1, a2: a2, a3: a3, a4: a4, a5: a5, a6: a6}
	asmcgocall_no_g(unsafe.Pointer(abi.FuncPCABI0(syscall6)), unsafe.Pointer(&args))
	return int32(args.r1), int32(args.err)
}

// Generic helpers, in sys_genode_$GOARCH.s. Called through libcCall only.
func syscall()
func syscallX()
func syscall6()
func syscall6X()
func syscall10()
func syscall10X()
func syscallPtr()

// Threads, mutexes, condition variables. These return an error number
// (0 on success) as their value, as pthread functions do.

//go:nosplit
func pthread_attr_init(attr *pthreadattr) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_attr_init_trampoline), uintptr(unsafe.Pointer(attr)), 0, 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_attr_destroy(attr *pthreadattr) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_attr_destroy_trampoline), uintptr(unsafe.Pointer(attr)), 0, 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_attr_setstacksize(attr *pthreadattr, size uintptr) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_attr_setstacksize_trampoline), uintptr(unsafe.Pointer(attr)), size, 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_attr_getstacksize(attr *pthreadattr, size *uintptr) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_attr_getstacksize_trampoline), uintptr(unsafe.Pointer(attr)), uintptr(unsafe.Pointer(size)), 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_attr_setdetachstate(attr *pthreadattr, state int32) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_attr_setdetachstate_trampoline), uintptr(unsafe.Pointer(attr)), uintptr(state), 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_create(attr *pthreadattr, start uintptr, arg unsafe.Pointer) int32 {
	var t pthread
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_create_trampoline), uintptr(unsafe.Pointer(&t)), uintptr(unsafe.Pointer(attr)), start, uintptr(arg), 0, 0)
	KeepAlive(arg)
	return r
}

//go:nosplit
func pthread_self() pthread {
	r, _ := libc6X(abi.FuncPCABI0(libc_pthread_self_trampoline), 0, 0, 0, 0, 0, 0)
	return pthread(r)
}

//go:nosplit
func pthread_mutex_init(mu *pthreadmutex) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_mutex_init_trampoline), uintptr(unsafe.Pointer(mu)), 0, 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_mutex_lock(mu *pthreadmutex) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_mutex_lock_trampoline), uintptr(unsafe.Pointer(mu)), 0, 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_mutex_unlock(mu *pthreadmutex) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_mutex_unlock_trampoline), uintptr(unsafe.Pointer(mu)), 0, 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_condattr_init(attr *pthreadcondattr) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_condattr_init_trampoline), uintptr(unsafe.Pointer(attr)), 0, 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_condattr_setclock(attr *pthreadcondattr, clock int32) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_condattr_setclock_trampoline), uintptr(unsafe.Pointer(attr)), uintptr(clock), 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_condattr_destroy(attr *pthreadcondattr) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_condattr_destroy_trampoline), uintptr(unsafe.Pointer(attr)), 0, 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_cond_init(c *pthreadcond, attr *pthreadcondattr) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_cond_init_trampoline), uintptr(unsafe.Pointer(c)), uintptr(unsafe.Pointer(attr)), 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_cond_wait(c *pthreadcond, mu *pthreadmutex) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_cond_wait_trampoline), uintptr(unsafe.Pointer(c)), uintptr(unsafe.Pointer(mu)), 0, 0, 0, 0)
	return r
}

//go:nosplit
func pthread_cond_timedwait(c *pthreadcond, mu *pthreadmutex, abstime *timespec) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_cond_timedwait_trampoline), uintptr(unsafe.Pointer(c)), uintptr(unsafe.Pointer(mu)), uintptr(unsafe.Pointer(abstime)), 0, 0, 0)
	return r
}

//go:nosplit
func pthread_cond_signal(c *pthreadcond) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_pthread_cond_signal_trampoline), uintptr(unsafe.Pointer(c)), 0, 0, 0, 0, 0)
	return r
}

// Process.

//go:nosplit
func exit(code int32) {
	libc6(abi.FuncPCABI0(libc_exit_trampoline), uintptr(code), 0, 0, 0, 0, 0)
}

// exitThread is only used by runtimes that start threads without pthreads.
func exitThread(wait *atomic.Uint32) {
	throw("exitThread")
}

//go:nosplit
func getpid() int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_getpid_trampoline), 0, 0, 0, 0, 0, 0)
	return r
}

// kill returns 0 or an errno value.
//
//go:nosplit
func kill(pid, sig int32) int32 {
	r, e := libc6(abi.FuncPCABI0(libc_kill_trampoline), uintptr(pid), uintptr(sig), 0, 0, 0, 0)
	if r == -1 {
		return e
	}
	return 0
}

//go:nosplit
func sysconf(name int32) int64 {
	r, _ := libc6X(abi.FuncPCABI0(libc_sysconf_trampoline), uintptr(name), 0, 0, 0, 0, 0)
	return int64(r)
}

// issetugid is what security_issetugid.go asks. Genode has no set-id
// programs; its libc answers 1 unconditionally (libc/issetugid.cc), which
// would put every program into secure mode (GOTRACEBACK ignored, fds 0-2
// reopened from /dev/null). So the runtime does not ask the libc.
func issetugid() int32 {
	return 0
}

// getentropy fills p (at most 256 bytes, Genode's limit) from the libc's
// <libc rng> file; returns 0 or an errno value.
//
//go:nosplit
func getentropy(p unsafe.Pointer, n uintptr) int32 {
	r, e := libc6(abi.FuncPCABI0(libc_getentropy_trampoline), uintptr(p), n, 0, 0, 0, 0)
	KeepAlive(p)
	if r == -1 {
		return e
	}
	return 0
}

// Memory.

// mmap is used by sysAlloc and friends; no stack split allowed.
//
//go:nosplit
func mmap(addr unsafe.Pointer, n uintptr, prot, flags, fd int32, off uint32) (unsafe.Pointer, int) {
	r, e := libc6X(abi.FuncPCABI0(libc_mmap_trampoline), uintptr(addr), n, uintptr(prot), uintptr(flags), uintptr(fd), uintptr(off))
	if r == ^uintptr(0) {
		return nil, int(e)
	}
	return unsafe.Pointer(r), 0
}

//go:nosplit
func munmap(addr unsafe.Pointer, n uintptr) {
	libc6(abi.FuncPCABI0(libc_munmap_trampoline), uintptr(addr), n, 0, 0, 0, 0)
}

// Files. read and write1 return -errno on failure, open and closefd -1,
// as the runtime's callers (and TestBadOpen) expect of every port.

//go:nosplit
func open(name *byte, mode, perm int32) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_open_trampoline), uintptr(unsafe.Pointer(name)), uintptr(mode), uintptr(perm), 0, 0, 0)
	KeepAlive(name)
	return r
}

//go:nosplit
func closefd(fd int32) int32 {
	r, _ := libc6(abi.FuncPCABI0(libc_close_trampoline), uintptr(fd), 0, 0, 0, 0, 0)
	return r
}

//go:nosplit
func read(fd int32, p unsafe.Pointer, n int32) int32 {
	r, e := libc6X(abi.FuncPCABI0(libc_read_trampoline), uintptr(fd), uintptr(p), uintptr(n), 0, 0, 0)
	KeepAlive(p)
	if int64(r) == -1 {
		return -e
	}
	return int32(r)
}

//go:nosplit
func write1(fd uintptr, p unsafe.Pointer, n int32) int32 {
	r, e := libc6X(abi.FuncPCABI0(libc_write_trampoline), fd, uintptr(p), uintptr(n), 0, 0, 0)
	KeepAlive(p)
	if int64(r) == -1 {
		return -e
	}
	return int32(r)
}

// pipe: Genode's pipe needs a pipe file system configured (<libc pipe>).
// There is pipe2 too, but it honours only O_NONBLOCK, so nbpipe_pipe.go
// sets the flags with fcntl.
func pipe() (r, w int32, errno int32) {
	var p [2]int32
	ret, e := libc6(abi.FuncPCABI0(libc_pipe_trampoline), uintptr(noescape(unsafe.Pointer(&p))), 0, 0, 0, 0, 0)
	if ret == -1 {
		return -1, -1, e
	}
	return p[0], p[1], 0
}

//go:nosplit
func fcntl(fd, cmd, arg int32) (ret int32, errno int32) {
	r, e := libc6(abi.FuncPCABI0(libc_fcntl_trampoline), uintptr(fd), uintptr(cmd), uintptr(arg), 0, 0, 0)
	if r == -1 {
		return -1, e
	}
	return r, 0
}

//go:nosplit
func setNonblock(fd int32) {
	flags, _ := fcntl(fd, _F_GETFL, 0)
	if flags != -1 {
		fcntl(fd, _F_SETFL, flags|_O_NONBLOCK)
	}
}

// poll returns the number of ready descriptors and, if that is -1, errno.
// Genode's timeout is in milliseconds; it returns EINTR when an emulated
// signal was charged while it waited (libc/poll.cc).
//
//go:nosplit
func poll(fds *pollfd, nfds uintptr, timeoutMS int32) (int32, int32) {
	r, e := libc6(abi.FuncPCABI0(libc_poll_trampoline), uintptr(unsafe.Pointer(fds)), nfds, uintptr(timeoutMS), 0, 0, 0)
	KeepAlive(fds)
	return r, e
}

// Time. Genode's timers have millisecond granularity: usleep and
// nanosleep sleep at least 1 ms and usleep(0) returns at once
// (libc/sleep.cc).

//go:nosplit
func usleep(usec uint32) {
	libc6(abi.FuncPCABI0(libc_usleep_trampoline), uintptr(usec), 0, 0, 0, 0, 0)
}

//go:nosplit
func usleep_no_g(usec uint32) {
	libc6NoG(abi.FuncPCABI0(libc_usleep_trampoline), uintptr(usec), 0, 0, 0, 0, 0)
}

// osyield must not call sched_yield: Genode's is an ENOSYS stub that logs
// a warning on every call (libc/dummies.cc), and any sleep lasts at least
// 1 ms. There is no yield in the libc, so relax the CPU and return.
//
//go:nosplit
func osyield() {
	procyield(64)
}

//go:nosplit
func osyield_no_g() {
	procyield(64)
}

//go:nosplit
func clock_gettime(clock int32, ts *timespec) int32 {
	r, e := libc6(abi.FuncPCABI0(libc_clock_gettime_trampoline), uintptr(clock), uintptr(unsafe.Pointer(ts)), 0, 0, 0, 0)
	if r == -1 {
		return e
	}
	return 0
}

// nanotime1 reads CLOCK_MONOTONIC: the component's uptime, microsecond
// resolution, from Genode's timer session.
//
//go:nosplit
func nanotime1() int64 {
	var ts timespec
	if e := clock_gettime(_CLOCK_MONOTONIC, &ts); e != 0 {
		systemstack(func() {
			println("runtime: clock_gettime errno", e)
			throw("clock_gettime(CLOCK_MONOTONIC) failed")
		})
	}
	return ts.tv_sec*1e9 + ts.tv_nsec
}

// noRealTimeClock is set once CLOCK_REALTIME failed. Genode only has a
// real-time clock if <libc rtc="..."> names one; otherwise clock_gettime
// fails with EINVAL and logs a warning on every call (libc/time.cc).
var noRealTimeClock atomic.Bool

// walltime falls back to the Unix epoch plus uptime without an RTC, as
// asking again would only repeat Genode's warning.
//
//go:nosplit
func walltime() (int64, int32) {
	var ts timespec
	if !noRealTimeClock.Load() {
		if clock_gettime(_CLOCK_REALTIME, &ts) == 0 {
			return ts.tv_sec, int32(ts.tv_nsec)
		}
		noRealTimeClock.Store(true)
	}
	clock_gettime(_CLOCK_MONOTONIC, &ts)
	return ts.tv_sec, int32(ts.tv_nsec)
}

// timeNow is time.now (timestub_genode.go): both clocks are read in one
// libc call, saving a switch to the system stack and back.
//
//go:nosplit
func timeNow() (sec int64, nsec int32, mono int64) {
	var wall, m timespec
	args := clockPairArgs{fn: abi.FuncPCABI0(libc_clock_gettime_trampoline), wall: &wall, mono: &m}
	want := !noRealTimeClock.Load()
	if want {
		args.wantWall = 1
	}
	libcCall(unsafe.Pointer(abi.FuncPCABI0(clockPair)), unsafe.Pointer(&args))
	mono = m.tv_sec*1e9 + m.tv_nsec
	if want {
		if int32(args.wallRes) == 0 {
			return wall.tv_sec, int32(wall.tv_nsec), mono
		}
		noRealTimeClock.Store(true)
	}
	return m.tv_sec, int32(m.tv_nsec), mono
}

// clockPairArgs is what clockPair (sys_genode_$GOARCH.s) reads and writes:
// clock_gettime(CLOCK_REALTIME, wall) if wantWall, its result in wallRes,
// then clock_gettime(CLOCK_MONOTONIC, mono).
type clockPairArgs struct {
	fn       uintptr
	wall     *timespec
	mono     *timespec
	wantWall uintptr
	wallRes  uintptr
}

func clockPair()

// Signals.

//go:nosplit
func sigaction(sig uint32, new, old *sigactiont) {
	libc6(abi.FuncPCABI0(libc_sigaction_trampoline), uintptr(sig), uintptr(unsafe.Pointer(new)), uintptr(unsafe.Pointer(old)), 0, 0, 0)
	KeepAlive(new)
	KeepAlive(old)
}

// Providers for package syscall (and golang.org/x/sys/unix, which
// linknames the same names). fn is the PC of a libc_X_trampoline; the
// helpers return errno in err when fn returned -1.
// Do not remove or change the type signatures.

//go:linkname syscall_syscall syscall.syscall
//go:nosplit
//go:cgo_unsafe_args
func syscall_syscall(fn, a1, a2, a3 uintptr) (r1, r2, err uintptr) {
	entersyscall()
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall)), unsafe.Pointer(&fn))
	exitsyscall()
	sigKick()
	return
}

//go:linkname syscall_syscallX syscall.syscallX
//go:nosplit
//go:cgo_unsafe_args
func syscall_syscallX(fn, a1, a2, a3 uintptr) (r1, r2, err uintptr) {
	entersyscall()
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscallX)), unsafe.Pointer(&fn))
	exitsyscall()
	sigKick()
	return
}

//go:linkname syscall_syscall6 syscall.syscall6
//go:nosplit
//go:cgo_unsafe_args
func syscall_syscall6(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2, err uintptr) {
	entersyscall()
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall6)), unsafe.Pointer(&fn))
	exitsyscall()
	sigKick()
	return
}

//go:linkname syscall_syscall6X syscall.syscall6X
//go:nosplit
//go:cgo_unsafe_args
func syscall_syscall6X(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2, err uintptr) {
	entersyscall()
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall6X)), unsafe.Pointer(&fn))
	exitsyscall()
	sigKick()
	return
}

//go:linkname syscall_syscall10 syscall.syscall10
//go:nosplit
//go:cgo_unsafe_args
func syscall_syscall10(fn, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 uintptr) (r1, r2, err uintptr) {
	entersyscall()
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall10)), unsafe.Pointer(&fn))
	exitsyscall()
	sigKick()
	return
}

//go:linkname syscall_syscall10X syscall.syscall10X
//go:nosplit
//go:cgo_unsafe_args
func syscall_syscall10X(fn, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 uintptr) (r1, r2, err uintptr) {
	entersyscall()
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall10X)), unsafe.Pointer(&fn))
	exitsyscall()
	sigKick()
	return
}

// syscall_syscallPtr is for libc functions that return a pointer and
// signal failure with NULL.
//
//go:linkname syscall_syscallPtr syscall.syscallPtr
//go:nosplit
//go:cgo_unsafe_args
func syscall_syscallPtr(fn, a1, a2, a3 uintptr) (r1, r2, err uintptr) {
	entersyscall()
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscallPtr)), unsafe.Pointer(&fn))
	exitsyscall()
	return
}

//go:linkname syscall_rawSyscall syscall.rawSyscall
//go:nosplit
//go:cgo_unsafe_args
func syscall_rawSyscall(fn, a1, a2, a3 uintptr) (r1, r2, err uintptr) {
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall)), unsafe.Pointer(&fn))
	return
}

//go:linkname syscall_rawSyscall6 syscall.rawSyscall6
//go:nosplit
//go:cgo_unsafe_args
func syscall_rawSyscall6(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2, err uintptr) {
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall6)), unsafe.Pointer(&fn))
	return
}

//go:linkname syscall_rawSyscall6X syscall.rawSyscall6X
//go:nosplit
//go:cgo_unsafe_args
func syscall_rawSyscall6X(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2, err uintptr) {
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall6X)), unsafe.Pointer(&fn))
	return
}

//go:linkname syscall_rawSyscall10X syscall.rawSyscall10X
//go:nosplit
//go:cgo_unsafe_args
func syscall_rawSyscall10X(fn, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 uintptr) (r1, r2, err uintptr) {
	libcCall(unsafe.Pointer(abi.FuncPCABI0(syscall10X)), unsafe.Pointer(&fn))
	return
}
