//! behaviour: every path resolves inside the component's VFS view: "..", absolute paths, symlinks planted by the program (to "/", to host paths, relative ones leaving a host fs directory) and over-long paths never reach a host file outside the view
//! models: repos/libports/src/lib/libc/file_operations.cc, repos/os/src/lib/vfs/fs_file_system.h
//! exit: 0
/*
 * Host side: /data is the harness's ${VIEW}; ${SENTINEL} (argv[1]) is a sibling directory holding "canary" and
 * "dir/canary". The harness fails the test if anything outside ${VIEW} is created or changed, so every write
 * below that would escape must fail (or land inside the view).
 */
#include "check.h"
#include "genode/io.h"

static int try_write(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0) return -1;
	write(fd, "escaped\n", 8);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *sentinel = argc > 1 ? argv[1] : "/nonexistent";
	char p[1200];
	struct stat st;

	/* ".." stops at the view's root */
	CHECK(open("/../../../../etc/passwd", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(chdir("/data") == 0);
	CHECK(open("../../../../../etc/passwd", O_RDONLY) == -1 && errno == ENOENT);
	snprintf(p, sizeof p, "/data/../../sentinel/canary");
	CHECK(try_write(p) == -1);
	CHECK(try_write("../sentinel/canary") == -1);

	/* the host path of the sentinel means nothing in the view */
	snprintf(p, sizeof p, "%s/canary", sentinel);
	CHECK(try_write(p) == -1);
	CHECK(stat(p, &st) == -1 && errno == ENOENT);

	/* symlinks planted in the writeable host directory */
	CHECK(symlink("/", "/data/to_root") == 0);
	CHECK(symlink(sentinel, "/data/to_sentinel") == 0);
	CHECK(symlink("../sentinel", "/data/rel_up") == 0);
	CHECK(symlink("../../../../../../..", "/data/far_up") == 0);
	CHECK(symlink("/data/to_root/data/to_root", "/data/chain") == 0);
	/* "/" is the view's root: /data/to_root/data is /data again, never the host's / */
	CHECK(stat("/data/to_root/data", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/data/to_root/etc/passwd", &st) == -1);
	CHECK(try_write("/data/to_root/etc_passwd_probe") == -1);          /* the view's / is not writeable */
	CHECK(try_write("/data/to_sentinel/canary") == -1);
	CHECK(try_write("/data/to_sentinel/new_file") == -1);
	CHECK(try_write("/data/to_sentinel/dir/canary") == -1);
	CHECK(try_write("/data/rel_up/canary") == -1);
	/* "../../.." from /data stops at the view's root: this lands in the ram fs at /tmp */
	CHECK(try_write("/data/far_up/tmp/escape") == 0 && stat("/tmp/escape", &st) == 0);
	CHECK(mkdir("/data/rel_up/newdir", 0755) == -1);
	CHECK(unlink("/data/rel_up/canary") == -1);
	CHECK(rename("/data/rel_up/canary", "/data/stolen") == -1);
	CHECK(open("/data/rel_up/canary", O_RDONLY) == -1);
	/* writing through a chain of links that ends inside the view works and stays inside */
	CHECK(try_write("/data/chain/data/inside") == 0);
	CHECK(stat("/data/inside", &st) == 0 && st.st_size == 8);
	/* a symlink as the last element: the link, not its target, is removed */
	CHECK(unlink("/data/to_sentinel") == 0);
	/* O_NOFOLLOW on a symlink */
	CHECK(open("/data/rel_up", O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP);
	/* symlink loops end with ELOOP */
	CHECK(symlink("/data/loop_b", "/data/loop_a") == 0 && symlink("/data/loop_a", "/data/loop_b") == 0);
	CHECK(open("/data/loop_a", O_RDONLY) == -1 && errno == ELOOP);

	/* over-long paths: the libc's Absolute_path holds 512 bytes */
	for (int i = 0; i < 1100; i += 2) { p[i] = 'a'; p[i + 1] = '/'; }
	p[1100] = 0;
	CHECK(open(p, O_CREAT | O_WRONLY, 0644) == -1 && errno == ENAMETOOLONG);
	memset(p, 'x', 600); p[600] = 0;
	CHECK(try_write(p) == -1);

	/* relative paths against the cwd */
	CHECK(chdir("/data/to_root") == 0);
	CHECK(getcwd(p, sizeof p) && !strcmp(p, "/data/to_root"));
	CHECK(stat("data/inside", &st) == 0);   /* the cwd is kept lexically; "to_root" is resolved on use */
	DONE();
}
