//! behaviour: with <libc rng="..."> the entropy functions read that file (here a zero device) and log no warning
//! models: repos/libports/src/lib/libc/getrandom.cc
//! stderr: PASS
//! not-stderr: RNG not configured
#include "check.h"
int main(void)
{
	unsigned char buf[64];
	memset(buf, 0xaa, sizeof buf);
	CHECK(getentropy(buf, sizeof buf) == 0);
	int nonzero = 0;
	for (unsigned i = 0; i < sizeof buf; i++) nonzero |= buf[i];
	CHECK(nonzero == 0);
	DONE();
}
