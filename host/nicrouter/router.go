// Package nicrouter is a host model of Genode's NIC router
// (repos/os/src/server/nic_router) as far as containers need it: the
// port-forwarding rules of the domains that have an uplink.
//
// On Genode the router owns the machine's network: downlink Nic sessions are
// assigned to domains by <policy>, and a <tcp-forward port="P" domain="D"
// to="IP" to_port="Q"/> in the uplink's domain sends connections to the
// router's address at port P to IP:Q in domain D. The model's components
// have no Nic sessions; each socket stack runs on the host's (host/libc,
// model_sock.c), a stack outside 127.0.0.0/8 laid onto the host's loopback
// with the low 24 bits of its address kept. So the model's uplink is the
// host's loopback: a forward listens on Options.Listen at port P and
// relays each connection to IP:Q laid onto the loopback by the same rule.
// The router re-reads its config when it changes, as Genode's does.
//
// Not modelled: udp-forward (warned), routing and NAT rules between
// domains (a component's own connections go out through the host as is),
// DHCP, ICMP, reports.
package nicrouter

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	"genodego/sandbox/node"
)

// Forward is one <tcp-forward> of an uplink domain.
type Forward struct {
	Port   uint16     // the router's port in the uplink domain
	Domain string     // the domain of the target
	To     netip.Addr // the target's address in that domain
	ToPort uint16     // the target's port (Port when to_port is absent or 0)
}

func (f Forward) String() string {
	return fmt.Sprintf("port %d domain %s to %s to_port %d", f.Port, f.Domain, f.To, f.ToPort)
}

// Parse reads a router config (HID or XML) and returns the forwards of the
// domains that have an <uplink>. Errors name the node and attribute, as
// the router's log would; the router ignores a broken rule, Parse reports
// it so that the integrator sees it.
func Parse(data []byte) ([]Forward, []error) {
	cfg, err := node.Parse(data)
	if err != nil {
		return nil, []error{err}
	}
	if cfg.Type != "config" {
		return nil, []error{fmt.Errorf("<%s>: expected <config>", cfg.Type)}
	}
	uplinks := map[string]bool{}
	for _, u := range cfg.All("uplink") {
		if d, ok := u.Attr("domain"); ok {
			uplinks[d] = true
		}
	}
	subnets := map[string]netip.Prefix{}
	for _, d := range cfg.All("domain") {
		name, _ := d.Attr("name")
		if iface, ok := d.Attr("interface"); ok {
			if p, err := netip.ParsePrefix(iface); err == nil {
				subnets[name] = p
			}
		}
	}
	var out []Forward
	var errs []error
	for _, d := range cfg.All("domain") {
		name, _ := d.Attr("name")
		if !uplinks[name] {
			continue
		}
		for _, u := range d.All("udp-forward") {
			p, _ := u.Attr("port")
			errs = append(errs, fmt.Errorf("domain %s: <udp-forward port=%q>: not modelled", name, p))
		}
		for _, f := range d.All("tcp-forward") {
			fw, err := forward(f, subnets)
			if err != nil {
				errs = append(errs, fmt.Errorf("domain %s: <tcp-forward>: %v", name, err))
				continue
			}
			out = append(out, fw)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Port < out[j].Port })
	return out, errs
}

func forward(n *node.Node, subnets map[string]netip.Prefix) (Forward, error) {
	var f Forward
	port, err := portAttr(n, "port", true)
	if err != nil {
		return f, err
	}
	// forward_rule.cc: only system and registered ports
	if port == 0 || port > 49151 {
		return f, fmt.Errorf("port %d: only 1 to 49151 are forwarded", port)
	}
	f.Port = port
	f.Domain, _ = n.Attr("domain")
	if f.Domain == "" {
		return f, fmt.Errorf("domain is missing")
	}
	to, _ := n.Attr("to")
	if f.To, err = netip.ParseAddr(to); err != nil || !f.To.Is4() {
		return f, fmt.Errorf("to=%q: not an IPv4 address", to)
	}
	if p, ok := subnets[f.Domain]; ok && !p.Contains(f.To) {
		return f, fmt.Errorf("to=%s is not in domain %s (%s)", f.To, f.Domain, p)
	}
	if f.ToPort, err = portAttr(n, "to_port", false); err != nil {
		return f, err
	}
	if f.ToPort == 0 {
		f.ToPort = f.Port
	}
	return f, nil
}

