package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"time"
)

// wgetMain is `wget [-q] [-O -] http://HOST[:PORT]/PATH`: the body of a
// plain HTTP/1.0 GET on stdout; exit 1 unless the answer is 200.
func wgetMain(p *proc, argv []string) int {
	var url string
	for i := 1; i < len(argv); i++ {
		switch a := argv[i]; {
		case a == "-q":
		case a == "-O" && i+1 < len(argv) && argv[i+1] == "-":
			i++
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(p.stderr, "wget: %s: unknown option (only -q, -O -)\n", a)
			return 2
		default:
			url = a
		}
	}
	rest, ok := strings.CutPrefix(url, "http://")
	if !ok {
		fmt.Fprintf(p.stderr, "wget: %q: only http:// URLs\n", url)
		return 2
	}
	host, path, _ := strings.Cut(rest, "/")
	if !strings.Contains(host, ":") {
		host += ":80"
	}
	c, err := net.DialTimeout("tcp", host, 10*time.Second)
	if err != nil {
		fmt.Fprintf(p.stderr, "wget: %v\n", err)
		return 1
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /%s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host)
	r := bufio.NewReader(c)
	status, err := textproto.NewReader(r).ReadLine()
	if err != nil {
		fmt.Fprintf(p.stderr, "wget: %v\n", err)
		return 1
	}
	if _, err := textproto.NewReader(r).ReadMIMEHeader(); err != nil {
		fmt.Fprintf(p.stderr, "wget: %v\n", err)
		return 1
	}
	io.Copy(p.stdout, r)
	if f := strings.Fields(status); len(f) < 2 || f[1] != "200" {
		fmt.Fprintf(p.stderr, "wget: server answered %q\n", status)
		return 1
	}
	return 0
}
