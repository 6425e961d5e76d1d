// Command testdirreport runs Go's compiler and runtime test directory
// (GOROOT/test, through cmd/internal/testdir) for genode/amd64 on the model
// and natively for linux/amd64 with the same patched toolchain, and writes
// a Markdown report of the tests that pass natively but not on genode.
// With -arch arm64 the sides are genode/arm64 on the arm64 model and
// linux/arm64, both under qemu-user (go_genode_arm64_exec, go_linux_arm64_exec).
//
//	go run genodego/test/cmd/testdirreport [-root dir] [-run regexp] [-timeout 3h] [-o file] [-native=false] [-arch arm64]
//
// Each side is one `go test -json -count=1 cmd/internal/testdir` run from
// _build/goroot/src with GOWORK=off and PATH starting with _build/bin (the
// exec wrapper go_genode_amd64_exec) and _build/goroot/bin; genode's adds
// -target=genode/amd64. Raw test2json output goes to _build/testdir/. The
// goal (issue 14): at least 99% of what passes natively passes on genode.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

type event struct {
	Action string
	Test   string
	Output string
}

type result struct {
	status map[string]string   // test -> pass, fail, skip
	output map[string][]string // test -> its output lines
}

func main() {
	root := flag.String("root", ".", "repository root")
	run := flag.String("run", "", "-run pattern for testdir's tests (Test/FILE.go)")
	timeout := flag.Duration("timeout", 3*time.Hour, "go test -timeout per side")
	out := flag.String("o", "", "report file, relative to -root (default test/results/testdir-genode-ARCH.md)")
	native := flag.Bool("native", true, "also run natively (else the last native run in _build/testdir is read)")
	flag.StringVar(&arch, "arch", "amd64", "GOARCH of both sides: amd64, or arm64 under qemu-user")
	flag.Parse()
	if arch != "amd64" && arch != "arm64" {
		check(fmt.Errorf("-arch %s: amd64 or arm64", arch))
	}
	if *out == "" {
		*out = filepath.Join("test", "results", "testdir-genode-"+arch+".md")
	}
	abs, err := filepath.Abs(*root)
	check(err)
	raw := filepath.Join(abs, "_build", "testdir")
	check(os.MkdirAll(raw, 0o755))

	start := time.Now()
	g := side(abs, raw, sideName("genode"), *run, *timeout, true)
	var n *result
	if *native {
		n = side(abs, raw, sideName("native"), *run, *timeout, false)
	} else {
		n = parse(filepath.Join(raw, sideName("native")+".json"))
	}
	report(filepath.Join(abs, *out), g, n, *run, time.Since(start))
}

func side(root, raw, name, run string, timeout time.Duration, genode bool) *result {
	args := []string{"test", "-json", "-count=1", "-timeout", timeout.String(), "cmd/internal/testdir"}
	if run != "" {
		args = append(args, "-run", run)
	}
	if genode {
		args = append(args, "-target=genode/"+arch)
	} else if arch != runtime.GOARCH {
		args = append(args, "-target=linux/"+arch)
	}
	cmd := exec.Command(filepath.Join(root, "_build", "goroot", "bin", "go"), args...)
	cmd.Dir = filepath.Join(root, "_build", "goroot", "src")
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local",
		"PATH="+filepath.Join(root, "_build", "bin")+":"+filepath.Join(root, "_build", "goroot", "bin")+":"+os.Getenv("PATH"))
	f, err := os.Create(filepath.Join(raw, name+".json"))
	check(err)
	cmd.Stdout = f
	cmd.Stderr = os.Stderr
	fmt.Fprintf(os.Stderr, "testdirreport: %s: go %s\n", name, strings.Join(args, " "))
	cmd.Run() // failures are in the JSON
	f.Close()
	return parse(f.Name())
}

// arch is the GOARCH of both sides (-arch).
var arch string

// sideName names a side's raw output: genode, native (amd64) or
// genode-arm64, native-arm64.
func sideName(side string) string {
	if arch == "amd64" {
		return side
	}
	return side + "-" + arch
}

