// Command clock reports the wall clock, the monotonic clock and time.Local.
package main

import (
	"fmt"
	"time"
)

func main() {
	now := time.Now()
	fmt.Println("unix:", now.Unix())
	fmt.Println("year:", now.UTC().Year())
	start := time.Now()
	time.Sleep(100 * time.Millisecond)
	fmt.Println("slept-ms:", time.Since(start).Milliseconds())
	t := time.NewTimer(50 * time.Millisecond)
	<-t.C
	fmt.Println("timer: fired")
	fmt.Println("local:", time.Local.String())
}
