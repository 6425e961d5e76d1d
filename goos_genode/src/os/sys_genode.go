// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package os

// hostname answers the first line of /etc/hostname, the file a container
// runtime puts into a container's view (containerd's CRI: the pod's host
// name), or else "localhost". A Genode component has no host name: the only
// one its libc knows is the constant "localhost" of sysctl.cc's fallback
// table, and that is never reached, because the builtin CTL_KERN case falls
// through into CTL_HW, where KERN_HOSTNAME (10) is HW_FLOATINGPT and answers
// the int 1 (so gethostname and uname's nodename give "\x01").
func hostname() (name string, err error) {
	b, err := ReadFile("/etc/hostname")
	if IsNotExist(err) {
		return "localhost", nil
	}
	if err != nil {
		return "", err
	}
	for i, c := range b {
		if c == '\n' || c == '\r' {
			b = b[:i]
			break
		}
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "localhost", nil
	}
	return string(b), nil
}
