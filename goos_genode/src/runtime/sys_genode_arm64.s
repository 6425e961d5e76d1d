// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Entry points from C and the generic libc-call helpers for genode/arm64.
//
// g lives in R28 (callee-saved in AAPCS64, so C preserves it); there is no
// TLS and no TPIDR_EL0 access. libc functions are reached only through
// the generated libc_X_trampoline jumps (zlibc_genode_arm64.s).

#include "go_asm.h"
#include "go_tls.h"
#include "textflag.h"
#include "cgo/abi_arm64.h"

// genodeMain is exported to the dynamic symbol table as "main"
// (os_genode.go). posix.lib.so calls it on the main thread:
// R0 = argc, R1 = argv, R2 = envp. It starts the runtime on a new pthread
// and then keeps the main thread in the libc for good.
TEXT runtime·genodeMain(SB),NOSPLIT|NOFRAME,$0
	SXTW	R0, R3		// int argc: the upper half of R0 is junk
	MOVD	R3, runtime·genodeArgc(SB)
	MOVD	R1, runtime·genodeArgv(SB)
	MOVD	R2, runtime·genodeEnvp(SB)
	// Locals: 0(RSP) pthread_attr_t, 8(RSP) pthread_t.
	SUB	$32, RSP
	BL	runtime·genodeForkInit(SB)
	MOVD	RSP, R0
	BL	runtime·libc_pthread_attr_init_trampoline(SB)
	CBNZW	R0, fail
	MOVD	RSP, R0
	MOVD	$const_genodeStackSize, R1
	BL	runtime·libc_pthread_attr_setstacksize_trampoline(SB)
	CBNZW	R0, fail
	ADD	$8, RSP, R0
	MOVD	RSP, R1
	MOVD	$runtime·genodeRt0(SB), R2
	MOVD	ZR, R3
	BL	runtime·libc_pthread_create_trampoline(SB)
	CBNZW	R0, fail
	// From here on the main thread serves the process from inside the
	// libc (exec_genode_arm64.s).
	B	runtime·genodePump(SB)
fail:
	MOVD	$1, R0
	BL	runtime·libc_exit_trampoline(SB)
	B	fail

// genodeRt0 is the pthread start routine of the thread that runs m0
// (C ABI). posix.lib.so passes argv and envp as two separate arrays
// (libc/args.h), but the runtime finds the environment past argv's NULL
// (goenvs_unix, getGodebugEarly). So this copies both vectors, System V
// style, to the top of this thread's stack and enters rt0_go with the
// copy, as asm_arm64.s's main would with the kernel's.
TEXT runtime·genodeRt0(SB),NOSPLIT|NOFRAME,$0
	MOVD	runtime·genodeEnvp(SB), R8
	MOVD	$0, R3		// envc
	CBZ	R8, counted
count:
	CMP	$const_genodeMaxEnv, R3
	BEQ	toolong
	MOVD	(R8)(R3<<3), R4
	CBZ	R4, counted
	ADD	$1, R3
	B	count
counted:
	MOVD	runtime·genodeArgc(SB), R0
	MOVD	runtime·genodeArgv(SB), R9
	ADD	R0, R3, R4
	ADD	$2, R4
	LSL	$3, R4
	MOVD	RSP, R5
	SUB	R4, R5
	AND	$~15, R5
	MOVD	R5, RSP
	MOVD	$0, R6
copyargv:
	CMP	R0, R6
	BEQ	argvdone
	MOVD	(R9)(R6<<3), R7
	MOVD	R7, (R5)(R6<<3)
	ADD	$1, R6
	B	copyargv
argvdone:
	MOVD	ZR, (R5)(R6<<3)
	ADD	$1, R6
	ADD	R6<<3, R5, R10	// the environment part
	MOVD	$0, R6
copyenv:
	CMP	R3, R6
	BEQ	envdone
	MOVD	(R8)(R6<<3), R7
	MOVD	R7, (R10)(R6<<3)
	ADD	$1, R6
	B	copyenv
envdone:
	MOVD	ZR, (R10)(R6<<3)
	MOVD	R5, R1
	B	runtime·rt0_go(SB)
toolong:
	MOVD	$1, R0
	BL	runtime·libc_exit_trampoline(SB)
	B	toolong

