package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// gRPC (google.golang.org/grpc) and containerd's ttrpc over "unix" sockets,
// the way containerd, its shims and the CRI talk. The program is
// test/rpc/rpcprobe (its own module: it needs grpc, ttrpc and the genode
// patches of _build/modules, logrus and x/sys). Genode has no AF_UNIX; a
// "unix" socket is a loopback TCP listener plus an endpoint file
// (goos_genode/src/net/unixsock_genode.go), so each test also shows that
// upstream code that only knows unix:// paths works on it unchanged.

const rpcProbe = "test/rpc/rpcprobe"

var rpcProtos = []string{"grpc", "ttrpc"}

// rpcComponent is rpcprobe with the socket file system, rtc, rng, a RAM
// file system at /tmp and, if shared is not empty, the host directory
// shared as /shared; the default RAM quota (64M; the one-component run with
// 32 streams needs less than 32M).
func rpcComponent(shared string, args ...string) component {
	c := base("rpcprobe").withRtc().withRng().withNet()
	c.dir = rpcProbe
	c.strict = true // a Genode warning ends the component with status 3
	c.vfs += `<dir name="tmp"><ram/></dir>`
	if shared != "" {
		c.vfs += `<dir name="shared"><fs host="` + attr(shared) + `" writeable="yes"/></dir>`
	}
	c.args = args
	return c
}

// logrus (via containerd/log) writes its lines to stderr, the component's
// /dev/log: Genode's libc answers TIOCGETA for any file, so only the
// window size tells a terminal (goos_genode/mod/logrus); a log line with
// colour escapes or logrus's terminal layout means the check took the log
// for a terminal.
func expectPlainLog(t *testing.T, r result) {
	t.Helper()
	if r.count(`level=info msg="rpcprobe serving"`) != 1 || strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("want one plain logrus line level=info msg=\"rpcprobe serving\" in the log, without escapes\n%s", r)
	}
}

// (1) Server and client in one component: the gRPC health service, 8
// concurrent streams of 50 messages, a graceful stop that removes the
// socket file.
func TestRPCInOneComponent(t *testing.T) {
	for _, proto := range rpcProtos {
		t.Run(proto, func(t *testing.T) {
			r := run(t, rpcComponent("", "self", proto, "/tmp", "8", "50"))
			r.status0(t)
			want := [][2]string{{"gen", "1 <nil>"}, {"streams-ok", "8"}, {"streams-err", "<nil>"},
				{"server-msgs", "400 <nil>"}, {"serve-err", "<nil>"}, {"socket-file-removed", "true"}}
			if proto == "grpc" {
				want = append(want, [2]string{"health", "SERVING <nil>"}, [2]string{"health-unknown", "NotFound"})
			}
			r.expectAll(t, want)
			expectPlainLog(t, r)
		})
	}
}

// rpcPair runs a server and, once its socket file is there, a client
// component; they share dir as /shared. wall is the client's time from its
// start to its end (its connect, checks, streams and Quit).
func rpcPair(t *testing.T, proto, shared string, streams, msgs int) (srv, cli result, wall time.Duration) {
	addr := "unix:///shared/" + proto + ".sock"
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		srv = runNoFatalCtx(t, ctx, rpcComponent(shared, "serve", proto, addr, "1"))
	}()
	clientOK := false
	defer func() {
		if !clientOK {
			stop() // the client's Quit may never have come
		}
		wg.Wait()
	}()
	waitFile(t, filepath.Join(shared, proto+".sock"))
	start := time.Now()
	cli = run(t, rpcComponent(shared, "client", proto, addr, fmt.Sprint(streams), fmt.Sprint(msgs)))
	wall = time.Since(start)
	clientOK = cli.status == 0
	return srv, cli, wall
}

// waitFile waits up to a minute for a server's socket file.
func waitFile(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no socket file %s after a minute", path)
		}
	}
}

func checkPair(t *testing.T, proto string, srv, cli result, streams, msgs int) {
	t.Helper()
	cli.status0(t)
	total := fmt.Sprint(streams * msgs)
	want := [][2]string{{"gen", "1 <nil>"}, {"streams-ok", fmt.Sprint(streams)}, {"streams-err", "<nil>"},
		{"server-msgs", total + " <nil>"}}
	if proto == "grpc" {
		want = append(want, [2]string{"health", "SERVING <nil>"}, [2]string{"health-unknown", "NotFound"})
	}
	cli.expectAll(t, want)
	srv.status0(t)
	srv.expectAll(t, [][2]string{{"listen-removed-stale", "false"}, {"quit", "true"}, {"serve-err", "<nil>"},
		{"served-streams", fmt.Sprint(streams)}, {"served-msgs", total}, {"socket-file-removed", "true"}})
	expectPlainLog(t, srv)
}

// (2) Server and client in two components that have the socket's
// directory in their views.
func TestRPCBetweenComponents(t *testing.T) {
	for _, proto := range rpcProtos {
		t.Run(proto, func(t *testing.T) {
			srv, cli, _ := rpcPair(t, proto, t.TempDir(), 4, 100)
			checkPair(t, proto, srv, cli, 4, 100)
		})
	}
}

