// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package runtime

// sigtable uses FreeBSD's signal numbers. Genode's libc only ever raises
// a few of them itself (SIGINT from a terminal, SIGWINCH, SIGCHLD after a
// forked child exits, SIGALRM from setitimer) and kill() reaches only the
// own process; faults never become SIGSEGV/SIGBUS/SIGFPE (libc/signal.cc,
// libc/internal/signal.h). The flags still describe what Go does if one
// arrives.
var sigtable = [_NSIG]sigTabT{
	0:          {0, "SIGNONE: no trap"},
	_SIGHUP:    {_SigNotify + _SigKill, "SIGHUP: terminal line hangup"},
	_SIGINT:    {_SigNotify + _SigKill, "SIGINT: interrupt"},
	_SIGQUIT:   {_SigNotify + _SigThrow, "SIGQUIT: quit"},
	_SIGILL:    {_SigThrow + _SigUnblock, "SIGILL: illegal instruction"},
	_SIGTRAP:   {_SigThrow + _SigUnblock, "SIGTRAP: trace trap"},
	_SIGABRT:   {_SigNotify + _SigThrow, "SIGABRT: abort"},
	_SIGEMT:    {_SigThrow, "SIGEMT: emulate instruction executed"},
	_SIGFPE:    {_SigPanic + _SigUnblock, "SIGFPE: floating-point exception"},
	_SIGKILL:   {0, "SIGKILL: kill"},
	_SIGBUS:    {_SigPanic + _SigUnblock, "SIGBUS: bus error"},
	_SIGSEGV:   {_SigPanic + _SigUnblock, "SIGSEGV: segmentation violation"},
	_SIGSYS:    {_SigNotify, "SIGSYS: bad system call"},
	_SIGPIPE:   {_SigNotify, "SIGPIPE: write to broken pipe"},
	_SIGALRM:   {_SigNotify, "SIGALRM: alarm clock"},
	_SIGTERM:   {_SigNotify + _SigKill, "SIGTERM: termination"},
	_SIGURG:    {_SigNotify + _SigIgn, "SIGURG: urgent condition on socket"},
	_SIGSTOP:   {0, "SIGSTOP: stop"},
	_SIGTSTP:   {_SigNotify + _SigDefault + _SigIgn, "SIGTSTP: keyboard stop"},
	_SIGCONT:   {_SigNotify + _SigDefault + _SigIgn, "SIGCONT: continue after stop"},
	_SIGCHLD:   {_SigNotify + _SigUnblock + _SigIgn, "SIGCHLD: child status has changed"},
	_SIGTTIN:   {_SigNotify + _SigDefault + _SigIgn, "SIGTTIN: background read from tty"},
	_SIGTTOU:   {_SigNotify + _SigDefault + _SigIgn, "SIGTTOU: background write to tty"},
	_SIGIO:     {_SigNotify + _SigIgn, "SIGIO: i/o now possible"},
	_SIGXCPU:   {_SigNotify, "SIGXCPU: cpu limit exceeded"},
	_SIGXFSZ:   {_SigNotify, "SIGXFSZ: file size limit exceeded"},
	_SIGVTALRM: {_SigNotify, "SIGVTALRM: virtual alarm clock"},
	_SIGPROF:   {_SigNotify + _SigUnblock, "SIGPROF: profiling alarm clock"},
	_SIGWINCH:  {_SigNotify + _SigIgn, "SIGWINCH: window size change"},
	_SIGINFO:   {_SigNotify + _SigIgn, "SIGINFO: status request from keyboard"},
	_SIGUSR1:   {_SigNotify, "SIGUSR1: user-defined signal 1"},
	_SIGUSR2:   {_SigNotify, "SIGUSR2: user-defined signal 2"},
	32:         {_SigNotify, "SIGTHR: reserved"},
}
