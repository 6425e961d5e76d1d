// Command signals checks os/signal with the signals Genode's libc emulates:
// kill() to the component's own pid runs the handler at once.
//
//	signals          the notify/ignore checks
//	signals die SIG  sends SIG to itself without a handler and reports if it survives
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func say(key string, v any) { fmt.Printf("%s: %v\n", key, v) }

func wait(c chan os.Signal) string {
	select {
	case s := <-c:
		return "received " + s.String()
	case <-time.After(5 * time.Second):
		return "timeout"
	}
}

func main() {
	pid := os.Getpid()
	say("pid", pid)
	if len(os.Args) == 3 && os.Args[1] == "die" {
		sig := map[string]syscall.Signal{"TERM": syscall.SIGTERM, "USR1": syscall.SIGUSR1, "HUP": syscall.SIGHUP}[os.Args[2]]
		say("kill", syscall.Kill(pid, sig))
		time.Sleep(200 * time.Millisecond)
		say("survived", true)
		return
	}

	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGINT)
	say("kill-usr1", syscall.Kill(pid, syscall.SIGUSR1))
	say("usr1", wait(c))
	say("kill-int", syscall.Kill(pid, syscall.SIGINT))
	say("int", wait(c))

	// From another goroutine, while main blocks on the channel.
	go func() {
		time.Sleep(50 * time.Millisecond)
		syscall.Kill(pid, syscall.SIGUSR1)
	}()
	say("usr1-goroutine", wait(c))

	signal.Ignore(syscall.SIGUSR2)
	say("kill-usr2-ignored", syscall.Kill(pid, syscall.SIGUSR2))
	say("ignored", signal.Ignored(syscall.SIGUSR2))

	signal.Stop(c)
	signal.Notify(c, syscall.SIGHUP)
	syscall.Kill(pid, syscall.SIGUSR1) // no longer notified: SIGUSR1's default would end the program
	say("hup", "not-sent")

	say("kill-other-pid", syscall.Kill(pid+4711, syscall.SIGUSR1))
	say("kill-probe-self", syscall.Kill(pid, 0))
	say("done", true)
}
