/*
 * The lifecycle tests' child component: a genode binary (built against the model's libc) whose arguments are a
 * script of steps, executed in order:
 *
 *   print TEXT        TEXT and a newline on stdout
 *   args N            "argv0=ARGV0 args=A1 ... AN" for the next N arguments (consumed, not executed)
 *   env NAME          "NAME=value", or "NAME unset"
 *   environ           every environment entry, one a line
 *   ls DIR            the names in DIR, one a line
 *   append FILE TEXT  TEXT and a newline appended to FILE (created if missing)
 *   sleep MS          sleep MS milliseconds
 *   forever           sleep until killed
 *   exit N            exit with N
 *
 * Running off the end exits with 0; a malformed script exits with 99 after saying why.
 */
#include "genode/libc.h"
#include "genode/io.h"

static char line[4096];

/* One write per line: the LOG session turns each into a line of its own. */
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	write(1, line, n);
}

static void fail(const char *why, const char *what)
{
	say("child: %s: %s", why, what ? what : "(missing)");
	exit(99);
}

static int number(const char *s)
{
	char *end;
	long v;
	if (!s || !*s)
		fail("not a number", s);
	v = strtol(s, &end, 10);
	if (*end)
		fail("not a number", s);
	return (int)v;
}

static void ls(const char *dir)
{
	char buf[2 * sizeof(struct dirent)];
	off_t base = 0;
	ssize_t r;
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		fail("cannot open", dir);
	while ((r = getdirentries(fd, buf, sizeof buf, &base)) > 0) {
		for (char *p = buf; p < buf + r; ) {
			struct dirent *de = (struct dirent *)p;
			if (de->d_reclen == 0)
				break;
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				say("%s", de->d_name);
			p += de->d_reclen;
		}
	}
	if (r < 0)
		fail("cannot list", dir);
	close(fd);
}

static void append(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		fail("cannot open", file);
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n || write(fd, "\n", 1) != 1)
		fail("cannot write", file);
	close(fd);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	int i = 1;
	const char *arg = NULL;
#define NEXT() (arg = i < argc ? argv[i++] : NULL)
	while (i < argc) {
		const char *step = argv[i++];
		if (!strcmp(step, "print")) {
			NEXT();
			say("%s", arg ? arg : "");
		} else if (!strcmp(step, "args")) {
			static char out[sizeof line];
			int n = number(NEXT());
			int len = snprintf(out, sizeof out, "argv0=%s args=", argv[0]);
			for (int k = 0; k < n && i < argc && len < (int)sizeof out; k++, i++)
				len += snprintf(out + len, sizeof out - len, k ? " %s" : "%s", argv[i]);
			say("%s", out);
		} else if (!strcmp(step, "env")) {
			const char *v;
			if (!NEXT())
				fail("env needs a name", NULL);
			v = getenv(arg);
			if (v)
				say("%s=%s", arg, v);
			else
				say("%s unset", arg);
		} else if (!strcmp(step, "environ")) {
			for (char **e = environ; e && *e; e++)
				say("%s", *e);
		} else if (!strcmp(step, "ls")) {
			ls(NEXT() ? arg : ".");
		} else if (!strcmp(step, "append")) {
			const char *file = NEXT();
			if (!file || !NEXT())
				fail("append needs FILE TEXT", file);
			append(file, arg);
		} else if (!strcmp(step, "sleep")) {
			sleep_ms(number(NEXT()));
		} else if (!strcmp(step, "forever")) {
			for (;;)
				sleep_ms(1000);
		} else if (!strcmp(step, "exit")) {
			exit(number(NEXT()));
		} else {
			fail("unknown step", step);
		}
	}
	return 0;
}
