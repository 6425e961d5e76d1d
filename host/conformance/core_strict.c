//! behaviour: every warning Genode's libc logs is printed in Genode's style and counted; in strict mode the first one ends the run (status 3), so tests see warnings
//! models: repos/libports/src/lib/libc/dummies.cc, repos/base/include/base/log.h
//! strict: yes
//! exit: 3
//! stderr: Warning: sched_yield: sched_yield not implemented
//! not-stdout: NOT REACHED
#include "check.h"
int main(void)
{
	sched_yield();
	printf("NOT REACHED\n");
	return 0;
}
