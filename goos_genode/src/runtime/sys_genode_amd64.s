// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Entry points from C and the generic libc-call helpers for genode/amd64.
//
// g lives in R14 in all code on genode (go_tls.h); C code preserves R14
// (callee-saved in the SysV ABI). Nothing here reads TLS or uses R14 as
// scratch: entries from C set it (mstart_stub) or never run Go code
// (sigtramp, genodeMain). libc functions are reached only through the
// generated libc_X_trampoline jumps (zlibc_genode_amd64.s).

#include "go_asm.h"
#include "go_tls.h"
#include "textflag.h"
#include "cgo/abi_amd64.h"

// No TLS to set up on genode (rt0_go skips it).
TEXT runtime·settls(SB),NOSPLIT,$0
	RET

// genodeMain is exported to the dynamic symbol table as "main"
// (os_genode.go). posix.lib.so calls it on the main thread:
// DI = argc, SI = argv, DX = envp. It starts the runtime on a new pthread
// and then keeps the main thread in the libc for good.
TEXT runtime·genodeMain(SB),NOSPLIT|NOFRAME,$0
	MOVLQSX	DI, AX		// int argc: the upper half of DI is junk
	MOVQ	AX, runtime·genodeArgc(SB)
	MOVQ	SI, runtime·genodeArgv(SB)
	MOVQ	DX, runtime·genodeEnvp(SB)
	// Locals: 0(SP) pthread_attr_t, 8(SP) pthread_t, 16(SP) a byte.
	// The entry SP is 8 mod 16; 40 more keeps C calls aligned.
	SUBQ	$40, SP
	CALL	runtime·genodeForkInit(SB)
	LEAQ	0(SP), DI
	CALL	runtime·libc_pthread_attr_init_trampoline(SB)
	TESTL	AX, AX
	JNE	fail
	LEAQ	0(SP), DI
	MOVQ	$const_genodeStackSize, SI
	CALL	runtime·libc_pthread_attr_setstacksize_trampoline(SB)
	TESTL	AX, AX
	JNE	fail
	LEAQ	8(SP), DI
	LEAQ	0(SP), SI
	LEAQ	runtime·genodeRt0(SB), DX
	XORL	CX, CX
	CALL	runtime·libc_pthread_create_trampoline(SB)
	TESTL	AX, AX
	JNE	fail
	// From here on the main thread serves the process from inside the
	// libc (exec_genode_amd64.s).
	JMP	runtime·genodePump(SB)
fail:
	MOVL	$1, DI
	CALL	runtime·libc_exit_trampoline(SB)
	JMP	fail

// genodeRt0 is the pthread start routine of the thread that runs m0
// (C ABI). posix.lib.so passes argv and envp as two separate arrays
// (libc/args.h), but the runtime finds the environment past argv's NULL
// (goenvs_unix, getGodebugEarly). So this copies both vectors, System V
// style, to the top of this thread's stack and enters rt0_go with the
// copy, as asm_amd64.s's main would with the kernel's. The strings are
// not copied; rt0_go never returns, so the vector stays valid.
TEXT runtime·genodeRt0(SB),NOSPLIT|NOFRAME,$0
	MOVQ	runtime·genodeEnvp(SB), R8
	XORL	CX, CX		// envc
	TESTQ	R8, R8
	JEQ	counted
count:
	CMPQ	CX, $const_genodeMaxEnv
	JEQ	toolong
	MOVQ	(R8)(CX*8), AX
	TESTQ	AX, AX
	JEQ	counted
	INCQ	CX
	JMP	count
counted:
	MOVQ	runtime·genodeArgc(SB), BX
	MOVQ	runtime·genodeArgv(SB), R9
	LEAQ	2(BX)(CX*1), DX
	SHLQ	$3, DX
	SUBQ	DX, SP
	ANDQ	$~15, SP
	XORL	AX, AX
copyargv:
	CMPQ	AX, BX
	JEQ	argvdone
	MOVQ	(R9)(AX*8), DX
	MOVQ	DX, (SP)(AX*8)
	INCQ	AX
	JMP	copyargv
argvdone:
	MOVQ	$0, (SP)(AX*8)
	LEAQ	8(SP)(BX*8), DI
	XORL	AX, AX
copyenv:
	CMPQ	AX, CX
	JEQ	envdone
	MOVQ	(R8)(AX*8), DX
	MOVQ	DX, (DI)(AX*8)
	INCQ	AX
	JMP	copyenv
envdone:
	MOVQ	$0, (DI)(AX*8)
	MOVQ	BX, DI
	MOVQ	SP, SI
	JMP	runtime·rt0_go(SB)
toolong:
	ANDQ	$~15, SP
	MOVL	$2, DI
	LEAQ	genodeEnvMsg<>(SB), SI
	MOVL	$40, DX
	CALL	runtime·libc_write_trampoline(SB)
	MOVL	$1, DI
	CALL	runtime·libc_exit_trampoline(SB)
	JMP	toolong

