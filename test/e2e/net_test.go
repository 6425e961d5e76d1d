package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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

// A component's sockets are limited by its socket fs: a protocol directory
// holds 128 sockets (MAX_SOCKETS, os/src/lib/vfs/ip/vfs.cc). The port
// spends two libc fds per connection (handle and data), so the 1024 fds
// are no longer the wall (the libc's socket calls spend eleven: about 92).
// The 129th dial fails with ENFILE (errors.Is works), and closing gives the
// sockets back.
func TestSocketLimit(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	c := base("netprobe").withRtc().withRng().withNet()
	c.args = []string{"limit-dial", l.Addr().String()}
	c.ram = "64M"
	r := run(t, c)
	r.status0(t)
	if n := r.num(t, "conns"); n != 128 {
		t.Errorf("conns: %d, want 128 (the socket fs's MAX_SOCKETS)\n%s", n, r)
	}
	r.expectAll(t, [][2]string{{"limit-enfile", "true"}, {"after-close", "<nil>"}})
}

// The listener's side of the limit: with the listening socket, 127
// connections are accepted, and accept then fails with ENFILE. The plugin
// would take the next connection from the stack's queue and drop it (vfs.cc
// releases a socket it cannot adopt); the port does not ask for it while
// the directory is full, so it stays pending and is accepted once a
// connection is closed: each of the 140 connections gets its byte.
func TestAcceptLimit(t *testing.T) {
	const total = 140
	p, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := p.Addr().String()
	p.Close()
	c := base("netprobe").withRtc().withRng().withNet()
	c.args = []string{"limit-accept", addr, strconv.Itoa(total)}
	c.ram = "64M"
	var rs result
	done := make(chan struct{})
	go func() {
		defer close(done)
		rs = runNoFatal(t, c)
	}()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for len(conns) < total && time.Now().Before(deadline) {
		// A burst beyond the host's queue (128) waits for the component's
		// accepts: the kernel retransmits the SYN after a second.
		c, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			if len(conns) == 0 { // not listening yet
				time.Sleep(20 * time.Millisecond)
				continue
			}
			t.Fatalf("dial %d: %v", len(conns)+1, err)
		}
		conns = append(conns, c)
	}
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		t.Fatal("limit-accept did not end")
	}
	rs.status0(t)
	if n := rs.num(t, "accepted"); n != 127 {
		t.Errorf("accepted: %d, want 127 (128 sockets with the listener)\n%s", n, rs)
	}
	rs.expectAll(t, [][2]string{{"accept-enfile", "true"}, {"accepted-total", strconv.Itoa(total)}})
	served := 0
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var b [1]byte
		if n, err := c.Read(b[:]); n == 1 && b[0] == 'k' {
			served++
		} else {
			t.Errorf("connection %d: %v, want its byte", i+1, err)
		}
	}
	if served != total {
		t.Errorf("%d of %d connections were served", served, total)
	}
}

