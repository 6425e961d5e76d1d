package docker_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// freePort is a loopback port nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// get is GET url, tried until it answers or a minute passed.
func get(t *testing.T, url string) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(url)
		if err == nil {
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK {
				return string(b)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: no answer within a minute (last: %v)", url, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A server container on the default bridge answers on its published port
// (a NIC router forward), has its own address, and the forward goes with
// the container's end.
func TestPublish(t *testing.T) {
	needStack(t)
	port := freePort(t)
	docker(t, "run", "-d", "--name", "e2e-web", "-p", fmt.Sprintf("%d:8080", port), ref("server"))
	defer try(t, "rm", "-f", "e2e-web")
	body := get(t, fmt.Sprintf("http://127.0.0.1:%d/", port))
	if !strings.Contains(body, "hello from the genode server") {
		t.Errorf("the server's answer: %q", body)
	}
	ip := inspect(t, "{{.NetworkSettings.Networks.bridge.IPAddress}}", "e2e-web")
	if !strings.HasPrefix(ip, "172.17.") {
		t.Errorf("the container's address %q, want one of the bridge 172.17.0.0/16", ip)
	}
	if out := strings.TrimSpace(docker(t, "port", "e2e-web", "8080")); out != fmt.Sprintf("0.0.0.0:%d", port) {
		t.Errorf("docker port: %q", out)
	}
	if ps := docker(t, "ps", "--filter", "name=e2e-web", "--format", "{{.Ports}}"); !strings.Contains(ps, fmt.Sprintf("%d->8080/tcp", port)) {
		t.Errorf("docker ps ports: %q", ps)
	}
	// the server logs the request, with its peer
	if logs := docker(t, "logs", "e2e-web"); !strings.Contains(logs, "listening on "+ip+":8080") && !strings.Contains(logs, "listening on [::]:8080") {
		t.Logf("server log:\n%s", logs)
	}
	// a second container cannot take the same host port
	r := try(t, "run", "-d", "--name", "e2e-web2", "-p", fmt.Sprintf("%d:8080", port), ref("server"))
	try(t, "rm", "-f", "e2e-web2")
	if r.code == 0 || !strings.Contains(r.stderr, "port is already allocated") {
		t.Errorf("a second container on the same host port:\n%s", r)
	}
	// -P: the image's exposed port on a host port of the engine's choice
	docker(t, "run", "-d", "--name", "e2e-webp", "-P", ref("server"))
	defer try(t, "rm", "-f", "e2e-webp")
	hp := strings.TrimSpace(docker(t, "port", "e2e-webp", "8080/tcp"))
	if _, p, ok := strings.Cut(hp, ":"); !ok || p == "" {
		t.Fatalf("docker port after -P: %q", hp)
	} else if body := get(t, "http://127.0.0.1:"+p+"/"); !strings.Contains(body, "genode server") {
		t.Errorf("-P port %s: %q", p, body)
	}
	if ip2 := inspect(t, "{{.NetworkSettings.Networks.bridge.IPAddress}}", "e2e-webp"); ip2 == ip || ip2 == "" {
		t.Errorf("two containers, addresses %q and %q", ip, ip2)
	}

	docker(t, "stop", "e2e-web")
	if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
		// the router's forward goes within its poll interval
		c.Close()
		time.Sleep(500 * time.Millisecond)
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
			c.Close()
			t.Errorf("port %d still forwarded after the container stopped", port)
		}
	}
	if out := strings.TrimSpace(docker(t, "port", "e2e-web")); out != "" {
		t.Errorf("docker port of a stopped container: %q", out)
	}
	// started again, it is forwarded again
	docker(t, "start", "e2e-web")
	get(t, fmt.Sprintf("http://127.0.0.1:%d/", port))
}

// --network none: no socket file system at all.
func TestNetworkNone(t *testing.T) {
	needStack(t)
	r := try(t, "run", "--rm", "--network", "none", ref("server"))
	if r.code == 0 || !strings.Contains(r.stdout+r.stderr, "server:") {
		t.Errorf("a server without a network:\n%s", r)
	}
}

// docker push to the local registry, then pull of what was pushed.
func TestPush(t *testing.T) {
	needStack(t)
	docker(t, "pull", ref("hello"))
	pushed := regAddr + "/e2e/pushed:v1"
	docker(t, "tag", ref("hello"), pushed)
	out := docker(t, "push", pushed)
	if !strings.Contains(out, "v1: digest: sha256:") {
		t.Errorf("docker push:\n%s", out)
	}
	digest := inspect(t, "{{.Id}}", pushed)
	docker(t, "rmi", pushed)
	docker(t, "pull", pushed)
	if got := inspect(t, "{{.Id}}", pushed); got != digest {
		t.Errorf("pulled back: image %s, pushed %s", got, digest)
	}
	if out := docker(t, "run", "--rm", pushed); !strings.Contains(out, "Hello") && !strings.Contains(out, "hello") {
		t.Errorf("the pushed image's run: %q", out)
	}
	docker(t, "rmi", pushed)
	r := try(t, "push", regAddr+"/e2e/nonexistent:v1")
	if r.code == 0 || !strings.Contains(r.stderr, "does not exist") {
		t.Errorf("push of an image the engine has not:\n%s", r)
	}
}

// Containers on the bridge reach each other at their addresses.
func TestBridgePeers(t *testing.T) {
	needStack(t)
	docker(t, "run", "-d", "--name", "e2e-peer", ref("server"))
	defer try(t, "rm", "-f", "e2e-peer")
	ip := inspect(t, "{{.NetworkSettings.Networks.bridge.IPAddress}}", "e2e-peer")
	var r result
	for i := 0; i < 50; i++ { // until the server listens
		if r = try(t, "run", "--rm", ref("toolbox"), "wget", "-q", "-O", "-", "http://"+ip+":8080/"); r.code == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if r.code != 0 || !strings.Contains(r.stdout, "hello from the genode server") {
		t.Errorf("a second container's GET of the first at %s:\n%s", ip, r)
	}
}

// docker network ls and inspect show the bridge, its subnet and its
// running containers; further networks are refused by name.
func TestNetworks(t *testing.T) {
	needStack(t)
	if ls := docker(t, "network", "ls", "--format", "{{.Name}} {{.Driver}}"); !strings.Contains(ls, "bridge bridge") || !strings.Contains(ls, "none null") {
		t.Errorf("docker network ls:\n%s", ls)
	}
	docker(t, "run", "-d", "--name", "e2e-net", ref("toolbox"), "sleep", "60")
	defer try(t, "rm", "-f", "e2e-net")
	out := docker(t, "network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}", "bridge")
	ip := inspect(t, "{{.NetworkSettings.Networks.bridge.IPAddress}}", "e2e-net")
	if !strings.HasPrefix(out, "172.17.0.0/16 172.17.0.1 ") || !strings.Contains(out, "e2e-net="+ip+"/16") {
		t.Errorf("docker network inspect bridge: %q (the container's address %s)", out, ip)
	}
	r := try(t, "network", "create", "e2e-mine")
	if r.code == 0 || !strings.Contains(r.stderr, "NIC router") {
		t.Errorf("docker network create:\n%s", r)
	}
}
