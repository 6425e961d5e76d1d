// Command churn allocates and drops TOTAL MiB in CHUNK KiB pieces, keeping
// at most LIVE MiB reachable at any time, and reports the runtime's figures.
//
//	churn TOTAL_MiB LIVE_MiB CHUNK_KiB
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
)

func arg(i int) int {
	n, err := strconv.Atoi(os.Args[i])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: churn TOTAL_MiB LIVE_MiB CHUNK_KiB")
		os.Exit(2)
	}
	return n
}

var sink byte

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: churn TOTAL_MiB LIVE_MiB CHUNK_KiB")
		os.Exit(2)
	}
	total, live, chunk := arg(1)<<20, arg(2)<<20, arg(3)<<10
	ring := make([][]byte, max(live/chunk, 1))
	var maxSys uint64
	var ms runtime.MemStats
	for i, done := 0, 0; done < total; i, done = i+1, done+chunk {
		b := make([]byte, chunk)
		for j := range b { // use it, as a program uses a buffer it allocates
			b[j] = byte(i + j)
		}
		ring[i%len(ring)] = b
		sink ^= b[0]
		if i%256 == 0 {
			runtime.ReadMemStats(&ms)
			maxSys = max(maxSys, ms.Sys)
		}
	}
	runtime.ReadMemStats(&ms)
	maxSys = max(maxSys, ms.Sys)
	fmt.Println("total-alloc-mib:", ms.TotalAlloc>>20)
	fmt.Println("num-gc:", ms.NumGC)
	fmt.Println("max-sys-mib:", maxSys>>20)
	fmt.Println("heap-sys-mib:", ms.HeapSys>>20)
	fmt.Println("done: true")
}
