//! behaviour: a page fault the component cannot resolve is reported by core as "Error: illegal WRITE at address 0x0 by pager_object: pd='init -> NAME' thread='...' ip=..." (the model then ends the component with status 139)
//! models: repos/base/src/core/region_map_component.cc, repos/base/src/core/include/pager.h
//! exit: 139
//! stderr: Error: illegal WRITE at address 0x10 by pager_object: pd='init -> core_fault' thread='pthread.0'
#include "genode/libc.h"
static void *crash(void *p) { *(volatile int *)((char *)p + 16) = 1; return NULL; }
int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, crash, NULL);
	pthread_join(t, NULL);
	return 0;
}
