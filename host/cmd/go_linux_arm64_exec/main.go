// Command go_linux_arm64_exec runs linux/arm64 programs for the go command
// on an amd64 host (`GOOS=linux GOARCH=arm64 go test`), under qemu-user:
// the baseline that genode/arm64 on the arm64 model is compared with, under
// the same emulator ($GENODE_QEMU, default qemu-aarch64 on PATH).
//
// qemu-user runs the binary it is given; without a binfmt_misc entry for
// aarch64 on the host, a child that the program executes is not emulated
// and fails with "exec format error". The model's execve puts the emulator
// in front of a new image itself, so genode/arm64 has no such gap; the
// reports say so where a native test fails for it.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go_linux_arm64_exec BINARY [ARGS...]")
		os.Exit(2)
	}
	qemu := os.Getenv("GENODE_QEMU")
	if qemu == "" {
		qemu = "qemu-aarch64"
	}
	q, err := exec.LookPath(qemu)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go_linux_arm64_exec: linux/arm64 on this host needs qemu-user: %v\n", err)
		os.Exit(2)
	}
	// exec: the test binary's signals, exit status and process group are
	// the emulator's.
	err = syscall.Exec(q, append([]string{q}, os.Args[1:]...), os.Environ())
	fmt.Fprintf(os.Stderr, "go_linux_arm64_exec: %v\n", err)
	os.Exit(2)
}
