// Command rpcprobe runs a containerd/ttrpc or a gRPC server and client over a "unix" socket, the way containerd
// and its shims talk: in one component, between two components that share the socket's directory, with many
// concurrent streams, and across a server restart. It prints "key: value" lines for test/e2e (rpc_test.go).
//
//	rpcprobe self      PROTO DIR STREAMS MSGS   server and client in one process, socket DIR/PROTO.sock
//	rpcprobe serve     PROTO ADDR GEN           serve until a Quit call (or 120 s); GEN is the answer to Gen
//	rpcprobe client    PROTO ADDR STREAMS MSGS  wait for the server, check it, run the streams, send Quit
//	rpcprobe reconnect PROTO ADDR MARKER        call Gen until generation 1 answers, create MARKER, and keep
//	                                            calling until generation 2 answers (the server was restarted)
//
// PROTO is grpc or ttrpc; ADDR is unix:///path. The service genodego.test.Echo is registered by hand (no
// protoc): Gen and Quit are unary calls, Echo a bidirectional stream that answers every Int64Value v with
// 2v+1. The gRPC server also serves the standard health service.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/containerd/log"
	"google.golang.org/grpc/status"
)

const serviceName = "genodego.test.Echo"

// A client is one connection to the Echo service, over either protocol.
type client interface {
	gen(ctx context.Context) (int64, error)
	quit(ctx context.Context) (int64, error) // the number of stream messages the server answered
	echo(ctx context.Context, id, n int) error
	health(ctx context.Context, service string) (string, error) // gRPC only
	broken() bool                                               // the connection is gone for good (ttrpc; a gRPC channel reconnects by itself)
	close() error
}

// A server serves the Echo service on one listener until stop.
type server interface {
	serve(l net.Listener) error
	stop()
}

// state is what both servers share: the generation they answer and what they served.
type state struct {
	generation int64
	msgs       atomic.Int64
	streams    atomic.Int64
	quitOnce   sync.Once
	quitc      chan struct{}
}

func newState(gen int64) *state { return &state{generation: gen, quitc: make(chan struct{})} }

func (s *state) quit() int64 {
	s.quitOnce.Do(func() { close(s.quitc) })
	return s.msgs.Load()
}

func answer(v int64) int64 { return 2*v + 1 }

// msgValue numbers message i of stream id so that a reply on the wrong stream or out of order is seen.
func msgValue(id, i int) int64 { return int64(id)*1_000_000 + int64(i) }

func main() {
	if len(os.Args) < 5 {
		fmt.Println("usage: rpcprobe self|serve|client|reconnect PROTO ADDR|DIR ...")
		os.Exit(2)
	}
	mode, proto := os.Args[1], os.Args[2]
	if proto != "grpc" && proto != "ttrpc" {
		fmt.Println("unknown protocol", proto)
		os.Exit(2)
	}
	switch mode {
	case "self":
		self(proto, os.Args[3], atoi(os.Args[4]), atoi(arg(5)))
	case "serve":
		serve(proto, os.Args[3], int64(atoi(os.Args[4])))
	case "client":
		runClient(proto, os.Args[3], atoi(os.Args[4]), atoi(arg(5)))
	case "reconnect":
		reconnect(proto, os.Args[3], os.Args[4])
	default:
		fmt.Println("unknown mode", mode)
		os.Exit(2)
	}
}

func arg(i int) string {
	if i < len(os.Args) {
		return os.Args[i]
	}
	return ""
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fmt.Println("bad number:", s)
		os.Exit(2)
	}
	return n
}

func fail(what string, err error) {
	fmt.Printf("%s: %v\n", what, err)
	os.Exit(1)
}

// socketPath is the file system path of a unix:// address.
func socketPath(addr string) string {
	p, ok := strings.CutPrefix(addr, "unix://")
	if !ok || !filepath.IsAbs(p) {
		fail("address", fmt.Errorf("%q is not unix:///path", addr))
	}
	return p
}

// listen listens on the socket path as containerd's shim manager does: a path left behind by a server that
// is gone (EADDRINUSE, but nobody accepts) is removed and listened on again. It reports whether it had to.
func listen(path string) (net.Listener, bool) {
	l, err := net.Listen("unix", path)
	if err == nil {
		return l, false
	}
	if !errors.Is(err, syscall.EADDRINUSE) {
		fail("listen", err)
	}
	if c, derr := net.DialTimeout("unix", path, 100*time.Millisecond); derr == nil {
		c.Close()
		fail("listen", err) // a live server has the path
	}
	if rerr := os.Remove(path); rerr != nil {
		fail("listen: remove stale socket", rerr)
	}
	l, err = net.Listen("unix", path)
	if err != nil {
		fail("listen after removing the stale socket", err)
	}
	return l, true
}

func newServer(proto string, st *state) server {
	if proto == "grpc" {
		return newGRPCServer(st)
	}
	return newTTRPCServer(st)
}

// dial connects to addr, waiting up to wait for the server to appear.
func dial(ctx context.Context, proto, addr string) (client, error) {
	if proto == "grpc" {
		return dialGRPC(ctx, addr)
	}
	return dialTTRPC(ctx, addr)
}

// waitGen calls Gen until it answers or the deadline passes.
func waitGen(ctx context.Context, c client) (int64, error) {
	for {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		g, err := c.gen(cctx)
		cancel()
		if err == nil || ctx.Err() != nil {
			return g, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// streams runs n concurrent Echo streams of m messages each and returns how many streams came back whole.
func streams(ctx context.Context, c client, n, m int) (ok int, firstErr error) {
	var wg sync.WaitGroup
	var good atomic.Int64
	var mu sync.Mutex
	for id := 0; id < n; id++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.echo(ctx, id, m); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("stream %d: %w", id, err)
				}
				mu.Unlock()
				return
			}
			good.Add(1)
		}()
	}
	wg.Wait()
	return int(good.Load()), firstErr
}

