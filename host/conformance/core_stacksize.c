//! behaviour: pthread_attr_setstacksize refuses < 4096 with EINVAL, clamps > 1 MiB - 16 KiB with a warning, rounds to 4 KiB; the default is Libc::Component::stack_size() = 256 KiB; a thread's stack really has the requested size (overflowing it faults)
//! models: repos/libports/src/lib/libc/pthread.cc, repos/libports/src/lib/libc/component.cc
//! stderr: PASS
//! stderr: pthread_attr_setstacksize: requested stack size is 2097152 limiting to 1032192
#include "check.h"
int main(void)
{
	pthread_attr_t a;
	size_t s = 0;
	CHECK(pthread_attr_init(&a) == 0);
	CHECK(pthread_attr_getstacksize(&a, &s) == 0 && s == 256 * 1024);
	CHECK(pthread_attr_setstacksize(&a, 1000) == EINVAL);
	CHECK(pthread_attr_setstacksize(&a, 2 * 1024 * 1024) == 0);
	CHECK(pthread_attr_getstacksize(&a, &s) == 0 && s == 1024 * 1024 - 16 * 1024);
	CHECK(pthread_attr_setstacksize(&a, 5000) == 0);
	CHECK(pthread_attr_getstacksize(&a, &s) == 0 && s == 8192);
	DONE();
}
