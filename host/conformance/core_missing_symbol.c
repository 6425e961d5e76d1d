//! behaviour: a binary that imports a function Genode's libc lacks (here wait4, defined in fork.cc but not in the ABI symbol list) cannot be linked at start: ld.lib.so reports the symbol and the component does not run
//! models: repos/libports/lib/symbols/libc, repos/base/src/lib/ldso/main.cc
//! exit: 127
//! stderr: symbol: 'wait4'
//! not-stderr: main runs
#include "genode/libc.h"
/* declared weak so that the static link succeeds against the model's libc, which does not export it */
extern int wait4(int, int *, int, void *) __attribute__((weak));
int main(void)
{
	printf("main runs\n");
	return wait4 ? wait4(-1, NULL, 0, NULL) : 0;
}
