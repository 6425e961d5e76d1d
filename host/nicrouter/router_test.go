package nicrouter

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	cfg := `config
+ policy | label_suffix: -> docker0 | domain: docker0
+ uplink | domain: uplink
+ domain uplink | interface: 10.0.2.15/24
  + tcp-forward | port: 8080 | domain: docker0 | to: 172.17.0.2 | to_port: 80
  + tcp-forward | port: 9000 | domain: docker0 | to: 172.17.0.3
  + tcp-forward | port: 50000 | domain: docker0 | to: 172.17.0.3
  + tcp-forward | port: 81 | domain: docker0 | to: 10.1.0.3
  + udp-forward | port: 53 | domain: docker0 | to: 172.17.0.3
+ domain docker0 | interface: 172.17.0.1/16
  + tcp-forward | port: 7 | domain: uplink | to: 10.0.2.2
-
`
	fws, errs := Parse([]byte(cfg))
	want := []string{
		"port 8080 domain docker0 to 172.17.0.2 to_port 80",
		"port 9000 domain docker0 to 172.17.0.3 to_port 9000",
	}
	var got []string
	for _, f := range fws {
		got = append(got, f.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("forwards:\n%s\nwant (only the uplink domain's, valid ones):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, w := range []string{"port 50000: only 1 to 49151", "to=10.1.0.3 is not in domain docker0", "udp-forward port=\"53\">: not modelled"} {
		if !strings.Contains(all, w) {
			t.Errorf("errors lack %q:\n%s", w, all)
		}
	}
	if _, errs := Parse([]byte("<config><domain name=\"u\"/><uplink domain=\"u\"/></config>")); len(errs) != 0 {
		t.Errorf("XML config: %v", errs)
	}
	if _, errs := Parse([]byte("start x\n-\n")); len(errs) != 1 {
		t.Errorf("a config that is not <config>: %v", errs)
	}
}

func TestHostAddr(t *testing.T) {
	for in, want := range map[string]string{"172.17.0.2": "127.17.0.2", "10.231.4.5": "127.231.4.5", "127.0.0.1": "127.0.0.1"} {
		if got := HostAddr(netip.MustParseAddr(in)).String(); got != want {
			t.Errorf("HostAddr(%s) = %s, want %s", in, got, want)
		}
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// A forward relays both ways and ends with the config's rule.
func TestForward(t *testing.T) {
	backend, err := net.Listen("tcp", "127.231.0.5:0") // the stack 10.231.0.5 on the model
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Close()
	go func() {
		for {
			c, err := backend.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				b, _ := io.ReadAll(c) // until the client's half close
				fmt.Fprintf(c, "got %s", b)
			}()
		}
	}()
	to := backend.Addr().(*net.TCPAddr).Port
	port := freePort(t)
	path := filepath.Join(t.TempDir(), "nic_router.config")
	write := func(body string) {
		tmp := path + ".new"
		os.WriteFile(tmp, []byte(body), 0o644)
		os.Rename(tmp, path)
	}
	write(fmt.Sprintf("<config><uplink domain=\"uplink\"/><domain name=\"uplink\" interface=\"10.0.2.15/24\">"+
		"<tcp-forward port=\"%d\" domain=\"c\" to=\"10.231.0.5\" to_port=\"%d\"/></domain>"+
		"<domain name=\"c\" interface=\"10.231.0.1/16\"/></config>", port, to))
	ctx, cancel := context.WithCancel(context.Background())
	r := New(Options{ConfigPath: path, Poll: 10 * time.Millisecond, Log: testWriter{t}})
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); <-done }()

	addr := fmt.Sprintf("127.0.0.1:%d", port)
	var c net.Conn
	for i := 0; i < 200; i++ {
		if c, err = net.Dial("tcp", addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("the forward's port: %v", err)
	}
	io.WriteString(c, "ping")
	c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	c.Close()
	if string(b) != "got ping" || err != nil {
		t.Fatalf("relayed: %q, %v", b, err)
	}

	write("<config/>")
	for i := 0; i < 200 && len(r.Listening()) > 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if l := r.Listening(); len(l) > 0 {
		t.Fatalf("forwards after the rule went: %v", l)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatalf("port %d still accepts after the rule went", port)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
