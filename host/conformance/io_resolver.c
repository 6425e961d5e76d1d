//! behaviour: getaddrinfo/getnameinfo are FreeBSD's net code: numeric hosts (inet_aton forms, IPv6), then
//! behaviour: /etc/hosts and /etc/services through the VFS, then DNS over the socket fs (without <libc socket>
//! behaviour: the query fails with Genode's socket() error and the name is EAI_NONAME); results follow FreeBSD's
//! behaviour: explore table (per family, IPv6 first: DGRAM/UDP, STREAM/TCP, SEQPACKET/SCTP), a NULL host needs a
//! behaviour: socket to probe the family (none here: EAI_NONAME); sockaddrs have sin_len; getnameinfo checks salen
//! models: repos/libports/lib/mk/libc-net.mk
//! models: repos/libports/src/lib/libc/patches/res_init_c.patch
//! models: repos/libports/src/lib/libc/socket_operations.cc
//! stderr: [io_resolver] PASS
//! stderr: Error: no plugin found for socket()
//! not-stderr: FAIL
#include "check.h"
#include "genode/io.h"
#include "genode/db.h"
static int count(struct addrinfo *ai) { int n = 0; for (; ai; ai = ai->ai_next) n++; return n; }
static unsigned port_of(struct addrinfo *ai) { return ((unsigned char *)ai->ai_addr)[2] << 8 | ((unsigned char *)ai->ai_addr)[3]; }
int main(void)
{
	struct addrinfo h, *r = NULL;
	memset(&h, 0, sizeof h);
	h.ai_socktype = SOCK_STREAM;
	CHECK(getaddrinfo("127.0.0.1", "80", &h, &r) == 0 && count(r) == 1);
	CHECK(r && r->ai_family == AF_INET && r->ai_socktype == SOCK_STREAM && r->ai_protocol == IPPROTO_TCP);
	CHECK(r && r->ai_addrlen == 16 && r->ai_addr->sa_len == 16 && r->ai_addr->sa_family == AF_INET && port_of(r) == 80);
	CHECK(r && r->ai_canonname == NULL);
	freeaddrinfo(r); r = NULL;

	CHECK(getaddrinfo("10.258", NULL, NULL, &r) == 0 && count(r) == 3);  /* inet_aton: 10.0.1.2 */
	CHECK(r && ((unsigned char *)r->ai_addr)[4] == 10 && ((unsigned char *)r->ai_addr)[6] == 1 && ((unsigned char *)r->ai_addr)[7] == 2);
	CHECK(r && r->ai_socktype == SOCK_DGRAM && r->ai_next->ai_socktype == SOCK_STREAM && r->ai_next->ai_next->ai_socktype == 5);
	freeaddrinfo(r); r = NULL;

	h.ai_flags = AI_CANONNAME;
	CHECK(getaddrinfo("::1", "7", &h, &r) == 0 && count(r) == 1);
	CHECK(r && r->ai_family == AF_INET6 && r->ai_addrlen == 28 && r->ai_canonname && !strcmp(r->ai_canonname, "::1"));
	CHECK(r && ((unsigned char *)r->ai_addr)[23] == 1 && port_of(r) == 7);
	freeaddrinfo(r); r = NULL;

	CHECK(getaddrinfo("GW", "http", &h, &r) == 0 && count(r) == 1);
	CHECK(r && r->ai_canonname && !strcmp(r->ai_canonname, "gateway") && port_of(r) == 80);
	CHECK(r && ((unsigned char *)r->ai_addr)[4] == 10 && ((unsigned char *)r->ai_addr)[7] == 2);
	freeaddrinfo(r); r = NULL;

	h.ai_flags = 0;
	CHECK(getaddrinfo("gateway", "nosuch", &h, &r) == EAI_SERVICE && r == NULL);
	h.ai_flags = AI_NUMERICHOST;
	CHECK(getaddrinfo("gateway", "80", &h, &r) == EAI_NONAME);
	h.ai_flags = AI_NUMERICSERV;
	CHECK(getaddrinfo("gateway", "http", &h, &r) == EAI_NONAME);
	h.ai_flags = 0x10000;
	CHECK(getaddrinfo("gateway", "80", &h, &r) == EAI_BADFLAGS);
	h.ai_flags = 0; h.ai_family = 1;
	CHECK(getaddrinfo("gateway", "80", &h, &r) == EAI_FAMILY);
	h.ai_family = 0;
	CHECK(getaddrinfo("nowhere.invalid", "80", &h, &r) == EAI_NONAME && r == NULL);
	CHECK(getaddrinfo(NULL, "80", &h, &r) == EAI_NONAME && r == NULL);
	CHECK(getaddrinfo(NULL, NULL, NULL, &r) == EAI_NONAME);
	CHECK(!strcmp(gai_strerror(EAI_NONAME), "hostname nor servname provided, or not known"));

	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_len = sizeof sin; sin.sin_family = AF_INET; sin.sin_port = io_htons(80);
	unsigned char lo[4] = { 127, 0, 0, 1 };
	memcpy(&sin.sin_addr, lo, 4);
	char host[64], serv[16];
	CHECK(getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0);
	CHECK(!strcmp(host, "127.0.0.1") && !strcmp(serv, "80"));
	CHECK(getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv, 0) == 0);
	CHECK(!strcmp(host, "localhost") && !strcmp(serv, "http"));
	CHECK(getnameinfo((struct sockaddr *)&sin, sizeof sin, host, 5, NULL, 0, 0) == EAI_OVERFLOW);
	CHECK(getnameinfo((struct sockaddr *)&sin, sizeof sin - 1, host, sizeof host, NULL, 0, 0) == EAI_FAIL);
	unsigned char other[4] = { 10, 9, 9, 9 };
	memcpy(&sin.sin_addr, other, 4);
	CHECK(getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, NULL, 0, NI_NAMEREQD) == EAI_NONAME);
	CHECK(getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, NULL, 0, 0) == 0 && !strcmp(host, "10.9.9.9"));
	sin.sin_family = 1;
	CHECK(getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host, NULL, 0, 0) == EAI_FAMILY);
	DONE();
}
