package main

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// The program runs until it is signalled, then exits 0.
func TestPause(t *testing.T) {
	if os.Getenv("PAUSE_RUN") == "1" {
		main()
		return
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^TestPause$")
	cmd.Env = append(os.Environ(), "PAUSE_RUN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		t.Fatalf("ended by itself: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("after SIGTERM: %v", err)
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("outlived SIGTERM")
	}
}
