// Command genode-nic-router is the host model of Genode's NIC router for
// containers: it serves the port forwards of its config's uplink domains on
// the host's loopback (package genodego/host/nicrouter).
//
//	genode-nic-router -config FILE [-listen 127.0.0.1]
//
// It re-reads FILE (HID or XML) when it changes and stops on SIGINT or
// SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/signal"
	"syscall"

	"genodego/host/nicrouter"
)

func main() {
	config := flag.String("config", "", "the router's config file (required)")
	listen := flag.String("listen", "127.0.0.1", "the uplink's address on the host")
	flag.Parse()
	addr, err := netip.ParseAddr(*listen)
	if *config == "" || flag.NArg() != 0 || err != nil {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := nicrouter.New(nicrouter.Options{ConfigPath: *config, Listen: addr, Log: os.Stderr}).Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "genode-nic-router:", err)
		os.Exit(1)
	}
}
