//! behaviour: the main thread's libc stack is 256 KiB of the 1 MiB slot; running past it is an unresolvable page fault, reported by core as "illegal WRITE at address ..." (the model ends the component with status 139)
//! models: repos/libports/src/lib/libc/component.cc, repos/base/src/core/region_map_component.cc
//! exit: 139
//! stderr: Error: illegal WRITE at address 0x402
//! stderr: thread='ep'
#include "genode/libc.h"
static int deep(int n) { volatile char pad[4096]; pad[0] = (char)n; return n ? deep(n - 1) + pad[0] : 0; }
int main(void) { return deep(100); }