func portAttr(n *node.Node, name string, required bool) (uint16, error) {
	v, ok := n.Attr(name)
	if !ok {
		if required {
			return 0, fmt.Errorf("%s is missing", name)
		}
		return 0, nil
	}
	p, err := strconv.ParseUint(v, 10, 16)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: not a port", name, v)
	}
	return uint16(p), nil
}

// HostAddr is where the model runs a stack's address: itself in
// 127.0.0.0/8, else on the loopback with its low 24 bits kept (as
// host/libc/model_sock.c lays stacks).
func HostAddr(a netip.Addr) netip.Addr {
	b := a.As4()
	if b[0] == 127 {
		return a
	}
	return netip.AddrFrom4([4]byte{127, b[1], b[2], b[3]})
}

// Options configure a Router.
type Options struct {
	ConfigPath string
	Listen     netip.Addr    // the uplink's address on the host, default 127.0.0.1
	Poll       time.Duration // default 50ms
	Log        io.Writer
}

// Router serves the forwards of its config.
type Router struct {
	o    Options
	mu   sync.Mutex
	live map[Forward]net.Listener
	last []byte
}

// New makes a router; Run serves it.
func New(o Options) *Router {
	if !o.Listen.IsValid() {
		o.Listen = netip.MustParseAddr("127.0.0.1")
	}
	if o.Poll == 0 {
		o.Poll = 50 * time.Millisecond
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return &Router{o: o, live: map[Forward]net.Listener{}}
}

// Run serves until ctx ends, then closes every listener.
func (r *Router) Run(ctx context.Context) error {
	t := time.NewTicker(r.o.Poll)
	defer t.Stop()
	for {
		r.reload()
		select {
		case <-ctx.Done():
			r.apply(nil)
			return nil
		case <-t.C:
		}
	}
}

func (r *Router) reload() {
	data, err := os.ReadFile(r.o.ConfigPath)
	if err != nil {
		if !os.IsNotExist(err) {
			fmt.Fprintln(r.o.Log, "nic_router:", err)
		}
		data = nil
	}
	if r.last != nil && string(data) == string(r.last) {
		return
	}
	r.last = append([]byte{}, data...)
	if len(data) == 0 {
		r.apply(nil)
		return
	}
	fws, errs := Parse(data)
	for _, e := range errs {
		fmt.Fprintln(r.o.Log, "nic_router: config:", e)
	}
	r.apply(fws)
}

// apply opens the listeners of new forwards and closes those of the
// forwards that are gone; connections already relayed stay (the router
// keeps their link states until they end).
func (r *Router) apply(fws []Forward) {
	r.mu.Lock()
	defer r.mu.Unlock()
	want := map[Forward]bool{}
	for _, f := range fws {
		want[f] = true
	}
	for f, ln := range r.live {
		if !want[f] {
			ln.Close()
			delete(r.live, f)
		}
	}
	for _, f := range fws {
		if _, ok := r.live[f]; ok {
			continue
		}
		ln, err := net.Listen("tcp", netip.AddrPortFrom(r.o.Listen, f.Port).String())
		if err != nil {
			fmt.Fprintf(r.o.Log, "nic_router: %v: %v\n", f, err)
			continue
		}
		r.live[f] = ln
		go r.serve(ln, f)
	}
}

func (r *Router) serve(ln net.Listener, f Forward) {
	target := netip.AddrPortFrom(HostAddr(f.To), f.ToPort).String()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go relay(c, target)
	}
}

// relay copies both ways; each side's end is passed on as a half close, as
// the router passes a FIN.
func relay(c net.Conn, target string) {
	defer c.Close()
	t, err := net.DialTimeout("tcp", target, 10*time.Second)
	if err != nil {
		return // the client sees a reset, as after an unanswered SYN
	}
	defer t.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(t, c)
	go pipe(c, t)
	<-done
	<-done
}

// Listening is the router ports that are served now, for tests and
// diagnostics.
func (r *Router) Listening() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for f := range r.live {
		out = append(out, f.String())
	}
	sort.Strings(out)
	return out
}
