// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

#include "textflag.h"

// _rt0_amd64_genode is the linker's default entry symbol. Genode's
// ld.lib.so never jumps to the ELF entry: posix.lib.so calls the exported
// main, runtime·genodeMain (sys_genode_amd64.s). This only satisfies the
// linker.
TEXT _rt0_amd64_genode(SB),NOSPLIT,$-8
	JMP	_rt0_amd64(SB)

TEXT _rt0_amd64_genode_lib(SB),NOSPLIT,$0
	JMP	_rt0_amd64_lib(SB)
