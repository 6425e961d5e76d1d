//! behaviour: creating a file is exclusive at the file-system server: of two components that create the same new file at once, with O_CREAT|O_EXCL, exactly one succeeds and the other gets EEXIST (the plain open found nothing, the create with O_EXCL then finds the other's file)
//! models: repos/libports/src/lib/libc/vfs_plugin.cc, repos/os/src/lib/vfs/fs_file_system.h
//! exit: 0
#include "check.h"
#include "genode/io.h"

enum { NAMES = 400 };

/* who tries to create every name in turn and marks the ones it got */
static int create_all(char who)
{
	int got = 0;
	char path[64];
	for (int i = 0; i < NAMES; i++) {
		snprintf(path, sizeof path, "/data/n%d", i);
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
		if (fd < 0) {
			if (errno != EEXIST) return -1;
			continue;
		}
		if (write(fd, &who, 1) != 1) return -1;
		close(fd);
		got++;
	}
	return got;
}

int main(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int got = create_all('c');
		int fd = open("/data/child", O_CREAT | O_WRONLY, 0600);
		if (got < 0 || fd < 0 || write(fd, &got, sizeof got) != sizeof got) exit(1);
		exit(0);
	}
	CHECK(pid > 0);
	int mine = create_all('p');
	int st = -1;
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 0);
	int theirs = -1;
	int fd = open("/data/child", O_RDONLY);
	CHECK(fd >= 0 && read(fd, &theirs, sizeof theirs) == sizeof theirs);
	/* every name has exactly one creator */
	CHECK(mine >= 0 && theirs >= 0 && mine + theirs == NAMES);
	if (mine + theirs != NAMES) printf("created: %d by the parent, %d by the child, of %d\n", mine, theirs, NAMES);
	DONE();
}
