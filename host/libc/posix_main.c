/*
 * posix.lib.so: Genode's exports only Libc::Component::construct, which calls the program's main
 * (repos/libports/src/lib/posix/construct.cc, lib/symbols/posix). The model's constructor runs after
 * libc.lib.so's and hands main to the libc's start-up, which calls it on the main thread's stack-area stack.
 */
#include <dlfcn.h>
#include <stddef.h>

void __model_component_start(int (*main_fn)(int, char **, char **));
void __model_missing_main(void);

/* The mangled name of Libc::Component::construct(Libc::Env &), as Genode's posix.lib.so exports it. */
void _ZN4Libc9Component9constructERNS_3EnvE(void *env)
{
	(void)env;
	int (*main_fn)(int, char **, char **) = (int (*)(int, char **, char **))dlsym(RTLD_DEFAULT, "main");
	if (!main_fn) __model_missing_main();
	__model_component_start(main_fn);
}

__attribute__((constructor))
static void posix_init(void)
{
	_ZN4Libc9Component9constructERNS_3EnvE(NULL);
}