// A server and a client in two components: over TCP on the loopback
// network, and over a "unix" socket in a directory both components have in
// their views (Genode has no AF_UNIX: the port's endpoint file names a
// loopback TCP port and a cookie, goos_genode/src/net/unixsock_genode.go).
// 50 concurrent "unix" streams are 100 sockets on each side, which the
// libc's eleven fds per socket could not hold.
func TestHTTPBetweenComponents(t *testing.T) {
	for _, tc := range []struct {
		kind, conc string
	}{{"tcp", "16"}, {"unix", "16"}, {"unix", "50"}} {
		kind := tc.kind
		t.Run(kind+"-"+tc.conc, func(t *testing.T) {
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
			cli.args = []string{"client", kind, addr, "300", tc.conc}
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

// A net/http server in a component and 200 concurrent clients on the host,
// each doing its requests through http.Client's defaults (two idle
// connections kept), each request held 100 ms by the handler: the server
// would need 200 connections at once, more than its 128 sockets; accept
// then says ENFILE without taking the connection, Serve retries, and every
// request is answered.
func TestHTTPManyClients(t *testing.T) {
	const clients, each = 200, 5
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	srv := base("netprobe").withRtc().withRng().withNet()
	srv.args = []string{"serve", "tcp", addr}
	srv.ram = "128M"
	var rs result
	done := make(chan struct{})
	go func() {
		defer close(done)
		rs = runNoFatal(t, srv)
	}()
	hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2}}
	defer hc.CloseIdleConnections()
	get := func(path string) error {
		resp, err := hc.Get("http://" + addr + path)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("%s: %s", resp.Status, b)
		}
		return err
	}
	for try := 0; ; try++ { // the component may still be starting
		if err := get("/hello?n=0"); err == nil {
			break
		} else if try == 100 {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var ok atomic.Int64
	var failed sync.Map
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for j := 0; j < each; j++ {
				if err := get(fmt.Sprintf("/hello?n=%d&ms=100", i*each+j)); err != nil {
					failed.Store(err.Error(), true)
					continue
				}
				ok.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	get("/quit")
	<-done
	failed.Range(func(k, _ any) bool { t.Errorf("request: %v", k); return true })
	if ok.Load() != clients*each {
		t.Errorf("%d of %d requests answered", ok.Load(), clients*each)
	}
	rs.status0(t)
	if s := rs.num(t, "served"); s < clients*each+1 {
		t.Errorf("served %d, want %d", s, clients*each+1)
	}
	if n := rs.num(t, "accept-enfile"); n == 0 {
		t.Errorf("the server's accept never found its sockets all in use: the test did not reach the limit")
	} else {
		t.Logf("the server's accept found its sockets all in use %d times", n)
	}
}

// A peer on the listener's stack that opens connections to a "unix"
// listener's port and never sends the cookie holds at most 16 of the
// listener's sockets, each for 250 ms while others wait, and does not stall
// Accept: a client's 300 requests pass while 100 such connections are
// opened. (Before, Accept read each cookie in turn for up to 5 s: the
// client waited behind all of them.)
func TestUnixHandshakeFlood(t *testing.T) {
	shared := t.TempDir()
	view := `<dir name="shared"><fs host="` + attr(shared) + `" writeable="yes"/></dir>`
	srv := base("netprobe").withRtc().withRng().withNet()
	srv.vfs += view
	srv.args = []string{"serve", "unix", "/shared/http.sock"}
	fl := srv
	fl.args = []string{"flood", "/shared/http.sock", "100", "10"}
	cli := srv
	cli.args = []string{"client", "unix", "/shared/http.sock", "300", "16"}
	var wg sync.WaitGroup
	var rs, rf result
	wg.Add(2)
	go func() {
		defer wg.Done()
		rs = runNoFatal(t, srv)
	}()
	go func() {
		defer wg.Done()
		rf = runNoFatal(t, fl)
	}()
	// the flood is under way before the client starts
	time.Sleep(2 * time.Second)
	start := time.Now()
	rc := run(t, cli)
	took := time.Since(start)
	t.Logf("300 requests under the flood took %v", took)
	wg.Wait()
	rc.status0(t)
	rc.expectAll(t, [][2]string{{"client-ok", "300"}, {"client-err", "<nil>"}})
	rf.status0(t)
	if n := rf.num(t, "flood-opened"); n != 100 {
		t.Errorf("flood-opened: %d, want 100\n%s", n, rf)
	}
	rs.status0(t)
	// The client ran while the flood held its connections (10 s).
	if took > 15*time.Second {
		t.Errorf("client took %v under the flood", took)
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

// Forks (os/exec) while other goroutines create sockets and open files:
// each of those takes syscall.ForkLock for reading and a fork takes it for
// writing. A socket's read lock taken twice (net's around the socket file
// system's own) deadlocked every goroutine of the component once a fork
// waited: the program then stopped within a few forks (containerd's shims
// lost their event connection and never ran runc).
func TestForkWhileSocketsOpen(t *testing.T) {
	bin := build(t, "forksock")
	c := base("forksock").withRtc().withRng().withNet()
	c.vfs += `<dir name="bin"><rom name="forksock" host="` + bin + `"/></dir><dir name="tmp"><ram/></dir>`
	c.argv0 = "/bin/forksock"
	c.env = [][2]string{{"TMPDIR", "/tmp"}}
	c.args = []string{"4s"}
	r := run(t, c)
	r.status0(t)
	r.expect(t, "failures", "0")
	forks, _ := strconv.Atoi(r.lines["forks"])
	dials, _ := strconv.Atoi(r.lines["dials"])
	if forks < 3 || dials < 30 {
		t.Errorf("%d forks and %d dials in 4 s: want at least 3 and 30\n%s", forks, dials, r)
	}
}
