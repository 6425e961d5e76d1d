// Command genode-conformance-table writes the table behaviour → Genode source
// → test into host/README.md from the //! lines of host/conformance/*.c.
//
//	go run genodego/host/cmd/genode-conformance-table [-check] [-root repo]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	conformance "genodego/host"
)

func main() {
	root := flag.String("root", ".", "repository root")
	check := flag.Bool("check", false, "only check that the table is current")
	flag.Parse()
	tests, err := conformance.List(filepath.Join(*root, "host", "conformance"))
	if err != nil {
		fail(err)
	}
	readme := filepath.Join(*root, "host", "README.md")
	old, err := os.ReadFile(readme)
	if err != nil {
		fail(err)
	}
	updated, err := conformance.UpdateREADME(old, conformance.Table(tests))
	if err != nil {
		fail(err)
	}
	if bytes.Equal(old, updated) {
		return
	}
	if *check {
		fail(fmt.Errorf("%s: the conformance table is stale; run `go run genodego/host/cmd/genode-conformance-table`", readme))
	}
	if err := os.WriteFile(readme, updated, 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("%s: table updated (%d tests)\n", readme, len(tests))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "genode-conformance-table:", err)
	os.Exit(1)
}
