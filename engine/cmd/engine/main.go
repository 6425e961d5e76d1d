// Command engine serves the Docker Engine API over containerd, as a Genode
// component beside containerd:
//
//	engine [-H unix:///PATH | -H tcp://127.0.0.1:PORT]... [--containerd ADDR] [--namespace moby] [--root DIR]
//	       [--bip 172.17.0.0/16] [--nic-router-config FILE]
//
// It listens on every -H address (as dockerd does; default
// unix:///run/docker.sock), keeps Docker's images and containers in
// containerd's namespace and what containerd does not keep (names, states,
// logs) in its root directory. Its running containers outlive it: a new
// engine on the same root takes them up. Containers on the default network
// have addresses of the --bip subnet, a NIC router's domain; published ports
// are forwards the engine writes into the router's config file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"genodego/engine/daemon"
	"genodego/engine/server"
)

// Version is the engine's version.
const Version = "0.1.0-genode"

type hosts []string

func (h *hosts) String() string     { return strings.Join(*h, ",") }
func (h *hosts) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	var listen hosts
	flag.Var(&listen, "H", "an `address` to serve: unix:///PATH or tcp://HOST:PORT (repeatable; default unix:///run/docker.sock)")
	containerdAddr := flag.String("containerd", "/run/containerd/containerd.sock", "containerd's gRPC `address`")
	ns := flag.String("namespace", "moby", "the containerd `namespace` of Docker's objects")
	root := flag.String("root", "/var/lib/docker", "the engine's state `directory`")
	bip := flag.String("bip", "172.17.0.0/16", "the default bridge's `subnet` (a NIC router domain)")
	router := flag.String("nic-router-config", "", "the NIC router's config `file` the engine writes (published ports); none: -p is refused")
	flag.Parse()
	if len(listen) == 0 {
		listen = hosts{"unix:///run/docker.sock"}
	}
	cfg := daemon.Config{Containerd: *containerdAddr, Namespace: *ns, Root: *root, Version: Version, Bridge: *bip, RouterConfig: *router}
	if err := run(listen, cfg); err != nil {
		fmt.Fprintf(os.Stderr, "engine: %v\n", err)
		os.Exit(1)
	}
}

func run(listen []string, cfg daemon.Config) error {
	ctx := context.Background()
	d, err := daemon.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	s := server.New(Version)
	s.AddSystemRoutes(d)
	s.AddEventsRoutes(d)
	s.AddImageRoutes(d)
	s.AddContainerRoutes(d)
	s.AddNetworkRoutes(d)
	var listeners []net.Listener
	for _, h := range listen {
		l, err := listenOn(h)
		if err != nil {
			return err
		}
		listeners = append(listeners, l)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	errc := make(chan error, len(listeners))
	for _, l := range listeners {
		fmt.Fprintf(os.Stderr, "engine: serving the Engine API on %s\n", l.Addr())
		go func(l net.Listener) { errc <- srv.Serve(l) }(l)
	}
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-errc:
		return err
	case <-sigc:
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		return nil
	}
}

func listenOn(addr string) (net.Listener, error) {
	proto, rest, ok := strings.Cut(addr, "://")
	if !ok {
		return nil, fmt.Errorf("-H %s: want unix:///PATH or tcp://HOST:PORT", addr)
	}
	switch proto {
	case "unix":
		os.Remove(rest) // a socket file of an earlier run names a port nobody listens on
		return net.Listen("unix", rest)
	case "tcp":
		host, _, err := net.SplitHostPort(rest)
		if err != nil {
			return nil, fmt.Errorf("-H %s: %w", addr, err)
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			// no TLS: an engine that answers anyone on the network is root for them
			return nil, errors.New("-H " + addr + ": the engine listens on TCP only on a loopback address (it has no TLS)")
		}
		return net.Listen("tcp", rest)
	}
	return nil, fmt.Errorf("-H %s: protocol %s: want unix or tcp", addr, proto)
}
