//! behaviour: opening <socket>/tcp/new_socket read-only creates a socket whose handle reads "tcp/N\n" (write-only or read-write: EPERM); the socket's directory holds data, peek, connect, bind, listen, accept, local, remote, error and sockopts/*, and closing the handle destroys the socket: its name is gone (ENOENT) and reads and writes on its files' open handles fail with EINVAL
//! models: repos/os/src/lib/vfs/ip/vfs.cc, repos/libports/src/lib/libc/vfs_plugin.cc
//! exit: 0
#include "check.h"
#include "genode/io.h"

int main(void)
{
	CHECK(open("/socket/tcp/new_socket", O_RDWR) == -1 && errno == EPERM);
	int h = open("/socket/tcp/new_socket", O_RDONLY);
	char name[32] = { 0 };
	CHECK(h >= 0 && read(h, name, sizeof name) > 4 && !memcmp(name, "tcp/", 4));
	size_t l = strlen(name);
	CHECK(l > 5 && name[l - 1] == '\n');
	name[l - 1] = 0;
	char path[96];
	const char *files[] = { "data", "peek", "connect", "bind", "listen", "accept", "local", "remote", "error",
	                        "sockopts/so_keepalive", "sockopts/so_error", 0 };
	struct stat st;
	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof path, "/socket/%s/%s", name, files[i]);
		CHECK(stat(path, &st) == 0);
	}
	snprintf(path, sizeof path, "/socket/%s/accept_socket", name);   /* only while listening */
	CHECK(open(path, O_RDONLY) == -1 && errno == ENOENT);
	snprintf(path, sizeof path, "/socket/%s/data", name);
	int d = open(path, O_RDWR);
	CHECK(d >= 0 && d != h);
	CHECK(close(h) == 0);
	CHECK(open(path, O_RDWR) == -1 && errno == ENOENT);
	char b[4];
	CHECK(read(d, b, sizeof b) == -1 && errno == EINVAL);
	CHECK(write(d, "x", 1) == -1 && errno == EINVAL);
	CHECK(close(d) == 0);
	/* the next socket takes the lowest free number again */
	int h2 = open("/socket/tcp/new_socket", O_RDONLY);
	char name2[32] = { 0 };
	CHECK(h2 >= 0 && read(h2, name2, sizeof name2) > 4);
	name2[strlen(name2) - 1] = 0;
	CHECK(!strcmp(name, name2));
	DONE();
}
