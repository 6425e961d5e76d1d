package genodeunix

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
)

func TestParse(t *testing.T) {
	addr, cookie, err := Parse("genode-go-unix tcp4 127.0.0.1:40123 000102030405060708090a0b0c0d0e0f\n")
	if err != nil || addr != "127.0.0.1:40123" || len(cookie) != 16 || cookie[15] != 15 {
		t.Errorf("Parse: %q %x %v", addr, cookie, err)
	}
	for _, bad := range []string{"", "genode-go-unix tcp6 [::1]:1 00", "genode-go-unix tcp4 127.0.0.1:1 zz", "x tcp4 127.0.0.1:1 000102030405060708090a0b0c0d0e0f"} {
		if _, _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
}

// The dialer sends the cookie first.
func TestDialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	sock := filepath.Join(t.TempDir(), "x.sock")
	os.WriteFile(sock, []byte("genode-go-unix tcp4 "+ln.Addr().String()+" 000102030405060708090a0b0c0d0e0f\n"), 0o600)
	got := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		b := make([]byte, 16)
		io.ReadFull(c, b)
		c.Close()
		got <- b
	}()
	dial, err := Dialer(sock)
	if err != nil {
		t.Fatal(err)
	}
	c, err := dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if b := <-got; len(b) != 16 || b[1] != 1 {
		t.Errorf("the listener read %x, want the cookie", b)
	}
}
