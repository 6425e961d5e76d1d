//! behaviour: execve of a VFS path holding an image ld.lib.so can load replaces the program: the new image's main
//! behaviour: gets exactly the argv and envp passed (the "#!" rules aside), its return value ends the component, and
//! behaviour: the image is checked only as ld.lib.so checks it (its libc imports need not be the port's table)
//! models: repos/libports/src/lib/libc/execve.cc
//! models: repos/base/src/lib/ldso/main.cc
//! exit: 7
//! stderr: [core_execve] new image argc=3 argv[1]=child argv[2]=two words
//! stderr: [core_execve] env GREETING=hello only=1
//! not-stderr: FAIL
#include "check.h"
extern char **environ;
int main(int argc, char **argv, char **envp)
{
	if (argc > 1 && !strcmp(argv[1], "child")) {
		int n = 0;
		while (envp[n]) n++;
		printf("new image argc=%d argv[1]=%s argv[2]=%s\n", argc, argv[1], argv[2]);
		printf("env %s only=%d\n", envp[0], n == 1 && environ == envp && !strcmp(getenv("GREETING"), "hello"));
		return 7;
	}
	char *args[] = { "core_execve", "child", "two words", NULL };
	char *env[] = { "GREETING=hello", NULL };
	execve("/bin/core_execve", args, env);
	CHECK(!"execve returned");
	DONE();
}
