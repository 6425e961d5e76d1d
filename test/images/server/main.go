// Command server is the long-running program of the `server` image: an HTTP server that answers
// GET / with a greeting, its host name and its arguments, logs one line per request to stdout,
// and exits 0 on SIGTERM or SIGINT.
//
// The address is -addr, else $SERVER_ADDR, else 127.0.0.1:8080. On Genode signals are emulated
// inside the component; os/signal sees the ones the component raises or its runtime delivers.
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
	"runtime"
	"syscall"
	"time"
)

// Greeting starts every answer to GET /.
const Greeting = "hello from the genode server"

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	def := os.Getenv("SERVER_ADDR")
	if def == "" {
		def = "127.0.0.1:8080"
	}
	addr := fs.String("addr", def, "listen `address` (host:port); default $SERVER_ADDR or 127.0.0.1:8080")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 1
	}
	fmt.Printf("listening on %s\n", ln.Addr())

	srv := &http.Server{Handler: handler(os.Args), ReadHeaderTimeout: 10 * time.Second}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case s := <-sigs:
		fmt.Printf("%v: stopping\n", s)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "server:", err)
			return 1
		}
		return 0
	case err := <-served:
		if errors.Is(err, http.ErrServerClosed) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "server:", err)
		return 1
	}
}

func handler(argv []string) http.Handler {
	host, err := os.Hostname()
	if err != nil {
		host = "(" + err.Error() + ")"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status := http.StatusOK
		switch {
		case r.URL.Path != "/":
			status = http.StatusNotFound
			http.NotFound(w, r)
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			status = http.StatusMethodNotAllowed
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", status)
		default:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintf(w, "%s (%s/%s)\nhostname: %s\nargs: %q\n", Greeting, runtime.GOOS, runtime.GOARCH, host, argv[1:])
		}
		fmt.Printf("%s %s %s %d\n", r.RemoteAddr, r.Method, r.URL.RequestURI(), status)
	})
}
