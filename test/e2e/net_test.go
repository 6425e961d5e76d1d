package e2e

import (
	"net"
	"sync"
	"testing"
)

// withNet gives a component Genode's socket file system on the loopback
// network (<libc socket>; the model's stand-in for lxip/lwip).
func (c component) withNet() component {
	c.vfs += `<dir name="socket"><lxip ip_addr="127.0.0.1" netmask="255.0.0.0"/></dir>`
	c.libc = clone(c.libc)
	c.libc["socket"] = "/socket"
	return c
}

// net/http client and server in one component: 200 GETs from 20 goroutines.
func TestHTTPInOneComponent(t *testing.T) {
	r := run(t, base("netprobe").withRtc().withRng().withNet().args1("self"))
	r.status0(t)
	r.expectAll(t, [][2]string{{"self-ok", "200"}, {"self-err", "<nil>"}, {"self-served", "200"}})
}

// A read deadline on a TCP connection with nothing to read.
func TestTCPDeadline(t *testing.T) {
	r := run(t, base("netprobe").withRtc().withRng().withNet().args1("deadline"))
	r.status0(t)
	r.expectAll(t, [][2]string{{"deadline-timeout", "true"}, {"deadline-in-time", "true"}})
}

// Every socket costs the socket fs's control files as libc fds (1024 fds
// in all, internal/fd_alloc.h), so a component holds about 90 connected
// TCP pairs; the next socket() fails with ENFILE, which reaches the program
// as a wrapped errno, and closing gives the fds back.
func TestSocketLimit(t *testing.T) {
	c := base("netprobe").withRtc().withRng().withNet().args1("limit")
	c.ram = "256M"
	r := run(t, c)
	r.status0(t)
	n := r.num(t, "conns")
	if n < 40 || n >= 2000 {
		t.Errorf("conns: %d, want the socket fs's limit (tens of connections)\n%s", n, r)
	}
	r.expectAll(t, [][2]string{{"limit-enfile", "true"}, {"after-close", "<nil>"}})
}

// A server and a client in two components: over TCP on the loopback
// network, and over a "unix" socket in a directory both components have in
// their views (Genode has no AF_UNIX: the port's endpoint file names a
// loopback TCP port and a cookie, goos_genode/src/net/unixsock_genode.go).
func TestHTTPBetweenComponents(t *testing.T) {
	for _, kind := range []string{"tcp", "unix"} {
		t.Run(kind, func(t *testing.T) {
			shared := t.TempDir()
			addr := "/shared/http.sock"
			if kind == "tcp" {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				addr = l.Addr().String()
				l.Close()
			}
			view := `<dir name="shared"><fs host="` + attr(shared) + `" writeable="yes"/></dir>`
			srv := base("netprobe").withRtc().withRng().withNet()
			srv.vfs += view
			srv.args = []string{"serve", kind, addr}
			cli := srv
			cli.args = []string{"client", kind, addr, "300", "16"}
			var wg sync.WaitGroup
			var rs result
			wg.Add(1)
			go func() {
				defer wg.Done()
				rs = runNoFatal(t, srv)
			}()
			rc := run(t, cli)
			wg.Wait()
			rc.status0(t)
			rc.expectAll(t, [][2]string{{"client-ok", "300"}, {"client-err", "<nil>"}})
			rs.status0(t)
			want := [][2]string{{"listening", kind}}
			if kind == "unix" {
				want = append(want, [2]string{"socket-file-removed", "true"})
			}
			rs.expectAll(t, want)
			if s := rs.num(t, "served"); s < 300 {
				t.Errorf("served %d, want at least 300", s)
			}
		})
	}
}

func (c component) args1(a ...string) component {
	c.args = a
	return c
}

// runNoFatal is run for a second goroutine: run's t.Fatal on a launcher
// failure ends only the inner goroutine, and the result keeps status -1.
func runNoFatal(t *testing.T, c component) (r result) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		r = result{status: -1}
		r = run(t, c)
	}()
	<-done
	return r
}
