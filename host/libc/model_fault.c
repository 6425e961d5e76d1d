/*
 * Real faults. Genode's core reports an unresolvable page fault of a component as
 *   Error: illegal READ at address 0x0 by pager_object: pd='init -> NAME' thread='ep' ip=0x...
 * (repos/base/src/core/region_map_component.cc, include/pager.h, include/types.h) and the faulting thread stays
 * blocked. The model prints that line for SIGSEGV/SIGBUS and base-hw's "unresolvable exception" line for
 * SIGILL/SIGFPE (repos/base-hw/src/core/pager.cc), then ends the component with status 139.
 * This file uses glibc's <signal.h> types for the host side; it calls glibc through the glibc table.
 */
#include "model.h"
#include <signal.h>
#include <ucontext.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <string.h>

#if defined(__aarch64__)
/*
 * arm64 has no x86 error code: the kernel's ESR record in the signal frame says instruction fetch (EC 0x20/0x21)
 * or the data abort's WnR bit. qemu-user writes no ESR record; then the faulting instruction says it: a store of
 * the load/store group (one register: opc 00, or opc x0 for SIMD&FP; otherwise L clear).
 */
static unsigned long fault_err(ucontext_t *uc, unsigned long ip, unsigned long addr)
{
	unsigned char *p = (unsigned char *)uc->uc_mcontext.__reserved;
	unsigned char *end = p + sizeof uc->uc_mcontext.__reserved;
	while (p + 8 <= end) {
		unsigned magic = *(unsigned *)p, size = *(unsigned *)(p + 4);
		if (!magic || size < 8) break;
		if (magic == 0x45535201 && size >= 16) {   /* ESR_MAGIC */
			unsigned long esr = *(unsigned long *)(p + 8), ec = esr >> 26;
			if (ec == 0x20 || ec == 0x21) return 16;
			return (ec == 0x24 || ec == 0x25) && (esr & 64) ? 2 : 0;
		}
		p += size;
	}
	if (addr == ip) return 16;
	unsigned insn = *(unsigned *)ip;
	if ((insn & 0x0a000000) != 0x08000000) return 0;                       /* not a load or store */
	if ((insn & 0x38000000) == 0x38000000)                                   /* one register */
		return (insn & ((insn & 0x04000000) ? 0x00400000 : 0x00c00000)) ? 0 : 2;
	return (insn & 0x00400000) ? 0 : 2;                                      /* pair, exclusive, vector */
}
#endif

static void fault(int sig, siginfo_t *info, void *ctx)
{
	ucontext_t *uc = ctx;
	/* the x86 error code's bits: 2 a write, 16 an instruction fetch */
#if defined(__aarch64__)
	unsigned long ip = (unsigned long)uc->uc_mcontext.pc;
	unsigned long err = sig == SIGSEGV || sig == SIGBUS ? fault_err(uc, ip, (unsigned long)info->si_addr) : 0;
#else
	unsigned long ip = (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
	unsigned long err = (unsigned long)uc->uc_mcontext.gregs[REG_ERR];
#endif
	unsigned long addr = (unsigned long)info->si_addr;
	const char *thread = model_cur ? model_cur->name : "ep";
	char buf[512];
	int n;
	if (sig == SIGSEGV || sig == SIGBUS) {
		const char *access = (addr == ip || (err & 16)) ? "EXEC" : (err & 2) ? "WRITE" : "READ";
		n = snprintf_int(buf, sizeof buf, "\033[31mError: illegal %s at address 0x%lx by pager_object: "
		                 "pd='init -> %s' thread='%s' ip=0x%lx\033[0m\n", access, addr, model_cfg.component,
		                 thread, ip);
	} else
		n = snprintf_int(buf, sizeof buf, "\033[34mWarning: unresolvable exception: pd='init -> %s', "
		                 "thread='%s', ip=0x%lx\033[0m\n", model_cfg.component, thread, ip);
	model_log_write(buf, (size_t)n);
	model_log("model: the faulting thread is blocked forever on Genode; ending the component (status 139)");
	model_exit_hook(139);
	model_sys(SYS_exit_group, 139L);
}

void model_fault_init_thread(struct model_thread *t)
{
	size_t size = 65536;
	long r = model_sys(SYS_mmap, 0L, (long)size, (long)(PROT_READ | PROT_WRITE), (long)(MAP_PRIVATE | MAP_ANONYMOUS),
	                   -1L, 0L);
	if (r < 0) return;
	stack_t ss = { .ss_sp = (void *)r, .ss_flags = 0, .ss_size = size };
	model_sys(SYS_sigaltstack, (long)&ss, 0L);
	if (t) t->linux_altstack = (void *)r;
}

void model_fault_handlers_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	memset(&sa.sa_mask, 0xff, sizeof sa.sa_mask);
	int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) glibc.sigaction(sigs[i], &sa, NULL);
	/* a write to a closed host pipe must give EPIPE, not end the process */
	struct sigaction ign;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	glibc.sigaction(SIGPIPE, &ign, NULL);
}

void model_signals_init(void) { }
