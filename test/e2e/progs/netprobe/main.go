// Command netprobe exercises net and net/http on Genode's socket file
// system: one component serving and fetching over TCP, a server and a
// client in two components (TCP or "unix" sockets), deadlines and the
// socket limit. It prints "key: value" lines for test/e2e.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Println("usage: netprobe self|serve|client|flood|limit-dial|limit-accept|deadline ...")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "self":
		self()
	case "serve":
		serve(os.Args[2], os.Args[3])
	case "client":
		n, _ := strconv.Atoi(os.Args[4])
		conc, _ := strconv.Atoi(os.Args[5])
		client(os.Args[2], os.Args[3], n, conc)
	case "flood":
		n, _ := strconv.Atoi(os.Args[3])
		secs, _ := strconv.Atoi(os.Args[4])
		flood(os.Args[2], n, time.Duration(secs)*time.Second)
	case "limit-dial":
		limitDial(os.Args[2])
	case "limit-accept":
		n, _ := strconv.Atoi(os.Args[3])
		limitAccept(os.Args[2], n)
	case "deadline":
		deadline()
	}
}

func handler(served *atomic.Int64, quit chan struct{}) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		if ms, err := strconv.Atoi(r.URL.Query().Get("ms")); err == nil {
			time.Sleep(time.Duration(ms) * time.Millisecond) // holds the connection
		}
		served.Add(1)
		fmt.Fprintf(w, "hello %s", r.URL.Query().Get("n"))
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "bye")
		close(quit)
	})
	return mux
}

func listen(kind, addr string) net.Listener {
	l, err := net.Listen(kind, addr)
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	return l
}

func transport(kind, addr string, idle int) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: idle,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, kind, addr)
		},
	}}
}

// fetch does n GETs with conc goroutines and returns the number that came
// back with the expected body.
func fetch(c *http.Client, n, conc int) (ok int64, firstErr error) {
	var wg sync.WaitGroup
	var good atomic.Int64
	var mu sync.Mutex
	next := make(chan int)
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				resp, err := c.Get("http://peer/hello?n=" + strconv.Itoa(i))
				if err == nil {
					b, e := io.ReadAll(resp.Body)
					resp.Body.Close()
					if e == nil && string(b) == "hello "+strconv.Itoa(i) {
						good.Add(1)
						continue
					}
					err = fmt.Errorf("body %q, %v", b, e)
				}
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return good.Load(), firstErr
}

func self() {
	l := listen("tcp", "127.0.0.1:0")
	var served atomic.Int64
	quit := make(chan struct{})
	go http.Serve(l, handler(&served, quit))
	ok, err := fetch(transport("tcp", l.Addr().String(), 16), 200, 20)
	fmt.Println("self-ok:", ok)
	fmt.Println("self-err:", err)
	fmt.Println("self-served:", served.Load())
}

// enfileCounter counts the accepts that found the socket directory full
// (net/http's Serve retries them).
type enfileCounter struct {
	net.Listener
	n atomic.Int64
}

func (l *enfileCounter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if errors.Is(err, syscall.ENFILE) {
		l.n.Add(1)
	}
	return c, err
}

func serve(kind, addr string) {
	l := &enfileCounter{Listener: listen(kind, addr)}
	fmt.Println("listening:", l.Addr().Network())
	var served atomic.Int64
	quit := make(chan struct{})
	srv := &http.Server{Handler: handler(&served, quit)}
	go srv.Serve(l)
	select {
	case <-quit:
	case <-time.After(90 * time.Second):
		fmt.Println("serve: no quit request")
	}
	srv.Close()
	fmt.Println("served:", served.Load())
	fmt.Println("accept-enfile:", l.n.Load())
	if kind == "unix" {
		_, err := os.Stat(addr)
		fmt.Println("socket-file-removed:", errors.Is(err, os.ErrNotExist))
	}
}

func client(kind, addr string, n, conc int) {
	c := transport(kind, addr, conc)
	var ok int64
	var err error
	// The server may still be starting in the other component.
	for try := 0; try < 100; try++ {
		if _, err = c.Get("http://peer/hello?n=0"); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err == nil {
		ok, err = fetch(c, n, conc)
	}
	fmt.Println("client-ok:", ok)
	fmt.Println("client-err:", err)
	if resp, err := c.Get("http://peer/quit"); err == nil {
		resp.Body.Close()
	}
}

// flood opens n connections to the TCP port behind the "unix" socket file
// at path and sends nothing on them for d: what an unauthenticated peer on
// the listener's stack can do.
func flood(path string, n int, d time.Duration) {
	var line []byte
	var err error
	for try := 0; try < 100; try++ {
		if line, err = os.ReadFile(path); err == nil && len(line) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	f := strings.Fields(string(line))
	if len(f) != 4 {
		fmt.Println("flood: no endpoint in", path, err)
		os.Exit(1)
	}
	var conns []net.Conn
	for len(conns) < n {
		c, err := net.DialTimeout("tcp", f[2], 5*time.Second)
		if err != nil {
			break
		}
		conns = append(conns, c)
	}
	fmt.Println("flood-opened:", len(conns))
	time.Sleep(d)
	for _, c := range conns {
		c.Close()
	}
}

// limitDial holds as many connections to addr (a listener outside the
// component) as the socket fs lets it, then gives them back.
func limitDial(addr string) {
	var conns []net.Conn
	var err error
	for len(conns) < 2000 {
		var c net.Conn
		c, err = net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			break
		}
		conns = append(conns, c)
	}
	fmt.Println("conns:", len(conns))
	fmt.Println("limit-err:", err)
	fmt.Println("limit-enfile:", errors.Is(err, syscall.ENFILE))
	for _, c := range conns {
		c.Close()
	}
	// Closing gives the sockets back: one more connection works.
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	fmt.Println("after-close:", err)
	if c != nil {
		c.Close()
	}
}

// limitAccept listens on addr and accepts until the socket fs refuses.
// limitAccept accepts until the socket directory is full, then closes one
// connection at a time and accepts the next, until total were accepted;
// each accepted connection is sent one byte, so that the peer can tell a
// connection served from one dropped.
func limitAccept(addr string, total int) {
	l := listen("tcp", addr).(*net.TCPListener)
	var conns []net.Conn
	var err error
	for len(conns) < 2000 {
		var c net.Conn
		if c, err = l.Accept(); err != nil {
			break
		}
		c.Write([]byte{'k'})
		conns = append(conns, c)
	}
	fmt.Println("accepted:", len(conns))
	fmt.Println("accept-err:", err)
	fmt.Println("accept-enfile:", errors.Is(err, syscall.ENFILE))
	n := len(conns)
	for n < total {
		conns[0].Close()
		conns = conns[1:]
		l.SetDeadline(time.Now().Add(10 * time.Second))
		c, err := l.Accept()
		if err != nil {
			fmt.Println("accept-after-close:", err)
			break
		}
		c.Write([]byte{'k'})
		conns = append(conns, c)
		n++
	}
	fmt.Println("accepted-total:", n)
	for _, c := range conns {
		c.Close()
	}
	l.Close()
}

func deadline() {
	l := listen("tcp", "127.0.0.1:0")
	go func() {
		c, err := l.Accept()
		if err == nil {
			time.Sleep(5 * time.Second)
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		fmt.Println("dial:", err)
		return
	}
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	start := time.Now()
	_, err = c.Read(make([]byte, 1))
	el := time.Since(start)
	var ne net.Error
	fmt.Println("deadline-timeout:", errors.As(err, &ne) && ne.Timeout())
	fmt.Println("deadline-in-time:", el >= 150*time.Millisecond && el < 3*time.Second)
}
