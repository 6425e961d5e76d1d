// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build genode

package unix

import _ "unsafe" // for linkname

// The helpers that call a libc function through its trampoline, on the g0
// stack, returning errno when it failed. The genode runtime provides them
// under package syscall's names (runtime/sys_genode.go); the wrappers in
// zsyscall_genode.go call them with a libc_X_trampoline_addr.
//
//go:linkname syscall_syscall syscall.syscall
//go:linkname syscall_syscall6 syscall.syscall6
//go:linkname syscall_syscall6X syscall.syscall6X
//go:linkname syscall_syscall10 syscall.syscall10
//go:linkname syscall_syscall10X syscall.syscall10X
//go:linkname syscall_syscallPtr syscall.syscallPtr
//go:linkname syscall_rawSyscall syscall.rawSyscall
//go:linkname syscall_rawSyscall6 syscall.rawSyscall6
//go:linkname syscall_rawSyscall6X syscall.rawSyscall6X
//go:linkname syscall_rawSyscall10X syscall.rawSyscall10X

// syscall, syscall6, syscall10 and the raw forms test a 32-bit -1 (C int
// results); the X forms a 64-bit -1 (ssize_t, off_t, long); syscallPtr
// NULL.
func syscall_syscall(fn, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)
func syscall_syscall6(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
func syscall_syscall6X(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
func syscall_syscall10(fn, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 uintptr) (r1, r2 uintptr, err Errno)
func syscall_syscall10X(fn, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 uintptr) (r1, r2 uintptr, err Errno)
func syscall_syscallPtr(fn, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)
func syscall_rawSyscall(fn, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)
func syscall_rawSyscall6(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
func syscall_rawSyscall6X(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
func syscall_rawSyscall10X(fn, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 uintptr) (r1, r2 uintptr, err Errno)

// Syscall9 exists for the BSDs' callers: like Syscall, asm_bsd_*.s jumps to
// package syscall's, which fails with ENOSYS for every number it does not
// map onto a libc function (Genode has no system-call numbers).
func Syscall9(trap, a1, a2, a3, a4, a5, a6, a7, a8, a9 uintptr) (r1, r2 uintptr, err Errno)
