/*
 * Signals as Genode's libc emulates them (libc/signal.cc, internal/signal.h, dummies.cc, FreeBSD _pthread_stubs):
 *  - sigaction stores the action for 1..NSIG (32), else EINVAL; signal() is sigaction with an empty action;
 *  - kill(pid, sig): pid equal to <libc pid> (default 0) charges the signal and runs the handlers right away, on a
 *    16 KiB secondary stack-area stack (or the sigaltstack one with SA_ONSTACK); any other pid -> warning + EPERM;
 *    SA_SIGINFO handlers get (sig, NULL, NULL); SIG_DFL ignores SIGCHLD/SIGWINCH and otherwise exits with
 *    (sig << 8) | 1 after all pending handlers ran (including sig 0); SIG_IGN does nothing;
 *  - raise: SIGQUIT/SIGABRT/SIGKILL -> "Error: raise(abrt)" and exit(-1); others -> warning + EINVAL;
 *  - sigprocmask reports every signal blocked and changes nothing; pthread_sigmask/pthread_kill do nothing;
 *  - sigaltstack ignores ss_sp and allocates a new secondary stack-area slot per call;
 *  - sigsuspend: warning + ENOSYS.
 */
#include "model.h"
#include <string.h>

struct f_sigset { uint32_t bits[4]; };
struct f_sigaction {
	union { void (*handler)(int); void (*sigaction)(int, void *, void *); } u;
	int flags;
	struct f_sigset mask;
};
struct f_stack { void *ss_sp; size_t ss_size; int ss_flags; };

static struct f_sigaction actions[FB_NSIG + 1];
static int pending[FB_NSIG + 1];
static unsigned nesting;
static int exit_pending;
static int exit_code;
static uintptr_t stack_default, stack_alternative;

static const char *const signame[] = {
	"Signal 0", "hup", "int", "quit", "ill", "trap", "abrt", "emt", "fpe", "kill", "bus", "segv", "sys", "pipe",
	"alrm", "term", "urg", "stop", "tstp", "cont", "chld", "ttin", "ttou", "io", "xcpu", "xfsz", "vtalrm", "prof",
	"winch", "info", "usr1", "usr2"
};

int sigaction(int sig, const struct f_sigaction *act, struct f_sigaction *old)
{
	MODEL_ENTER("sigaction");
	if (sig < 1 || sig > FB_NSIG) return model_errno(FB_EINVAL);
	if (old) *old = actions[sig];
	if (act) actions[sig] = *act;
	return 0;
}

void (*signal(int sig, void (*fn)(int)))(int)
{
	MODEL_ENTER("signal");
	struct f_sigaction act, old;
	memset(&act, 0, sizeof act);
	memset(&old, 0, sizeof old);
	act.u.handler = fn;
	if (sigaction(sig, &act, &old) == 0) return old.u.handler;
	model_errno(FB_EINVAL);
	return (void (*)(int))-1L;
}

static void run_handler(void *p)
{
	unsigned n = (unsigned)(uintptr_t)p;
	struct f_sigaction *a = &actions[n];
	if (a->flags & FB_SA_SIGINFO) { a->u.sigaction((int)n, NULL, NULL); return; }
	if (a->u.handler == (void (*)(int))0) {
		if (n == FB_SIGCHLD || n == FB_SIGWINCH) return;
		exit_pending = 1;
		exit_code = (int)((n << 8) | 1);
	} else if (a->u.handler == (void (*)(int))1) {
		/* ignored */
	} else a->u.handler((int)n);
}

static void execute_handlers(void)
{
	if (nesting > 0) { model_warning("attempt to nested execution of signal handlers"); return; }
	nesting++;
	for (unsigned n = 0; n <= FB_NSIG; n++) {
		if (!pending[n]) continue;
		pending[n] = 0;
		uintptr_t stack = (stack_alternative && (actions[n].flags & FB_SA_ONSTACK)) ? stack_alternative : stack_default;
		if (!stack) {
			stack_default = model_alloc_secondary_stack("signal", 16 * 1024);
			stack = stack_default;
		}
		if (!stack) { model_error("_execute_on_signal_stack signal stack allocation failed"); continue; }
		model_call_on_stack(stack, run_handler, (void *)(uintptr_t)n);
	}
	nesting--;
	if (exit_pending) model_run_exit(exit_code);
}

void model_signal_deliver(int sig)
{
	if ((unsigned)sig <= FB_NSIG) pending[sig] = 1;
	execute_handlers();
}

int kill(int pid, int sig)
{
	MODEL_ENTER("kill");
	if (pid == model_pid) {
		model_signal_deliver(sig);
		return 0;
	}
	model_warning("submitting signals to remote processes via 'kill' not supported");
	return model_errno(FB_EPERM);
}

int raise(int sig)
{
	MODEL_ENTER("raise");
	const char *name = (sig >= 0 && sig <= 31) ? signame[sig] : "?";
	switch (sig) {
	case FB_SIGQUIT: case FB_SIGABRT: case FB_SIGKILL:
		model_error("raise(%s)", name);
		model_run_exit(-1);
	default:
		model_warning("raise(%s) not implemented", name);
		return model_errno(FB_EINVAL);
	}
}

void abort(void)
{
	MODEL_ENTER("abort");
	/* FreeBSD's abort unblocks SIGABRT and raises it; Genode's raise ends the component */
	raise(FB_SIGABRT);
	model_run_exit(1);
}

int sigprocmask(int how, const struct f_sigset *set, struct f_sigset *old)
{
	MODEL_ENTER("sigprocmask");
	if (old) memset(old, 0xff, sizeof *old);
	if (!set) return 0;
	if (how >= 1 && how <= 3) return 0;
	return model_errno(FB_EINVAL);
}

int sigaltstack(const struct f_stack *ss, struct f_stack *old)
{
	MODEL_ENTER("sigaltstack");
	if (ss) {
		if (ss->ss_flags & FB_SS_DISABLE) {
			stack_alternative = 0;
			model_warning("leaking secondary stack memory");
		} else {
			uintptr_t sp = model_alloc_secondary_stack("sigaltstack", ss->ss_size);
			if (sp) stack_alternative = sp;
			else model_error("failed to allocate sigaltstack");
		}
	}
	if (old && ss && !(ss->ss_flags & FB_SS_DISABLE)) old->ss_flags = FB_SS_DISABLE;
	return 0;
}

int sigsuspend(const struct f_sigset *set)
{
	MODEL_ENTER("sigsuspend"); (void)set;
	model_warning("__sys_sigsuspend: sigsuspend not implemented");
	return model_errno(FB_ENOSYS);
}

/* FreeBSD gen code, ABI-neutral */
int sigemptyset(struct f_sigset *s) { memset(s, 0, sizeof *s); return 0; }
int sigfillset(struct f_sigset *s) { memset(s, 0xff, sizeof *s); return 0; }
static int bad_sig(int n) { return n <= 0 || n > 128; }
int sigaddset(struct f_sigset *s, int n)
{
	if (bad_sig(n)) return model_errno(FB_EINVAL);
	s->bits[(n - 1) / 32] |= 1U << ((n - 1) % 32); return 0;
}
int sigdelset(struct f_sigset *s, int n)
{
	if (bad_sig(n)) return model_errno(FB_EINVAL);
	s->bits[(n - 1) / 32] &= ~(1U << ((n - 1) % 32)); return 0;
}
int sigismember(const struct f_sigset *s, int n)
{
	if (bad_sig(n)) return model_errno(FB_EINVAL);
	return (s->bits[(n - 1) / 32] >> ((n - 1) % 32)) & 1;
}
