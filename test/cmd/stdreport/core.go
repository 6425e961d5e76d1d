package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Core is the list of std packages CI runs on the model (test/std-core.txt):
//
//	<import path>
//	<import path> <TAB> open: <what still fails and why>
//
// A package without a mark must pass, on its first run or on a retry (then
// it is flaky; Check tolerates a few). A package marked open may fail (the
// port's remaining work, named in the mark) and is not retried; once it
// passes, the mark is stale and the gate fails too, so the list never claims
// less than is true.
type Core struct {
	Pkgs []string
	Open map[string]string
}

func loadCore(file string) (*Core, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c := &Core{Open: map[string]string{}}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pkg, mark, hasMark := strings.Cut(line, "\t")
		pkg = strings.TrimSpace(pkg)
		if strings.ContainsAny(pkg, " \t") {
			return nil, fmt.Errorf("%s:%d: want <package> or <package><TAB>open: <reason>", file, n)
		}
		if hasMark {
			mark = strings.TrimSpace(mark)
			reason, ok := strings.CutPrefix(mark, "open:")
			if !ok || strings.TrimSpace(reason) == "" {
				return nil, fmt.Errorf("%s:%d: a mark is \"open: <reason>\"", file, n)
			}
			c.Open[pkg] = strings.TrimSpace(reason)
		}
		c.Pkgs = append(c.Pkgs, pkg)
	}
	return c, sc.Err()
}

// IsOpen reports whether pkg is marked open; a nil Core marks nothing.
func (c *Core) IsOpen(pkg string) bool {
	if c == nil {
		return false
	}
	_, ok := c.Open[pkg]
	return ok
}

// Check returns one line per package that breaks the gate, and one more
// when more than maxFlaky packages passed only on a retry.
func (c *Core) Check(rows []Row, maxFlaky int) []string {
	var bad []string
	for _, r := range rows {
		if r.Genode == nil {
			bad = append(bad, r.Package+": no genode result")
			continue
		}
		reason, open := c.Open[r.Package]
		switch {
		case !r.Genode.Passed() && !open:
			bad = append(bad, fmt.Sprintf("%s: fails on genode: %s", r.Package, verdict(r.Genode)))
		case r.Genode.Passed() && open:
			bad = append(bad, fmt.Sprintf("%s: passes now; drop its open mark (%s)", r.Package, reason))
		}
	}
	if n := flakyCount(rows); n > maxFlaky {
		var names []string
		for _, r := range rows {
			if r.Genode != nil && r.Genode.Passed() && r.Genode.Flaky != "" {
				names = append(names, r.Package)
			}
		}
		bad = append(bad, fmt.Sprintf("%d packages flaky (%s), at most %d tolerated: find the common cause", n, strings.Join(names, ", "), maxFlaky))
	}
	return bad
}
