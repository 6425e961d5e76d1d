//! behaviour: anonymous mmap ignores the hint and PROT_NONE (memory is zeroed, readable and writable), MAP_FIXED -> EINVAL with an error; munmap/msync find a mapping by its exact start only (else warning + EINVAL) and munmap frees the whole mapping whatever the length; mprotect -> ENOSYS with a warning; madvise(MADV_DONTNEED) -> 0, other advice -> ENOSYS with a warning
//! models: repos/libports/src/lib/libc/file_operations.cc, repos/libports/src/lib/libc/dummies.cc, repos/libports/src/lib/libc/internal/mmap_registry.h
//! stderr: PASS
//! stderr: Error: mmap for fixed predefined address not supported yet
//! stderr: Warning: munmap: could not lookup plugin for address
//! stderr: Warning: mprotect: mprotect not implemented
//! stderr: Warning: madvise called, not implemented
#include "check.h"
int main(void)
{
	char *hint = (char *)0x200000000UL;
	char *p = mmap(hint, 3 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANON, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(p != hint);
	CHECK(p[0] == 0 && p[3 * 4096 - 1] == 0);
	p[5] = 42;                                   /* PROT_NONE is ignored */
	CHECK(p[5] == 42);
	errno = 0;
	CHECK(mmap(hint, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(munmap(p + 4096, 4096) == -1 && errno == EINVAL);
	CHECK(msync(p + 4096, 4096, MS_SYNC) == -1 && errno == EINVAL);
	CHECK(msync(p, 4096, MS_SYNC) == 0);
	errno = 0;
	CHECK(mprotect(p, 4096, PROT_READ) == -1 && errno == ENOSYS);
	CHECK(madvise(p, 4096, MADV_DONTNEED) == 0);
	errno = 0;
	CHECK(madvise(p, 4096, MADV_FREE) == -1 && errno == ENOSYS);
	CHECK(munmap(p, 4096) == 0);                 /* the whole 12 KiB mapping goes */
	errno = 0;
	CHECK(munmap(p, 3 * 4096) == -1 && errno == EINVAL);
	DONE();
}