// mstart_stub is the pthread start routine of every other M (C ABI):
// R0 = the m, and we run on its pthread stack, its g0 stack.
TEXT runtime·mstart_stub(SB),NOSPLIT,$144
	SAVE_R19_TO_R28(8)
	SAVE_F8_TO_F15(88)
	MOVD	m_g0(R0), g
	BL	runtime·mstart(SB)
	RESTORE_R19_TO_R28(8)
	RESTORE_F8_TO_F15(88)
	MOVD	$0, R0		// the pthread's result; nobody joins
	RET

// sigtramp is the handler the runtime installs with sigaction (C ABI:
// R0 = sig; Genode passes NULL for info and context). It runs on a libc
// signal stack, inside kill() or on the main thread (see os_genode.go),
// where Go code cannot run: it only records the signal in sigPending.
// It uses R0-R4 only, all caller-saved.
TEXT runtime·sigtramp(SB),NOSPLIT|NOFRAME,$0
	CMPW	$1, R0
	BLT	done
	CMPW	$63, R0
	BGT	done
	MOVD	$1, R1
	LSL	R0, R1, R1
	MOVD	$runtime·sigPending(SB), R2
loop:
	LDAXR	(R2), R3
	ORR	R1, R3, R3
	STLXR	R3, (R2), R4
	CBNZW	R4, loop
done:
	RET

// func sigfwd(fn uintptr, sig uint32, info *siginfo, ctx unsafe.Pointer)
// calls a non-Go handler with the C calling convention.
TEXT runtime·sigfwd(SB),NOSPLIT,$0-32
	MOVW	sig+8(FP), R0
	MOVD	info+16(FP), R1
	MOVD	ctx+24(FP), R2
	MOVD	fn+0(FP), R11
	BL	(R11)
	RET

// The generic helpers. Each is entered through libcCall (asmcgocall) on
// the g0 stack with R0 pointing at a block
//	fn, a1 .. aN, r1, r2, err	(all uintptr; N = 3, 6 or 10)
// calls fn(a1, ..., aN) with the C calling convention (AAPCS64 passes
// variadic arguments like fixed ones), stores the result in r1/r2 and, if
// fn failed, errno in err. syscall, syscall6 and syscall10 test for a
// 32-bit -1, the X forms for a 64-bit -1, syscallPtr for NULL. errno is
// read through __error(), Genode's per-thread errno (libc/errno.cc).
// R19 (callee-saved in C) holds the block across the call.

TEXT runtime·syscall(SB),NOSPLIT,$0
	MOVD	R0, R19
	MOVD	(0*8)(R19), R11
	MOVD	(1*8)(R19), R0
	MOVD	(2*8)(R19), R1
	MOVD	(3*8)(R19), R2
	BL	(R11)
	MOVD	R0, (4*8)(R19)
	MOVD	R1, (5*8)(R19)
	CMPW	$-1, R0
	BNE	ok
	BL	runtime·libc___error_trampoline(SB)
	MOVW	(R0), R0
	MOVD	R0, (6*8)(R19)
ok:
	RET

TEXT runtime·syscallX(SB),NOSPLIT,$0
	MOVD	R0, R19
	MOVD	(0*8)(R19), R11
	MOVD	(1*8)(R19), R0
	MOVD	(2*8)(R19), R1
	MOVD	(3*8)(R19), R2
	BL	(R11)
	MOVD	R0, (4*8)(R19)
	MOVD	R1, (5*8)(R19)
	CMP	$-1, R0
	BNE	ok
	BL	runtime·libc___error_trampoline(SB)
	MOVW	(R0), R0
	MOVD	R0, (6*8)(R19)
ok:
	RET

TEXT runtime·syscallPtr(SB),NOSPLIT,$0
	MOVD	R0, R19
	MOVD	(0*8)(R19), R11
	MOVD	(1*8)(R19), R0
	MOVD	(2*8)(R19), R1
	MOVD	(3*8)(R19), R2
	BL	(R11)
	MOVD	R0, (4*8)(R19)
	MOVD	R1, (5*8)(R19)
	CBNZ	R0, ok
	BL	runtime·libc___error_trampoline(SB)
	MOVW	(R0), R0
	MOVD	R0, (6*8)(R19)
ok:
	RET

