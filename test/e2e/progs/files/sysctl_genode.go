//go:build genode

package main

import "syscall"

// rawHostname is the libc's own answer for kern.hostname.
func rawHostname() string {
	s, err := syscall.Sysctl("kern.hostname")
	if err != nil {
		return "error " + err.Error()
	}
	return s
}
