//! behaviour: execve of a "#!" script runs its interpreter with the interpreter's path as argv[0], the words after
//! behaviour: it, the script's path, then the caller's arguments without the caller's argv[0]
//! models: repos/libports/src/lib/libc/execve.cc
//! exit: 5
//! stderr: [core_execve_script] argc=6 /bin/core_execve_script|-i|two|/s/script|a|b c
//! not-stderr: FAIL
#include "check.h"
int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "-i")) {
		printf("argc=%d %s|%s|%s|%s|%s|%s\n", argc, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5]);
		return 5;
	}
	char *args[] = { "the-callers-argv0", "a", "b c", NULL };
	char *env[] = { NULL };
	execve("/s/script", args, env);
	CHECK(!"execve returned");
	DONE();
}
