// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package runtime

import (
	"internal/abi"
	"internal/runtime/atomic"
	"unsafe"
)

// Start-up. ld.lib.so never jumps to the ELF entry; posix.lib.so calls the
// program's exported main(argc, argv, envp) on the component's main thread,
// inside the libc (repos/libports/src/lib/posix/construct.cc). That thread
// must stay in the libc: Genode's libc runs every other pthread's file,
// pipe, socket and poll operation on it while it is blocked in a libc call
// (libc/internal/monitor.h, kernel.h). So the exported main is genodeMain
// (sys_genode_$GOARCH.s), not asm_$GOARCH.s's main: it saves argc/argv,
// starts genodeRt0 on a new pthread, which enters rt0_go there as if C
// had called main, and then keeps the main thread waiting inside the
// libc, in pthread_cond_wait (genodePump, exec_genode_$GOARCH.s), where
// it also forks on request. It also forwards emulated signals, see sigtramp.
// The program ends through exit() from a Go thread.

// genodeMain is not declared in Go: a cgo-exported function must not
// get ABI wrappers.
//
//go:cgo_export_dynamic runtime.genodeMain main

func genodeRt0()

// Written by genodeMain, read by genodeRt0 (assembly).
var (
	genodeArgc uintptr
	genodeArgv uintptr
	genodeEnvp uintptr
)

const (
	// genodeStackSize is the pthread stack of every M (and so the g0
	// stack and the stack all libc calls run on). Genode's own default
	// (Libc::Component::stack_size) is 256 KiB on 64-bit; a stack slot is
	// 1 MiB of virtual space and the limit is 1 MiB - 16 KiB
	// (pthread_attr_setstacksize in libc/pthread.cc). The stack's RAM is
	// charged to the component's quota.
	genodeStackSize = 256 << 10

	// genodeMaxThreads caps sched.maxmcount. Every pthread occupies one
	// 1 MiB slot of the 256 MiB stack area at 0x40000000, and the main
	// thread alone uses three (entrypoint, libc application stack, signal
	// stack), so a component has about 250 threads in all. Going past the
	// cap is Go's "thread exhaustion" fatal error, which is clearer than
	// a failing pthread_create. debug.SetMaxThreads may change it.
	genodeMaxThreads = 200

	// genodeMaxEnv bounds the environment genodeRt0 copies onto m0's
	// stack (8 bytes an entry, out of genodeStackSize).
	genodeMaxEnv = 4096
)

type mOS struct {
	initialized bool
	mutex       pthreadmutex
	cond        pthreadcond
	count       int
}

// Semaphores: a pthread mutex and a condition variable per M. The
// condition variable's clock is CLOCK_MONOTONIC: Genode's
// pthread_condattr_setclock supports it (pthread_cond is built on sem_t
// with sem_set_clock, libc/pthread.cc, semaphore.cc), while the default
// CLOCK_REALTIME fails without a configured RTC. Timed waits have
// millisecond granularity.

//go:nosplit
func semacreate(mp *m) {
	if mp.initialized {
		return
	}
	mp.initialized = true
	if err := pthread_mutex_init(&mp.mutex); err != 0 {
		throw("pthread_mutex_init")
	}
	var attr pthreadcondattr
	if err := pthread_condattr_init(&attr); err != 0 {
		throw("pthread_condattr_init")
	}
	if err := pthread_condattr_setclock(&attr, _CLOCK_MONOTONIC); err != 0 {
		throw("pthread_condattr_setclock")
	}
	if err := pthread_cond_init(&mp.cond, &attr); err != 0 {
		throw("pthread_cond_init")
	}
	pthread_condattr_destroy(&attr)
}

//go:nosplit
func semasleep(ns int64) int32 {
	mp := getg().m
	var deadline timespec
	if ns >= 0 {
		// The deadline is absolute on the condition variable's clock,
		// which is nanotime's.
		deadline.setNsec(nanotime() + ns)
	}
	pthread_mutex_lock(&mp.mutex)
	for mp.count == 0 {
		if ns < 0 {
			pthread_cond_wait(&mp.cond, &mp.mutex)
			continue
		}
		if pthread_cond_timedwait(&mp.cond, &mp.mutex, &deadline) == _ETIMEDOUT && mp.count == 0 {
			pthread_mutex_unlock(&mp.mutex)
			return -1
		}
	}
	mp.count--
	pthread_mutex_unlock(&mp.mutex)
	return 0
}

