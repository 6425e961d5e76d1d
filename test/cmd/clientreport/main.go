// Command clientreport turns the verbose output of containerd's
// integration/client suite (go test -v, run on the model by
// build/containerd-client-report.sh) into test/results/containerd-client-genode.md:
// every top-level test with its result and the first reason it gave.
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

// Markdown writes the report.
func Markdown(w io.Writer, res []Result, command string) {
	n := map[string]int{}
	for _, r := range res {
		n[r.Verdict]++
	}
	fmt.Fprintln(w, "# containerd's integration/client suite on genode/amd64 (the model)")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Produced by `%s`. %d tests: **%d pass, %d fail, %d skip**.\n", command, len(res), n["PASS"], n["FAIL"], n["SKIP"])
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| test | result | time | first reason given |")
	fmt.Fprintln(w, "| --- | --- | --: | --- |")
	sorted := append([]Result(nil), res...)
	order := map[string]int{"FAIL": 0, "SKIP": 1, "PASS": 2}
	sort.SliceStable(sorted, func(i, j int) bool { return order[sorted[i].Verdict] < order[sorted[j].Verdict] })
	for _, r := range sorted {
		reason := strings.ReplaceAll(r.Reason, "|", `\|`)
		if len(reason) > 300 {
			reason = reason[:300] + "…"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.Name, strings.ToLower(r.Verdict), r.Took, reason)
	}
}

func main() {
	in := flag.String("in", "", "go test -v output of the suite")
	out := flag.String("o", "", "report file (default: standard output)")
	command := flag.String("command", "make containerd-client-report", "the command named in the report")
	flag.Parse()
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
	Markdown(w, res, *command)
}
