//! behaviour: a libc call on a stack outside the stack area cannot work on Genode (pthread_self and errno are found from the stack pointer's stack-area slot); the model ends the component naming the function
//! models: repos/libports/src/lib/libc/pthread.cc, repos/libports/src/lib/libc/errno.cc, repos/base/src/include/base/internal/stack_area.h
//! exit: 134
//! stderr: libc function 'getpid' called on a stack outside the stack area
//! not-stderr: returned
#include "genode/libc.h"
static char alien_stack[65536] __attribute__((aligned(16)));
static void on_alien(void) { getpid(); printf("returned\n"); }
int main(void)
{
	void *top = alien_stack + sizeof alien_stack;
#if defined(__aarch64__)
	__asm__ volatile("mov x19, sp; mov sp, %0; blr %1; mov sp, x19"
	                 :: "r"(top), "r"(on_alien) : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	                    "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x30", "memory");
#else
	__asm__ volatile("mov %%rsp, %%rbx; mov %0, %%rsp; call *%1; mov %%rbx, %%rsp"
	                 :: "r"(top), "r"(on_alien) : "rbx", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
#endif
	return 0;
}
