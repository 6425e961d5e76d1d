// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package runtime

import (
	"internal/runtime/atomic"
	"unsafe"
)

// The netpoller is poll() over every registered descriptor plus the read
// end of a wake-up pipe. Genode's kqueue exists but ignores EV_CLEAR,
// reports no EV_EOF and asserts on filters other than read/write
// (libc/kqueue.cc), so poll it is. Readiness is level-triggered:
// netpoll.go re-arms a descriptor (netpollarm) before every wait, and a
// reported event is cleared from the poll set until then.
//
// poll() runs the descriptors through the main thread's libc kernel like
// every other I/O (libc/poll.cc); its timeout is in milliseconds, and it
// returns EINTR when an emulated signal arrived.
//
// The poll set is changed only while no poll is running: the changer
// takes pollLock, writes the wake-up pipe (once) so that a blocked poll
// returns, then takes pollSetLock, which the poller holds while polling.

var (
	pollFds  []pollfd    // pollFds[0] is the wake-up pipe
	pollPds  []*pollDesc // pollPds[i] belongs to pollFds[i]; pollPds[0] is nil
	pollLock mutex       // taken first by whoever changes the set
	// pollSetLock guards pollFds and pollPds and is held during poll.
	pollSetLock mutex

	pollWakeRd, pollWakeWr int32
	pollWakePending        bool // a set-change wake-up byte is in the pipe

	netpollWakeSig atomic.Uint32 // avoids duplicate netpollBreak writes

	// pollBlocking is set, under pollLock, while a blocking poll runs; a
	// non-blocking netpoll then returns at once instead of waiting for
	// pollSetLock.
	pollBlocking atomic.Bool

	// pollFixed is the number of entries at the start of pollFds that
	// belong to no pollDesc: the wake-up pipe and the signal pipe.
	pollFixed = 1
)

// Signals from the parent. Genode's kill reaches only the component
// itself, so a parent of this port signals a forked child through a pipe
// whose read end it names in GENODE_SIGNAL_FD (syscall/exec_genode.go).
// Each byte read from it is a signal number, delivered like a signal the
// libc raised; SIGKILL, which no handler may see, ends the program with
// exit status 128+9. The variable is taken out of the environment, so
// that the program and its own children do not see it.
var sigPipeFd int32 = -1

func init() {
	const key = "GENODE_SIGNAL_FD="
	for i, kv := range envs {
		if len(kv) < len(key) || kv[:len(key)] != key {
			continue
		}
		envs = append(envs[:i:i], envs[i+1:]...)
		fd := 0
		for _, c := range kv[len(key):] {
			if c < '0' || c > '9' || fd > 1<<20 {
				return
			}
			fd = fd*10 + int(c-'0')
		}
		if r, _ := fcntl(int32(fd), _F_SETFD, _FD_CLOEXEC); r == -1 {
			return // not inherited after all
		}
		sigPipeFd = int32(fd)
		netpollGenericInit()
		return
	}
}

// netpollSignals reads signal numbers from the signal pipe. Called with
// pollSetLock held.
func netpollSignals(pfd *pollfd) {
	var buf [16]byte
	n := read(pfd.fd, unsafe.Pointer(&buf[0]), int32(len(buf)))
	if n <= 0 {
		if n != -_EAGAIN && n != -_EINTR {
			pfd.events = 0 // the parent is gone
		}
		return
	}
	for _, sig := range buf[:n] {
		if sig == _SIGKILL {
			exit(128 + _SIGKILL)
		}
		if sig > 0 && uint32(sig) < _NSIG {
			for old := sigPending.Load(); !sigPending.CompareAndSwap(old, old|1<<sig); old = sigPending.Load() {
			}
		}
	}
}

func netpollinit() {
	r, w, errno := nonblockingPipe()
	if errno != 0 {
		println("runtime: pipe failed with", errno)
		throw("netpollinit: cannot create the wake-up pipe (is <libc pipe=...> configured?)")
	}
	pollWakeRd, pollWakeWr = r, w
	pollFds = make([]pollfd, 1, 64)
	pollFds[0] = pollfd{fd: r, events: _POLLIN}
	pollPds = make([]*pollDesc, 1, 64)
	if sigPipeFd >= 0 {
		pollFds = append(pollFds, pollfd{fd: sigPipeFd, events: _POLLIN})
		pollPds = append(pollPds, nil)
		pollFixed = 2
		// An idle scheduler blocks in netpoll only while someone waits
		// on it; the parent may always send a signal.
		netpollAdjustWaiters(1)
	}
	// From now on the main thread's pump can wake the poller for signals.
	atomic.Store((*uint32)(unsafe.Pointer(&sigKickFd)), uint32(w))
}

func netpollIsPollDescriptor(fd uintptr) bool {
	return fd == uintptr(pollWakeRd) || fd == uintptr(pollWakeWr) || fd == uintptr(sigPipeFd)
}

// pollSetBegin stops a running poll and locks the set. Pair with
// unlock(&pollSetLock).
func pollSetBegin() {
	lock(&pollLock)
	if !pollWakePending {
		pollWakePending = true
		var b byte
		write(uintptr(pollWakeWr), unsafe.Pointer(&b), 1)
	}
	lock(&pollSetLock)
	unlock(&pollLock)
}

