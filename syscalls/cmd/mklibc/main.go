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
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"genodego/syscalls"
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
		r, err := findRoot()
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
		fmt.Fprintf(os.Stderr, "mklibc: generated files are out of date (run go run %s):\n", generator)
		for _, d := range diffs {
			fmt.Fprintf(os.Stderr, "\t%s\n", d)
		}
		os.Exit(1)
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "mklibc: %v\n", err)
	os.Exit(1)
}

// findRoot walks up from the working directory to the first directory that
// holds syscalls/table.tsv.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "syscalls", "table.tsv")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no syscalls/table.tsv above the current directory; use -root")
		}
		dir = parent
	}
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
	want, warns, err := generateWarn(tab, srcRoot, "syscalls/table.tsv")
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
	var diffs []string
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(srcRoot, filepath.FromSlash(name))
		old, err := os.ReadFile(p)
		rel := filepath.ToSlash(filepath.Join("goos_genode", "src", name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			diffs = append(diffs, "missing:  "+rel)
		case err != nil:
			return nil, err
		case bytes.Equal(old, want[name]):
			continue
		default:
			diffs = append(diffs, "stale:    "+rel)
		}
		if check {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, want[name], 0o644); err != nil {
			return nil, err
		}
	}
	for _, name := range have {
		if _, ok := want[name]; ok {
			continue
		}
		diffs = append(diffs, "obsolete: "+filepath.ToSlash(filepath.Join("goos_genode", "src", name)))
		if !check {
			if err := os.Remove(filepath.Join(srcRoot, filepath.FromSlash(name))); err != nil {
				return nil, err
			}
		}
	}
	if check {
		return diffs, nil
	}
	return nil, nil
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
