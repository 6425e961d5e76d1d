// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package runtime

//go:nosplit
func cputicks() int64 {
	// nanotime is a libc call (clock_gettime), precise enough for the
	// profiler's and the scheduler's use of cputicks.
	return nanotime()
}