//go:nosplit
func semawakeup(mp *m) {
	pthread_mutex_lock(&mp.mutex)
	mp.count++
	pthread_cond_signal(&mp.cond)
	pthread_mutex_unlock(&mp.mutex)
}

// mstart_stub is the pthread start routine of every M but m0 (assembly).
func mstart_stub()

// May run with m.p==nil, so write barriers are not allowed.
//
//go:nowritebarrierrec
func newosproc(mp *m) {
	var attr pthreadattr
	if pthread_attr_init(&attr) != 0 {
		writeErrStr(failthreadcreate)
		exit(1)
	}
	// Ask for the size explicitly (Genode's default is configurable) and
	// read back what the libc made of it (rounded to 4 KiB, clamped):
	// mstart takes g0.stack.hi as the stack size.
	var size uintptr
	if pthread_attr_setstacksize(&attr, genodeStackSize) != 0 || pthread_attr_getstacksize(&attr, &size) != 0 {
		writeErrStr(failthreadcreate)
		exit(1)
	}
	mp.g0.stack.hi = size
	if pthread_attr_setdetachstate(&attr, _PTHREAD_CREATE_DETACHED) != 0 {
		writeErrStr(failthreadcreate)
		exit(1)
	}
	// No signal masking around pthread_create: Genode's sigprocmask
	// masks nothing.
	err := retryOnEAGAIN(func() int32 {
		return pthread_create(&attr, abi.FuncPCABI0(mstart_stub), unsafe.Pointer(mp))
	})
	pthread_attr_destroy(&attr)
	if err != 0 {
		writeErrStr(failthreadcreate)
		exit(1)
	}
}

// getCPUCount is the size of the component's CPU affinity space
// (libc/sysctl.cc).
func getCPUCount() int32 {
	if n := sysconf(_SC_NPROCESSORS_ONLN); n > 0 {
		return int32(n)
	}
	return 1
}

func osinit() {
	numCPUStartup = getCPUCount()
	// Genode's page size is 4096 (libc/sysctl.cc).
	physPageSize = 4096
	if n := sysconf(_SC_PAGESIZE); n > 0 {
		physPageSize = uintptr(n)
	}
}

// readRandom uses getentropy, which reads the <libc rng="..."> file
// (without one Genode warns and falls back to random(): not secure).
// getentropy takes at most 256 bytes at a time.
//
//go:nosplit
func readRandom(r []byte) int {
	n := 0
	for n < len(r) {
		chunk := len(r) - n
		if chunk > 256 {
			chunk = 256
		}
		if getentropy(unsafe.Pointer(&r[n]), uintptr(chunk)) != 0 {
			break
		}
		n += chunk
	}
	return n
}

// goenvs: genodeRt0 has laid argv and envp out System V style.
func goenvs() {
	goenvs_unix()
}

// Called to initialize a new m (including the bootstrap m).
// Called on the parent thread (main thread in case of bootstrap), can allocate memory.
func mpreinit(mp *m) {
	if mp == &m0 {
		// schedinit sets the default limit just before it
		// initializes m0 (under sched.lock).
		sched.maxmcount = genodeMaxThreads
	}
	// gsignal is never run on: signals are delivered on g0 (sigDeliver),
	// where sigtrampgo borrows the g0 stack for it. It only needs to
	// exist, so keep it small.
	mp.gsignal = malg(4096)
	mp.gsignal.m = mp
}

// Called to initialize a new m (including the bootstrap m).
// Called on the new thread, cannot allocate memory.
func minit() {
	getg().m.procid = uint64(pthread_self())
	minitSignals()
}

// Called from dropm to undo the effect of an minit.
//
//go:nosplit
func unminit() {
	unminitSignals()
	getg().m.procid = 0
}

// Called from mexit, but not from dropm, to undo the effect of thread-owned
// resources in minit, semacreate, or elsewhere. Do not take locks after calling this.
//
//go:nowritebarrierrec
func mdestroy(mp *m) {
}

