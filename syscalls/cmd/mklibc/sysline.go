package main

import (
	"bufio"
	"bytes"
	"fmt"
	"go/build/constraint"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// A sysDecl is one "//sys" or "//sysnb" line of a hand-written file.
type sysDecl struct {
	File    string // path as shown in errors
	Line    int
	NB      bool   // //sysnb: no entersyscall (rawSyscall*)
	Func    string // Go function name
	In      []param
	Out     []param
	Libc    string // C symbol
	Arch    string // "" for all architectures, else amd64 or arm64 (from the file name)
	BaseDir string // file name without directory, for sorting
}

type param struct{ Name, Type string }

var sysRE = regexp.MustCompile(`^//sys(nb)?[ \t]+(\w+)\(([^()]*)\)[ \t]*(?:\(([^()]*)\))?[ \t]*(?:=[ \t]*(\w+))?[ \t]*$`)

// parseSysLine parses one line that starts with //sys. The libc name is, in
// order: the name after "=", with a SYS_ prefix stripped and lowercased (as
// openbsd's files write it); else the Go name lowercased.
func parseSysLine(text, file string, line int) (sysDecl, error) {
	m := sysRE.FindStringSubmatch(strings.TrimRight(text, " \t\r"))
	if m == nil {
		return sysDecl{}, fmt.Errorf("%s:%d: malformed //sys line (want //sys Name(args) (results) [= libcname])", file, line)
	}
	d := sysDecl{File: file, Line: line, NB: m[1] != "", Func: m[2]}
	var err error
	if d.In, err = parseParams(m[3]); err != nil {
		return d, fmt.Errorf("%s:%d: %s arguments: %v", file, line, d.Func, err)
	}
	if d.Out, err = parseParams(m[4]); err != nil {
		return d, fmt.Errorf("%s:%d: %s results: %v", file, line, d.Func, err)
	}
	switch name := m[5]; {
	case name == "":
		d.Libc = strings.ToLower(d.Func)
	case strings.HasPrefix(name, "SYS_"), strings.HasPrefix(name, "_SYS_"):
		d.Libc = strings.ToLower(name[strings.Index(name, "SYS_")+4:])
	default:
		d.Libc = name
	}
	return d, nil
}

// parseParams splits "a int, b, c []byte" into named parameters, giving
// grouped names the type that follows them as Go does.
func parseParams(s string) ([]param, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var ps []param
	pending := 0 // names at the end of ps still waiting for a type
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		name, typ, ok := strings.Cut(f, " ")
		if !ok {
			if !regexp.MustCompile(`^\w+$`).MatchString(f) {
				return nil, fmt.Errorf("bad parameter %q", f)
			}
			ps = append(ps, param{Name: f})
			pending++
			continue
		}
		typ = strings.TrimSpace(typ)
		if typ == "" || !regexp.MustCompile(`^\w+$`).MatchString(name) {
			return nil, fmt.Errorf("bad parameter %q", f)
		}
		for i := len(ps) - pending; i < len(ps); i++ {
			ps[i].Type = typ
		}
		pending = 0
		ps = append(ps, param{Name: name, Type: typ})
	}
	if pending > 0 {
		return nil, fmt.Errorf("parameter %q has no type (results must be named)", ps[len(ps)-1].Name)
	}
	return ps, nil
}

// readSysDecls reads the //sys lines of the hand-written genode files in dir:
// every .go file whose name contains "_genode" or whose build line mentions
// genode, except generated z files and tests. rel is dir as shown in errors.
func readSysDecls(dir, rel string) ([]sysDecl, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") || isGenerated(n) {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var out []sysDecl
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		arch, ok := genodeFileArch(n, data)
		if !ok {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			t := sc.Text()
			if !strings.HasPrefix(t, "//sys") {
				continue
			}
			// //sys must be followed by blank or "nb": skip //syscall... comments.
			if rest := t[len("//sys"):]; !(strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "\t") || strings.HasPrefix(rest, "nb ") || strings.HasPrefix(rest, "nb\t")) {
				continue
			}
			d, err := parseSysLine(t, filepath.ToSlash(filepath.Join(rel, n)), line)
			if err != nil {
				return nil, err
			}
			d.Arch = arch
			d.BaseDir = n
			out = append(out, d)
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Join(rel, n), err)
		}
	}
	return out, nil
}

var knownOS = map[string]bool{
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true, "genode": true,
	"hurd": true, "illumos": true, "ios": true, "js": true, "linux": true, "nacl": true, "netbsd": true,
	"openbsd": true, "plan9": true, "solaris": true, "wasip1": true, "windows": true, "zos": true,
}

var knownArch = map[string]bool{
	"386": true, "amd64": true, "arm": true, "arm64": true, "loong64": true, "mips": true, "mipsle": true,
	"mips64": true, "mips64le": true, "ppc64": true, "ppc64le": true, "riscv64": true, "s390x": true, "wasm": true,
}

// genodeFileArch reports whether the file name and build line of a Go file
// select it for GOOS=genode on one of our architectures, and if for only one,
// which ("" when for all).
func genodeFileArch(name string, src []byte) (arch string, ok bool) {
	var expr constraint.Expr
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		t := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(t, "package ") {
			break
		}
		if constraint.IsGoBuild(t) {
			if e, err := constraint.Parse(t); err == nil {
				expr = e
			}
		}
	}
	parts := strings.Split(strings.TrimSuffix(name, ".go"), "_")
	fileOS, fileArch := "", ""
	if n := len(parts); n >= 2 && knownArch[parts[n-1]] {
		fileArch = parts[n-1]
		if n >= 3 && knownOS[parts[n-2]] {
			fileOS = parts[n-2]
		}
	} else if n >= 2 && knownOS[parts[n-1]] {
		fileOS = parts[n-1]
	}
	if fileOS != "" && fileOS != "genode" {
		return "", false
	}
	var hits []string
	for _, a := range arches {
		if fileArch != "" && fileArch != a {
			continue
		}
		if expr == nil || expr.Eval(func(tag string) bool { return tag == "genode" || tag == "unix" || tag == a }) {
			hits = append(hits, a)
		}
	}
	switch len(hits) {
	case 0:
		return "", false
	case len(arches):
		return "", true
	}
	return hits[0], true
}