DATA	genodeEnvMsg<>+0(SB)/8, $"runtime:"
DATA	genodeEnvMsg<>+8(SB)/8, $" too man"
DATA	genodeEnvMsg<>+16(SB)/8, $"y enviro"
DATA	genodeEnvMsg<>+24(SB)/8, $"nment va"
DATA	genodeEnvMsg<>+32(SB)/8, $"riables\n"
GLOBL	genodeEnvMsg<>(SB), RODATA|NOPTR, $40

// mstart_stub is the pthread start routine of every other M (C ABI):
// DI = the m, and we run on its pthread stack, its g0 stack.
TEXT runtime·mstart_stub(SB),NOSPLIT,$0
	PUSH_REGS_HOST_TO_ABI0()
	MOVQ	m_g0(DI), R14	// g = m.g0
	CALL	runtime·mstart(SB)
	POP_REGS_HOST_TO_ABI0()
	XORL	AX, AX		// the pthread's result; nobody joins
	RET

// sigtramp is the handler the runtime installs with sigaction (C ABI:
// DI = sig; Genode passes NULL for info and context). It runs on a libc
// signal stack, inside kill() or on the main thread (see os_genode.go),
// where Go code cannot run: it only records the signal in sigPending.
// It clobbers only AX and CX, both caller-saved.
TEXT runtime·sigtramp(SB),NOSPLIT|NOFRAME,$0
	CMPL	DI, $1
	JLT	done
	CMPL	DI, $63
	JGT	done
	MOVL	DI, CX
	MOVL	$1, AX
	SHLQ	CX, AX
	LOCK
	ORQ	AX, runtime·sigPending(SB)
done:
	RET

// func sigfwd(fn uintptr, sig uint32, info *siginfo, ctx unsafe.Pointer)
// calls a non-Go handler with the C calling convention.
TEXT runtime·sigfwd(SB),NOSPLIT,$0-32
	MOVQ	fn+0(FP), AX
	MOVL	sig+8(FP), DI
	MOVQ	info+16(FP), SI
	MOVQ	ctx+24(FP), DX
	MOVQ	SP, BX		// callee-saved in C
	ANDQ	$~15, SP
	CALL	AX
	MOVQ	BX, SP
	RET

// The generic helpers. Each is entered through libcCall (asmcgocall) on
// the g0 stack with DI pointing at a block
//	fn, a1 .. aN, r1, r2, err	(all uintptr; N = 3, 6 or 10)
// calls fn(a1, ..., aN) with the C calling convention (AL = 0: no vector
// registers, as varargs callees like open and fcntl expect), stores the
// result in r1/r2 and, if fn failed, errno in err. syscall, syscall6 and
// syscall10 test for a 32-bit -1 (int results; the upper half of AX is
// junk), the X forms for a 64-bit -1, syscallPtr for NULL. errno is read
// through __error(), Genode's per-thread errno (libc/errno.cc); that is
// why it must be read on the same thread right after the call.

#define ERRNO(off) \
	CALL	runtime·libc___error_trampoline(SB) \
	MOVLQSX	(AX), AX \
	MOVQ	(SP), DI \
	MOVQ	AX, off(DI)

TEXT runtime·syscall(SB),NOSPLIT,$16
	MOVQ	DI, (SP)
	MOVQ	(0*8)(DI), R11
	MOVQ	(2*8)(DI), SI
	MOVQ	(3*8)(DI), DX
	MOVQ	(1*8)(DI), DI
	XORL	AX, AX
	CALL	R11
	MOVQ	(SP), DI
	MOVQ	AX, (4*8)(DI)
	MOVQ	DX, (5*8)(DI)
	CMPL	AX, $-1
	JNE	ok
	ERRNO(6*8)
ok:
	XORL	AX, AX
	RET

TEXT runtime·syscallX(SB),NOSPLIT,$16
	MOVQ	DI, (SP)
	MOVQ	(0*8)(DI), R11
	MOVQ	(2*8)(DI), SI
	MOVQ	(3*8)(DI), DX
	MOVQ	(1*8)(DI), DI
	XORL	AX, AX
	CALL	R11
	MOVQ	(SP), DI
	MOVQ	AX, (4*8)(DI)
	MOVQ	DX, (5*8)(DI)
	CMPQ	AX, $-1
	JNE	ok
	ERRNO(6*8)
ok:
	XORL	AX, AX
	RET

TEXT runtime·syscallPtr(SB),NOSPLIT,$16
	MOVQ	DI, (SP)
	MOVQ	(0*8)(DI), R11
	MOVQ	(2*8)(DI), SI
	MOVQ	(3*8)(DI), DX
	MOVQ	(1*8)(DI), DI
	XORL	AX, AX
	CALL	R11
	MOVQ	(SP), DI
	MOVQ	AX, (4*8)(DI)
	MOVQ	DX, (5*8)(DI)
	TESTQ	AX, AX
	JNE	ok
	ERRNO(6*8)
ok:
	XORL	AX, AX
	RET

