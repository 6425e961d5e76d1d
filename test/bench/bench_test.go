package bench

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const fileSize = 1 << 20

var payload = func() []byte {
	b := make([]byte, fileSize)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

// BenchmarkFileWrite1MiB creates a file, writes 1 MiB in one call and closes it.
func BenchmarkFileWrite1MiB(b *testing.B) {
	name := filepath.Join(b.TempDir(), "f")
	b.SetBytes(fileSize)
	for b.Loop() {
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Write(payload); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFileRead1MiB opens a 1 MiB file and reads it in 64 KiB reads.
func BenchmarkFileRead1MiB(b *testing.B) {
	name := filepath.Join(b.TempDir(), "f")
	if err := os.WriteFile(name, payload, 0o666); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	b.SetBytes(fileSize)
	for b.Loop() {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			m, err := f.Read(buf)
			n += m
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		f.Close()
		if n != fileSize {
			b.Fatalf("read %d bytes, want %d", n, fileSize)
		}
	}
}

// BenchmarkTCPLoopback sends 64 KiB per operation over one 127.0.0.1
// connection to a goroutine that discards it.
func BenchmarkTCPLoopback(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	got := make(chan int64, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- -1
			return
		}
		n, _ := io.Copy(io.Discard, c)
		c.Close()
		got <- n
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	chunk := payload[:64<<10]
	b.SetBytes(int64(len(chunk)))
	var sent int64
	for b.Loop() {
		n, err := c.Write(chunk)
		sent += int64(n)
		if err != nil {
			b.Fatal(err)
		}
	}
	// The receiver's count includes the wait for the last bytes.
	c.Close()
	if n := <-got; n != sent {
		b.Fatalf("received %d bytes, sent %d", n, sent)
	}
}

// BenchmarkFileCycle creates a file, writes 64 bytes, closes it, stats it
// and removes it: the small file operations programs do most.
func BenchmarkFileCycle(b *testing.B) {
	name := filepath.Join(b.TempDir(), "f")
	for b.Loop() {
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Write(payload[:64]); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		if fi, err := os.Stat(name); err != nil || fi.Size() != 64 {
			b.Fatalf("stat: %v %v", fi, err)
		}
		if err := os.Remove(name); err != nil {
			b.Fatal(err)
		}
	}
}

// pingPong sends 64 bytes over a connection of network to an echoing
// goroutine and reads them back, once per operation.
func pingPong(b *testing.B, network, addr string) {
	ln, err := net.Listen(network, addr)
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial(network, ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64)
	for b.Loop() {
		if _, err := c.Write(payload[:64]); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTCPPingPong64 is a 64-byte round trip over 127.0.0.1.
func BenchmarkTCPPingPong64(b *testing.B) { pingPong(b, "tcp", "127.0.0.1:0") }

// BenchmarkUnixPingPong64 is a 64-byte round trip over a "unix" socket.
func BenchmarkUnixPingPong64(b *testing.B) {
	pingPong(b, "unix", filepath.Join(b.TempDir(), "s"))
}

var sink time.Time

// BenchmarkTimeNow reads the wall and monotonic clocks.
func BenchmarkTimeNow(b *testing.B) {
	for b.Loop() {
		sink = time.Now()
	}
}
