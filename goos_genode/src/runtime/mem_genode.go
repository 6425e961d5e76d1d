// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package runtime

import (
	"internal/runtime/atomic"
	"unsafe"
)

// Genode's anonymous mmap (libc/file_operations.cc) allocates from the
// libc's memory allocator: the memory is committed RAM charged to the
// component's quota and zeroed at once, whatever prot says (PROT_NONE
// reserves nothing); the address hint is ignored and MAP_FIXED fails;
// munmap takes only the exact start of a mapping and frees all of it,
// whatever the length; mprotect is ENOSYS; madvise(MADV_DONTNEED) is a
// silent no-op (libc/dummies.cc). So:
//   - reserving is committing (malloc.go keeps the reservations small for
//     genode: 40-bit heap addresses, 4 MiB arenas, no hints);
//   - mapping reserved memory is a no-op: it is already read-write;
//   - memory cannot be given back except by freeing a whole mapping, and
//     a partial free (sysReserveAligned trims its slack that way) must
//     not reach munmap, which would free the whole mapping. The runtime
//     records its mappings and unmaps only exact ones.

// genodeMappings records (start, length) of the runtime's mappings.
// A full table only means some mappings can never be unmapped.
var genodeMappings struct {
	lock atomic.Uint32 // spin lock: users may run without a g
	n    int
	m    [512]struct{ base, len uintptr }
}

//go:nosplit
func genodeMappingsLock() {
	for !genodeMappings.lock.CompareAndSwap(0, 1) {
		procyield(16)
	}
}

//go:nosplit
func genodeMappingsUnlock() {
	genodeMappings.lock.Store(0)
}

// _MAP_ALIGNED(n) asks for 1<<n alignment (FreeBSD's flag bits 24..31,
// honoured by Genode's mmap: file_operations.cc).
const _MAP_ALIGNMENT_SHIFT = 24

//go:nosplit
func genodeMapAnon(n uintptr) unsafe.Pointer {
	flags := int32(_MAP_ANON | _MAP_PRIVATE)
	// Heap arenas must be heapArenaBytes-aligned. Without asking, the
	// libc's allocator hands out a block just past its chunk's metadata,
	// and sysReserveAligned would then reserve twice the size and trim
	// it, which Genode cannot: the slack would stay committed for good.
	// Aligned by the libc, the slack of its chunk serves later mmaps.
	if n >= heapArenaBytes && n%heapArenaBytes == 0 {
		flags |= logHeapArenaBytes << _MAP_ALIGNMENT_SHIFT
	}
	p, err := mmap(nil, n, _PROT_READ|_PROT_WRITE, flags, -1, 0)
	if err != 0 {
		return nil
	}
	genodeMappingsLock()
	if genodeMappings.n < len(genodeMappings.m) {
		genodeMappings.m[genodeMappings.n].base = uintptr(p)
		genodeMappings.m[genodeMappings.n].len = n
		genodeMappings.n++
	}
	genodeMappingsUnlock()
	return p
}

// Don't split the stack as this function may be invoked without a valid G,
// which prevents us from allocating more stack.
//
//go:nosplit
func sysAllocOS(n uintptr, _ string) unsafe.Pointer {
	return genodeMapAnon(n)
}

// The memory stays committed and keeps its contents.
func sysUnusedOS(v unsafe.Pointer, n uintptr) {
}

func sysUsedOS(v unsafe.Pointer, n uintptr) {
}

func sysHugePageOS(v unsafe.Pointer, n uintptr) {
}

func sysNoHugePageOS(v unsafe.Pointer, n uintptr) {
}

func sysHugePageCollapseOS(v unsafe.Pointer, n uintptr) {
}

// Don't split the stack as this function may be invoked without a valid G,
// which prevents us from allocating more stack.
//
//go:nosplit
func sysFreeOS(v unsafe.Pointer, n uintptr) {
	whole := false
	genodeMappingsLock()
	for i := 0; i < genodeMappings.n; i++ {
		e := &genodeMappings.m[i]
		if e.base == uintptr(v) && e.len == n {
			genodeMappings.n--
			*e = genodeMappings.m[genodeMappings.n]
			whole = true
			break
		}
	}
	genodeMappingsUnlock()
	if whole {
		munmap(v, n)
	}
	// Otherwise part of a mapping: it stays committed (and zeroed
	// again by the runtime if reused).
}

// sysFaultOS would make the range inaccessible; Genode has no mprotect.
func sysFaultOS(v unsafe.Pointer, n uintptr) {
}

// sysReserveOS ignores the hint v (Genode ignores it too) and returns
// committed, zeroed memory.
func sysReserveOS(v unsafe.Pointer, n uintptr, _ string) unsafe.Pointer {
	return genodeMapAnon(n)
}

func sysMapOS(v unsafe.Pointer, n uintptr, _ string) {
}

// Memory handed back with sysUnusedOS keeps its old contents.
func needZeroAfterSysUnusedOS() bool {
	return true
}
