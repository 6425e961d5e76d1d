//! behaviour: sysconf serves CHILD_MAX, CLK_TCK, OPEN_MAX, PAGESIZE, PHYS_PAGES (RAM quota), NPROCESSORS; others EINVAL with a warning; sysctl is read-only with two-level MIBs and its CTL_KERN cases fall through into CTL_HW's, so kern.hostname (10) answers hw.floatingpt's int 1 and uname's nodename is "\1"; sysctlbyname's name lookup is refused (ENOENT); getrlimit: STACK unlimited, NOFILE 1024
//! models: repos/libports/src/lib/libc/sysctl.cc, repos/libports/src/lib/libc/rlimit.cc
//! stderr: PASS
//! stderr: Warning: sysconf(9999) not implemented
#include "check.h"
int main(void)
{
	CHECK(sysconf(_SC_PAGESIZE) == 4096);
	CHECK(sysconf(_SC_PHYS_PAGES) == 4 * 1024 * 1024 / 4096);
	CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 1);
	CHECK(sysconf(_SC_OPEN_MAX) == 1024);
	CHECK(sysconf(_SC_CHILD_MAX) == 40 && sysconf(_SC_CLK_TCK) == 128);
	errno = 0;
	CHECK(sysconf(9999) == -1 && errno == EINVAL);
	int mib[2] = { CTL_HW, HW_PAGESIZE };
	int v = 0; size_t len = sizeof v;
	CHECK(sysctl(mib, 2, &v, &len, NULL, 0) == 0 && v == 4096);
	CHECK(sysctl(mib, 2, NULL, &len, NULL, 0) == -1 && errno == EINVAL);
	char name[64]; len = sizeof name;
	mib[0] = CTL_KERN; mib[1] = KERN_OSTYPE;
	CHECK(sysctl(mib, 2, name, &len, NULL, 0) == 0 && strcmp(name, "Genode") == 0);
	uint64_t mem = 0; len = sizeof mem;
	mib[0] = CTL_HW; mib[1] = HW_PHYSMEM;
	CHECK(sysctl(mib, 2, &mem, &len, NULL, 0) == 0 && mem == 4 * 1024 * 1024);
	struct utsname u;
	CHECK(uname(&u) == 0);
	CHECK(strcmp(u.sysname, "Genode") == 0 && u.nodename[0] == 1 && u.nodename[1] == 0 && u.release[0] == 0 && u.machine[0] == 0);
	len = sizeof v;
	CHECK(sysctlbyname("hw.pagesize", &v, &len, NULL, 0) == -1 && errno == ENOENT);
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024);
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == -1);
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == ENOSYS);
	DONE();
}
