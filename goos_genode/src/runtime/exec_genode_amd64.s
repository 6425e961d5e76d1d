// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// The main thread's loop and process creation (exec_genode.go). All of
// this is C-ABI code: the main thread and the forked child have no g,
// and R14 is never touched.

#include "go_asm.h"
#include "textflag.h"


#define F_SETFD		2
#define FD_CLOEXEC	1

// genodeForkInit creates the handshake's mutex and condition variables
// (called by genodeMain before any other thread exists).
TEXT runtime·genodeForkInit(SB),NOSPLIT|NOFRAME,$0
	SUBQ	$8, SP
	LEAQ	runtime·genodeForkS+genodeForkState_mu(SB), DI
	XORL	SI, SI
	CALL	runtime·libc_pthread_mutex_init_trampoline(SB)
	LEAQ	runtime·genodeForkS+genodeForkState_ask(SB), DI
	XORL	SI, SI
	CALL	runtime·libc_pthread_cond_init_trampoline(SB)
	LEAQ	runtime·genodeForkS+genodeForkState_done(SB), DI
	XORL	SI, SI
	CALL	runtime·libc_pthread_cond_init_trampoline(SB)
	ADDQ	$8, SP
	RET

// genodePump is the main thread's loop (genodeMain jumps here with SP
// 16-byte aligned). It blocks in pthread_cond_wait, inside the libc,
// where Genode's libc kernel executes the other threads' I/O
// (libc/internal/monitor.h, kernel.cc), and wakes for fork requests.
// Locals: 0(SP) a byte, 8(SP) the child's errno, 16(SP) pid or loop
// index, 24(SP) fork's errno.
TEXT runtime·genodePump(SB),NOSPLIT|NOFRAME,$0
	SUBQ	$32, SP
	LEAQ	runtime·genodeForkS+genodeForkState_mu(SB), DI
	CALL	runtime·libc_pthread_mutex_lock_trampoline(SB)
wait:
	MOVQ	runtime·genodeForkS+genodeForkState_state(SB), AX
	CMPQ	AX, $const_genodeForkAsked
	JEQ	serve
	LEAQ	runtime·genodeForkS+genodeForkState_ask(SB), DI
	LEAQ	runtime·genodeForkS+genodeForkState_mu(SB), SI
	CALL	runtime·libc_pthread_cond_wait_trampoline(SB)
	// An emulated signal may have run sigtramp on this thread: wake
	// the netpoller, which delivers pending signals.
	MOVQ	runtime·sigPending(SB), AX
	TESTQ	AX, AX
	JEQ	wait
	MOVL	runtime·sigKickFd(SB), DI
	TESTL	DI, DI
	JS	wait
	LEAQ	0(SP), SI
	MOVB	$0, 0(SI)
	MOVL	$1, DX
	CALL	runtime·libc_write_trampoline(SB)
	JMP	wait

serve:
	LEAQ	runtime·genodeForkS+genodeForkState_mu(SB), DI
	CALL	runtime·libc_pthread_mutex_unlock_trampoline(SB)
	CALL	runtime·libc_fork_trampoline(SB)
	TESTL	AX, AX
	JEQ	child
	MOVLQSX	AX, AX
	MOVQ	AX, 16(SP)
	MOVQ	$0, 24(SP)
	CMPQ	AX, $-1
	JNE	forked
	CALL	runtime·libc___error_trampoline(SB)
	MOVLQSX	(AX), AX
	MOVQ	AX, 24(SP)
forked:
	LEAQ	runtime·genodeForkS+genodeForkState_mu(SB), DI
	CALL	runtime·libc_pthread_mutex_lock_trampoline(SB)
	MOVQ	16(SP), AX
	MOVQ	AX, runtime·genodeForkS+genodeForkState_pid(SB)
	MOVQ	24(SP), AX
	MOVQ	AX, runtime·genodeForkS+genodeForkState_errno(SB)
	MOVQ	$const_genodeForkDone, runtime·genodeForkS+genodeForkState_state(SB)
	LEAQ	runtime·genodeForkS+genodeForkState_done(SB), DI
	CALL	runtime·libc_pthread_cond_broadcast_trampoline(SB)
	JMP	wait

	// The forked child: only libc calls on the request, which lies in
	// the malloc heap the child got a copy of. BX = the request,
	// R12 = its nfd, R13 = the error pipe, R15 = the next free fd above
	// every fd of the plan (as exec_libc2.go computes it). 16(SP) is
	// the loop index.
