//go:build genode

package main

import (
	"fmt"
	"syscall"
)

// The resources of Genode's getrlimit (libc/rlimit.cc) are FreeBSD 12's (sys/resource.h), which Genode's
// libc headers have: the spec's names map to FreeBSD's numbers. Linux-only resources (RLIMIT_LOCKS,
// RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME) have none.
var rlimitMap = map[string]int{
	"RLIMIT_CPU":     syscall.RLIMIT_CPU,
	"RLIMIT_FSIZE":   syscall.RLIMIT_FSIZE,
	"RLIMIT_DATA":    syscall.RLIMIT_DATA,
	"RLIMIT_STACK":   syscall.RLIMIT_STACK,
	"RLIMIT_CORE":    syscall.RLIMIT_CORE,
	"RLIMIT_RSS":     5,
	"RLIMIT_MEMLOCK": 6,
	"RLIMIT_NPROC":   7,
	"RLIMIT_NOFILE":  syscall.RLIMIT_NOFILE,
	"RLIMIT_AS":      syscall.RLIMIT_AS,
}

func strToRlimit(key string) (int, error) {
	rl, ok := rlimitMap[key]
	if !ok {
		return 0, fmt.Errorf("Wrong rlimit value: %s (no such resource on Genode)", key)
	}
	return rl, nil
}
