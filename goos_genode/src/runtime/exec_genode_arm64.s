// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// The main thread's loop and process creation (exec_genode.go). All of
// this is C-ABI code (AAPCS64): the main thread and the forked child
// have no g, and R28 is never touched. Frames are made by hand (NOFRAME):
// a Go frame keeps the caller's R29 below RSP, where a C callee writes.
// R27 is the assembler's scratch register and R16-R18 are not ours, so
// values that live across libc calls are in R19-R25.

#include "go_asm.h"
#include "textflag.h"

#define F_SETFD		2
#define FD_CLOEXEC	1

// genodeForkInit creates the handshake's mutex and condition variables
// (called by genodeMain before any other thread exists).
TEXT runtime·genodeForkInit(SB),NOSPLIT|NOFRAME,$0
	SUB	$16, RSP
	MOVD	R30, 0(RSP)
	MOVD	$runtime·genodeForkS+genodeForkState_mu(SB), R0
	MOVD	ZR, R1
	BL	runtime·libc_pthread_mutex_init_trampoline(SB)
	MOVD	$runtime·genodeForkS+genodeForkState_ask(SB), R0
	MOVD	ZR, R1
	BL	runtime·libc_pthread_cond_init_trampoline(SB)
	MOVD	$runtime·genodeForkS+genodeForkState_done(SB), R0
	MOVD	ZR, R1
	BL	runtime·libc_pthread_cond_init_trampoline(SB)
	MOVD	0(RSP), R30
	ADD	$16, RSP
	RET

// genodePump is the main thread's loop (genodeMain branches here with
// RSP 16-byte aligned; it never returns). It blocks in pthread_cond_wait,
// inside the libc, where Genode's libc kernel executes the other
// threads' I/O (libc/internal/monitor.h, kernel.cc), and wakes for fork
// requests. Locals: 0(RSP) a byte, 8(RSP) the child's errno.
// Parent: R19 = fork's result, R20 = its errno. Child: R19 = the
// request, R20 = its nfd, R21 = the error pipe, R22 = the next free fd
// above every fd of the plan (as exec_libc2.go computes it), R23 = the
// loop index, R24 = the plan.
TEXT runtime·genodePump(SB),NOSPLIT|NOFRAME,$0
	SUB	$32, RSP
	MOVD	$runtime·genodeForkS+genodeForkState_mu(SB), R0
	BL	runtime·libc_pthread_mutex_lock_trampoline(SB)
wait:
	MOVD	runtime·genodeForkS+genodeForkState_state(SB), R0
	CMP	$const_genodeForkAsked, R0
	BEQ	serve
	MOVD	$runtime·genodeForkS+genodeForkState_ask(SB), R0
	MOVD	$runtime·genodeForkS+genodeForkState_mu(SB), R1
	BL	runtime·libc_pthread_cond_wait_trampoline(SB)
	// An emulated signal may have run sigtramp on this thread: wake
	// the netpoller, which delivers pending signals.
	MOVD	runtime·sigPending(SB), R0
	CBZ	R0, wait
	MOVW	runtime·sigKickFd(SB), R0
	CMP	$0, R0
	BLT	wait
	MOVD	RSP, R1
	MOVB	ZR, (R1)
	MOVD	$1, R2
	BL	runtime·libc_write_trampoline(SB)
	B	wait

serve:
	MOVD	$runtime·genodeForkS+genodeForkState_mu(SB), R0
	BL	runtime·libc_pthread_mutex_unlock_trampoline(SB)
	BL	runtime·libc_fork_trampoline(SB)
	CBZW	R0, child
	SXTW	R0, R19
	MOVD	ZR, R20
	CMP	$-1, R19
	BNE	forked
	BL	runtime·libc___error_trampoline(SB)
	MOVW	(R0), R20
forked:
	MOVD	$runtime·genodeForkS+genodeForkState_mu(SB), R0
	BL	runtime·libc_pthread_mutex_lock_trampoline(SB)
	MOVD	R19, runtime·genodeForkS+genodeForkState_pid(SB)
	MOVD	R20, runtime·genodeForkS+genodeForkState_errno(SB)
	MOVD	$const_genodeForkDone, R0
	MOVD	R0, runtime·genodeForkS+genodeForkState_state(SB)
	MOVD	$runtime·genodeForkS+genodeForkState_done(SB), R0
	BL	runtime·libc_pthread_cond_broadcast_trampoline(SB)
	B	wait

	// The forked child: only libc calls on the request, which lies in
	// the malloc heap the child got a copy of.
child:
	MOVD	runtime·genodeForkS+genodeForkState_req(SB), R19
	MOVD	genodeForkReq_nfd(R19), R20
	MOVD	genodeForkReq_errfd(R19), R21
	MOVD	genodeForkReq_fds(R19), R24
	// R22 = max(nfd, every fd of the plan + 1): pass 1's copies land
	// there and must not overwrite a descriptor pass 2 still needs.
	MOVD	R20, R22
	MOVD	ZR, R23
maxloop:
	CMP	R20, R23
	BGE	maxdone
	MOVW	(R24)(R23<<2), R0
	CMP	R22, R0
	BLT	maxnext
	ADD	$1, R0, R22
maxnext:
	ADD	$1, R23
	B	maxloop
maxdone:
	// Move the error pipe above the plan.
	CMP	R22, R21
	BGE	pass1
	MOVD	R21, R0
	MOVD	R22, R1
	BL	runtime·libc_dup2_trampoline(SB)
	CMPW	$-1, R0
	BEQ	childfail
	MOVD	R22, R0
	MOVD	$F_SETFD, R1
	MOVD	$FD_CLOEXEC, R2
	BL	runtime·libc_fcntl_trampoline(SB)
	MOVD	R22, R21
	ADD	$1, R22