// Signals.
//
// Genode has no kernel signals. Its libc keeps a sigaction table and runs
// handlers itself (libc/signal.cc, internal/signal.h):
//   - kill(own pid) runs the pending handlers at once, inside kill, on the
//     calling thread;
//   - signals the libc raises (SIGINT from a terminal, SIGCHLD, SIGWINCH,
//     SIGALRM) run when the *main* thread resumes from a libc suspension;
//   - either way on a libc-allocated secondary "signal" stack (16 KiB,
//     one per process, or the sigaltstack one), with SA_SIGINFO
//     handlers called as handler(sig, NULL, NULL).
// On that stack pthread_self() (and so errno, pthread_getspecific and
// most of the libc) does not reliably find the calling thread, and on the
// main thread there is no M at all. So Go code never runs in the handler:
// sigtramp only sets the signal's bit in sigPending (an atomic OR, no
// libc call, no g). The signal is delivered later on an M, by sigDeliver,
// which calls sigtrampgo on the g0 stack with static zeroed siginfo and
// ucontext whose si_code is SI_USER (all Genode signals come from
// kill or from the libc, never from a fault). sigDeliver runs from
// netpoll, which is woken for it:
//   - by the main thread's loop when its wait in the libc returns with
//     signals pending;
//   - by sigKick after syscall package calls (e.g. syscall.Kill) and
//     raise/raiseproc return.
// The handler never needs the current g, so no TLS, pthread key or
// stack lookup is involved.

// sigPending has bit 1<<sig set for every signal the libc delivered to
// sigtramp and Go has not handled yet. Written by sigtramp (assembly,
// a locked OR of the word at offset 0). Typed, so it is always aligned.
var sigPending atomic.Uint64

// sigKickFd is the write end of the netpoll wake-up pipe, or -1; the
// main-thread pump writes a byte to it when signals are pending.
var sigKickFd int32 = -1

// sigtramp is the handler installed with sigaction (assembly, C ABI).
func sigtramp()

// sigKick makes sure pending signals get delivered soon.
//
//go:nosplit
func sigKick() {
	if sigPending.Load() != 0 && netpollInited.Load() != 0 {
		netpollBreak()
	}
}

// sigDeliver hands pending signals to the Go signal handler. Called by
// netpoll; runs the handler on g0.
//
//go:nowritebarrierrec
func sigDeliver() {
	if sigPending.Load() == 0 {
		return
	}
	set := sigPending.Swap(0)
	for sig := uint32(1); sig < _NSIG; sig++ {
		if set&(1<<sig) != 0 {
			sigDeliver1(sig)
		}
	}
}

// sigDeliverHandler is sigtrampgo, set by init: naming it in sigDeliver,
// which netpoll calls, would make an initialization cycle through
// signal_unix.go's adjustSignalStack2Indirect. Until init ran, signals
// stay pending.
var sigDeliverHandler func(sig uint32, info *siginfo, ctx unsafe.Pointer)

func init() {
	sigDeliverHandler = sigtrampgo
}

//go:nowritebarrierrec
func sigDeliver1(sig uint32) {
	h := sigDeliverHandler
	if h == nil {
		for old := sigPending.Load(); !sigPending.CompareAndSwap(old, old|1<<sig); old = sigPending.Load() {
		}
		return
	}
	systemstack(func() {
		var info siginfo
		var ctx ucontext
		info.si_signo = int32(sig)
		info.si_code = _SI_USER
		h(sig, (*siginfo)(noescape(unsafe.Pointer(&info))), noescape(unsafe.Pointer(&ctx)))
	})
}

//go:nosplit
//go:nowritebarrierrec
func setsig(i uint32, fn uintptr) {
	var sa sigactiont
	// SA_ONSTACK would pick the libc's sigaltstack stack, which the
	// runtime never sets; sa_mask and SA_RESTART are ignored by Genode.
	// SA_SIGINFO only with a real handler: Genode's libc tests SA_SIGINFO
	// before SIG_DFL/SIG_IGN and would call address 0 or 1 (signal.cc,
	// Signal::_execute_signal_handler).
	sa.sa_flags = _SA_RESTART
	sa.sa_mask = sigset_all
	if fn == abi.FuncPCABIInternal(sighandler) { // abi.FuncPCABIInternal(sighandler) matches the callers in signal_unix.go
		fn = abi.FuncPCABI0(sigtramp)
	}
	if fn != _SIG_DFL && fn != _SIG_IGN {
		sa.sa_flags |= _SA_SIGINFO
	}
	sa.sa_handler = fn
	sigaction(i, &sa, nil)
}

