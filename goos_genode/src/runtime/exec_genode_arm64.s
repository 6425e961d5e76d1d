// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

#include "textflag.h"

// Process creation is not served on arm64 yet (genodeForkServed is
// false); these only satisfy the references in exec_genode.go.

TEXT runtime·genodeForkInit(SB),NOSPLIT|NOFRAME,$0
	RET

TEXT runtime·genodePump(SB),NOSPLIT|NOFRAME,$0
	RET

TEXT runtime·genodeForkAsk(SB),NOSPLIT|NOFRAME,$0
	RET
