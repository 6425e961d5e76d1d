/*
 * The resolver (FreeBSD 12 lib/libc/net as libc-net.mk builds it, res_init.c as Genode patches it):
 * getaddrinfo, freeaddrinfo, gai_strerror, getnameinfo. Numeric hosts; /etc/hosts and /etc/services read
 * through the VFS (nsdispatch's default sources: files, then dns); DNS over the socket file system to the
 * nameserver of <libc nameserver_file> (default <socket>/nameserver), whose first line is the server.
 */
#include "model_exports.h"
#include <string.h>
#include <stdlib.h>

struct fb_addrinfo {
	int ai_flags, ai_family, ai_socktype, ai_protocol;
	uint32_t ai_addrlen;
	char *ai_canonname;
	void *ai_addr;
	struct fb_addrinfo *ai_next;
};
struct db_sin { uint8_t len, family; uint16_t port; uint8_t addr[4]; uint8_t zero[8]; };
struct db_sin6 { uint8_t len, family; uint16_t port; uint32_t flowinfo; uint8_t addr[16]; uint32_t scope; };

static const char *const gai_msgs[] = {
	"Success", "Address family for hostname not supported", "Temporary failure in name resolution",
	"Invalid value for ai_flags", "Non-recoverable failure in name resolution", "ai_family not supported",
	"Memory allocation failure", "No address associated with hostname",
	"hostname nor servname provided, or not known", "servname not supported for ai_socktype",
	"ai_socktype not supported", "System error returned in errno", "Invalid value for hints",
	"Resolved protocol is unknown", "Argument buffer overflow",
};

const char *gai_strerror(int code)
{
	MODEL_ENTER("gai_strerror");
	if (code >= 0 && code < (int)(sizeof gai_msgs / sizeof gai_msgs[0])) return gai_msgs[code];
	return "Unknown error";
}

void freeaddrinfo(struct fb_addrinfo *ai)
{
	MODEL_ENTER("freeaddrinfo");
	while (ai) {
		struct fb_addrinfo *n = ai->ai_next;
		free(ai->ai_canonname);
		free(ai);
		ai = n;
	}
}

static uint16_t be16(unsigned v) { return (uint16_t)(((v & 0xff) << 8) | ((v >> 8) & 0xff)); }

/* inet_aton's forms: a, a.b, a.b.c, a.b.c.d, each part decimal, octal (0) or hex (0x) */
static int parse_v4(const char *s, uint8_t out[4])
{
	unsigned long parts[4];
	int n = 0;
	const char *p = s;
	for (;;) {
		if (!((*p >= '0' && *p <= '9'))) return 0;
		char *end;
		unsigned long v = strtoul(p, &end, 0);
		if (end == p || n == 4) return 0;
		parts[n++] = v;
		p = end;
		if (*p == '.') { p++; continue; }
		if (*p) return 0;
		break;
	}
	unsigned long a;
	switch (n) {
	case 1: a = parts[0]; break;
	case 2: if (parts[0] > 255 || parts[1] > 0xffffff) return 0; a = parts[0] << 24 | parts[1]; break;
	case 3: if (parts[0] > 255 || parts[1] > 255 || parts[2] > 0xffff) return 0;
		a = parts[0] << 24 | parts[1] << 16 | parts[2]; break;
	default: for (int i = 0; i < 4; i++) if (parts[i] > 255) return 0;
		a = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
	}
	if (a > 0xffffffffUL) return 0;
	out[0] = (uint8_t)(a >> 24); out[1] = (uint8_t)(a >> 16); out[2] = (uint8_t)(a >> 8); out[3] = (uint8_t)a;
	return 1;
}

