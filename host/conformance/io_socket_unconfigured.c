//! behaviour: without <libc socket> socket() fails with -1 and Genode's "no plugin found for socket()" error (errno untouched)
//! models: repos/libports/src/lib/libc/socket_operations.cc
//! exit: 0
//! stderr: no plugin found for socket()
#include "check.h"
#include "genode/io.h"

int main(void)
{
	errno = 0;
	CHECK(socket(AF_INET, SOCK_STREAM, 0) == -1 && errno == 0);
	DONE();
}
