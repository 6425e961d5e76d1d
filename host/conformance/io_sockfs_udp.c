//! behaviour: on a udp socket of the socket fs, writing "a.b.c.d:port" to remote sets where data's writes go, and remote reads the sender of the next datagram ("a.b.c.d:port\n", blocking until one comes) while data reads the datagram itself
//! models: repos/os/src/lib/vfs/ip/vfs.cc
//! exit: 0
#include "check.h"
#include "sockfs.h"

int main(void)
{
	char rn[32], sn[32], buf[64], raddr[32], saddr[32];
	int rh = sfs_new("udp", rn, sizeof rn), sh = sfs_new("udp", sn, sizeof sn);
	CHECK(rh >= 0 && sh >= 0 && !memcmp(rn, "udp/", 4));
	int rb = sfs_file(rn, "bind", O_WRONLY), sb = sfs_file(sn, "bind", O_WRONLY);
	CHECK(write(rb, "127.0.0.1:0", 11) == 11 && write(sb, "127.0.0.1:0", 11) == 11);
	int rl = sfs_file(rn, "local", O_RDONLY), sl = sfs_file(sn, "local", O_RDONLY);
	memset(raddr, 0, sizeof raddr); memset(saddr, 0, sizeof saddr);
	CHECK(read(rl, raddr, sizeof raddr) > 10 && read(sl, saddr, sizeof saddr) > 10);
	raddr[strlen(raddr) - 1] = 0;
	int sr = sfs_file(sn, "remote", O_RDWR), sd = sfs_file(sn, "data", O_RDWR);
	CHECK(write(sr, raddr, strlen(raddr)) == (long)strlen(raddr));
	CHECK(write(sd, "dgram", 5) == 5);
	int rr = sfs_file(rn, "remote", O_RDONLY), rd = sfs_file(rn, "data", O_RDONLY);
	memset(buf, 0, sizeof buf);
	CHECK(read(rr, buf, sizeof buf) > 10 && !strcmp(buf, saddr));
	memset(buf, 0, sizeof buf);
	CHECK(read(rd, buf, sizeof buf) == 5 && !strcmp(buf, "dgram"));
	DONE();
}
