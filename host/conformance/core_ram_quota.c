//! behaviour: anonymous mmap commits RAM at once against the component's quota; exhausting it makes the component issue a resource request to its parent (init logs it) and block; the model ends it with status 137
//! models: repos/libports/src/lib/libc/file_operations.cc, repos/libports/src/lib/libc/libc_mem_alloc.cc, repos/base/src/include/base/internal/expanding_parent_client.h, repos/os/src/lib/sandbox/child.cc
//! exit: 137
//! stderr: [init] child "core_ram_quota" requests resources: ram_quota=
//! stderr: first ok
//! not-stderr: second ok
#include "genode/libc.h"
int main(void)
{
	char *a = mmap(NULL, 1024 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	if (a != MAP_FAILED) printf("first ok\n");
	char *b = mmap(NULL, 8 * 1024 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	if (b != MAP_FAILED) printf("second ok\n");
	return 0;
}
