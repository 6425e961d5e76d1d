/*
 * The one check convention of the conformance programs: CHECK(c) reports a failed condition (line, text, errno)
 * on stdout, the component's log in every test config, and counts it; DONE() ends main with status 1 after a
 * failure, else prints PASS and returns 0.
 */
#include "genode/libc.h"
static int check_fails;
static void check_report(const char *what, int line)
{
	printf("FAIL line %d: %s (errno %d)\n", line, what, errno);
	check_fails++;
}
#define CHECK(c) do { if (!(c)) check_report(#c, __LINE__); } while (0)
#define DONE() do { if (check_fails) return 1; printf("PASS\n"); return 0; } while (0)