//go:nosplit
//go:nowritebarrierrec
func setsigstack(i uint32) {
	// Handlers never run on a Go signal stack here.
}

//go:nosplit
//go:nowritebarrierrec
func getsig(i uint32) uintptr {
	var sa sigactiont
	sigaction(i, nil, &sa)
	return sa.sa_handler
}

// setSignalstackSP sets the ss_sp field of a stackt.
//
//go:nosplit
func setSignalstackSP(s *stackt, sp uintptr) {
	s.ss_sp = sp
}

// sigaltstack must never reach the libc: Genode's ignores ss_sp and
// allocates a fresh 1 MiB stack-area slot on every call, and leaks it on
// disable (libc/signal.cc). It reports no alternate stack.
//
//go:nosplit
//go:nowritebarrierrec
func sigaltstack(new, old *stackt) {
	if old != nil {
		*old = stackt{ss_flags: _SS_DISABLE}
	}
}

// sigprocmask: Genode's masks nothing and reports every signal as
// blocked (libc/signal.cc). The runtime keeps its own bookkeeping
// consistent with reality instead: nothing is ever blocked.
//
//go:nosplit
//go:nowritebarrierrec
func sigprocmask(how uint32, new, old *sigset) {
	if old != nil {
		*old = sigset{}
	}
}

var sigset_all = sigset{[4]uint32{^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0)}}

//go:nosplit
//go:nowritebarrierrec
func sigaddset(mask *sigset, i int) {
	mask.__bits[(i-1)/32] |= 1 << ((uint32(i) - 1) & 31)
}

func sigdelset(mask *sigset, i int) {
	mask.__bits[(i-1)/32] &^= 1 << ((uint32(i) - 1) & 31)
}

//go:nosplit
func (c *sigctxt) fixsigcode(sig uint32) {
}

// setitimer: Genode has ITIMER_REAL only (libc/alarm.cc) and the runtime
// has no use for it; the CPU profiler's timers are not available.
func setitimer(mode int32, new, old *itimerval) {
}

// No SIGPROF: profiling by signals is not available on Genode.
func setProcessCPUProfiler(hz int32) {
}

func setThreadCPUProfiler(hz int32) {
	getg().m.profilehz = hz
}

//go:nosplit
func validSIGPROF(mp *m, c *sigctxt) bool {
	return false
}

// raise sends sig to the process: Genode's raise() only knows SIGQUIT,
// SIGABRT and SIGKILL, while kill(own pid) runs the handler, or the
// default action (exit with (sig<<8)|1 for most signals), synchronously.
//
//go:nosplit
func raise(sig uint32) {
	kill(getpid(), int32(sig))
	sigKick()
}

//go:nosplit
func raiseproc(sig uint32) {
	raise(sig)
}

// signalM would interrupt another thread; Genode's pthread_kill does
// nothing, and preemptMSupported is false for genode.
func signalM(mp *m, sig int) {
}

// sigPerThreadSyscall is only used on linux, so we assign a bogus signal
// number.
const sigPerThreadSyscall = 1 << 31

//go:nosplit
func runPerThreadSyscall() {
	throw("runPerThreadSyscall only valid on linux")
}

// The note used by os/signal's signal_recv is a pipe, as on darwin:
// sigsend may run while the sending M holds locks, and a pipe write is
// the one wake-up that never blocks.

var sigNoteRead, sigNoteWrite int32

func sigNoteSetup(*note) {
	if sigNoteRead != 0 || sigNoteWrite != 0 {
		throw("duplicate sigNoteSetup")
	}
	var errno int32
	sigNoteRead, sigNoteWrite, errno = pipe()
	if errno != 0 {
		throw("pipe failed")
	}
	closeonexec(sigNoteRead)
	closeonexec(sigNoteWrite)
	// The write end must never block; the read end blocks in sigNoteSleep.
	setNonblock(sigNoteWrite)
	// Signals reach Go through the netpoller (sigDeliver), so it must
	// exist once someone listens.
	netpollGenericInit()
}

func sigNoteWakeup(*note) {
	var b byte
	write(uintptr(sigNoteWrite), unsafe.Pointer(&b), 1)
}

func sigNoteSleep(*note) {
	for {
		var b byte
		entersyscallblock()
		n := read(sigNoteRead, unsafe.Pointer(&b), 1)
		exitsyscall()
		if n != -_EINTR {
			return
		}
	}
}
