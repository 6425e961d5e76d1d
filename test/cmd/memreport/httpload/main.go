// Command httpload is a net/http server under load in one component: it
// serves 1 KiB responses on 127.0.0.1 and -clients goroutines make
// -requests requests each over keep-alive connections. It exits 0 when
// every response arrived whole.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
)

func main() {
	clients := flag.Int("clients", 50, "concurrent clients")
	requests := flag.Int("requests", 40, "requests per client")
	flag.Parse()
	body := bytes.Repeat([]byte("x"), 1024)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	url := "http://" + ln.Addr().String() + "/"
	tr := &http.Transport{MaxIdleConnsPerHost: *clients}
	c := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed error
	for range *clients {
		wg.Go(func() {
			for range *requests {
				resp, err := c.Get(url)
				if err == nil {
					var n int64
					n, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && n != int64(len(body)) {
						err = fmt.Errorf("%d bytes, want %d", n, len(body))
					}
				}
				if err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if failed != nil {
		fmt.Fprintln(os.Stderr, "httpload:", failed)
		os.Exit(1)
	}
	fmt.Printf("httpload: %d requests\n", *clients**requests)
}
