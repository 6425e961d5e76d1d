// Package host reads the Genode model's conformance tests (host/conformance/
// NAME.c with NAME.config; conformance_test.go runs them) and keeps the table
// in host/README.md current.
//
// A test declares what it checks in lines of the form
//
//	//! key: value
//
// with the keys
//
//	behaviour:   one line: what Genode does (required)
//	models:      Genode source path(s) the behaviour comes from (required; may repeat)
//	exit:        expected exit status (default 0)
//	stdout:      a substring the component's stdout must contain (may repeat)
//	stderr:      likewise for stderr
//	not-stdout:  a substring stdout must not contain (may repeat)
//	not-stderr:  likewise for stderr
//	strict:      yes: run with -strict (any Genode warning ends the run with 3)
//	timeout:     a Go duration (default 30s)
package host

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Test is one conformance test.
type Test struct {
	Name      string // NAME
	Source    string // path of NAME.c
	Config    string // path of NAME.config
	Behaviour string
	Models    []string
	Exit      int
	Stdout    []string
	Stderr    []string
	NotStdout []string
	NotStderr []string
	Strict    bool
	Timeout   time.Duration
}

// Parse reads the //! lines of a test source.
func Parse(source string) (*Test, error) {
	data, err := os.ReadFile(source)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(filepath.Base(source), ".c")
	t := &Test{Name: name, Source: source, Config: strings.TrimSuffix(source, ".c") + ".config", Timeout: 30 * time.Second}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	ln := 0
	for sc.Scan() {
		ln++
		l := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(l, "//!")
		if !ok {
			continue
		}
		key, value, ok := strings.Cut(rest, ":")
		if !ok {
			return nil, fmt.Errorf("%s:%d: //! line without 'key: value'", source, ln)
		}
		key = strings.TrimSpace(key)
		value = strings.TrimSpace(value)
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: //! %s: %s", source, ln, key, fmt.Sprintf(format, args...))
		}
		switch key {
		case "behaviour", "behavior":
			if t.Behaviour != "" {
				t.Behaviour += " "
			}
			t.Behaviour += value
		case "models":
			for _, m := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' }) {
				t.Models = append(t.Models, m)
			}
		case "exit":
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 || n > 255 {
				return nil, bad("%q is not an exit status", value)
			}
			t.Exit = n
		case "stdout":
			t.Stdout = append(t.Stdout, value)
		case "stderr":
			t.Stderr = append(t.Stderr, value)
		case "not-stdout":
			t.NotStdout = append(t.NotStdout, value)
		case "not-stderr":
			t.NotStderr = append(t.NotStderr, value)
		case "strict":
			switch value {
			case "yes":
				t.Strict = true
			case "no":
			default:
				return nil, bad("yes or no")
			}
		case "timeout":
			d, err := time.ParseDuration(value)
			if err != nil {
				return nil, bad("%v", err)
			}
			t.Timeout = d
		default:
			return nil, fmt.Errorf("%s:%d: unknown //! key %q", source, ln, key)
		}
		if value == "" {
			return nil, bad("empty value")
		}
	}
	if t.Behaviour == "" {
		return nil, fmt.Errorf("%s: no //! behaviour: line", source)
	}
	if len(t.Models) == 0 {
		return nil, fmt.Errorf("%s: no //! models: line naming the Genode source", source)
	}
	return t, nil
}

// List parses every NAME.c in dir, sorted by name.
func List(dir string) ([]*Test, error) {
	srcs, err := filepath.Glob(filepath.Join(dir, "*.c"))
	if err != nil {
		return nil, err
	}
	sort.Strings(srcs)
	var tests []*Test
	for _, s := range srcs {
		t, err := Parse(s)
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
	}
	return tests, nil
}

const (
	tableBegin = "<!-- conformance-table:begin (generated from the //! lines by `go run genodego/host/cmd/genode-conformance-table`; do not edit) -->"
	tableEnd   = "<!-- conformance-table:end -->"
)

func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// Table renders the behaviour → Genode source → test table.
func Table(tests []*Test) string {
	var b strings.Builder
	b.WriteString("| Behaviour (Genode) | Genode source | Test |\n| --- | --- | --- |\n")
	for _, t := range tests {
		var models []string
		for _, m := range t.Models {
			models = append(models, "`"+cell(m)+"`")
		}
		fmt.Fprintf(&b, "| %s | %s | [%s](conformance/%s.c) |\n", cell(t.Behaviour), strings.Join(models, "<br>"), t.Name, t.Name)
	}
	if len(tests) == 0 {
		b.WriteString("| (no tests yet) | | |\n")
	}
	return b.String()
}

// UpdateREADME replaces the table between the markers in a README's text.
func UpdateREADME(readme []byte, table string) ([]byte, error) {
	s := string(readme)
	i := strings.Index(s, tableBegin)
	j := strings.Index(s, tableEnd)
	if i < 0 || j < i {
		return nil, fmt.Errorf("README lacks the table markers %q ... %q", tableBegin, tableEnd)
	}
	return []byte(s[:i] + tableBegin + "\n" + table + s[j:]), nil
}

// CC is the C compiler for genode-like programs of $GENODE_ARCH (launch/arch.go): $GENODE_CC, else gcc, or
// aarch64-linux-gnu-gcc for arm64 on another host.
func CC() string {
	if cc := os.Getenv("GENODE_CC"); cc != "" {
		return cc
	}
	if a := os.Getenv("GENODE_ARCH"); a == "arm64" && runtime.GOARCH != "arm64" {
		return "aarch64-linux-gnu-gcc"
	}
	return "gcc"
}

// CompileCommand is the gcc command (host/README.md) that builds the C program src into a genode-like binary out,
// linked against the model's libc.lib.so and posix.lib.so in modelDir. --no-as-needed: nothing in a program refers
// to posix.lib.so, and a distribution gcc links as needed. -z noseparate-code, -z norelro and --build-id=none keep
// the image within what ld.lib.so loads (R+X and R+W segments only, at most 10 program headers), so a test may
// execve its own binary.
func CompileCommand(root, modelDir, src, out string) *exec.Cmd {
	return exec.Command(CC(), "-O1", "-fno-pie", "-no-pie", "-fno-stack-protector", "-nostdlib", "-nostartfiles",
		"-I", filepath.Join(root, "host", "include"), src,
		"-L", modelDir, "-Wl,--no-as-needed", "-l:libc.lib.so", "-l:posix.lib.so", "-lgcc", "-Wl,--dynamic-linker=ld.lib.so",
		"-Wl,-Ttext-segment=0x1000000", "-Wl,--hash-style=sysv", "-Wl,--export-dynamic-symbol=main",
		"-Wl,-z,noseparate-code", "-Wl,-z,norelro", "-Wl,--build-id=none", "-o", out)
}
