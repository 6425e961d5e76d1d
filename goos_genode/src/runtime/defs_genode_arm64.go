// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// FreeBSD 12 arm64 machine context (machine/ucontext.h, sys/_ucontext.h).
// Genode never fills one in (handlers get NULL); the runtime hands its
// signal code a zeroed one, so only the layout's shape matters.

package runtime

type gpregs struct {
	gp_x    [30]uint64
	gp_lr   uint64
	gp_sp   uint64
	gp_elr  uint64
	gp_spsr uint32
	gp_pad  int32
}

type fpregs struct {
	fp_q     [64]uint64 // [32]__uint128_t
	fp_sr    uint32
	fp_cr    uint32
	fp_flags int32
	fp_pad   int32
}

type mcontext struct {
	mc_gpregs gpregs
	mc_fpregs fpregs
	mc_flags  int32
	mc_pad    int32
	mc_spare  [8]uint64
}

type ucontext struct {
	uc_sigmask  sigset
	uc_mcontext mcontext
	uc_link     *ucontext
	uc_stack    stackt
	uc_flags    int32
	__spare__   [4]int32
	pad_cgo_0   [12]byte
}
