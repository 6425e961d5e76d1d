//! behaviour: files: stat is synthesized (owner rwx bits from the VFS, uid/gid 0, st_ino = xorshift hash of the path, 64 KiB st_blksize, nlink 1, stdout a character device); getdirentries returns exactly one struct dirent per call (basep += 280, no "." or "..", a buffer smaller than a dirent is an error); dup/F_DUPFD re-open the path with the offset copied (not shared), F_DUPFD ignores its minimum, F_DUPFD_CLOEXEC and O_CLOEXEC do not set FD_CLOEXEC; chmod/chown/link/mknod/mkfifo fail with ENOSYS, fchmod/utimes return 0; of the *at family openat and fstatat work by path concatenation
//! models: repos/libports/src/lib/libc/vfs_plugin.cc, repos/libports/src/lib/libc/file_operations.cc, repos/libports/src/lib/libc/dummies.cc, repos/os/src/lib/vfs/ram_file_system.h
//! exit: 0
#include "check.h"
#include "genode/io.h"

static uint64_t path_hash(const char *p)
{
	uint64_t sum = 0;
	for (const unsigned char *s = (const unsigned char *)p; *s; s++) {
		sum ^= *s;
		uint64_t x = sum;
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		sum = x;
	}
	return sum;
}

int main(void)
{
	struct stat st;
	char buf[600];

	/* stat: a ram file has rwx for the owner only, uid/gid 0, the path hash as inode */
	int fd = open("/tmp/a", O_CREAT | O_RDWR | O_CLOEXEC, 0644);
	CHECK(fd == 3);
	CHECK(fcntl(fd, F_GETFD) == 0);                       /* O_CLOEXEC is not kept */
	CHECK(write(fd, "0123456789", 10) == 10);
	CHECK(fstat(fd, &st) == 0);
	CHECK((st.st_mode & 07777) == 0700 && S_ISREG(st.st_mode));
	CHECK(st.st_uid == 0 && st.st_gid == 0 && st.st_nlink == 1);
	CHECK(st.st_blksize == 65536 && st.st_blocks == 1 && st.st_size == 10);
	CHECK(st.st_ino == path_hash("/tmp/a"));
	CHECK(stat("/tmp/../tmp/./a", &st) == 0 && st.st_ino == path_hash("/tmp/a"));
	CHECK(stat("/etc/motd", &st) == 0 && (st.st_mode & 07777) == 0500);   /* inline: r-x */
	CHECK(fstat(1, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR);
	CHECK(lstat("/etc/link", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(fstatat(AT_FDCWD, "tmp/a", &st, 0) == 0 && st.st_size == 10);

	/* dup re-opens: the offset is copied once, then independent */
	int d = dup(fd);
	CHECK(d == 4 && lseek(d, 0, SEEK_CUR) == 10);
	CHECK(lseek(fd, 2, SEEK_SET) == 2 && lseek(d, 0, SEEK_CUR) == 10);
	CHECK(fcntl(fd, F_DUPFD, 20) == 5);                   /* the minimum is ignored */
	CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 0) == 6 && fcntl(6, F_GETFD) == 0);
	CHECK(lseek(6, 0, SEEK_CUR) == 2);
	CHECK(dup2(fd, 9) == 9 && lseek(9, 0, SEEK_CUR) == 2);
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK(read(77, buf, 1) == -1 && errno == EBADF);

	/* one dirent per call */
	CHECK(mkdir("/tmp/d", 0755) == 0);
	close(open("/tmp/d/x", O_CREAT | O_WRONLY, 0644));
	close(open("/tmp/d/y", O_CREAT | O_WRONLY, 0644));
	int dd = open("/tmp/d", O_RDONLY | O_DIRECTORY);
	CHECK(dd >= 0);
	off_t base = 0;
	int n = 0;
	ssize_t r;
	while ((r = getdirentries(dd, buf, sizeof buf, &base)) > 0) {
		struct dirent *de = (struct dirent *)buf;
		CHECK(r == (ssize_t)sizeof(struct dirent) && de->d_reclen == sizeof(struct dirent));
		CHECK(strcmp(de->d_name, ".") && strcmp(de->d_name, ".."));
		CHECK(de->d_type == DT_REG && de->d_namlen == 1);
		n++;
	}
	CHECK(r == 0 && n == 2 && base == 2 * 280);
	CHECK(getdirentries(dd, buf, 100, &base) == -1);
	CHECK(open("/tmp/d", O_RDWR) == -1 && errno == EISDIR);
	CHECK(open("/tmp/a", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR);
	CHECK(openat(dd, "x", O_RDONLY) >= 0);
	CHECK(rmdir("/tmp/d") == -1 && errno == ENOTEMPTY);
	CHECK(rmdir("/tmp/a") == -1 && errno == ENOTDIR);

	/* stubs */
	CHECK(chmod("/tmp/a", 0600) == -1 && errno == ENOSYS);
	CHECK(chown("/tmp/a", 1, 1) == -1 && errno == ENOSYS);
	CHECK(link("/tmp/a", "/tmp/b") == -1 && errno == ENOSYS);
	CHECK(mknod("/tmp/n", 0600, 0) == -1 && errno == ENOSYS);
	CHECK(mkfifo("/tmp/f", 0600) == -1 && errno == ENOSYS);
	CHECK(fchmod(fd, 0600) == 0);
	CHECK(utimes("/tmp/a", 0) == 0);
	CHECK(access("/tmp/a", R_OK) == 0 && access("/tmp/zz", F_OK) == -1 && errno == ENOENT);
	DONE();
}