child:
	MOVQ	runtime·genodeForkS+genodeForkState_req(SB), BX
	MOVQ	genodeForkReq_nfd(BX), R12
	MOVQ	genodeForkReq_errfd(BX), R13
	// R15 = max(nfd, every fd of the plan + 1): pass 1's copies land
	// there and must not overwrite a descriptor pass 2 still needs.
	MOVQ	R12, R15
	MOVQ	genodeForkReq_fds(BX), DX
	XORL	CX, CX
maxloop:
	CMPQ	CX, R12
	JGE	maxdone
	MOVLQSX	(DX)(CX*4), AX
	CMPQ	AX, R15
	JLT	maxnext
	LEAQ	1(AX), R15
maxnext:
	INCQ	CX
	JMP	maxloop
maxdone:
	// Move the error pipe above the plan.
	CMPQ	R13, R15
	JGE	pass1
	MOVL	R13, DI
	MOVL	R15, SI
	CALL	runtime·libc_dup2_trampoline(SB)
	CMPL	AX, $-1
	JEQ	childfail
	MOVL	R15, DI
	MOVL	$F_SETFD, SI
	MOVL	$FD_CLOEXEC, DX
	XORL	AX, AX
	CALL	runtime·libc_fcntl_trampoline(SB)
	MOVQ	R15, R13
	INCQ	R15
pass1:
	// Pass 1: a source fd below its slot would be overwritten by
	// pass 2; move it above the plan first.
	MOVQ	$0, 16(SP)
p1loop:
	MOVQ	16(SP), CX
	CMPQ	CX, R12
	JGE	pass2
	MOVQ	genodeForkReq_fds(BX), DX
	MOVLQSX	(DX)(CX*4), AX
	TESTQ	AX, AX
	JS	p1next
	CMPQ	AX, CX
	JGE	p1next
	CMPQ	R15, R13
	JNE	p1dup
	INCQ	R15
p1dup:
	MOVL	AX, DI
	MOVL	R15, SI
	CALL	runtime·libc_dup2_trampoline(SB)
	CMPL	AX, $-1
	JEQ	childfail
	MOVL	R15, DI
	MOVL	$F_SETFD, SI
	MOVL	$FD_CLOEXEC, DX
	XORL	AX, AX
	CALL	runtime·libc_fcntl_trampoline(SB)
	MOVQ	16(SP), CX
	MOVQ	genodeForkReq_fds(BX), DX
	MOVL	R15, (DX)(CX*4)
	INCQ	R15
p1next:
	INCQ	16(SP)
	JMP	p1loop
pass2:
	// Pass 2: put every fd in its slot; -1 closes the slot.
	MOVQ	$0, 16(SP)
p2loop:
	MOVQ	16(SP), CX
	CMPQ	CX, R12
	JGE	chdir
	MOVQ	genodeForkReq_fds(BX), DX
	MOVLQSX	(DX)(CX*4), AX
	CMPQ	AX, $-1
	JNE	p2keep
	MOVL	CX, DI
	CALL	runtime·libc_close_trampoline(SB)
	JMP	p2next
p2keep:
	CMPQ	AX, CX
	JNE	p2dup
	// Already in place: just let it survive the exec.
	MOVL	CX, DI
	MOVL	$F_SETFD, SI
	XORL	DX, DX
	XORL	AX, AX
	CALL	runtime·libc_fcntl_trampoline(SB)
	JMP	p2next
