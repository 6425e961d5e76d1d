package streams

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func hubSessions(t *testing.T) int {
	t.Helper()
	h, err := getHub()
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sessions
}

// pair listens on a new stream file and dials it.
func pair(t *testing.T, path string) (hubEnd, shimEnd net.Conn) {
	t.Helper()
	l, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := Dial(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); c.Close() })
	return a, c
}

func TestManyStreamsOneConnection(t *testing.T) {
	dir := t.TempDir()
	before := hubSessions(t)
	const n = 40
	var hubEnds, shimEnds []net.Conn
	for i := range n {
		a, c := pair(t, filepath.Join(dir, "s"+string(rune('a'+i%26))+string(rune('a'+i/26))))
		hubEnds, shimEnds = append(hubEnds, a), append(shimEnds, c)
	}
	if got := hubSessions(t) - before; got > 1 {
		t.Fatalf("%d streams took %d connections to the hub, want 1", n, got)
	}
	for i, c := range shimEnds {
		if c.(*Conn).s != shimEnds[0].(*Conn).s {
			t.Fatalf("stream %d went over another connection than stream 0", i)
		}
	}
	var wg sync.WaitGroup
	for i := range n {
		msg := bytes.Repeat([]byte{byte(i)}, 100000+i)
		wg.Go(func() {
			if _, err := shimEnds[i].Write(msg); err != nil {
				t.Errorf("stream %d: write: %v", i, err)
			}
			shimEnds[i].Close()
		})
		wg.Go(func() {
			got, err := io.ReadAll(hubEnds[i])
			if err != nil {
				t.Errorf("stream %d: read: %v", i, err)
			}
			if !bytes.Equal(got, msg) {
				t.Errorf("stream %d: read %d bytes, want the %d written", i, len(got), len(msg))
			}
			hubEnds[i].Close()
		})
	}
	wg.Wait()
}

func TestStalledStreamStopsOnlyItself(t *testing.T) {
	dir := t.TempDir()
	_, stalledW := pair(t, filepath.Join(dir, "stalled"))
	a, c := pair(t, filepath.Join(dir, "flowing"))
	// nobody reads the stalled stream: its writer stops at the window
	stalledW.SetWriteDeadline(time.Now().Add(300 * time.Millisecond))
	n, err := stalledW.Write(make([]byte, 4*window))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("write to a stream nobody reads: %d bytes, %v; want a deadline error", n, err)
	}
	if n != window {
		t.Fatalf("wrote %d bytes ahead of the reader, want the window (%d)", n, window)
	}
	go func() {
		c.Write(make([]byte, 1<<20))
		c.Close()
	}()
	got, err := io.ReadAll(a)
	if err != nil || len(got) != 1<<20 {
		t.Fatalf("the other stream: read %d bytes, %v", len(got), err)
	}
}

func TestBothDirectionsAndHalfClose(t *testing.T) {
	a, c := pair(t, filepath.Join(t.TempDir(), "stdin"))
	if _, err := a.Write([]byte("typed")); err != nil {
		t.Fatal(err)
	}
	if err := a.(*Conn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "typed" {
		t.Fatalf("shim read %q, %v", got, err)
	}
	// the other direction is still open
	if _, err := c.Write([]byte("echo")); err != nil {
		t.Fatal(err)
	}
	c.Close()
	got, err = io.ReadAll(a)
	if err != nil || string(got) != "echo" {
		t.Fatalf("client read %q, %v", got, err)
	}
}

func TestWriteAfterOtherEndClosed(t *testing.T) {
	a, c := pair(t, filepath.Join(t.TempDir(), "stdout"))
	a.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := c.Write([]byte("x"))
		if errors.Is(err, ErrReset) {
			break
		}
		if err != nil {
			t.Fatalf("write: %v, want ErrReset", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("writes go on after the reader closed the stream")
		}
		time.Sleep(time.Millisecond)
	}
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read: %d, %v; want EOF", n, err)
	}
	c.Close()
}

func TestReadDeadline(t *testing.T) {
	_, c := pair(t, filepath.Join(t.TempDir(), "quiet"))
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	start := time.Now()
	_, err := c.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read: %v, want a deadline error", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("%v is not a timeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("deadline of 50 ms took %v", d)
	}
}

