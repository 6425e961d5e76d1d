// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build !faketime

package runtime

import _ "unsafe" // for go:linkname

// time_now is time.now; see timestub.go for who else links to it.
//
//go:linkname time_now time.now
func time_now() (sec int64, nsec int32, mono int64) {
	return timeNow()
}
