// Command forksock forks children (os/exec) on two goroutines while four
// others create "unix" and TCP sockets and open files, for a given time,
// and prints what each side did. Every socket and file a genode program
// opens takes syscall.ForkLock for reading and a fork takes it for
// writing: a read lock taken twice on one path (net's socket around the
// socket file system's own opens) deadlocked all of them as soon as a
// fork waited for the lock.
package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		return
	}
	d := 3 * time.Second
	if len(os.Args) > 1 {
		var err error
		if d, err = time.ParseDuration(os.Args[1]); err != nil {
			fmt.Println("usage: forksock [DURATION]")
			os.Exit(2)
		}
	}
	sock := filepath.Join(os.TempDir(), "forksock.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { c.Read(make([]byte, 1)); c.Close() }()
		}
	}()
	self, err := os.Executable()
	if err != nil {
		fmt.Println("executable:", err)
		os.Exit(1)
	}
	var forks, dials, failures atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for time.Now().Before(stop) {
				if err := exec.Command(self, "child").Run(); err != nil {
					fmt.Println("exec:", err)
					failures.Add(1)
				}
				forks.Add(1)
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(stop) {
				c, err := net.DialTimeout("unix", sock, 5*time.Second)
				if err != nil {
					fmt.Println("dial:", err)
					failures.Add(1)
					continue
				}
				c.Write([]byte("x"))
				c.Close()
				if f, err := os.Open(self); err == nil {
					f.Close()
				}
				dials.Add(1)
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d + 30*time.Second):
		fmt.Printf("stuck after %d forks and %d dials\n", forks.Load(), dials.Load())
		os.Exit(1)
	}
	fmt.Printf("forks: %d\ndials: %d\nfailures: %d\n", forks.Load(), dials.Load(), failures.Load())
}
