// Package skips reads test/genode-skips.txt, the one list of std tests that
// are skipped on genode, and turns a package's entries into the pattern the
// exec wrapper passes to its test binary as -test.skip.
//
// The file has one entry a line, three fields separated by tabs:
//
//	package	TestName[/sub[/...]]	reason
//
// The reason names the Genode limitation ("no SIGSEGV delivery", "no
// AF_INET6"). Blank lines and lines starting with '#' are comments. A name
// is a test, benchmark, example or fuzz target as `go test -v` prints it
// (spaces in subtest names already rewritten to underscores).
package skips

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// FileName is the list's path relative to the repository root.
const FileName = "test/genode-skips.txt"

// Entry is one line of the list.
type Entry struct {
	Package string // import path, e.g. "net"
	Test    string // "TestX" or "TestX/sub"
	Reason  string
	Line    int
}

// List is a parsed skip list.
type List struct {
	Entries []Entry
}

// Parse reads a list. It fails on a line without three non-empty fields and
// on a second entry for the same package and test; Check does the rest.
func Parse(r io.Reader) (*List, error) {
	l := &List{}
	seen := map[[2]string]int{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want package<TAB>test<TAB>reason, have %d field(s)", n, len(f))
		}
		e := Entry{Package: strings.TrimSpace(f[0]), Test: strings.TrimSpace(f[1]), Reason: strings.TrimSpace(f[2]), Line: n}
		switch {
		case e.Package == "":
			return nil, fmt.Errorf("line %d: no package", n)
		case e.Test == "":
			return nil, fmt.Errorf("line %d: no test name", n)
		case e.Reason == "":
			return nil, fmt.Errorf("line %d: %s %s: no reason", n, e.Package, e.Test)
		case strings.ContainsAny(e.Test, " \t") || strings.HasPrefix(e.Test, "/") || strings.HasSuffix(e.Test, "/") || strings.Contains(e.Test, "//"):
			return nil, fmt.Errorf("line %d: malformed test name %q", n, e.Test)
		}
		k := [2]string{e.Package, e.Test}
		if prev, ok := seen[k]; ok {
			return nil, fmt.Errorf("line %d: %s %s already listed on line %d", n, e.Package, e.Test, prev)
		}
		seen[k] = n
		l.Entries = append(l.Entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return l, nil
}

// Load parses the list at path.
func Load(path string) (*List, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return l, nil
}

// Locate finds the list: $GENODE_SKIPS if set, else FileName in the first
// of the executable's directory and its parents that has it (the wrapper
// lives in _build/bin of the repository).
func Locate() (string, error) {
	if p := os.Getenv("GENODE_SKIPS"); p != "" {
		return p, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	for d := filepath.Dir(exe); ; d = filepath.Dir(d) {
		p := filepath.Join(d, FileName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no %s above %s (set GENODE_SKIPS)", FileName, exe)
		}
	}
}

// For returns the package's entries in file order.
func (l *List) For(pkg string) []Entry {
	var es []Entry
	for _, e := range l.Entries {
		if e.Package == pkg {
			es = append(es, e)
		}
	}
	return es
}

// Packages returns the packages that have entries, sorted.
func (l *List) Packages() []string {
	m := map[string]bool{}
	for _, e := range l.Entries {
		m[e.Package] = true
	}
	var ps []string
	for p := range m {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// Pattern returns the -test.skip pattern for pkg, "" when nothing is listed.
// Each entry becomes one alternative of anchored, literal name elements:
// `^TestA$|^TestB$/^sub$`. The testing package splits a pattern at top-level
// '|' into alternatives and each alternative at '/' into per-level patterns,
// so a subtest entry skips only that subtest.
func (l *List) Pattern(pkg string) string {
	var alts []string
	for _, e := range l.For(pkg) {
		els := strings.Split(e.Test, "/")
		for i, el := range els {
			els[i] = "^" + regexp.QuoteMeta(el) + "$"
		}
		alts = append(alts, strings.Join(els, "/"))
	}
	return strings.Join(alts, "|")
}

// StdPackage returns the import path of the std package whose directory is
// pkgDir, or "" when pkgDir is not under goroot/src.
func StdPackage(goroot, pkgDir string) string {
	if goroot == "" || pkgDir == "" {
		return ""
	}
	rel, err := filepath.Rel(filepath.Join(goroot, "src"), pkgDir)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, "../") || filepath.IsAbs(rel) {
		return ""
	}
	return filepath.ToSlash(rel)
}

// IsTestBinary reports whether binary is what `go test` builds for pkg:
// go names it after the last element of the import path plus ".test".
func IsTestBinary(binary, pkg string) bool {
	return pkg != "" && filepath.Base(binary) == pkg[strings.LastIndex(pkg, "/")+1:]+".test"
}

// ApplyArgs returns args with the list's skips for the package pkg (an
// import path) added as -test.skip when args are a test binary's (hold a
// -test.* flag, as `go test` always passes); otherwise args unchanged.
func (l *List) ApplyArgs(pkg string, args []string) []string {
	for _, a := range args {
		if strings.HasPrefix(a, "-test.") {
			return l.withSkip(pkg, args)
		}
	}
	return args
}

// TestArgs returns args with the list's skips for the package run from
// pkgDir added as -test.skip, when binary is that package's test binary and
// the list has entries for it; otherwise args unchanged. A -test.skip
// already in args is kept as a further alternative.
func (l *List) TestArgs(goroot, pkgDir, binary string, args []string) []string {
	pkg := StdPackage(goroot, pkgDir)
	if !IsTestBinary(binary, pkg) {
		return args
	}
	return l.withSkip(pkg, args)
}

func (l *List) withSkip(pkg string, args []string) []string {
	pat := l.Pattern(pkg)
	if pat == "" {
		return args
	}
	out := make([]string, 0, len(args)+2)
	hasRun := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "test.run" {
			hasRun = true
		}
		if strings.HasPrefix(a, "-") && name == "test.skip" {
			if !hasVal && i+1 < len(args) {
				i++
				val = args[i]
			}
			if val != "" {
				pat = val + "|" + pat
			}
			continue
		}
		out = append(out, a)
	}
	if !hasRun {
		// A run with skips is a selection: say so with -test.run, so that a
		// TestMain checking that a full run used every helper (os/exec's
		// "helper command unused") does not take it for a full run.
		out = append(out, "-test.run=.")
	}
	return append(out, "-test.skip="+pat)
}
