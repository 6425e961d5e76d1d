// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package net

import (
	"os"
	"syscall"
)

// Genode's socket file system accepts only SO_REUSEADDR, SO_KEEPALIVE,
// TCP_KEEP*, TCP_NODELAY and SO_LINGER(off); every other option is
// ENOPROTOOPT (libc/socket_fs_plugin.cc). It has no IPv6, so there is no
// IPV6_V6ONLY to set, and SO_BROADCAST is refused: datagram sockets are
// used without it rather than not at all.

func setDefaultSockopts(s, family, sotype int, ipv6only bool) error {
	return nil
}

func setDefaultListenerSockopts(s int) error {
	return os.NewSyscallError("setsockopt", syscall.SetsockoptInt(s, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1))
}

// setDefaultMulticastSockopts sets SO_REUSEADDR only: there is no
// SO_REUSEPORT (and no multicast membership option either).
func setDefaultMulticastSockopts(s int) error {
	return os.NewSyscallError("setsockopt", syscall.SetsockoptInt(s, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1))
}
