// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

#include "textflag.h"

// See linkname_genode.go.

TEXT ·SwapUintptr(SB),NOSPLIT,$0-24
	MOVQ	addr+0(FP), AX
	TESTQ	AX, AX
	JEQ	2(PC)
	JMP	internal∕runtime∕atomic·Xchguintptr(SB)
	CALL	·panicNilAddr(SB)
	RET

TEXT ·CompareAndSwapUintptr(SB),NOSPLIT,$0-25
	MOVQ	addr+0(FP), AX
	TESTQ	AX, AX
	JEQ	2(PC)
	JMP	internal∕runtime∕atomic·Casuintptr(SB)
	CALL	·panicNilAddr(SB)
	RET

TEXT ·StoreUintptr(SB),NOSPLIT,$0-16
	MOVQ	addr+0(FP), AX
	TESTQ	AX, AX
	JEQ	2(PC)
	JMP	internal∕runtime∕atomic·Storeuintptr(SB)
	CALL	·panicNilAddr(SB)
	RET
