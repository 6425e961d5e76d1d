//! behaviour: execve resolves the path in the component's VFS: a path that does not exist there fails with ENOENT and a warning, and the component continues
//! models: repos/libports/src/lib/libc/execve.cc
//! stderr: Warning: execve: executable binary '/bin/nothing' does not exist
//! stderr: PASS
#include "check.h"
int main(void)
{
	char *argv[] = { "nothing", NULL };
	char *envp[] = { NULL };
	errno = 0;
	CHECK(execve("/bin/nothing", argv, envp) == -1 && errno == ENOENT);
	DONE();
}
