/*
 * Helpers of the socket-fs conformance programs: a new socket's handle and name, and a file of its directory.
 */
#include "genode/io.h"

/* opens /socket/PROTO/new_socket; its name ("tcp/3") goes to name; the handle, or -1 */
static int sfs_new(const char *proto, char *name, size_t n)
{
	char p[64];
	snprintf(p, sizeof p, "/socket/%s/new_socket", proto);
	int h = open(p, O_RDONLY);
	long r = h >= 0 ? read(h, name, n - 1) : -1;
	if (r < 2) return -1;
	name[r - 1] = 0;
	return h;
}

/* opens /socket/NAME/F */
static int sfs_file(const char *name, const char *f, int flags)
{
	char p[96];
	snprintf(p, sizeof p, "/socket/%s/%s", name, f);
	return open(p, flags);
}
