/* Shared by the core_* conformance tests: CHECK reports a failure on stdout and counts it; DONE() ends main. */
#include "genode/libc.h"
static int core_fails;
static void core_report(const char *what, int line)
{
	printf("FAIL line %d: %s (errno %d)\n", line, what, errno);
	core_fails++;
}
#define CHECK(c) do { if (!(c)) core_report(#c, __LINE__); } while (0)
#define DONE() do { if (core_fails) return 1; printf("PASS\n"); return 0; } while (0)
