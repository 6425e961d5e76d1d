// Package syscalls holds the one table of libc entry points the Genode port
// of Go imports (table.tsv), with each function's status in Genode's libc,
// and the code to read it. cmd/mklibc generates import pragmas, trampolines
// and syscall wrappers from it.
package syscalls

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

// Status is a function's state in Genode's libc.
type Status string

const (
	Implemented Status = "implemented" // exported and does what FreeBSD's does
	Partial     Status = "partial"     // exported, works with restrictions (see Note)
	Stub        Status = "stub"        // exported, but only fails or does nothing (see Note)
	Missing     Status = "missing"     // not exported by libc.lib.so: cannot be imported
)

// Valid reports whether s is one of the four known statuses.
func (s Status) Valid() bool {
	switch s {
	case Implemented, Partial, Stub, Missing:
		return true
	}
	return false
}

// Entry is one row of the table.
type Entry struct {
	Name      string   // C symbol as imported, e.g. "__error"
	Status    Status   // state in Genode's libc
	Sources   []string // paths in genodelabs/genode that show the status
	Users     []string // Go import paths that import the symbol; empty for "-"
	Prototype string   // FreeBSD 12 C prototype
	Note      string   // what partial/stub means; may be empty
	Line      int      // 1-based line in the table file
}

// Importable reports whether the symbol exists in libc.lib.so.
func (e Entry) Importable() bool { return e.Status != Missing }

// UsedBy reports whether package pkg imports the symbol.
func (e Entry) UsedBy(pkg string) bool {
	for _, u := range e.Users {
		if u == pkg {
			return true
		}
	}
	return false
}

// Table is the parsed table, in file order.
type Table struct {
	Entries []Entry
	index   map[string]int
}

// TableFile is the name used in error messages.
const TableFile = "table.tsv"

//go:embed table.tsv
var embedded string

// Default parses the table embedded in this package.
func Default() (*Table, error) {
	return Parse(strings.NewReader(embedded))
}

// Load parses the table file at path.
func Load(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f)
}

var (
	symbolRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	importRE = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*(/[a-z0-9_.]+)*$`) // std or module paths (golang.org/x/sys/unix)
	sourceRE = regexp.MustCompile(`^[A-Za-z0-9_./+-]+$`)
)

// Parse reads a table. Errors name the line as "table.tsv:LINE: ...".
func Parse(r io.Reader) (*Table, error) {
	t := &Table{index: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		e, err := parseLine(text, line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", TableFile, line, err)
		}
		if prev, dup := t.index[e.Name]; dup {
			return nil, fmt.Errorf("%s:%d: duplicate name %q (first on line %d)", TableFile, line, e.Name, t.Entries[prev].Line)
		}
		t.index[e.Name] = len(t.Entries)
		t.Entries = append(t.Entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", TableFile, line+1, err)
	}
	return t, nil
}

func parseLine(text string, line int) (Entry, error) {
	cols := strings.Split(text, "\t")
	if len(cols) == 5 { // an empty note may lose its trailing tab in editors
		cols = append(cols, "")
	}
	if len(cols) != 6 {
		return Entry{}, fmt.Errorf("want 6 tab-separated columns (name, status, source, users, prototype, note), have %d", len(cols))
	}
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	e := Entry{Name: cols[0], Status: Status(cols[1]), Prototype: cols[4], Note: cols[5], Line: line}
	if !symbolRE.MatchString(e.Name) {
		return e, fmt.Errorf("bad name %q: want a C identifier", e.Name)
	}
	if !e.Status.Valid() {
		return e, fmt.Errorf("%s: unknown status %q (want implemented, partial, stub or missing)", e.Name, cols[1])
	}
	if cols[2] == "" || cols[2] == "-" {
		return e, fmt.Errorf("%s: empty Genode source column", e.Name)
	}
	for _, s := range strings.Split(cols[2], ",") {
		s = strings.TrimSpace(s)
		if !sourceRE.MatchString(s) {
			return e, fmt.Errorf("%s: bad source path %q", e.Name, s)
		}
		e.Sources = append(e.Sources, s)
	}
	switch cols[3] {
	case "":
		return e, fmt.Errorf("%s: empty users column (write - for none)", e.Name)
	case "-":
	default:
		seen := map[string]bool{}
		for _, u := range strings.Split(cols[3], ",") {
			u = strings.TrimSpace(u)
			if !importRE.MatchString(u) {
				return e, fmt.Errorf("%s: bad user %q: want a Go import path", e.Name, u)
			}
			if seen[u] {
				return e, fmt.Errorf("%s: user %q listed twice", e.Name, u)
			}
			seen[u] = true
			e.Users = append(e.Users, u)
		}
	}
	if e.Status == Missing && len(e.Users) > 0 {
		return e, fmt.Errorf("%s: status missing but users %s: a missing function cannot be imported", e.Name, cols[3])
	}
	if e.Prototype == "" {
		return e, fmt.Errorf("%s: empty prototype", e.Name)
	}
	if !strings.Contains(e.Prototype, e.Name+"(") {
		return e, fmt.Errorf("%s: prototype %q does not declare %s", e.Name, e.Prototype, e.Name)
	}
	if (e.Status == Partial || e.Status == Stub) && e.Note == "" {
		return e, fmt.Errorf("%s: status %s needs a note saying what works", e.Name, e.Status)
	}
	return e, nil
}

// Lookup returns the entry named name.
func (t *Table) Lookup(name string) (Entry, bool) {
	if t.index == nil {
		t.reindex()
	}
	i, ok := t.index[name]
	if !ok {
		return Entry{}, false
	}
	return t.Entries[i], true
}

func (t *Table) reindex() {
	t.index = make(map[string]int, len(t.Entries))
	for i, e := range t.Entries {
		t.index[e.Name] = i
	}
}

// Users returns every package named in a users column, sorted.
func (t *Table) Users() []string {
	set := map[string]bool{}
	for _, e := range t.Entries {
		for _, u := range e.Users {
			set[u] = true
		}
	}
	out := make([]string, 0, len(set))
	for u := range set {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

// UsedBy returns the entries package pkg imports, sorted by name.
func (t *Table) UsedBy(pkg string) []Entry {
	var out []Entry
	for _, e := range t.Entries {
		if e.UsedBy(pkg) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out
}
