//! behaviour: main(argc, argv, envp) is called by posix.lib.so on the main thread's libc stack in the stack area (slot above the initial thread and the entrypoint), with the config's args and env; getpid is 0 without <libc pid>; exit status is main's return value
//! models: repos/libports/src/lib/posix/construct.cc, repos/libports/src/lib/libc/internal/kernel.h, repos/libports/src/lib/libc/component.cc, repos/libports/src/lib/libc/fork.cc
//! exit: 7
//! stderr: PASS
#include "check.h"
int main(int argc, char **argv, char **envp)
{
	int local;
	unsigned long sp = (unsigned long)&local;
	CHECK(sp >= 0x40000000UL && sp < 0x50000000UL);
	CHECK(sp >= 0x40200000UL && sp < 0x40300000UL);   /* slot 2: after the initial thread and "ep" */
	CHECK(argc == 2);
	CHECK(strcmp(argv[0], "core_startup") == 0 && strcmp(argv[1], "two") == 0 && argv[2] == NULL);
	CHECK(envp[0] && strcmp(envp[0], "GREETING=hi") == 0 && envp[1] == NULL);
	CHECK(getenv("GREETING") && strcmp(getenv("GREETING"), "hi") == 0);
	CHECK(getenv("GENODE_MODEL_CONFIG") == NULL);
	CHECK(getpid() == 0);
	CHECK(getppid() == -1);
	CHECK(issetugid() == 1);
	CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0);
	if (check_fails) return 1;
	printf("PASS\n");
	return 7;
}