func netpollopen(fd uintptr, pd *pollDesc) int32 {
	pollSetBegin()
	pd.user = uint32(len(pollFds))
	pollFds = append(pollFds, pollfd{fd: int32(fd)})
	pollPds = append(pollPds, pd)
	unlock(&pollSetLock)
	return 0
}

func netpollclose(fd uintptr) int32 {
	pollSetBegin()
	for i := pollFixed; i < len(pollFds); i++ {
		if pollFds[i].fd != int32(fd) {
			continue
		}
		last := len(pollFds) - 1
		pollFds[i] = pollFds[last]
		pollPds[i] = pollPds[last]
		pollPds[i].user = uint32(i)
		pollFds = pollFds[:last]
		pollPds[last] = nil
		pollPds = pollPds[:last]
		break
	}
	unlock(&pollSetLock)
	return 0
}

func netpollarm(pd *pollDesc, mode int) {
	pollSetBegin()
	switch mode {
	case 'r':
		pollFds[pd.user].events |= _POLLIN
	case 'w':
		pollFds[pd.user].events |= _POLLOUT
	}
	unlock(&pollSetLock)
}

// netpollBreak interrupts a poll.
func netpollBreak() {
	if !netpollWakeSig.CompareAndSwap(0, 1) {
		return
	}
	var b byte
	write(uintptr(pollWakeWr), unsafe.Pointer(&b), 1)
}

// netpoll checks for ready network connections.
// Returns a list of goroutines that become runnable,
// and a delta to add to netpollWaiters.
// This must never return an empty list with a non-zero delta.
//
// delay < 0: blocks indefinitely
// delay == 0: does not block, just polls
// delay > 0: block for up to that many nanoseconds
//
//go:nowritebarrierrec
func netpoll(delay int64) (gList, int32) {
	// Signals the libc delivered since the last look.
	sigDeliver()

	var timeout int32
	switch {
	case delay < 0:
		timeout = -1
	case delay == 0:
		timeout = 0
	case delay < 1e6:
		// Genode's timeouts are whole milliseconds; round up rather
		// than spin with zero timeouts.
		timeout = 1
	case delay < 1e15:
		timeout = int32(delay / 1e6)
	default:
		timeout = 1e9 // about 11.5 days
	}

	if timeout == 0 && pollBlocking.Load() {
		return gList{}, 0
	}
	for {
		lock(&pollLock)
		// Checked and set under pollLock: a non-blocking netpoll that
		// got pollLock first would otherwise wait for pollSetLock until
		// the blocking poll times out, and keep pollLock from every
		// set change that would have written the wake-up pipe.
		if timeout == 0 && pollBlocking.Load() {
			unlock(&pollLock)
			return gList{}, 0
		}
		lock(&pollSetLock)
		pollWakePending = false
		if timeout != 0 {
			pollBlocking.Store(true)
		}
		unlock(&pollLock)

		n, errno := poll(&pollFds[0], uintptr(len(pollFds)), timeout)
		if timeout != 0 {
			pollBlocking.Store(false)
		}
		if n >= 0 {
			return netpollCollect(n, delay)
		}
		unlock(&pollSetLock)
		if errno != _EINTR && errno != _EAGAIN {
			println("runtime: poll failed with", errno, "len(pollFds)=", len(pollFds))
			throw("poll failed")
		}
		// An emulated signal arrived: deliver it, and let the caller
		// recompute a timed wait.
		sigDeliver()
		if timeout > 0 {
			return gList{}, 0
		}
	}
}

// netpollCollect turns poll's result into runnable goroutines. Called with
// pollSetLock held; releases it.
//
//go:nowritebarrierrec
func netpollCollect(n int32, delay int64) (gList, int32) {
	if n > 0 && pollFds[0].revents != 0 {
		// Only a blocking poll consumes wake-ups, so that a
		// netpollBreak is not lost to a concurrent non-blocking poll.
		if delay != 0 {
			var buf [16]byte
			for read(pollWakeRd, unsafe.Pointer(&buf[0]), int32(len(buf))) > 0 {
			}
			netpollWakeSig.Store(0)
		}
		n--
	}
	var toRun gList
	delta := int32(0)
	for i := 1; i < len(pollFds) && n > 0; i++ {
		pfd := &pollFds[i]
		if pfd.revents == 0 {
			continue
		}
		n--
		if pollPds[i] == nil {
			netpollSignals(pfd)
			continue
		}
		var mode int32
		if pfd.revents&(_POLLIN|_POLLHUP|_POLLERR|_POLLNVAL) != 0 {
			mode += 'r'
			pfd.events &^= _POLLIN
		}
		if pfd.revents&(_POLLOUT|_POLLHUP|_POLLERR|_POLLNVAL) != 0 {
			mode += 'w'
			pfd.events &^= _POLLOUT
		}
		if mode != 0 {
			pollPds[i].setEventErr(pfd.revents&(_POLLERR|_POLLNVAL) != 0 && pfd.revents&(_POLLIN|_POLLOUT) == 0, 0)
			delta += netpollready(&toRun, pollPds[i], mode)
		}
	}
	unlock(&pollSetLock)
	// Signals the pump announced while we were polling.
	sigDeliver()
	return toRun, delta
}
