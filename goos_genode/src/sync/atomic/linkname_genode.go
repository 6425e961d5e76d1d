// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package atomic

// Genode delivers no fault for a nil address. On genode this package's
// functions are the compiler's intrinsic bodies, which check the address
// explicitly, rather than asm.s's jumps into internal/runtime/atomic. Only
// the three the runtime reaches by linkname keep assembly definitions
// (asm_genode_*.s), which check the address themselves.

// panicNilAddr panics as a nil dereference does.
//
//go:noinline
func panicNilAddr() {
	var p *uintptr
	_ = *p
}
