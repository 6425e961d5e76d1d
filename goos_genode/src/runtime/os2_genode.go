// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package runtime

const (
	// Genode's sigaction accepts signals 1..NSIG (32), FreeBSD's old set.
	_NSIG = 33

	_SI_USER = 0x10001

	_SIG_BLOCK   = 1
	_SIG_UNBLOCK = 2
	_SIG_SETMASK = 3

	_SS_DISABLE = 4
)