p2dup:
	MOVL	AX, DI
	MOVL	CX, SI
	CALL	runtime·libc_dup2_trampoline(SB)
	CMPL	AX, $-1
	JEQ	childfail
p2next:
	INCQ	16(SP)
	JMP	p2loop
chdir:
	MOVQ	genodeForkReq_dir(BX), DI
	TESTQ	DI, DI
	JEQ	exec
	CALL	runtime·libc_chdir_trampoline(SB)
	CMPL	AX, $-1
	JEQ	childfail
exec:
	MOVQ	genodeForkReq_path(BX), DI
	MOVQ	genodeForkReq_argv(BX), SI
	MOVQ	genodeForkReq_envp(BX), DX
	CALL	runtime·libc_execve_trampoline(SB)
childfail:
	// errno, as the 8-byte Errno syscall.forkExec reads.
	CALL	runtime·libc___error_trampoline(SB)
	MOVLQSX	(AX), AX
	MOVQ	AX, 8(SP)
	MOVL	R13, DI
	LEAQ	8(SP), SI
	MOVL	$8, DX
	CALL	runtime·libc_write_trampoline(SB)
childexit:
	MOVL	$253, DI
	CALL	runtime·libc__exit_trampoline(SB)
	JMP	childexit

// genodeForkAsk is the asking M's side, entered through libcCall on g0:
// DI = *genodeForkArgs. It blocks (in the libc) until the main thread
// forked.
TEXT runtime·genodeForkAsk(SB),NOSPLIT|NOFRAME,$0
	SUBQ	$24, SP
	MOVQ	DI, 0(SP)
	LEAQ	runtime·genodeForkS+genodeForkState_mu(SB), DI
	CALL	runtime·libc_pthread_mutex_lock_trampoline(SB)
idle:
	MOVQ	runtime·genodeForkS+genodeForkState_state(SB), AX
	CMPQ	AX, $const_genodeForkIdle
	JEQ	ask
	LEAQ	runtime·genodeForkS+genodeForkState_done(SB), DI
	LEAQ	runtime·genodeForkS+genodeForkState_mu(SB), SI
	CALL	runtime·libc_pthread_cond_wait_trampoline(SB)
	JMP	idle
ask:
	MOVQ	0(SP), DI
	MOVQ	genodeForkArgs_req(DI), AX
	MOVQ	AX, runtime·genodeForkS+genodeForkState_req(SB)
	MOVQ	$const_genodeForkAsked, runtime·genodeForkS+genodeForkState_state(SB)
	LEAQ	runtime·genodeForkS+genodeForkState_ask(SB), DI
	CALL	runtime·libc_pthread_cond_signal_trampoline(SB)
result:
	MOVQ	runtime·genodeForkS+genodeForkState_state(SB), AX
	CMPQ	AX, $const_genodeForkDone
	JEQ	got
	LEAQ	runtime·genodeForkS+genodeForkState_done(SB), DI
	LEAQ	runtime·genodeForkS+genodeForkState_mu(SB), SI
	CALL	runtime·libc_pthread_cond_wait_trampoline(SB)
	JMP	result
got:
	MOVQ	0(SP), DI
	MOVQ	runtime·genodeForkS+genodeForkState_pid(SB), AX
	MOVQ	AX, genodeForkArgs_pid(DI)
	MOVQ	runtime·genodeForkS+genodeForkState_errno(SB), AX
	MOVQ	AX, genodeForkArgs_errno(DI)
	MOVQ	$const_genodeForkIdle, runtime·genodeForkS+genodeForkState_state(SB)
	MOVQ	$0, runtime·genodeForkS+genodeForkState_req(SB)
	LEAQ	runtime·genodeForkS+genodeForkState_done(SB), DI
	CALL	runtime·libc_pthread_cond_broadcast_trampoline(SB)
	LEAQ	runtime·genodeForkS+genodeForkState_mu(SB), DI
	CALL	runtime·libc_pthread_mutex_unlock_trampoline(SB)
	ADDQ	$24, SP
	XORL	AX, AX
	RET
