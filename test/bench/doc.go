// Package bench holds the benchmarks of `make bench-runtime` that std does
// not have in the shape we need: 1 MiB file write and read, TCP loopback
// throughput and time.Now. The same binary runs natively and on genode.
package bench