// checks runs what every client mode reports: health (gRPC), Gen, the streams and their time.
func checks(ctx context.Context, proto string, c client, n, m int) {
	if proto == "grpc" {
		h, err := c.health(ctx, serviceName)
		fmt.Println("health:", h, err)
		_, err = c.health(ctx, "no.such.Service")
		fmt.Println("health-unknown:", status.Code(err))
	}
	start := time.Now()
	ok, err := streams(ctx, c, n, m)
	fmt.Println("streams-ms:", time.Since(start).Milliseconds())
	fmt.Println("streams-ok:", ok)
	fmt.Println("streams-err:", err)
}

func self(proto, dir string, n, m int) {
	path := filepath.Join(dir, proto+".sock")
	l, _ := listen(path)
	st := newState(1)
	srv := newServer(proto, st)
	served := make(chan error, 1)
	go func() { served <- srv.serve(l) }()
	log.L.WithField("path", path).Info("rpcprobe serving")

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := dial(ctx, proto, "unix://"+path)
	if err != nil {
		fail("dial", err)
	}
	g, err := waitGen(ctx, c)
	fmt.Println("gen:", g, err)
	checks(ctx, proto, c, n, m)
	total, err := c.quit(ctx)
	fmt.Println("server-msgs:", total, err)
	c.close()
	srv.stop()
	fmt.Println("serve-err:", <-served)
	_, err = os.Stat(path)
	fmt.Println("socket-file-removed:", errors.Is(err, os.ErrNotExist))
}

func serve(proto, addr string, gen int64) {
	path := socketPath(addr)
	l, retried := listen(path)
	fmt.Println("listen-removed-stale:", retried)
	st := newState(gen)
	srv := newServer(proto, st)
	served := make(chan error, 1)
	go func() { served <- srv.serve(l) }()
	log.L.WithField("path", path).WithField("gen", gen).Info("rpcprobe serving")
	select {
	case <-st.quitc:
		fmt.Println("quit: true")
	case err := <-served:
		fail("serve", err)
	case <-time.After(120 * time.Second):
		fmt.Println("quit: false")
	}
	srv.stop()
	fmt.Println("serve-err:", <-served)
	fmt.Println("served-streams:", st.streams.Load())
	fmt.Println("served-msgs:", st.msgs.Load())
	_, err := os.Stat(path)
	fmt.Println("socket-file-removed:", errors.Is(err, os.ErrNotExist))
}

func runClient(proto, addr string, n, m int) {
	socketPath(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 110*time.Second)
	defer cancel()
	c, err := dial(ctx, proto, addr)
	if err != nil {
		fail("dial", err)
	}
	g, err := waitGen(ctx, c)
	fmt.Println("gen:", g, err)
	checks(ctx, proto, c, n, m)
	total, err := c.quit(ctx)
	fmt.Println("server-msgs:", total, err)
	c.close()
}

// reconnect follows one server across a restart: the test kills the server of generation 1 once MARKER
// exists and starts generation 2 on the same path. The client keeps calling; gRPC reconnects by itself
// (its channel's backoff), the ttrpc client is dialled again after its connection closed, as containerd
// does with a shim.
func reconnect(proto, addr, marker string) {
	socketPath(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 110*time.Second)
	defer cancel()
	c, err := dial(ctx, proto, addr)
	if err != nil {
		fail("dial", err)
	}
	ok1 := 0
	for ok1 < 20 {
		g, err := waitGen(ctx, c)
		if err != nil || g != 1 {
			fail("generation 1", fmt.Errorf("gen %d, %v", g, err))
		}
		ok1++
	}
	fmt.Println("gen1-ok:", ok1)
	if err := os.WriteFile(marker, []byte("ready\n"), 0o644); err != nil {
		fail("marker", err)
	}

	// Until generation 2 answers: each call has a short deadline; a failed ttrpc connection is dialled
	// again (the server may be gone, or its socket file not yet replaced).
	var firstErr error
	var errs int
	var down time.Time
	const deadline = 30 * time.Second
	for {
		called := time.Now()
		cctx, ccancel := context.WithTimeout(ctx, time.Second)
		g, err := c.gen(cctx)
		ccancel()
		if err == nil && g == 2 {
			break
		}
		if err == nil {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		errs++
		if firstErr == nil {
			firstErr, down = err, called
		}
		if time.Since(down) > deadline {
			fmt.Println("reconnected: false")
			fmt.Println("reconnect-err:", err)
			os.Exit(1)
		}
		if c.broken() {
			c.close()
			rctx, rcancel := context.WithDeadline(ctx, down.Add(deadline))
			c, err = dial(rctx, proto, addr)
			rcancel()
			if err != nil {
				fmt.Println("reconnected: false")
				fmt.Println("reconnect-err:", err)
				os.Exit(1)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Println("reconnected: true")
	if !down.IsZero() {
		// from the start of the first call that failed to the answer of generation 2
		fmt.Println("reconnect-ms:", time.Since(down).Milliseconds())
	}
	fmt.Println("errors-seen:", errs)
	fmt.Println("first-error:", firstErr)
	ok2 := 0
	for ; ok2 < 50; ok2++ {
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		g, err := c.gen(cctx)
		ccancel()
		if err != nil || g != 2 {
			fmt.Println("gen2-err:", g, err)
			break
		}
	}
	fmt.Println("gen2-ok:", ok2)
	ok, err := streams(ctx, c, 4, 50)
	fmt.Println("streams-ok:", ok)
	fmt.Println("streams-err:", err)
	total, err := c.quit(ctx)
	fmt.Println("server-msgs:", total, err)
	c.close()
}