// (3) 32 concurrent streams of 100 messages each between two components,
// every answer checked by the client and the count by the server. The
// same programs built for linux run the same exchange natively, and the
// test logs the streams' time on the model against native
// (go test -v -run TestRPCConcurrentStreams).
func TestRPCConcurrentStreams(t *testing.T) {
	const streams, msgs = 32, 100
	for _, proto := range rpcProtos {
		t.Run(proto, func(t *testing.T) {
			srv, cli, wall := rpcPair(t, proto, t.TempDir(), streams, msgs)
			checkPair(t, proto, srv, cli, streams, msgs)
			model := cli.num(t, "streams-ms")
			native, nwall := nativeStreams(t, proto, streams, msgs)
			t.Logf("%s %d streams x %d messages: streams model %d ms, native %d ms (ratio %.1f); client wall time model %v, native %v (ratio %.1f)",
				proto, streams, msgs, model, native, float64(model)/float64(max(native, 1)),
				wall.Round(time.Millisecond), nwall.Round(time.Millisecond), wall.Seconds()/nwall.Seconds())
		})
	}
}

// nativeStreams runs rpcprobe built for linux as two host processes over
// a real unix socket, as rpcPair does on the model, and returns the
// client's streams-ms and wall time.
func nativeStreams(t *testing.T, proto string, streams, msgs int) (int64, time.Duration) {
	t.Helper()
	bin := buildProg(t, rpcProbe, "linux")
	path := filepath.Join(t.TempDir(), proto+".sock")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := exec.CommandContext(ctx, bin, "serve", proto, "unix://"+path, "1")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	waitFile(t, path)
	start := time.Now()
	out, err := exec.CommandContext(ctx, bin, "client", proto, "unix://"+path, fmt.Sprint(streams), fmt.Sprint(msgs)).Output()
	wall := time.Since(start)
	if err != nil {
		srv.Process.Kill()
		t.Fatalf("native client: %v\n%s", err, out)
	}
	if err := srv.Wait(); err != nil {
		t.Fatalf("native server: %v", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(l, "streams-ms: "); ok {
			var n int64
			fmt.Sscan(v, &n)
			return n, wall
		}
	}
	t.Fatalf("native client printed no streams-ms:\n%s", out)
	return 0, 0
}

// (4) The client outlives its server: once the client has had 20 answers
// from generation 1, the test stops that server component (it ends at
// once, leaving its socket file behind, as a component init removes) and
// starts generation 2 on the same path. The new server must take the path
// over from the stale file without help (the port's Listen replaces an
// endpoint file whose port refuses connections), and the client's calls
// must reach generation 2 within 30 s: gRPC's channel reconnects by
// itself, the ttrpc client is dialled again when its connection closed.
func TestRPCReconnect(t *testing.T) {
	for _, proto := range rpcProtos {
		t.Run(proto, func(t *testing.T) {
			shared := t.TempDir()
			addr := "unix:///shared/" + proto + ".sock"
			marker := filepath.Join(shared, proto+".ready")

			ctx1, stop1 := context.WithCancel(context.Background())
			defer stop1()
			s1 := make(chan result, 1)
			go func() { s1 <- runNoFatalCtx(t, ctx1, rpcComponent(shared, "serve", proto, addr, "1")) }()
			cc := make(chan result, 1)
			go func() { cc <- runNoFatal(t, rpcComponent(shared, "reconnect", proto, addr, "/shared/"+proto+".ready")) }()

			deadline := time.Now().Add(90 * time.Second)
			for {
				if _, err := os.Stat(marker); err == nil {
					break
				}
				if time.Now().After(deadline) {
					stop1()
					t.Fatalf("the client never had 20 answers from generation 1\nserver 1:\n%s\nclient:\n%s", <-s1, <-cc)
				}
				time.Sleep(20 * time.Millisecond)
			}
			stop1()
			r1 := <-s1
			if r1.status != statusStopped {
				t.Fatalf("server 1: status %d, want stopped by the test (%d)\n%s", r1.status, statusStopped, r1)
			}
			if _, err := os.Stat(filepath.Join(shared, proto+".sock")); err != nil {
				t.Errorf("the stopped server's socket file: %v, want it left behind", err)
			}
			time.Sleep(500 * time.Millisecond) // the client's calls fail meanwhile
			r2 := run(t, rpcComponent(shared, "serve", proto, addr, "2"))
			rc := <-cc
			rc.status0(t)
			rc.expectAll(t, [][2]string{{"gen1-ok", "20"}, {"reconnected", "true"}, {"gen2-ok", "50"},
				{"streams-ok", "4"}, {"streams-err", "<nil>"}, {"server-msgs", "200 <nil>"}})
			if n := rc.num(t, "errors-seen"); n < 1 {
				t.Errorf("errors-seen %d: the client never saw the server gone\n%s", n, rc)
			}
			t.Logf("%s: reconnected %s ms after the first failed call (%s)", proto, rc.lines["reconnect-ms"], rc.lines["first-error"])
			r2.status0(t)
			r2.expectAll(t, [][2]string{{"listen-removed-stale", "false"}, {"quit", "true"}, {"served-msgs", "200"},
				{"socket-file-removed", "true"}})
		})
	}
}

// runNoFatalCtx is runCtx for a second goroutine (see runNoFatal).
func runNoFatalCtx(t *testing.T, ctx context.Context, c component) (r result) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		r = result{status: -1}
		r = runCtx(t, ctx, c)
	}()
	<-done
	return r
}
