// Command go_genode_amd64_exec runs genode/amd64 programs for the go command
// (`GOOS=genode GOARCH=amd64 go test`, `go run`) on the model of Genode's
// libc; see package genodego/host/cmd/internal/goexec.
package main

import "genodego/host/cmd/internal/goexec"

func main() { goexec.Main("amd64") }
