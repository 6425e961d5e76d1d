// Package genfiles is what the generators under syscalls/cmd share: finding
// the project root, and writing their output or checking it against the
// files in the tree.
package genfiles

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// FindRoot walks up from the working directory to the first directory that
// holds syscalls/table.tsv.
func FindRoot() (string, error) {
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

// Update compares want (contents keyed by slash path relative to root) with
// the files under root, and owned (files the generator produced before) with
// want. It returns one line per difference, sorted: "missing:  p",
// "stale:    p" and, for an owned file no longer wanted, "obsolete: p".
// With check it writes nothing; otherwise it writes the missing and stale
// files and removes the obsolete ones.
func Update(root string, want map[string][]byte, owned []string, check bool) ([]string, error) {
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	var diffs []string
	for _, name := range names {
		p := filepath.Join(root, filepath.FromSlash(name))
		old, err := os.ReadFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			diffs = append(diffs, "missing:  "+name)
		case err != nil:
			return nil, err
		case bytes.Equal(old, want[name]):
			continue
		default:
			diffs = append(diffs, "stale:    "+name)
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
	owned = append([]string(nil), owned...)
	sort.Strings(owned)
	for _, name := range owned {
		if _, ok := want[name]; ok {
			continue
		}
		diffs = append(diffs, "obsolete: "+name)
		if !check {
			if err := os.Remove(filepath.Join(root, filepath.FromSlash(name))); err != nil {
				return nil, err
			}
		}
	}
	return diffs, nil
}

// PrintStale tells what -check found and the command that fixes it.
func PrintStale(w io.Writer, tool, command string, diffs []string) {
	fmt.Fprintf(w, "%s: generated files are out of date; %s (or make syscalls) regenerates them:\n", tool, command)
	for _, d := range diffs {
		fmt.Fprintf(w, "\t%s\n", d)
	}
}
