//go:build genode

package main

import (
	"syscall"
	"unsafe"
)

//go:linkname ioctlPtr syscall.ioctlPtr
func ioctlPtr(fd int, req uint, arg unsafe.Pointer) error

// winsize asks fd's terminal for its size (TIOCGWINSZ: on Genode the
// Terminal session's size, which its server sets).
func winsize(fd int) (rows, cols int, err error) {
	var ws [4]uint16
	if err := ioctlPtr(fd, syscall.TIOCGWINSZ, unsafe.Pointer(&ws)); err != nil {
		return 0, 0, err
	}
	return int(ws[0]), int(ws[1]), nil
}
