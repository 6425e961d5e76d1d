//! behaviour: kill to the own pid with the default action (anything but SIGCHLD/SIGWINCH, even signal 0) ends the component with exit code (sig << 8) | 1 after the handlers ran (Linux keeps its low 8 bits: 1)
//! models: repos/libports/src/lib/libc/signal.cc, repos/libports/src/lib/libc/internal/signal.h
//! exit: 1
//! stderr: before
//! not-stderr: after
#include "genode/libc.h"
int main(void)
{
	printf("before\n");
	kill(getpid(), SIGCHLD);   /* ignored by default */
	kill(getpid(), 0);
	printf("after\n");
	return 0;
}
