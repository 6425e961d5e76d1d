// Command mklibc generates, from syscalls/table.tsv, the libc import pragmas
// and trampolines of every Go package in the table's users column
// (goos_genode/src/<pkg>/zlibc_genode.go, zlibc_genode_{amd64,arm64}.s), and
// from the //sys lines of the hand-written genode files of package syscall and
// internal/syscall/unix their libc wrappers (zsyscall_genode.go).
//
// Usage:
//
//	go run genodego/syscalls/cmd/mklibc [-root dir] [-check]
//
// -root is the project root (default: found upward from the current
// directory). -check writes nothing and exits 1, listing the files that are
// stale, missing or no longer generated.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"genodego/syscalls"
	"genodego/syscalls/internal/genfiles"
)

func main() {
	root := flag.String("root", "", "project root holding syscalls/ and goos_genode/ (default: found from the current directory)")
	check := flag.Bool("check", false, "only check that the generated files are up to date")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: mklibc [-root dir] [-check]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *root == "" {
		r, err := genfiles.FindRoot()
		if err != nil {
			fatal(err)
		}
		*root = r
	}
	diffs, err := run(*root, *check)
	if err != nil {
		fatal(err)
	}
	if *check && len(diffs) > 0 {
		genfiles.PrintStale(os.Stderr, "mklibc", command, diffs)
		os.Exit(1)
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "mklibc: %v\n", err)
	os.Exit(1)
}

// run generates everything for the project at root. With check it writes
// nothing and returns the files that differ ("stale", "missing" or
// "obsolete", with their path relative to root); otherwise it writes changed
// files, removes generated files nothing calls for, and returns nil.
func run(root string, check bool) ([]string, error) {
	tablePath := filepath.Join(root, "syscalls", "table.tsv")
	tab, err := syscalls.Load(tablePath)
	if err != nil {
		return nil, err
	}
	srcRoot := filepath.Join(root, "goos_genode", "src")
	gen, warns, err := generateWarn(tab, srcRoot, "syscalls/table.tsv")
	if err != nil {
		return nil, err
	}
	for _, w := range warns {
		fmt.Fprintf(os.Stderr, "mklibc: warning: %s\n", w)
	}
	have, err := existingGenerated(srcRoot)
	if err != nil {
		return nil, err
	}
	const dir = "goos_genode/src/"
	want := map[string][]byte{}
	for name, data := range gen {
		want[dir+name] = data
	}
	for i := range have {
		have[i] = dir + have[i]
	}
	xs, xhave, xwarns, err := generateXsys(tab, root, "syscalls/table.tsv") // golang.org/x/sys/unix (xsys.go)
	if err != nil {
		return nil, err
	}
	for _, w := range xwarns {
		fmt.Fprintf(os.Stderr, "mklibc: warning: %s\n", w)
	}
	for name, data := range xs {
		want[name] = data
	}
	have = append(have, xhave...)
	diffs, err := genfiles.Update(root, want, have, check)
	if err != nil || !check {
		return nil, err
	}
	return diffs, nil
}

// existingGenerated lists the files under srcRoot whose names this generator
// owns, as slash paths relative to srcRoot.
func existingGenerated(srcRoot string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(srcRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == srcRoot {
				return fs.SkipAll
			}
			return err
		}
		if !d.IsDir() && isGenerated(d.Name()) {
			rel, err := filepath.Rel(srcRoot, p)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}