TEXT runtime·syscall6(SB),NOSPLIT,$0
	MOVD	R0, R19
	MOVD	(0*8)(R19), R11
	MOVD	(1*8)(R19), R0
	MOVD	(2*8)(R19), R1
	MOVD	(3*8)(R19), R2
	MOVD	(4*8)(R19), R3
	MOVD	(5*8)(R19), R4
	MOVD	(6*8)(R19), R5
	BL	(R11)
	MOVD	R0, (7*8)(R19)
	MOVD	R1, (8*8)(R19)
	CMPW	$-1, R0
	BNE	ok
	BL	runtime·libc___error_trampoline(SB)
	MOVW	(R0), R0
	MOVD	R0, (9*8)(R19)
ok:
	RET

TEXT runtime·syscall6X(SB),NOSPLIT,$0
	MOVD	R0, R19
	MOVD	(0*8)(R19), R11
	MOVD	(1*8)(R19), R0
	MOVD	(2*8)(R19), R1
	MOVD	(3*8)(R19), R2
	MOVD	(4*8)(R19), R3
	MOVD	(5*8)(R19), R4
	MOVD	(6*8)(R19), R5
	BL	(R11)
	MOVD	R0, (7*8)(R19)
	MOVD	R1, (8*8)(R19)
	CMP	$-1, R0
	BNE	ok
	BL	runtime·libc___error_trampoline(SB)
	MOVW	(R0), R0
	MOVD	R0, (9*8)(R19)
ok:
	RET

// Arguments 9 and 10 go on the stack (AAPCS64 has eight argument
// registers). The frame is managed by hand so that they sit at 0(RSP)
// and 8(RSP) at the call; LR is kept at 16(RSP).
TEXT runtime·syscall10(SB),NOSPLIT|NOFRAME,$0
	SUB	$32, RSP
	MOVD	R30, 16(RSP)
	MOVD	R0, R19
	MOVD	(9*8)(R19), R8
	MOVD	R8, 0(RSP)
	MOVD	(10*8)(R19), R8
	MOVD	R8, 8(RSP)
	MOVD	(0*8)(R19), R11
	MOVD	(1*8)(R19), R0
	MOVD	(2*8)(R19), R1
	MOVD	(3*8)(R19), R2
	MOVD	(4*8)(R19), R3
	MOVD	(5*8)(R19), R4
	MOVD	(6*8)(R19), R5
	MOVD	(7*8)(R19), R6
	MOVD	(8*8)(R19), R7
	BL	(R11)
	MOVD	R0, (11*8)(R19)
	MOVD	R1, (12*8)(R19)
	CMPW	$-1, R0
	BNE	ok
	BL	runtime·libc___error_trampoline(SB)
	MOVW	(R0), R0
	MOVD	R0, (13*8)(R19)
ok:
	MOVD	16(RSP), R30
	ADD	$32, RSP
	RET

TEXT runtime·syscall10X(SB),NOSPLIT|NOFRAME,$0
	SUB	$32, RSP
	MOVD	R30, 16(RSP)
	MOVD	R0, R19
	MOVD	(9*8)(R19), R8
	MOVD	R8, 0(RSP)
	MOVD	(10*8)(R19), R8
	MOVD	R8, 8(RSP)
	MOVD	(0*8)(R19), R11
	MOVD	(1*8)(R19), R0
	MOVD	(2*8)(R19), R1
	MOVD	(3*8)(R19), R2
	MOVD	(4*8)(R19), R3
	MOVD	(5*8)(R19), R4
	MOVD	(6*8)(R19), R5
	MOVD	(7*8)(R19), R6
	MOVD	(8*8)(R19), R7
	BL	(R11)
	MOVD	R0, (11*8)(R19)
	MOVD	R1, (12*8)(R19)
	CMP	$-1, R0
	BNE	ok
	BL	runtime·libc___error_trampoline(SB)
	MOVW	(R0), R0
	MOVD	R0, (13*8)(R19)
ok:
	MOVD	16(RSP), R30
	ADD	$32, RSP
	RET

// clockPair(args *clockPairArgs): see sys_genode.go.
TEXT runtime·clockPair(SB),NOSPLIT,$0
	MOVD	R0, R19
	MOVD	(3*8)(R19), R2
	CBZ	R2, mono
	MOVD	(0*8)(R19), R11
	MOVD	$0, R0		// CLOCK_REALTIME
	MOVD	(1*8)(R19), R1
	BL	(R11)
	MOVD	R0, (4*8)(R19)
mono:
	MOVD	(0*8)(R19), R11
	MOVD	$4, R0		// CLOCK_MONOTONIC
	MOVD	(2*8)(R19), R1
	BL	(R11)
	RET
