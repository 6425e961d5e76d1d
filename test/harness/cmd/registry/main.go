// Command registry runs docker-registry on 127.0.0.1 in the foreground until SIGTERM or SIGINT,
// for Makefile targets that start a stack in the background.
//
// Usage:
//
//	registry -dir DIR [-addr host:port] [-addr-file FILE] [-pid-file FILE]
//
// Once the registry answers GET /v2/, it writes its address to -addr-file and this command's pid
// to -pid-file (each written whole, so a reader never sees half), and prints "registry on ADDR".
// On SIGTERM or SIGINT it stops the registry, removes both files and exits 0; if the registry
// exits on its own, it exits 1 with the end of the registry's log.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"genodego/test/harness/registry"
)

func main() {
	dir := flag.String("dir", "", "`directory` for the registry's config, log and storage (required)")
	addr := flag.String("addr", "", "listen `address` (default: a free port of 127.0.0.1)")
	addrFile := flag.String("addr-file", "", "write the registry's host:port to `file` once it is ready")
	pidFile := flag.String("pid-file", "", "write this command's pid to `file` once the registry is ready")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)

	var r *registry.Registry
	var err error
	if *addr == "" {
		r, err = registry.Start(*dir)
	} else {
		r, err = registry.StartAt(*dir, *addr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "registry:", err)
		os.Exit(1)
	}
	files := []string{}
	write := func(path, s string) {
		if path == "" {
			return
		}
		tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
		if err := os.WriteFile(tmp, []byte(s+"\n"), 0o644); err == nil {
			err = os.Rename(tmp, path)
		}
		if err != nil {
			r.Stop()
			fmt.Fprintln(os.Stderr, "registry:", err)
			os.Exit(1)
		}
		files = append(files, path)
	}
	write(*addrFile, r.Addr())
	write(*pidFile, strconv.Itoa(os.Getpid()))
	fmt.Println("registry on", r.Addr())

	code := 0
	select {
	case s := <-sigs:
		fmt.Printf("registry: %v, stopping\n", s)
	case <-r.Exited():
		fmt.Fprintf(os.Stderr, "registry: docker-registry exited\n%s\n", r.LogTail(20))
		code = 1
	}
	if err := r.Stop(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, "registry:", err)
		code = 1
	}
	for _, f := range files {
		os.Remove(f)
	}
	os.Exit(code)
}
