//go:build !genode

package main

import "syscall"

// winsize: the toolbox asks a terminal for its size on genode only.
func winsize(fd int) (rows, cols int, err error) { return 0, 0, syscall.ENOTTY }
