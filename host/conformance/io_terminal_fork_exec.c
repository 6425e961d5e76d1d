//! behaviour: a Terminal session routed to a host file outlives fork and execve: a forked child writing to stdout,
//! behaviour: an image the child execs, and an image the component execs itself (stdout kept as an fd without
//! behaviour: close-on-exec, and the node opened anew) all write into the same host file, in order
//! models: repos/libports/src/lib/libc/fork.cc
//! models: repos/libports/src/lib/libc/execve.cc
//! models: repos/os/src/lib/vfs/terminal_file_system.h
//! stderr: PASS
#include "genode/io.h"

static int fails;
#define CHECK(c) do { if (!(c)) { dprintf(2, "FAIL line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static int put(int fd, const char *s) { return write(fd, s, strlen(s)) == (ssize_t)strlen(s); }

static void image(const char *phase)
{
	char *args[] = { "io_terminal_fork_exec", (char *)phase, NULL };
	char *env[] = { NULL };
	execve("/bin/io_terminal_fork_exec", args, env);
	dprintf(2, "FAIL execve %s returned (errno %d)\n", phase, errno);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "forked-exec")) {
		CHECK(put(1, "exec in the child\n"));
		return fails;
	}
	if (argc > 1 && !strcmp(argv[1], "exec")) {
		CHECK(put(1, "exec\n"));
		int o = open("/dev/stdout", O_WRONLY);
		CHECK(o >= 0 && put(o, "exec, opened anew\n"));
		char buf[512] = { 0 };
		int f = open("/view/out", O_RDONLY);
		CHECK(f >= 0);
		ssize_t n = read(f, buf, sizeof buf - 1);
		const char *want = "parent\nchild\nexec in the child\nparent after wait\nexec\nexec, opened anew\n";
		if (n != (ssize_t)strlen(want) || strcmp(buf, want)) {
			dprintf(2, "FAIL host file holds %zd bytes: %s\n", n, buf);
			fails++;
		}
		if (fails) return 1;
		dprintf(2, "PASS\n");
		return 0;
	}
	CHECK(put(1, "parent\n"));
	pid_t pid = fork();
	if (pid == 0) {
		if (!put(1, "child\n")) _exit(3);
		image("forked-exec");
		_exit(4);
	}
	CHECK(pid > 0);
	int status = -1;
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK(put(1, "parent after wait\n"));
	if (fails) return 1;
	image("exec");
	return 1;
}
