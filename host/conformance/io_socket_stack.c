//! behaviour: a socket fs configured with its own address (<lwip ip_addr netmask>) is a stack with one interface: a wildcard bind binds that address, getsockname and accept report it, and peers in its subnet are reached at their addresses (the model lays the subnet onto the host's 127.0.0.0/8, keeping the low 24 bits)
//! models: repos/libports/src/lib/vfs/lwip/vfs.cc, repos/libports/src/lib/libc/socket_fs_plugin.cc
//! exit: 0
#include "check.h"
#include "genode/io.h"

int main(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { sizeof a, AF_INET, 0, { 0 }, { 0 } };   /* INADDR_ANY, any port */
	CHECK(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 && listen(s, 4) == 0);
	socklen_t l = sizeof a;
	CHECK(getsockname(s, (struct sockaddr *)&a, &l) == 0);
	CHECK(a.sin_addr.s_addr == io_htonl(0x0ae70002) && a.sin_port != 0);   /* 10.231.0.2 */

	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0 && connect(c, (struct sockaddr *)&a, sizeof a) == 0);
	struct sockaddr_in peer;
	l = sizeof peer;
	int acc = accept(s, (struct sockaddr *)&peer, &l);
	CHECK(acc >= 0 && peer.sin_addr.s_addr == io_htonl(0x0ae70002));
	l = sizeof peer;
	CHECK(getpeername(c, (struct sockaddr *)&peer, &l) == 0 && peer.sin_addr.s_addr == io_htonl(0x0ae70002));
	CHECK(write(c, "ping", 4) == 4);
	char buf[8];
	CHECK(read(acc, buf, sizeof buf) == 4 && !memcmp(buf, "ping", 4));
	DONE();
}
