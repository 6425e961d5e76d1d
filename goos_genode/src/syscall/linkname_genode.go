// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package syscall

import _ "unsafe" // for linkname

// Used by internal/syscall/unix (at_genode.go, tcsetpgrp) and, as on the
// BSDs, by golang.org/x/net (sysctl).
//
//go:linkname openat
//go:linkname genodeOpenat
//go:linkname fstatat
//go:linkname ioctlPtr
//go:linkname sysctl
