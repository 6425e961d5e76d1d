// Command clientreport turns the verbose output of containerd's
// integration/client suite (go test -v, run on the model by
// build/containerd-client-report.sh) into test/results/containerd-client-genode.md:
// every top-level test with its result and the first reason it gave, and
// for a failure why it fails on genode (test/containerd/client-genode.txt).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Result is one top-level test of the suite.
type Result struct {
	Name, Verdict, Took, Reason string
}

// Why is the known cause of a test's failure on genode.
type Why struct {
	Kind, Reason string
}

// ParseWhy reads NAME<TAB>KIND<TAB>REASON lines; # begins a comment.
func ParseWhy(r io.Reader) (map[string]Why, error) {
	m := map[string]Why{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.SplitN(l, "\t", 3)
		if len(f) != 3 || f[0] == "" || f[2] == "" {
			return nil, fmt.Errorf("line %d: want NAME<TAB>KIND<TAB>REASON: %q", n, l)
		}
		switch f[1] {
		case "genode", "linux", "network", "suite", "open":
		default:
			return nil, fmt.Errorf("line %d: kind %q is not genode, linux, network, suite or open", n, f[1])
		}
		if _, dup := m[f[0]]; dup {
			return nil, fmt.Errorf("line %d: %s listed twice", n, f[0])
		}
		m[f[0]] = Why{f[1], f[2]}
	}
	return m, sc.Err()
}

var (
	resultLine = regexp.MustCompile(`^--- (PASS|FAIL|SKIP): (\S+) \(([^)]*)\)`)
	startLine  = regexp.MustCompile(`^=== (?:RUN|NAME|CONT|PAUSE)\s+(\S+)`)
	reasonLine = regexp.MustCompile(`^\s+(\S+\.go:\d+|clientreport): (.*)$`)
)

// Parse reads go test -v output: the "--- VERDICT: Name (time)" lines of
// top-level tests and, for failures and skips, the first message of the
// test (or of one of its subtests) that is not a log line of containerd's
// log hook. A message belongs to the test named by the last "=== RUN",
// "=== NAME" or "--- VERDICT" line above it: go test -v prints messages as
// they come, before the verdict, and kept ones after it.
func Parse(r io.Reader) ([]Result, error) {
	var res []Result
	reasons := map[string]string{}
	cur := ""
	top := func(n string) string { t, _, _ := strings.Cut(n, "/"); return t }
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		l := sc.Text()
		if m := resultLine.FindStringSubmatch(l); m != nil {
			res = append(res, Result{Name: m[2], Verdict: m[1], Took: m[3]})
			cur = m[2]
			continue
		}
		if m := startLine.FindStringSubmatch(l); m != nil {
			cur = m[1]
			continue
		}
		if m := reasonLine.FindStringSubmatch(l); m != nil && cur != "" && !strings.HasPrefix(m[1], "log_hook.go") {
			if reasons[top(cur)] == "" {
				reasons[top(cur)] = m[1] + ": " + m[2]
			}
		}
	}
	// indented results are subtests'; only top-level ones are reported
	var out []Result
	for _, r := range res {
		if strings.Contains(r.Name, "/") {
			continue
		}
		if r.Verdict != "PASS" {
			r.Reason = reasons[r.Name]
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// Markdown writes the report. A failure not in why is "unexplained"; a
// test in why that passes is pointed out, so the list stays true.
func Markdown(w io.Writer, res []Result, command string, why map[string]Why) {
	n := map[string]int{}
	kinds := map[string]int{}
	for _, r := range res {
		n[r.Verdict]++
		if r.Verdict == "FAIL" {
			k := "unexplained"
			if y, ok := why[r.Name]; ok {
				k = y.Kind
			}
			kinds[k]++
		}
	}
	fmt.Fprintln(w, "# containerd's integration/client suite on genode/amd64 (the model)")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Produced by `%s`. %d tests: **%d pass, %d fail, %d skip**.\n", command, len(res), n["PASS"], n["FAIL"], n["SKIP"])
	if n["FAIL"] > 0 {
		var ks []string
		for _, k := range []string{"genode", "linux", "network", "suite", "open", "unexplained"} {
			if kinds[k] > 0 {
				ks = append(ks, fmt.Sprintf("%s %d", k, kinds[k]))
			}
		}
		fmt.Fprintf(w, "Failures by cause (test/containerd/client-genode.txt): %s.\n", strings.Join(ks, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| test | result | time | why on genode | first reason given |")
	fmt.Fprintln(w, "| --- | --- | --: | --- | --- |")
	sorted := append([]Result(nil), res...)
	order := map[string]int{"FAIL": 0, "SKIP": 1, "PASS": 2}
	sort.SliceStable(sorted, func(i, j int) bool { return order[sorted[i].Verdict] < order[sorted[j].Verdict] })
	for _, r := range sorted {
		reason := strings.ReplaceAll(r.Reason, "|", `\|`)
		if len(reason) > 300 {
			reason = reason[:300] + "…"
		}
		y := ""
		if w, ok := why[r.Name]; ok {
			y = w.Kind + ": " + w.Reason
			if r.Verdict == "PASS" {
				y = "listed as " + w.Kind + " but passes"
			}
		} else if r.Verdict == "FAIL" {
			y = "unexplained"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.Name, strings.ToLower(r.Verdict), r.Took, strings.ReplaceAll(y, "|", `\|`), reason)
	}
}

func main() {
	in := flag.String("in", "", "go test -v output of the suite")
	out := flag.String("o", "", "report file (default: standard output)")
	command := flag.String("command", "make containerd-client-report", "the command named in the report")
	whyFile := flag.String("why", "", "NAME<TAB>KIND<TAB>REASON lines: why tests fail on genode")
	flag.Parse()
	why := map[string]Why{}
	if *whyFile != "" {
		f, err := os.Open(*whyFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "clientreport:", err)
			os.Exit(2)
		}
		why, err = ParseWhy(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "clientreport: %s: %v\n", *whyFile, err)
			os.Exit(2)
		}
	}
	f, err := os.Open(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "clientreport:", err)
		os.Exit(2)
	}
	defer f.Close()
	res, err := Parse(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "clientreport:", err)
		os.Exit(2)
	}
	if len(res) == 0 {
		fmt.Fprintln(os.Stderr, "clientreport: no test results in", *in)
		os.Exit(1)
	}
	w := os.Stdout
	if *out != "" {
		if w, err = os.Create(*out); err != nil {
			fmt.Fprintln(os.Stderr, "clientreport:", err)
			os.Exit(2)
		}
		defer w.Close()
	}
	Markdown(w, res, *command, why)
}
