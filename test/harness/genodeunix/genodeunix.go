// Package genodeunix lets a host program reach a genode component's "unix"
// listener on the model. Genode has no AF_UNIX: a "unix" socket file is one
// line "genode-go-unix tcp4 127.0.0.1:PORT COOKIE" naming a loopback
// listener that wants the 16 cookie bytes first
// (goos_genode/src/net/unixsock_genode.go); whoever can read the file can
// connect, as a component's Dial("unix", path) does.
package genodeunix

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strings"
)

// Parse reads a socket file's content: the listener's address and cookie.
func Parse(data string) (addr string, cookie []byte, err error) {
	f := strings.Fields(data)
	if len(f) != 4 || f[0] != "genode-go-unix" || f[1] != "tcp4" {
		return "", nil, fmt.Errorf("%q is no endpoint of the genode \"unix\" network", data)
	}
	cookie, err = hex.DecodeString(f[3])
	if err != nil || len(cookie) != 16 {
		return "", nil, fmt.Errorf("cookie %q: not 16 bytes in hex", f[3])
	}
	return f[2], cookie, nil
}

// Dialer reads the socket file sock and returns a dial function for it.
func Dialer(sock string) (func(ctx context.Context) (net.Conn, error), error) {
	data, err := os.ReadFile(sock)
	if err != nil {
		return nil, err
	}
	addr, cookie, err := Parse(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", sock, err)
	}
	return func(ctx context.Context) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		if _, err := c.Write(cookie); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}, nil
}