func parse(path string) *result {
	r := &result{status: map[string]string{}, output: map[string][]string{}}
	f, err := os.Open(path)
	check(err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || !strings.HasPrefix(e.Test, "Test") || !strings.Contains(e.Test, "/") {
			continue
		}
		switch e.Action {
		case "pass", "fail", "skip":
			r.status[e.Test] = e.Action
		case "output":
			if len(r.output[e.Test]) < 40 {
				r.output[e.Test] = append(r.output[e.Test], strings.TrimRight(e.Output, "\n"))
			}
		}
	}
	return r
}

// buildExcluded reports whether testdir skipped a test for its build
// constraint ("testdir_test.go:NNN: //go:build ...").
func buildExcluded(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, ": //go:build ") {
			return true
		}
	}
	return false
}

func count(r *result, s string) int {
	n := 0
	for _, v := range r.status {
		if v == s {
			n++
		}
	}
	return n
}

func report(path string, g, n *result, run string, took time.Duration) {
	var missing []string
	passN, passBoth, excluded := 0, 0, 0
	for t, s := range n.status {
		if s != "pass" {
			continue
		}
		if g.status[t] == "skip" && buildExcluded(g.output[t]) {
			// the test's own //go:build line leaves genode out, as it
			// does other ports
			excluded++
			continue
		}
		passN++
		if g.status[t] == "pass" {
			passBoth++
		} else {
			missing = append(missing, t)
		}
	}
	sort.Strings(missing)
	var b strings.Builder
	fmt.Fprintf(&b, "# GOROOT/test (cmd/internal/testdir) on genode/%s\n\n", arch)
	target := "testdir-report"
	if arch != "amd64" {
		target = "testdir-report-" + arch
	}
	fmt.Fprintf(&b, "Generated by `make %s` (test/cmd/testdirreport) on %s in %s", target, time.Now().UTC().Format("2006-01-02 15:04 UTC"), took.Round(time.Minute))
	if arch != runtime.GOARCH {
		fmt.Fprintf(&b, ", both sides under qemu-user")
	}
	if run != "" {
		fmt.Fprintf(&b, ", `-run %s`", run)
	}
	fmt.Fprintf(&b, ".\n\n| side | pass | fail | skip |\n| --- | --- | --- | --- |\n")
	fmt.Fprintf(&b, "| linux/%s | %d | %d | %d |\n", arch, count(n, "pass"), count(n, "fail"), count(n, "skip"))
	fmt.Fprintf(&b, "| genode/%s (model) | %d | %d | %d |\n\n", arch, count(g, "pass"), count(g, "fail"), count(g, "skip"))
	pct := 0.0
	if passN > 0 {
		pct = 100 * float64(passBoth) / float64(passN)
	}
	fmt.Fprintf(&b, "Of the %d tests that pass natively and whose own `//go:build` line admits genode (%d more leave it out, as they do other ports), %d pass on genode: **%.2f%%** (goal: at least 99%%).\n\n", passN, excluded, passBoth, pct)
	if len(missing) > 0 {
		fmt.Fprintf(&b, "## Passing natively, not on genode\n\n| test | genode | first lines |\n| --- | --- | --- |\n")
		for _, t := range missing {
			lines := g.output[t]
			var keep []string
			for _, l := range lines {
				l = strings.TrimSpace(l)
				if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- ") {
					continue
				}
				keep = append(keep, strings.ReplaceAll(l, "|", "\\|"))
				if len(keep) == 3 {
					break
				}
			}
			st := g.status[t]
			if st == "" {
				st = "not run"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", t, st, strings.Join(keep, "<br>"))
		}
	}
	check(os.MkdirAll(filepath.Dir(path), 0o755))
	check(os.WriteFile(path, []byte(b.String()), 0o644))
	fmt.Printf("testdirreport: %d/%d (%.2f%%) of the natively passing tests pass on genode; %s\n", passBoth, passN, pct, path)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "testdirreport:", err)
		os.Exit(1)
	}
}
