//! behaviour: raise(SIGABRT) (and so abort) logs "Error: raise(abrt)" and calls exit(-1): status 255
//! models: repos/libports/src/lib/libc/signal.cc
//! exit: 255
//! stderr: Error: raise(abrt)
#include "genode/libc.h"
int main(void) { abort(); }
