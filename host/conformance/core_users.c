//! behaviour: the user and group databases are one entry each, from <libc><passwd ...> and <libc><group ...>
//! behaviour: (defaults: root, uid/gid 0, home "/"); getpw*_r/getgr*_r copy it into the caller's buffer, which
//! behaviour: must hold Genode's Passwd_fields (800 bytes) / Group_fields (260) else -1 with errno ERANGE; no
//! behaviour: match is -1 with errno ENOENT and *result NULL; gr_mem is NULL; getgrouplist gives the base group
//! models: repos/libports/src/lib/libc/getpwent.cc
//! models: repos/libports/src/lib/libc/getgrent.cc
//! models: repos/libports/src/lib/libc/kernel.cc
//! stderr: [core_users] PASS
//! not-stderr: FAIL
#include "check.h"
#include "genode/io.h"
#include "genode/db.h"
int main(void)
{
	static char buf[1024];
	struct passwd pw, *pr = &pw;
	CHECK(getpwnam_r("user", &pw, buf, sizeof buf, &pr) == 0 && pr == &pw);
	CHECK(!strcmp(pw.pw_name, "user") && pw.pw_uid == 1000 && pw.pw_gid == 100);
	CHECK(!strcmp(pw.pw_dir, "/home/user") && !strcmp(pw.pw_shell, "") && !strcmp(pw.pw_passwd, ""));
	CHECK(pw.pw_name >= buf && pw.pw_name < buf + sizeof buf);
	CHECK(getpwuid_r(1000, &pw, buf, sizeof buf, &pr) == 0 && pr == &pw && !strcmp(pw.pw_name, "user"));
	errno = 0;
	CHECK(getpwnam_r("root", &pw, buf, sizeof buf, &pr) == -1 && errno == ENOENT && pr == NULL);
	errno = 0;
	CHECK(getpwuid_r(0, &pw, buf, sizeof buf, &pr) == -1 && errno == ENOENT && pr == NULL);
	errno = 0;
	CHECK(getpwnam_r("user", &pw, buf, 799, &pr) == -1 && errno == ERANGE && pr == NULL);
	CHECK(getpwnam_r("user", &pw, buf, 800, &pr) == 0);

	struct group gr, *g = &gr;
	CHECK(getgrnam_r("root", &gr, buf, sizeof buf, &g) == 0 && g == &gr && gr.gr_gid == 0 && gr.gr_mem == NULL);
	CHECK(getgrgid_r(0, &gr, buf, sizeof buf, &g) == 0 && !strcmp(gr.gr_name, "root"));
	errno = 0;
	CHECK(getgrgid_r(100, &gr, buf, sizeof buf, &g) == -1 && errno == ENOENT && g == NULL);
	errno = 0;
	CHECK(getgrnam_r("root", &gr, buf, 259, &g) == -1 && errno == ERANGE);

	gid_t groups[4];
	int n = 4;
	CHECK(getgrouplist("user", 100, groups, &n) == 0 && n == 1 && groups[0] == 100);
	n = 0;
	CHECK(getgrouplist("user", 100, groups, &n) == -1 && n == 1);
	DONE();
}
