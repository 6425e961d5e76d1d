//! behaviour: without <arg> nodes main gets argc 0 and argv = { NULL } (argv[0] is not the component name); the
//! behaviour: environment is still the <env> nodes
//! models: repos/libports/include/libc/args.h
//! stderr: [core_argc_zero] argc=0 argv0=null env=ONLY=1 next=null
#include "genode/libc.h"
int main(int argc, char **argv, char **envp)
{
	printf("argc=%d argv0=%s env=%s next=%s\n", argc, argv[0] ? argv[0] : "null", envp[0] ? envp[0] : "null",
	       envp[0] && envp[1] ? envp[1] : "null");
	return 0;
}
