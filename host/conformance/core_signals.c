//! behaviour: sigaction stores the action; kill to the own pid runs the handler synchronously (on a secondary stack), SA_SIGINFO handlers get NULL info and context; kill to another pid -> EPERM with a warning; raise of other signals than QUIT/ABRT/KILL -> EINVAL with a warning; sigprocmask reports all signals blocked; pthread_kill and pthread_sigmask do nothing and return 0; sigaltstack ignores ss_sp and gives a fresh stack-area stack
//! models: repos/libports/src/lib/libc/signal.cc, repos/libports/src/lib/libc/internal/signal.h, repos/libports/src/lib/libc/patches/pthread_not_implemented.patch
//! stderr: PASS
//! stderr: Warning: submitting signals to remote processes via 'kill' not supported
//! stderr: Warning: raise(usr2) not implemented
#include "check.h"
static volatile int got1, got2;
static volatile unsigned long handler_sp, alt_sp;
static volatile void *info_seen = (void *)1, *ctx_seen = (void *)1;
static void h1(int s) { int l; got1 = s; handler_sp = (unsigned long)&l; }
static void h2(int s, siginfo_t *i, void *c) { got2 = s; info_seen = i; ctx_seen = c; }
static void h3(int s) { int l; (void)s; alt_sp = (unsigned long)&l; }
static char my_alt[65536];
int main(void)
{
	int local;
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h1;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == h1);
	CHECK(sigaction(0, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(sigaction(33, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(got1 == SIGUSR1);                      /* synchronous */
	CHECK(handler_sp >= 0x40000000UL && handler_sp < 0x50000000UL);
	CHECK((handler_sp >> 20) != ((unsigned long)&local >> 20));  /* another slot: the signal stack */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h2;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	CHECK(kill(0, SIGUSR2) == 0);
	CHECK(got2 == SIGUSR2 && info_seen == NULL && ctx_seen == NULL);
	errno = 0;
	CHECK(kill(4711, SIGUSR1) == -1 && errno == EPERM);
	errno = 0;
	CHECK(raise(SIGUSR2) == -1 && errno == EINVAL);
	sigset_t set, oset;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	memset(&oset, 0, sizeof oset);
	CHECK(sigprocmask(SIG_BLOCK, &set, &oset) == 0);
	CHECK(sigismember(&oset, SIGINT) == 1 && sigismember(&oset, SIGUSR2) == 1);
	got1 = 0;
	CHECK(kill(getpid(), SIGUSR1) == 0 && got1 == SIGUSR1);   /* the mask changed nothing */
	CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
	got1 = 0;
	CHECK(pthread_kill(pthread_self(), SIGUSR1) == 0 && got1 == 0);
	stack_t ss = { my_alt, sizeof my_alt, 0 };
	CHECK(sigaltstack(&ss, NULL) == 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h3;
	sa.sa_flags = SA_ONSTACK;
	CHECK(sigaction(SIGHUP, &sa, NULL) == 0);
	CHECK(kill(0, SIGHUP) == 0);
	CHECK(alt_sp >= 0x40000000UL && alt_sp < 0x50000000UL);    /* ss_sp was ignored */
	CHECK(alt_sp < (unsigned long)my_alt || alt_sp >= (unsigned long)my_alt + sizeof my_alt);
	DONE();
}
