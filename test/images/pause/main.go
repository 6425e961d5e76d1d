// Command pause is the program of the genode pause images (genode-images -cri: pause:3.9, pause:3.10.2),
// the stand-in for Kubernetes' pause container: it does nothing until it is ended, and exits 0 on SIGTERM
// or SIGINT, as the real one does.
//
// It waits on a signal channel while a goroutine sleeps in a loop, so that a timer is always pending and
// Go's deadlock detector never finds all goroutines asleep, however the port delivers signals.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		for {
			time.Sleep(time.Hour)
		}
	}()
	s := <-sigs
	fmt.Fprintf(os.Stderr, "pause: shutting down, got signal: %v\n", s)
}
