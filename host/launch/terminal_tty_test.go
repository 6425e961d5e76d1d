package launch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"genodego/host"
)

// openPTY opens a pseudo-terminal pair: the master and the slave's path.
func openPTY(t *testing.T) (*os.File, string) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("TIOCSPTLCK: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("TIOCGPTN: %v", e)
	}
	return m, fmt.Sprintf("/dev/pts/%d", n)
}

// A terminal routed to a host tty is read and written there, and its size is
// the tty's: TIOCGWINSZ and the info file report it (the server's
// Terminal::Session::size, vfs_plugin.cc _ioctl_tio).
func TestTerminalTTY(t *testing.T) {
	root, _ := filepath.Abs("../..")
	md := filepath.Join(root, "_build", "model")
	if d := os.Getenv("GENODE_MODEL_DIR"); d != "" {
		md = d
	}
	if _, err := os.Stat(filepath.Join(md, "libc.lib.so")); err != nil {
		if os.Getenv("GENODE_MODEL_REQUIRED") != "" {
			t.Fatalf("GENODE_MODEL_REQUIRED is set but %s/libc.lib.so is missing", md)
		}
		t.Skipf("model not built: %s/libc.lib.so is missing (run `make model`)", md)
	}
	master, pts := openPTY(t)
	ws := [4]uint16{33, 101, 0, 0}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); e != 0 {
		t.Fatalf("TIOCSWINSZ: %v", e)
	}
	d := t.TempDir()
	bin := filepath.Join(d, "tty")
	cc := host.CompileCommand(root, md, filepath.Join("testdata", "tty.c"), bin)
	if out, err := cc.CombinedOutput(); err != nil {
		t.Fatalf("testdata/tty.c: %v\n%s", err, out)
	}
	cfg := "start tty | caps: 100 | ram: 8M\n+ route\n  + service Terminal | label_last: tty\n    + parent | label: " + pts +
		"\n  + any-service\n    + parent\n+ config\n  + vfs\n    + dir dev\n      + log\n      + terminal tty | label: tty\n" +
		"  + libc | stdin: /dev/tty | stdout: /dev/tty | stderr: /dev/log\n-\n"
	c, err := Load([]byte(cfg), Options{File: "tty.config", Dir: d, Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	if tm := terminal(t, c, "/dev/tty"); tm.HostPath != pts || tm.Mode != TermReadWrite {
		t.Fatalf("terminal %+v", tm)
	}
	if _, err := master.Write([]byte("typed\n")); err != nil {
		t.Fatal(err)
	}
	var ttyOut bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		master.SetReadDeadline(time.Now().Add(20 * time.Second))
		buf := make([]byte, 4096)
		for !strings.Contains(ttyOut.String(), "to the tty") {
			n, err := master.Read(buf)
			ttyOut.Write(buf[:n])
			if err != nil && err != io.EOF {
				return
			}
		}
	}()
	var log bytes.Buffer
	st, err := c.Run(context.Background(), RunOptions{ModelDir: md, Timeout: 20 * time.Second, Stdout: &log, Stderr: &log})
	wg.Wait()
	if err != nil || st != 0 {
		t.Fatalf("status %d, %v\n%s", st, err, log.String())
	}
	for _, want := range []string{"[tty] winsize 0 33 101\n", "[tty] info terminal | rows: 33 | columns: 101 - \n", "[tty] read 6 typed\n"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	if !strings.Contains(ttyOut.String(), "to the tty") {
		t.Errorf("the tty got %q", ttyOut.String())
	}
}
