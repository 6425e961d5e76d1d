//! behaviour: anonymous mmap memory is a block of the libc's Mem_alloc, whose chunks core's region map attaches at the best-fitting (smallest) free range of the address space, naturally aligned if possible: the first blocks lie low, below the binary's linker area (ld.lib.so below, the linker area at 16 MiB), a chunk too big for that hole goes between the linker area (350 MiB) and the stack area at 0x40000000; munmap gives the block back to the Mem_alloc, so the next mmap of that size gets the same (zeroed) block; MAP_ALIGNED(n) is honoured
//! models: repos/libports/src/lib/libc/file_operations.cc, repos/libports/src/lib/libc/libc_mem_alloc.cc, repos/base/src/core/region_map_component.cc, repos/base/src/lib/base/allocator_avl.cc, repos/base/include/pd_session/pd_session.h
//! stderr: PASS
#include "check.h"
int main(void)
{
	unsigned long bin = 0x1000000UL, linker_end = bin + (350UL << 20), stack_area = 0x40000000UL;
	char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK((unsigned long)p < bin);                 /* the smallest hole: below the binary */
	p[0] = 7;
	CHECK(munmap(p, 4096) == 0);
	char *q = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	CHECK(q == p && q[0] == 0);                    /* the same block again, zeroed */
	char *a = mmap(0, 4UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON | MAP_ALIGNED(22), -1, 0);
	CHECK(a != MAP_FAILED && ((unsigned long)a & ((4UL << 20) - 1)) == 0);
	char *big = mmap(0, 32UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	CHECK(big != MAP_FAILED);
	CHECK((unsigned long)big >= linker_end && (unsigned long)big + (32UL << 20) <= stack_area);
	big[(32UL << 20) - 1] = 1;
	DONE();
}
