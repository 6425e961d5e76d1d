// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

#include "textflag.h"

// The exported entry points take system-call numbers, which Genode does
// not have; syscall_genode_libc.go decides what to do with them.

TEXT ·Syscall(SB),NOSPLIT,$0-56
	JMP	·syscallInternal(SB)

TEXT ·Syscall6(SB),NOSPLIT,$0-80
	JMP	·syscall6Internal(SB)

TEXT ·RawSyscall(SB),NOSPLIT,$0-56
	JMP	·rawSyscallInternal(SB)

TEXT ·RawSyscall6(SB),NOSPLIT,$0-80
	JMP	·rawSyscall6Internal(SB)

TEXT ·Syscall9(SB),NOSPLIT,$0-104
	JMP	·syscall9Internal(SB)

// ptrace stand-in, called like a libc function by the runtime's syscall
// helpers: sets errno to ENOSYS (78) and returns -1.
TEXT ·libc_ptrace_trampoline(SB),NOSPLIT,$0-0
	SUBQ	$8, SP		// keep the C stack 16-byte aligned at the call
	CALL	libc___error(SB)
	ADDQ	$8, SP
	MOVL	$78, (AX)
	MOVQ	$-1, AX
	RET