static int hexdig(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* inet_pton(AF_INET6) */
static int parse_v6(const char *s, uint8_t out[16])
{
	uint8_t tmp[16] = { 0 };
	int n = 0, gap = -1;
	const char *p = s;
	if (p[0] == ':') { if (p[1] != ':') return 0; p++; }
	while (*p) {
		if (*p == ':') {
			if (gap >= 0) return 0;
			gap = n; p++;
			if (!*p) break;
			continue;
		}
		const char *q = p;
		unsigned v = 0;
		int d = 0;
		while (hexdig(*q) >= 0 && d < 5) { v = v * 16 + (unsigned)hexdig(*q); q++; d++; }
		if (*q == '.') {
			if (n + 4 > 16 || !parse_v4(p, tmp + n)) return 0;
			/* dotted quad only in its full form */
			int dots = 0;
			for (const char *r = p; *r; r++) dots += *r == '.';
			if (dots != 3) return 0;
			n += 4;
			p += strlen(p);
			break;
		}
		if (d == 0 || d > 4 || n + 2 > 16) return 0;
		tmp[n++] = (uint8_t)(v >> 8); tmp[n++] = (uint8_t)v;
		p = q;
		if (*p == ':') { p++; if (!*p) return 0; if (*p == ':') { if (gap >= 0) return 0; gap = n; p++; } }
		else if (*p) return 0;
	}
	if (gap >= 0) {
		if (n == 16) return 0;
		memmove(tmp + 16 - (n - gap), tmp + gap, (size_t)(n - gap));
		memset(tmp + gap, 0, (size_t)(16 - n));
	} else if (n != 16) return 0;
	memcpy(out, tmp, 16);
	return 1;
}

/* A whole (small) file of the VFS, or NULL. */
static char *slurp(const char *path)
{
	int fd = open(path, FB_O_RDONLY);
	if (fd < 0) return NULL;
	size_t cap = 4096, len = 0;
	char *b = malloc(cap);
	for (;;) {
		if (len + 1 >= cap) b = realloc(b, cap *= 2);
		long r = read(fd, b + len, cap - len - 1);
		if (r <= 0) break;
		len += (size_t)r;
	}
	close(fd);
	b[len] = 0;
	return b;
}

/* Next line's whitespace-separated words ('#' starts a comment); returns the count, 0 at the end. */
static int words(char **cur, char **w, int max)
{
	while (**cur) {
		char *line = *cur, *e = strchr(line, '\n');
		if (e) { *e = 0; *cur = e + 1; } else *cur = line + strlen(line);
		char *h = strchr(line, '#');
		if (h) *h = 0;
		int n = 0;
		char *save = NULL;
		for (char *t = strtok_r(line, " \t\r", &save); t && n < max; t = strtok_r(NULL, " \t\r", &save)) w[n++] = t;
		if (n) return n;
	}
	return 0;
}

/* The next /etc/services line "name port/proto aliases..." for proto (NULL: any); the word count, 0 at the end. */
static int service_line(char **cur, char **w, const char *proto)
{
	int n;
	while ((n = words(cur, w, 16))) {
		char *slash = n >= 2 ? strchr(w[1], '/') : NULL;
		if (slash && (!proto || !strcmp(slash + 1, proto))) return n;
	}
	return 0;
}

/* getservbyname/getservbyport over /etc/services (nsdispatch files source) */
static int service_port(const char *name, const char *proto, int *port)
{
	char *text = slurp("/etc/services");
	if (!text) return 0;
	char *cur = text, *w[16];
	int n, found = 0;
	while (!found && (n = service_line(&cur, w, proto))) {
		for (int i = 0; i < n && !found; i++) {
			if (i == 1) continue;
			if (!strcmp(w[i], name)) { *port = atoi(w[1]); found = 1; }
		}
	}
	free(text);
	return found;
}

static int service_name(int port, const char *proto, char *out, size_t len)
{
	char *text = slurp("/etc/services");
	if (!text) return 0;
	char *cur = text, *w[16];
	int found = 0;
	while (!found && service_line(&cur, w, proto)) {
		if (atoi(w[1]) != port) continue;
		snprintf_int(out, len, "%s", w[0]);
		found = strlen(w[0]) < len ? 1 : -1;
	}
	free(text);
	return found;
}

struct addr { int family; uint8_t a[16]; };

/* The address that starts an /etc/hosts line; 0 when it is none. */
static int hosts_addr(const char *s, struct addr *a)
{
	if (parse_v4(s, a->a) && !strchr(s, ':')) a->family = FB_AF_INET;
	else if (parse_v6(s, a->a)) a->family = FB_AF_INET6;
	else return 0;
	return 1;
}

/* /etc/hosts: every line naming host (case-insensitively) with an address of the family */
static int hosts_lookup(const char *host, int family, struct addr *out, int max, char *canon, size_t canon_len)
{
	char *text = slurp("/etc/hosts");
	if (!text) return 0;
	char *cur = text, *w[35];
	int n, got = 0;
	while (got < max && (n = words(&cur, w, 35))) {
		struct addr a;
		if (!hosts_addr(w[0], &a)) continue;
		if (family != FB_AF_UNSPEC && family != a.family) continue;
		for (int i = 1; i < n; i++)
			if (!strcasecmp(w[i], host)) {
				if (!got && canon) snprintf_int(canon, canon_len, "%s", w[1]);
				out[got++] = a;
				break;
			}
	}
	free(text);
	return got;
}

/* The nameserver (res_init.c as Genode patches it: the first line of <libc nameserver_file>). */
static int nameserver(uint8_t ip[4])
{
	const char *file = model_libc_attr("nameserver_file");
	char path[1024];
	if (!file) {
		const char *sock = model_libc_attr("socket");
		snprintf_int(path, sizeof path, "%s/nameserver", sock ? sock : "");
		file = path;
	}
	char *text = slurp(file);
	int ok = 0;
	if (text) {
		text[strcspn(text, "\n")] = 0;
		ok = text[0] && parse_v4(text, ip);
		free(text);
	}
	if (!ok) { ip[0] = 127; ip[1] = 0; ip[2] = 0; ip[3] = 1; }  /* res_init's default: the local host */
	return 1;
}

/* One DNS query (type 1 = A, 28 = AAAA) over UDP; returns addresses found, -EAI_* on failure. */
static int dns_query(const char *host, int type, struct addr *out, int max)
{
	uint8_t q[512], r[1500];
	size_t n = 12;
	unsigned id = (unsigned)(model_uptime_us() & 0xffff);
	memset(q, 0, 12);
	q[0] = (uint8_t)(id >> 8); q[1] = (uint8_t)id; q[2] = 1; /* RD */ q[5] = 1;
	for (const char *p = host; *p; ) {
		size_t l = strcspn(p, ".");
		if (l == 0 || l > 63 || n + l + 6 > sizeof q) return -FB_EAI_NONAME;
		q[n++] = (uint8_t)l; memcpy(q + n, p, l); n += l;
		p += l; if (*p == '.') p++;
	}
	q[n++] = 0; q[n++] = 0; q[n++] = (uint8_t)type; q[n++] = 0; q[n++] = 1;
	int fd = socket(FB_AF_INET, FB_SOCK_DGRAM, 0);
	if (fd < 0) return -FB_EAI_AGAIN;
	struct db_sin sa = { sizeof sa, FB_AF_INET, be16(53), { 0 }, { 0 } };
	nameserver(sa.addr);
	int result = -FB_EAI_AGAIN;
	/* RES_TIMEOUT 5 s, RES_DFLRETRY 2 */
	for (int attempt = 0; attempt < 2 && result == -FB_EAI_AGAIN; attempt++) {
		if (sendto(fd, q, n, 0, &sa, sizeof sa) < 0) break;
		struct fb_pollfd pfd = { fd, FB_POLLIN, 0 };
		if (poll(&pfd, 1, 5000) <= 0) continue;
		long rl = recvfrom(fd, r, sizeof r, 0, NULL, NULL);
		if (rl < 12 || r[0] != q[0] || r[1] != q[1]) continue;
		int rcode = r[3] & 15;
		if (rcode == 3) { result = -FB_EAI_NONAME; break; }
		if (rcode != 0) { result = rcode == 2 ? -FB_EAI_AGAIN : -FB_EAI_FAIL; break; }
		unsigned qd = (unsigned)(r[4] << 8 | r[5]), an = (unsigned)(r[6] << 8 | r[7]);
		size_t p = 12;
		for (unsigned i = 0; i < qd; i++) {
			while (p < (size_t)rl && r[p] && r[p] < 0xc0) p += r[p] + 1u;
			p += (p < (size_t)rl && r[p] >= 0xc0) ? 2 : 1;
			p += 4;
		}
		int got = 0;
		for (unsigned i = 0; i < an && p < (size_t)rl && got < max; i++) {
			while (p < (size_t)rl && r[p] && r[p] < 0xc0) p += r[p] + 1u;
			p += (p < (size_t)rl && r[p] >= 0xc0) ? 2 : 1;
			if (p + 10 > (size_t)rl) break;
			unsigned t = (unsigned)(r[p] << 8 | r[p + 1]), len = (unsigned)(r[p + 8] << 8 | r[p + 9]);
			p += 10;
			if (p + len > (size_t)rl) break;
			if (t == 1 && type == 1 && len == 4) { out[got].family = FB_AF_INET; memcpy(out[got++].a, r + p, 4); }
			if (t == 28 && type == 28 && len == 16) { out[got].family = FB_AF_INET6; memcpy(out[got++].a, r + p, 16); }
			p += len;
		}
		result = got ? got : -FB_EAI_NONAME;
	}
	close(fd);
	return result;
}

static struct fb_addrinfo *new_ai(const struct addr *a, int socktype, int proto, int port, int flags)
{
	size_t sl = a->family == FB_AF_INET ? sizeof(struct db_sin) : sizeof(struct db_sin6);
	struct fb_addrinfo *ai = calloc(1, sizeof *ai + sl);
	if (!ai) return NULL;
	ai->ai_flags = flags;
	ai->ai_family = a->family;
	ai->ai_socktype = socktype;
	ai->ai_protocol = proto;
	ai->ai_addrlen = (uint32_t)sl;
	ai->ai_addr = ai + 1;
	if (a->family == FB_AF_INET) {
		struct db_sin *s = ai->ai_addr;
		s->len = (uint8_t)sl; s->family = FB_AF_INET; s->port = be16((unsigned)port); memcpy(s->addr, a->a, 4);
	} else {
		struct db_sin6 *s = ai->ai_addr;
		s->len = (uint8_t)sl; s->family = FB_AF_INET6; s->port = be16((unsigned)port); memcpy(s->addr, a->a, 16);
	}
	return ai;
}

/* FreeBSD 12's explore table: for each family (INET6 first), the socket types and protocols a wildcard matches */
#define WILD_TYPE 2
#define WILD_PROTO 4
static const struct { int type, proto, wild; const char *pname; } explore[] = {
	{ FB_SOCK_DGRAM, FB_IPPROTO_UDP, WILD_TYPE | WILD_PROTO, "udp" },
	{ FB_SOCK_STREAM, FB_IPPROTO_TCP, WILD_TYPE | WILD_PROTO, "tcp" },
	{ FB_SOCK_STREAM, FB_IPPROTO_SCTP, WILD_TYPE, "sctp" },
	{ FB_SOCK_SEQPACKET, FB_IPPROTO_SCTP, WILD_TYPE | WILD_PROTO, "sctp" },
	{ FB_SOCK_DGRAM, FB_IPPROTO_UDPLITE, WILD_TYPE, "udplite" },
	{ FB_SOCK_RAW, 0, WILD_PROTO, NULL },
};
#define N_EXPLORE (int)(sizeof explore / sizeof explore[0])

static int match(int want, int have, int wild) { return want == have || (wild && (want == 0 || have == 0)); }

/* get_port: 0 and the port, or an EAI error; proto NULL matches any protocol */
static int get_port(int family, int socktype, const char *pname, int flags, const char *serv, int *port)
{
	*port = 0;
	if (!serv || (family != FB_AF_INET && family != FB_AF_INET6)) return 0;
	if (socktype == FB_SOCK_RAW) return FB_EAI_SERVICE;
	if (socktype != 0 && socktype != FB_SOCK_DGRAM && socktype != FB_SOCK_STREAM && socktype != FB_SOCK_SEQPACKET)
		return FB_EAI_SOCKTYPE;
	char *end;
	unsigned long v = strtoul(serv, &end, 10);
	if (*serv && !*end) {
		if (v > 65535) return FB_EAI_SERVICE;
		*port = (int)v;
		return 0;
	}
	if (flags & FB_AI_NUMERICSERV) return FB_EAI_NONAME;
	if (!service_port(serv, pname, port)) return FB_EAI_SERVICE;
	return 0;
}

/* addrconfig with Genode's getifaddrs (socket_fs_plugin.cc): one IPv4 interface from <socket>/address */
static int addrconfig(int family)
{
	const char *sock = model_libc_attr("socket");
	char path[1024];
	snprintf_int(path, sizeof path, "%s/address", sock ? sock : "");
	char *text = sock ? slurp(path) : NULL;
	uint8_t ip[4];
	int seen_inet = 0;
	if (text) {
		text[strcspn(text, "\n")] = 0;
		seen_inet = parse_v4(text, ip) && ip[0] != 127;
		free(text);
	}
	if (family == FB_AF_INET6) return 0;
	return seen_inet;  /* AF_INET, and AF_UNSPEC: seen_inet == seen_inet6 only when both are 0 */
}

int getaddrinfo(const char *host, const char *serv, const struct fb_addrinfo *hints, struct fb_addrinfo **res)
{
	MODEL_ENTER("getaddrinfo");
	*res = NULL;
	int flags = 0, family = FB_AF_UNSPEC, socktype = 0, proto = 0;
	if (!host && !serv) return FB_EAI_NONAME;
	if (hints) {
		if (hints->ai_addrlen || hints->ai_canonname || hints->ai_addr || hints->ai_next) return FB_EAI_BADHINTS;
		if (hints->ai_flags & ~FB_AI_MASK) return FB_EAI_BADFLAGS;
		flags = hints->ai_flags;
		family = hints->ai_family;
		socktype = hints->ai_socktype;
		proto = hints->ai_protocol;
		if (family != FB_AF_UNSPEC && family != FB_AF_INET && family != FB_AF_INET6) return FB_EAI_FAMILY;
		if (socktype && proto) {
			int i;
			for (i = 0; i < N_EXPLORE; i++)
				if (match(socktype, explore[i].type, explore[i].wild & WILD_TYPE) &&
				    match(proto, explore[i].proto, explore[i].wild & WILD_PROTO)) break;
			if (i == N_EXPLORE) return FB_EAI_BADHINTS;
		}
	}
	int port, e;
	/* the service must make sense for the hints (checked as for IPv6 when the family is open) */
	const char *pname = proto == FB_IPPROTO_UDP ? "udp" : proto == FB_IPPROTO_TCP ? "tcp" :
	                    proto == FB_IPPROTO_SCTP ? "sctp" : proto == FB_IPPROTO_UDPLITE ? "udplite" : NULL;
	if ((e = get_port(family ? family : FB_AF_INET6, socktype, pname, flags, serv, &port))) return e;

	/* NULL or numeric host: per family; otherwise the hosts database (files, then dns) */
	struct addr addrs[32];
	int na = 0, numeric = 0, canon_all = 0;
	char canon[256] = "";
	static const int fams[2] = { FB_AF_INET6, FB_AF_INET };
	for (int f = 0; f < 2; f++) {
		if (family && family != fams[f]) continue;
		struct addr a = { 0 };
		if (!host) {
			/* explore_null: only families a socket can be made for */
			int s = socket(fams[f], FB_SOCK_DGRAM, 0);
			if (s < 0 && *model_errno_slot() != FB_EMFILE) continue;
			if (s >= 0) close(s);
			a.family = fams[f];
			if (!(flags & FB_AI_PASSIVE)) { if (a.family == FB_AF_INET) { a.a[0] = 127; a.a[3] = 1; } else a.a[15] = 1; }
			addrs[na++] = a;
		} else if (fams[f] == FB_AF_INET) {
			if (parse_v4(host, a.a) && !host[strspn(host, "0123456789.xabcdefXABCDEF")]) {
				a.family = FB_AF_INET; addrs[na++] = a;
			}
		} else if (parse_v6(host, a.a)) {
			a.family = FB_AF_INET6; addrs[na++] = a;
		}
	}
	if (na) {
		numeric = 1;
		if (host) { snprintf_int(canon, sizeof canon, "%s", host); canon_all = 1; }
	} else {
		if (!host || (flags & FB_AI_NUMERICHOST)) return FB_EAI_NONAME;
		if ((flags & FB_AI_ADDRCONFIG) && !addrconfig(family)) return FB_EAI_FAIL;
		na = hosts_lookup(host, family, addrs, 32, canon, sizeof canon);
		if (na) canon_all = 1;
		else {
			/* _dns_getaddrinfo: AAAA answers first for AF_UNSPEC; any failure is "not found" */
			if (family != FB_AF_INET) { int r = dns_query(host, 28, addrs, 32); if (r > 0) na = r; }
			if (family != FB_AF_INET6) { int r = dns_query(host, 1, addrs + na, 32 - na); if (r > 0) na += r; }
			if (!na) return FB_EAI_NONAME;
			snprintf_int(canon, sizeof canon, "%s", host);
		}
		/* GET_PORT on the results, with the hints' (open) socket type */
		if ((e = get_port(FB_AF_INET, socktype, pname, flags, serv, &port))) return e;
	}
	(void)numeric;
	/* globcopy: explore entries in order, each copying the addresses of its family */
	struct fb_addrinfo *head = NULL, **tail = &head;
	for (int f = 0; f < 2; f++) {
		if (family && family != fams[f]) continue;
		for (int k = 0; k < N_EXPLORE; k++) {
			if (!match(socktype, explore[k].type, explore[k].wild & WILD_TYPE)) continue;
			if (!match(proto, explore[k].proto, explore[k].wild & WILD_PROTO)) continue;
			int st = socktype ? socktype : explore[k].type;
			int pr = proto ? proto : explore[k].proto;
			const char *pn = pr == FB_IPPROTO_UDP ? "udp" : pr == FB_IPPROTO_TCP ? "tcp" :
			                 pr == FB_IPPROTO_SCTP ? "sctp" : pr == FB_IPPROTO_UDPLITE ? "udplite" : NULL;
			int p2;
			if (get_port(fams[f], st, pn, flags, serv, &p2)) continue;
			int first = 1;
			for (int i = 0; i < na; i++) {
				if (addrs[i].family != fams[f]) continue;
				struct fb_addrinfo *ai = new_ai(&addrs[i], st, pr, port, flags);
				if (!ai) { freeaddrinfo(head); return FB_EAI_MEMORY; }
				if ((flags & FB_AI_CANONNAME) && host && (canon_all || first)) ai->ai_canonname = strdup(canon);
				first = 0;
				*tail = ai; tail = &ai->ai_next;
			}
		}
	}
	if (!head) return FB_EAI_FAIL;
	*res = head;
	return 0;
}

static void format_v6(const uint8_t *a, char *out, size_t len)
{
	/* RFC 5952: the longest run (>= 2) of zero groups becomes "::" */
	unsigned g[8];
	for (int i = 0; i < 8; i++) g[i] = (unsigned)(a[2 * i] << 8 | a[2 * i + 1]);
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8; ) {
		if (g[i]) { i++; continue; }
		int j = i;
		while (j < 8 && !g[j]) j++;
		if (j - i > bestlen && j - i >= 2) { best = i; bestlen = j - i; }
		i = j;
	}
	char buf[64];
	size_t n = 0;
	for (int i = 0; i < 8; i++) {
		if (i == best) { buf[n++] = ':'; if (i == 0) buf[n++] = ':'; i += bestlen - 1; continue; }
		if (i == 6 && best == 0 && (bestlen == 6 || (bestlen == 5 && g[5] == 0xffff))) {
			n += (size_t)snprintf_int(buf + n, sizeof buf - n, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
			break;
		}
		n += (size_t)snprintf_int(buf + n, sizeof buf - n, "%x%s", g[i], i < 7 ? ":" : "");
	}
	buf[n] = 0;
	snprintf_int(out, len, "%s", buf);
}

int getnameinfo(const void *sa, uint32_t salen, char *host, size_t hostlen, char *serv, size_t servlen, int flags)
{
	MODEL_ENTER("getnameinfo");
	if (!sa) return FB_EAI_FAIL;
	const struct db_sin *s4 = sa;
	int family = s4->family;
	const uint8_t *addr;
	unsigned port;
	if (family == FB_AF_INET) {
		if (salen != sizeof(struct db_sin)) return FB_EAI_FAIL;
		addr = s4->addr; port = be16(s4->port);
	} else if (family == FB_AF_INET6) {
		const struct db_sin6 *s6 = sa;
		if (salen != sizeof(struct db_sin6)) return FB_EAI_FAIL;
		addr = s6->addr; port = be16(s6->port);
	} else return FB_EAI_FAMILY;
	if (serv && servlen) {
		int got = 0;
		if (!(flags & FB_NI_NUMERICSERV))
			got = service_name((int)port, (flags & FB_NI_DGRAM) ? "udp" : "tcp", serv, servlen);
		if (got < 0) return FB_EAI_OVERFLOW;
		if (!got) {
			char num[8];
			snprintf_int(num, sizeof num, "%u", port);
			if (strlen(num) + 1 > servlen) return FB_EAI_OVERFLOW;
			memcpy(serv, num, strlen(num) + 1);
		}
	}
	if (host && hostlen) {
		char num[64];
		if (family == FB_AF_INET) snprintf_int(num, sizeof num, "%u.%u.%u.%u", addr[0], addr[1], addr[2], addr[3]);
		else format_v6(addr, num, sizeof num);
		const char *name = NULL;
		char found[256];
		if (!(flags & FB_NI_NUMERICHOST)) {
			/* gethostbyaddr: files (/etc/hosts); a reverse DNS query is not made by the model */
			char *text = slurp("/etc/hosts");
			if (text) {
				char *cur = text, *w[35];
				int n;
				while (!name && (n = words(&cur, w, 35))) {
					struct addr a;
					if (n < 2 || !hosts_addr(w[0], &a)) continue;
					if (a.family == family && !memcmp(a.a, addr, family == FB_AF_INET ? 4 : 16)) {
						snprintf_int(found, sizeof found, "%s", w[1]);
						name = found;
					}
				}
				free(text);
			}
			if (!name && (flags & FB_NI_NAMEREQD)) return FB_EAI_NONAME;
		}
		if (!name) name = num;
		if (strlen(name) + 1 > hostlen) return FB_EAI_OVERFLOW;
		memcpy(host, name, strlen(name) + 1);
	}
	return 0;
}