pass1:
	// Pass 1: a source fd below its slot would be overwritten by
	// pass 2; move it above the plan first.
	MOVD	ZR, R23
p1loop:
	CMP	R20, R23
	BGE	pass2
	MOVW	(R24)(R23<<2), R0
	CMP	$0, R0
	BLT	p1next
	CMP	R23, R0
	BGE	p1next
	CMP	R21, R22
	BNE	p1dup
	ADD	$1, R22
p1dup:
	MOVD	R22, R1
	BL	runtime·libc_dup2_trampoline(SB)
	CMPW	$-1, R0
	BEQ	childfail
	MOVD	R22, R0
	MOVD	$F_SETFD, R1
	MOVD	$FD_CLOEXEC, R2
	BL	runtime·libc_fcntl_trampoline(SB)
	MOVW	R22, (R24)(R23<<2)
	ADD	$1, R22
p1next:
	ADD	$1, R23
	B	p1loop
pass2:
	// Pass 2: put every fd in its slot; -1 closes the slot.
	MOVD	ZR, R23
p2loop:
	CMP	R20, R23
	BGE	chdir
	MOVW	(R24)(R23<<2), R0
	CMP	$-1, R0
	BNE	p2keep
	MOVD	R23, R0
	BL	runtime·libc_close_trampoline(SB)
	B	p2next
p2keep:
	CMP	R23, R0
	BNE	p2dup
	// Already in place: just let it survive the exec.
	MOVD	$F_SETFD, R1
	MOVD	ZR, R2
	BL	runtime·libc_fcntl_trampoline(SB)
	B	p2next
p2dup:
	MOVD	R23, R1
	BL	runtime·libc_dup2_trampoline(SB)
	CMPW	$-1, R0
	BEQ	childfail
p2next:
	ADD	$1, R23
	B	p2loop
chdir:
	MOVD	genodeForkReq_dir(R19), R0
	CBZ	R0, exec
	BL	runtime·libc_chdir_trampoline(SB)
	CMPW	$-1, R0
	BEQ	childfail
exec:
	MOVD	genodeForkReq_path(R19), R0
	MOVD	genodeForkReq_argv(R19), R1
	MOVD	genodeForkReq_envp(R19), R2
	BL	runtime·libc_execve_trampoline(SB)
childfail:
	// errno, as the 8-byte Errno syscall.forkExec reads.
	BL	runtime·libc___error_trampoline(SB)
	MOVW	(R0), R0
	MOVD	R0, 8(RSP)
	MOVD	R21, R0
	ADD	$8, RSP, R1
	MOVD	$8, R2
	BL	runtime·libc_write_trampoline(SB)
childexit:
	MOVD	$253, R0
	BL	runtime·libc__exit_trampoline(SB)
	B	childexit

// genodeForkAsk is the asking M's side, entered through libcCall on g0:
// R0 = *genodeForkArgs. It blocks (in the libc) until the main thread
// forked. Locals: 8(RSP) the caller's R19, 16(RSP) LR; R19 = the args.
TEXT runtime·genodeForkAsk(SB),NOSPLIT|NOFRAME,$0
	SUB	$32, RSP
	MOVD	R19, 8(RSP)
	MOVD	R30, 16(RSP)
	MOVD	R0, R19
	MOVD	$runtime·genodeForkS+genodeForkState_mu(SB), R0
	BL	runtime·libc_pthread_mutex_lock_trampoline(SB)
idle:
	MOVD	runtime·genodeForkS+genodeForkState_state(SB), R0
	CMP	$const_genodeForkIdle, R0
	BEQ	ask
	MOVD	$runtime·genodeForkS+genodeForkState_done(SB), R0
	MOVD	$runtime·genodeForkS+genodeForkState_mu(SB), R1
	BL	runtime·libc_pthread_cond_wait_trampoline(SB)
	B	idle
ask:
	MOVD	genodeForkArgs_req(R19), R0
	MOVD	R0, runtime·genodeForkS+genodeForkState_req(SB)
	MOVD	$const_genodeForkAsked, R0
	MOVD	R0, runtime·genodeForkS+genodeForkState_state(SB)
	MOVD	$runtime·genodeForkS+genodeForkState_ask(SB), R0
	BL	runtime·libc_pthread_cond_signal_trampoline(SB)
result:
	MOVD	runtime·genodeForkS+genodeForkState_state(SB), R0
	CMP	$const_genodeForkDone, R0
	BEQ	got
	MOVD	$runtime·genodeForkS+genodeForkState_done(SB), R0
	MOVD	$runtime·genodeForkS+genodeForkState_mu(SB), R1
	BL	runtime·libc_pthread_cond_wait_trampoline(SB)
	B	result
got:
	MOVD	runtime·genodeForkS+genodeForkState_pid(SB), R0
	MOVD	R0, genodeForkArgs_pid(R19)
	MOVD	runtime·genodeForkS+genodeForkState_errno(SB), R0
	MOVD	R0, genodeForkArgs_errno(R19)
	MOVD	$const_genodeForkIdle, R0
	MOVD	R0, runtime·genodeForkS+genodeForkState_state(SB)
	MOVD	ZR, runtime·genodeForkS+genodeForkState_req(SB)
	MOVD	$runtime·genodeForkS+genodeForkState_done(SB), R0
	BL	runtime·libc_pthread_cond_broadcast_trampoline(SB)
	MOVD	$runtime·genodeForkS+genodeForkState_mu(SB), R0
	BL	runtime·libc_pthread_mutex_unlock_trampoline(SB)
	MOVD	8(RSP), R19
	MOVD	16(RSP), R30
	ADD	$32, RSP
	MOVD	ZR, R0
	RET
