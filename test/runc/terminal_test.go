package runc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPty returns a pty master and the path of its slave.
func openPty(t *testing.T) (*os.File, string) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pty on this host: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatal(e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatal(e)
	}
	t.Cleanup(func() { m.Close() })
	return m, fmt.Sprintf("/dev/pts/%d", n)
}

// buildToolbox builds test/rootfs's multi-call toolbox for genode/$arch.
func buildToolbox(t *testing.T) string {
	t.Helper()
	Need(t)
	out := filepath.Join(t.TempDir(), "toolbox")
	cmd := exec.Command(goGenode, "build", "-o", out, ".")
	cmd.Dir = filepath.Join(top, "test", "rootfs", "toolbox")
	cmd.Env = append(os.Environ(), "GOOS=genode", "GOARCH="+arch, "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=",
		"CGO_ENABLED=0", "PATH="+filepath.Dir(goGenode)+string(os.PathListSeparator)+os.Getenv("PATH"))
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build test/rootfs/toolbox for genode: %v\n%s", err, msg)
	}
	return out
}

// process.terminal: `runc run` from a terminal gives the container that
// terminal (a Terminal session routed to it): what is typed reaches the
// container's shell, its output reaches the terminal, its exit status is
// runc's.
func TestTerminal(t *testing.T) {
	tb, err := os.ReadFile(buildToolbox(t))
	if err != nil {
		t.Fatal(err)
	}
	b := NewBundle(t)
	b.AddFile("bin/sh", tb, 0o755)
	b.Spec.Process()["terminal"] = true
	b.Spec.Process()["args"] = []any{"/bin/sh"}
	b.Write()
	r := NewRoot(t)
	m, slave := openPty(t)
	s, err := os.OpenFile(slave, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cmd := r.Command("run", "tty1")
	cmd.Dir = b.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s, s, s
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := m.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				close(done)
				return
			}
		}
	}()
	// the shell reads the terminal line by line; typed before it runs, the
	// lines wait in the tty
	fmt.Fprintf(m, "echo typed-$$-ok\nexit 5\n")
	werr := make(chan error, 1)
	go func() { werr <- cmd.Wait() }()
	select {
	case err := <-werr:
		var ee *exec.ExitError
		if err == nil || !errors.As(err, &ee) || ee.ExitCode() != 5 {
			t.Fatalf("runc run: %v, want exit status 5; terminal:\n%s", err, out.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("runc run did not end; terminal:\n%s", out.String())
	}
	m.Close()
	<-done
	if !strings.Contains(out.String(), "typed-") || !strings.Contains(out.String(), "-ok") {
		t.Fatalf("the container's answer is not on the terminal:\n%q", out.String())
	}
}
