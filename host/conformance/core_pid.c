//! behaviour: getpid returns <libc pid="..."> and kill to that pid is local
//! models: repos/libports/src/lib/libc/fork.cc, repos/libports/src/lib/libc/internal/config.h, repos/libports/src/lib/libc/signal.cc
//! stderr: PASS
#include "check.h"
static volatile int got;
static void h(int s) { got = s; }
int main(void)
{
	CHECK(getpid() == 42);
	signal(SIGUSR1, h);
	CHECK(kill(42, SIGUSR1) == 0 && got == SIGUSR1);
	CHECK(kill(0, SIGUSR1) == -1 && errno == EPERM);
	DONE();
}
