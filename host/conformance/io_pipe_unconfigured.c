//! behaviour: without <libc pipe> pipe() fails with EACCES after Genode's error lines
//! models: repos/libports/src/lib/libc/file_operations.cc, repos/libports/src/lib/libc/vfs_plugin.cc
//! exit: 0
//! stderr: pipe fs not mounted
#include "check.h"
#include "genode/io.h"

int main(void)
{
	int p[2];
	CHECK(pipe(p) == -1 && errno == EACCES);
	DONE();
}
