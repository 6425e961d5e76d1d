// Command go_genode_arm64_exec runs genode/arm64 programs for the go command
// (`GOOS=genode GOARCH=arm64 go test`, `go run`) on the model of Genode's
// libc (under qemu-aarch64 on an amd64 host); see package genodego/host/cmd/internal/goexec.
package main

import "genodego/host/cmd/internal/goexec"

func main() { goexec.Main("arm64") }
