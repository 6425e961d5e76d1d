/* Shared by the io_* conformance tests: CHECK counts failures and reports them on stderr (fd 2). */
#include "genode/io.h"
static int io_fails;
static void io_report(const char *what, int line)
{
	char b[256];
	int n = snprintf(b, sizeof b, "FAIL line %d: %s (errno %d)\n", line, what, errno);
	write(2, b, (size_t)n);
	io_fails++;
}
#define CHECK(c) do { if (!(c)) io_report(#c, __LINE__); } while (0)