func TestRefusedAndMissing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gone")
	l, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	l.Close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the listener's Close left its file: %v", err)
	}
	if _, err := Dial(path); !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("dial of a missing file: %v, want ENOENT", err)
	}
	// a stale file: its stream is not listened to any more
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Dial(path); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial of a stream nobody listens to: %v, want ECONNREFUSED", err)
	}
	if _, err := Listen(path); !errors.Is(err, os.ErrExist) {
		t.Fatalf("listen on an existing file: %v, want it refused", err)
	}
	os.WriteFile(path, []byte(magic+" 127.0.0.1:1 zz 00\n"), 0o600)
	if _, err := Dial(path); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("dial of a malformed file: %v", err)
	}
}

func TestListenerCloseKeepsOtherFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s")
	l1, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	l2, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	l1.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("closing the first listener removed the second's file: %v", err)
	}
}

func TestUnixSocketFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Skip("no unix sockets here:", err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			c.Write([]byte("unix"))
			c.Close()
		}
	}()
	c, err := Dial(path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(c)
	if string(got) != "unix" {
		t.Fatalf("read %q over the socket file", got)
	}
}

func TestIdleConnectionClosed(t *testing.T) {
	old := idleClose
	idleClose = 50 * time.Millisecond
	defer func() { idleClose = old }()
	a, c := pair(t, filepath.Join(t.TempDir(), "s"))
	s := c.(*Conn).s
	c.Close()
	a.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		err := s.err
		s.mu.Unlock()
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the dialer's connection stays open with no stream")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// the next stream connects again
	a, c = pair(t, filepath.Join(t.TempDir(), "s"))
	c.Write([]byte("again"))
	c.Close()
	if got, err := io.ReadAll(a); string(got) != "again" || err != nil {
		t.Fatalf("read %q, %v", got, err)
	}
}

func TestBrokenConnection(t *testing.T) {
	a, c := pair(t, filepath.Join(t.TempDir(), "s"))
	c.Write([]byte("before"))
	time.Sleep(50 * time.Millisecond)
	c.(*Conn).s.c.Close()
	got, err := io.ReadAll(a)
	if string(got) != "before" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("read %q, %v; want what was sent, then ErrUnexpectedEOF", got, err)
	}
	if _, err := io.ReadAll(c); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("the broken end reads %v, want ErrUnexpectedEOF", err)
	}
	if _, err := c.Write([]byte("after")); err == nil {
		t.Fatal("write over a broken connection succeeded")
	}
}

func TestStrangerDropped(t *testing.T) {
	h, err := getHub()
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp4", h.l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var tok token
	if _, err := c.Write(frame(frameOpen, 1, tok[:])); err != nil {
		t.Fatal(err)
	}
	hdr := make([]byte, headerLen)
	if _, err := io.ReadFull(c, hdr); err != nil || hdr[0] != frameReset {
		t.Fatalf("OPEN with a wrong token: answer %v, %v; want RESET", hdr, err)
	}
	// a frame beyond the limit ends the connection
	c.Write([]byte{frameData, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff})
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(hdr); err == nil {
		t.Fatal("the hub kept a connection that sent an oversized frame")
	}
}

func TestStrangersBounded(t *testing.T) {
	h, err := getHub()
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range maxStrangers + 4 {
		c, err := net.Dial("tcp4", h.l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	dropped := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
			dropped++
		}
	}
	if dropped < 4 {
		t.Fatalf("%d of %d silent connections dropped, want those beyond %d", dropped, len(conns), maxStrangers)
	}
	// a stream still opens once they are gone
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	deadline := time.Now().Add(5 * time.Second)
	for {
		h.mu.Lock()
		n := h.strangers
		h.mu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d strangers counted after they closed their connections", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	a, c := pair(t, filepath.Join(t.TempDir(), "s"))
	c.Write([]byte("ok"))
	c.Close()
	if got, _ := io.ReadAll(a); string(got) != "ok" {
		t.Fatalf("read %q", got)
	}
}