TEXT runtime·syscall6(SB),NOSPLIT,$16
	MOVQ	DI, (SP)
	MOVQ	(0*8)(DI), R11
	MOVQ	(2*8)(DI), SI
	MOVQ	(3*8)(DI), DX
	MOVQ	(4*8)(DI), CX
	MOVQ	(5*8)(DI), R8
	MOVQ	(6*8)(DI), R9
	MOVQ	(1*8)(DI), DI
	XORL	AX, AX
	CALL	R11
	MOVQ	(SP), DI
	MOVQ	AX, (7*8)(DI)
	MOVQ	DX, (8*8)(DI)
	CMPL	AX, $-1
	JNE	ok
	ERRNO(9*8)
ok:
	XORL	AX, AX
	RET

TEXT runtime·syscall6X(SB),NOSPLIT,$16
	MOVQ	DI, (SP)
	MOVQ	(0*8)(DI), R11
	MOVQ	(2*8)(DI), SI
	MOVQ	(3*8)(DI), DX
	MOVQ	(4*8)(DI), CX
	MOVQ	(5*8)(DI), R8
	MOVQ	(6*8)(DI), R9
	MOVQ	(1*8)(DI), DI
	XORL	AX, AX
	CALL	R11
	MOVQ	(SP), DI
	MOVQ	AX, (7*8)(DI)
	MOVQ	DX, (8*8)(DI)
	CMPQ	AX, $-1
	JNE	ok
	ERRNO(9*8)
ok:
	XORL	AX, AX
	RET

// Arguments 7 to 10 go on the stack (SysV); the block pointer is kept
// above them at 32(SP), so the errno macro cannot be used.
TEXT runtime·syscall10(SB),NOSPLIT,$48
	MOVQ	DI, (4*8)(SP)
	MOVQ	(7*8)(DI), R10
	MOVQ	R10, (0*8)(SP)
	MOVQ	(8*8)(DI), R10
	MOVQ	R10, (1*8)(SP)
	MOVQ	(9*8)(DI), R10
	MOVQ	R10, (2*8)(SP)
	MOVQ	(10*8)(DI), R10
	MOVQ	R10, (3*8)(SP)
	MOVQ	(0*8)(DI), R11
	MOVQ	(2*8)(DI), SI
	MOVQ	(3*8)(DI), DX
	MOVQ	(4*8)(DI), CX
	MOVQ	(5*8)(DI), R8
	MOVQ	(6*8)(DI), R9
	MOVQ	(1*8)(DI), DI
	XORL	AX, AX
	CALL	R11
	MOVQ	(4*8)(SP), DI
	MOVQ	AX, (11*8)(DI)
	MOVQ	DX, (12*8)(DI)
	CMPL	AX, $-1
	JNE	ok
	CALL	runtime·libc___error_trampoline(SB)
	MOVLQSX	(AX), AX
	MOVQ	(4*8)(SP), DI
	MOVQ	AX, (13*8)(DI)
ok:
	XORL	AX, AX
	RET

TEXT runtime·syscall10X(SB),NOSPLIT,$48
	MOVQ	DI, (4*8)(SP)
	MOVQ	(7*8)(DI), R10
	MOVQ	R10, (0*8)(SP)
	MOVQ	(8*8)(DI), R10
	MOVQ	R10, (1*8)(SP)
	MOVQ	(9*8)(DI), R10
	MOVQ	R10, (2*8)(SP)
	MOVQ	(10*8)(DI), R10
	MOVQ	R10, (3*8)(SP)
	MOVQ	(0*8)(DI), R11
	MOVQ	(2*8)(DI), SI
	MOVQ	(3*8)(DI), DX
	MOVQ	(4*8)(DI), CX
	MOVQ	(5*8)(DI), R8
	MOVQ	(6*8)(DI), R9
	MOVQ	(1*8)(DI), DI
	XORL	AX, AX
	CALL	R11
	MOVQ	(4*8)(SP), DI
	MOVQ	AX, (11*8)(DI)
	MOVQ	DX, (12*8)(DI)
	CMPQ	AX, $-1
	JNE	ok
	CALL	runtime·libc___error_trampoline(SB)
	MOVLQSX	(AX), AX
	MOVQ	(4*8)(SP), DI
	MOVQ	AX, (13*8)(DI)
ok:
	XORL	AX, AX
	RET

// clockPair(args *clockPairArgs): see sys_genode.go.
TEXT runtime·clockPair(SB),NOSPLIT,$16
	MOVQ	DI, (SP)
	MOVQ	(3*8)(DI), AX
	TESTQ	AX, AX
	JZ	mono
	MOVQ	(0*8)(DI), R11
	MOVQ	(1*8)(DI), SI
	MOVL	$0, DI		// CLOCK_REALTIME
	XORL	AX, AX
	CALL	R11
	MOVQ	(SP), DI
	MOVQ	AX, (4*8)(DI)
mono:
	MOVQ	(SP), DI
	MOVQ	(0*8)(DI), R11
	MOVQ	(2*8)(DI), SI
	MOVL	$4, DI		// CLOCK_MONOTONIC
	XORL	AX, AX
	CALL	R11
	XORL	AX, AX
	RET
