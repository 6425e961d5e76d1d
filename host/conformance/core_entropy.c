//! behaviour: without <libc rng>, getentropy/getrandom log "Libc RNG not configured" and fall back to an insecure random(); getentropy refuses more than 256 bytes with EIO; arc4random is seeded the same way
//! models: repos/libports/src/lib/libc/getrandom.cc, repos/libports/src/lib/libc/sysctl.cc
//! stderr: PASS
//! stderr: Warning: Libc RNG not configured
#include "check.h"
int main(void)
{
	unsigned char buf[300];
	memset(buf, 0, sizeof buf);
	CHECK(getentropy(buf, 32) == 0);
	int nonzero = 0;
	for (int i = 0; i < 32; i++) nonzero |= buf[i];
	CHECK(nonzero);
	errno = 0;
	CHECK(getentropy(buf, 257) == -1 && errno == EIO);
	CHECK(getrandom(buf, 16, 0) == 16);
	arc4random_buf(buf, sizeof buf);
	DONE();
}
