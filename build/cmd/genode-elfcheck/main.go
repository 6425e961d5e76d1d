// Command genode-elfcheck checks that binaries satisfy the contract of
// Genode's dynamic linker (ld.lib.so) and libc, as GOOS=genode programs must.
//
// Usage:
//
//	genode-elfcheck [-table path] [-q] [-json] file...
//
// Each violation is printed as "RULE where addr: message"; a clean file
// prints "ok file" unless -q. Exit status: 0 all clean, 1 violations,
// 2 bad usage or a file that is not an ELF64 x86-64/AArch64 binary.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"genodego/build/elfcheck"
	"genodego/syscalls"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type fileResult struct {
	File       string               `json:"file"`
	OK         bool                 `json:"ok"`
	Error      string               `json:"error,omitempty"`
	Violations []elfcheck.Violation `json:"violations"`
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("genode-elfcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tablePath := fs.String("table", "", "syscalls table `file` (default: the table built into genodego/syscalls)")
	quiet := fs.Bool("q", false, "print only violations and errors")
	asJSON := fs.Bool("json", false, "print one JSON document with the results of all files")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: genode-elfcheck [-table path] [-q] [-json] file...\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	var (
		tab *syscalls.Table
		err error
	)
	if *tablePath != "" {
		tab, err = syscalls.Load(*tablePath)
	} else {
		tab, err = syscalls.Default()
	}
	if err != nil {
		fmt.Fprintf(stderr, "genode-elfcheck: syscalls table: %v\n", err)
		return 2
	}

	status := 0
	var results []fileResult
	for _, path := range fs.Args() {
		vs, err := elfcheck.CheckFile(path, elfcheck.Options{Table: tab})
		r := fileResult{File: path, OK: err == nil && len(vs) == 0, Violations: vs}
		if r.Violations == nil {
			r.Violations = []elfcheck.Violation{}
		}
		switch {
		case err != nil:
			status = 2
			var ie *elfcheck.InputError
			if !errors.As(err, &ie) {
				err = fmt.Errorf("%s: %v", path, err)
			}
			r.Error = err.Error()
			if !*asJSON {
				fmt.Fprintf(stderr, "genode-elfcheck: %v\n", err)
			}
		case len(vs) > 0:
			if status == 0 {
				status = 1
			}
			if !*asJSON {
				for _, v := range vs {
					if len(fs.Args()) > 1 {
						fmt.Fprintf(stdout, "%s: %s\n", path, v)
					} else {
						fmt.Fprintln(stdout, v)
					}
				}
			}
		default:
			if !*asJSON && !*quiet {
				fmt.Fprintf(stdout, "ok %s\n", path)
			}
		}
		results = append(results, r)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			fmt.Fprintf(stderr, "genode-elfcheck: %v\n", err)
			return 2
		}
	}
	return status
}
