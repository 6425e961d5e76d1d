// Command entropy reads crypto/rand and reports what it got: the first bytes
// in hex and simple sanity figures the e2e test checks.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
)

func main() {
	a := make([]byte, 4096) // more than getentropy's 256 bytes per call
	b := make([]byte, 4096)
	if _, err := rand.Read(a); err != nil {
		fmt.Println("read: error", err)
		os.Exit(1)
	}
	if _, err := rand.Read(b); err != nil {
		fmt.Println("read: error", err)
		os.Exit(1)
	}
	var counts [256]int
	for _, c := range a {
		counts[c]++
	}
	maxCount := 0
	for _, n := range counts {
		maxCount = max(maxCount, n)
	}
	fmt.Println("read: ok")
	fmt.Println("head:", hex.EncodeToString(a[:16]))
	fmt.Println("equal:", bytes.Equal(a, b))
	// 4096 uniform bytes put at most ~35 into one value; a stuck source puts all.
	fmt.Println("max-count:", maxCount)
	fmt.Println("text:", len(rand.Text()))
}
