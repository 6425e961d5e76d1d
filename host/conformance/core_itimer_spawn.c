//! behaviour: setitimer(ITIMER_REAL) is a one-shot timeout in whole ms that charges SIGALRM, whose handler runs
//! behaviour: while the main thread is blocked in the libc; a repeat interval is warned about and ignored, other
//! behaviour: timers are EINVAL with the warning "setitimer: timer %d unsupported" (printed as is); posix_spawn is
//! behaviour: FreeBSD's code over vfork = Genode's fork and execve: the child's exec failure cannot reach the parent,
//! behaviour: which gets 0 and a pid whose status is 127
//! models: repos/libports/src/lib/libc/alarm.cc
//! models: repos/libports/lib/mk/libc-gen.inc
//! models: repos/libports/src/lib/libc/fork.cc
//! stderr: Warning: setitimer: argument 'new_value->it_interval' not handled
//! stderr: Warning: setitimer: timer %d unsupported
//! stderr: Warning: execve: executable binary '/bin/nothing' does not exist
//! stderr: [core_itimer_spawn] spawned child argv[2]=x y
//! stderr: [core_itimer_spawn] PASS
//! not-stderr: FAIL
#include "check.h"
#include "genode/io.h"
#include "genode/db.h"
static volatile int alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }
int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child")) {
		printf("spawned child argv[2]=%s\n", argv[2]);
		return 3;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	struct itimerval it, old;
	memset(&it, 0, sizeof it);
	it.it_value.tv_usec = 30000;
	CHECK(setitimer(ITIMER_REAL, &it, &old) == 0 && old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0);
	CHECK(alarms == 0);
	usleep(100000);
	CHECK(alarms == 1);
	usleep(50000);
	CHECK(alarms == 1);
	it.it_value.tv_sec = 10;
	it.it_interval.tv_sec = 1;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	memset(&it, 0, sizeof it);
	CHECK(setitimer(ITIMER_REAL, &it, &old) == 0 && old.it_value.tv_sec >= 9 && old.it_interval.tv_sec == 0);
	errno = 0;
	CHECK(setitimer(ITIMER_VIRTUAL, &it, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(setitimer(ITIMER_REAL, NULL, NULL) == -1 && errno == EFAULT);

	pid_t pid = -1;
	char *args[] = { "core_itimer_spawn", "child", "x y", NULL };
	char *env[] = { NULL };
	int st = 0;
	CHECK(posix_spawn(&pid, "/bin/core_itimer_spawn", NULL, NULL, args, env) == 0 && pid > 0);
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 3);
	CHECK(posix_spawn(&pid, "/bin/nothing", NULL, NULL, args, env) == 0 && pid > 0);
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 127);
	DONE();
}
