package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json) output.
type event struct {
	Time        time.Time
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
	ImportPath  string
}

// Result is one package's run on one platform.
type Result struct {
	Package string
	Ran     bool   // a run was attempted
	Status  string // "pass", "fail", "skip" (no tests ran), "" (no result)
	Pass    int    // top-level tests, benchmarks, examples, fuzz targets
	Fail    int
	Skip    int // skipped by the test itself (t.Skip), not by the list
	Elapsed time.Duration
	Reason  string   // for a failure: why, in one line
	Failed  []string // failed tests, subtests included
	Passes  []string // top-level tests that passed
	Skipped []string // top-level tests that skipped themselves
	Runs    int      // runs made, retries included
	// Flaky is the first run's failure when a retry passed.
	Flaky string
}

// Passed reports whether the package passed.
func (r *Result) Passed() bool { return r.Status == "pass" }

var (
	ansi = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")
	// The model prefixes a component's log lines with "[name] ".
	component = regexp.MustCompile(`^\[[^\]\s]+\] ?`)
)

// clean strips colour codes, the component prefix and outer blanks.
func clean(l string) string {
	return strings.TrimSpace(component.ReplaceAllString(ansi.ReplaceAllString(l, ""), ""))
}

// Parse reads test2json events for one package. Non-JSON lines (go's own
// diagnostics) are kept as output. A stream that ends without a package
// result leaves Status empty; Finish supplies the reason.
func Parse(r io.Reader, pkg string) *Result {
	res := &Result{Package: pkg, Ran: true}
	type outLine struct{ test, text string }
	var lines []outLine
	done := map[string]bool{} // tests that passed or skipped: their output is not evidence
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			lines = append(lines, outLine{"", string(line)})
			continue
		}
		if e.Package != "" && e.Package != pkg && e.Action != "build-output" && e.Action != "build-fail" {
			continue
		}
		switch e.Action {
		case "output", "build-output":
			lines = append(lines, outLine{e.Test, strings.TrimRight(e.Output, "\n")})
		case "build-fail":
			res.Status, res.Reason = "fail", "build failed"
		case "pass", "fail", "skip":
			if e.Test == "" {
				res.Status = e.Action
				res.Elapsed = time.Duration(e.Elapsed * float64(time.Second))
				if e.FailedBuild != "" {
					res.Reason = "build failed: " + e.FailedBuild
				}
				continue
			}
			top := !strings.Contains(e.Test, "/")
			if e.Action != "fail" {
				done[e.Test] = true
			}
			switch e.Action {
			case "pass":
				if top {
					res.Pass++
					res.Passes = append(res.Passes, e.Test)
				}
			case "fail":
				if top {
					res.Fail++
				}
				res.Failed = append(res.Failed, e.Test)
			case "skip":
				if top {
					res.Skip++
					res.Skipped = append(res.Skipped, e.Test)
				}
			}
		}
	}
	var out []string
	for _, l := range lines {
		if l.test == "" || !done[l.test] {
			out = append(out, l.text)
		}
	}
	res.Reason = reason(res, out)
	return res
}

// Patterns that say why a test binary died, most telling first.
var causes = []*regexp.Regexp{
	regexp.MustCompile(`^(panic: test timed out after \S+)`),
	regexp.MustCompile(`(Error: illegal (?:READ|WRITE|EXEC) at address \S+)`), // a Genode page fault
	regexp.MustCompile(`model: (.*)`),                                         // the model's own verdict
	regexp.MustCompile(`^(fatal error: .*)`),
	regexp.MustCompile(`^(panic: .*)`),
	regexp.MustCompile(`^(SIG[A-Z]+: .*)`),
	regexp.MustCompile(`go_genode_(?:amd64|arm64)_exec: (.*)`),
	regexp.MustCompile(`^(signal: .*)`),
	regexp.MustCompile(`^(exit status \d+)`),
}

// reason returns a one-line cause for a failed or unfinished run.
func reason(res *Result, out []string) string {
	if res.Status == "pass" || res.Status == "skip" {
		return ""
	}
	if strings.HasPrefix(res.Reason, "build failed") {
		for _, l := range out {
			l = clean(l)
			if l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "FAIL") {
				return oneLine(res.Reason + ": " + l)
			}
		}
		return res.Reason
	}
	for i, c := range causes {
		if i == len(causes)-1 && len(res.Failed) > 0 {
			break // a plain exit status after failed tests: name the tests instead
		}
		for _, l := range out {
			l = clean(l)
			if m := c.FindStringSubmatch(l); m != nil && strings.TrimSpace(m[1]) != "" {
				return oneLine(m[1])
			}
		}
	}
	if len(res.Failed) > 0 {
		return oneLine(fmt.Sprintf("%d failed: %s", len(res.Failed), names(res.Failed, 3)))
	}
	if res.Status == "" {
		return "no result from the test binary"
	}
	// Otherwise the last line the binary printed before go's verdict.
	for i := len(out) - 1; i >= 0; i-- {
		l := clean(out[i])
		if l != "" && !strings.HasPrefix(l, "FAIL") && !strings.HasPrefix(l, "ok ") {
			return oneLine("exited: " + l)
		}
	}
	return "exited without a test result"
}

func names(ns []string, max int) string {
	if len(ns) <= max {
		return strings.Join(ns, ", ")
	}
	return strings.Join(ns[:max], ", ") + fmt.Sprintf(", ... (%d more)", len(ns)-max)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "|", `\|`)
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

// Finish records a run the harness ended or that gave no package result.
func (r *Result) Finish(wall time.Duration, killedAfter time.Duration, runErr error) {
	if r.Elapsed == 0 {
		r.Elapsed = wall
	}
	if killedAfter > 0 {
		r.Status = "fail"
		r.Reason = fmt.Sprintf("hung: killed after %v without a result", killedAfter)
		if len(r.Failed) > 0 {
			r.Reason += "; failed so far: " + names(r.Failed, 3)
		}
		return
	}
	if r.Status == "" {
		r.Status = "fail"
		if r.Reason == "" || r.Reason == "no result from the test binary" {
			if runErr != nil {
				r.Reason = oneLine("no result from the test binary: " + runErr.Error())
			} else {
				r.Reason = "no result from the test binary"
			}
		}
	}
}

// Row is one package of the report.
type Row struct {
	Package string
	Listed  int // entries in the skip list
	// ListedTests are those entries' test names (for the goal column).
	ListedTests []string
	Genode      *Result
	Native      *Result
}

// Report is the whole run.
type Report struct {
	Title    string
	Header   []string // lines under the title
	Rows     []Row
	Native   bool
	Skips    [][3]string // package, test, reason
	Selected bool        // -pkgs restricted the set
	// Noun names the packages in the summary: "std packages" when empty.
	Noun string
	// Goal adds the goal column (Row.Goal) when Native is set.
	Goal bool
	// Compiled are the build and vet steps run before the tests (-compile).
	Compiled []Compiled
	// Arch is the GOARCH of both platforms ("" is amd64).
	Arch string
}

func (rp *Report) arch() string {
	if rp.Arch == "" {
		return "amd64"
	}
	return rp.Arch
}

func (rp *Report) noun() string {
	if rp.Noun == "" {
		return "std packages"
	}
	return rp.Noun
}

// Summary is the report's key line.
func (rp *Report) Summary() string {
	n := 0
	for _, r := range rp.Rows {
		if r.Genode != nil && r.Genode.Passed() {
			n++
		}
	}
	s := fmt.Sprintf("%d of %d %s with tests pass on genode/%s", n, len(rp.Rows), rp.noun(), rp.arch())
	if f := flakyCount(rp.Rows); f > 0 {
		s += fmt.Sprintf(", %d of them flaky (failed, then passed on a retry)", f)
	}
	return s
}

// flakyCount counts the packages that passed on genode only on a retry.
func flakyCount(rows []Row) int {
	n := 0
	for _, r := range rows {
		if r.Genode != nil && r.Genode.Passed() && r.Genode.Flaky != "" {
			n++
		}
	}
	return n
}

// NativeSummary is the same count for linux/amd64.
func (rp *Report) NativeSummary() string {
	n := 0
	for _, r := range rp.Rows {
		if r.Native != nil && r.Native.Passed() {
			n++
		}
	}
	return fmt.Sprintf("%d of %d pass natively on linux/%s with the same toolchain", n, len(rp.Rows), rp.arch())
}

func counts(r *Result) (string, string, string, string) {
	if r == nil || !r.Ran {
		return "–", "–", "–", "–"
	}
	return fmt.Sprint(r.Pass), fmt.Sprint(r.Fail), fmt.Sprint(r.Skip), fmtDur(r.Elapsed)
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.1fs", d.Seconds())
}

func verdict(r *Result) string {
	if r == nil || !r.Ran {
		return "not run"
	}
	switch r.Status {
	case "pass":
		if r.Flaky != "" {
			return fmt.Sprintf("FLAKY: ok on run %d; run 1: %s", r.Runs, r.Flaky)
		}
		return "ok"
	case "skip":
		return "no tests"
	}
	if r.Reason != "" {
		return "FAIL: " + r.Reason
	}
	return "FAIL"
}

// Write renders the report as Markdown.
func (rp *Report) Write(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# %s\n\n", rp.Title)
	for _, h := range rp.Header {
		fmt.Fprintln(b, h)
	}
	if len(rp.Header) > 0 {
		fmt.Fprintln(b)
	}
	fmt.Fprintf(b, "**%s.**", rp.Summary())
	if rp.Native {
		fmt.Fprintf(b, " %s.", rp.NativeSummary())
	}
	listed := 0
	for _, r := range rp.Rows {
		listed += r.Listed
	}
	fmt.Fprintf(b, " %d tests skipped by the skip list.", listed)
	goal := rp.Goal && rp.Native
	if goal {
		fmt.Fprintf(b, " %s.", rp.GoalSummary())
	}
	fmt.Fprint(b, "\n\n")

	rows := append([]Row(nil), rp.Rows...)
	sort.Slice(rows, func(i, j int) bool { return rows[i].Package < rows[j].Package })
	if goal {
		fmt.Fprintln(b, "| package | genode pass | fail | skip | listed skips | time | native pass | fail | skip | time | goal: native pass − listed | genode result | native result |")
		fmt.Fprintln(b, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|")
	} else if rp.Native {
		fmt.Fprintln(b, "| package | genode pass | fail | skip | listed skips | time | native pass | fail | skip | time | genode result | native result |")
		fmt.Fprintln(b, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|")
	} else {
		fmt.Fprintln(b, "| package | genode pass | fail | skip | listed skips | time | genode result |")
		fmt.Fprintln(b, "|---|--:|--:|--:|--:|--:|---|")
	}
	for _, r := range rows {
		gp, gf, gs, gt := counts(r.Genode)
		if goal {
			np, nf, ns, nt := counts(r.Native)
			fmt.Fprintf(b, "| %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				r.Package, gp, gf, gs, r.Listed, gt, np, nf, ns, nt, goalCell(r), verdict(r.Genode), verdict(r.Native))
		} else if rp.Native {
			np, nf, ns, nt := counts(r.Native)
			fmt.Fprintf(b, "| %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |\n",
				r.Package, gp, gf, gs, r.Listed, gt, np, nf, ns, nt, verdict(r.Genode), verdict(r.Native))
		} else {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %d | %s | %s |\n", r.Package, gp, gf, gs, r.Listed, gt, verdict(r.Genode))
		}
	}
	fmt.Fprintln(b)
	fmt.Fprintln(b, "Counts are top-level tests, benchmarks and examples as test2json reports them; skip counts the tests' own")
	fmt.Fprintln(b, "t.Skip, listed skips the entries of test/genode-skips.txt (not run on genode, run natively).")
	if goal {
		fmt.Fprintln(b, "The goal is met when every top-level test that passes natively and is not in the skip list passes on genode")
		fmt.Fprintln(b, "too (genode pass == native pass − listed skips). \"linux-only\" counts the tests that pass natively and that a")
		fmt.Fprintln(b, "complete genode run did not report: their files are built for linux only, so they are not part of the goal;")
		fmt.Fprintln(b, "\"genode-only\" counts tests that pass on genode and do not run natively (the port's own tests).")
	}
	if len(rp.Compiled) > 0 {
		fmt.Fprintln(b)
		fmt.Fprintln(b, "## Build and vet: every package of every pinned module (third_party/modules.pin)")
		fmt.Fprintln(b)
		fmt.Fprintln(b, "| step | platform | time | result |")
		fmt.Fprintln(b, "|---|---|--:|---|")
		for _, c := range rp.Compiled {
			fmt.Fprintf(b, "| go %s | %s | %s | %s |\n", c.Step, c.Platform, fmtDur(c.Took), compiledVerdict(c))
		}
		for _, c := range rp.Compiled {
			if len(c.Problems) > 0 {
				fmt.Fprintf(b, "\ngo %s for %s:\n\n```\n%s\n```\n", c.Step, c.Platform, strings.Join(c.Problems, "\n"))
			}
		}
	}
	if len(rp.Skips) > 0 {
		fmt.Fprintln(b)
		fmt.Fprintln(b, "## The skip list (test/genode-skips.txt)")
		fmt.Fprintln(b)
		fmt.Fprintln(b, "| package | test | Genode reason |")
		fmt.Fprintln(b, "|---|---|---|")
		for _, s := range rp.Skips {
			fmt.Fprintf(b, "| %s | %s | %s |\n", s[0], oneLine(s[1]), oneLine(s[2]))
		}
	}
	return b.Flush()
}

// GoalSummary counts the rows that meet the goal (Row.Goal).
func (rp *Report) GoalSummary() string {
	n, m := 0, 0
	for _, r := range rp.Rows {
		if _, missing, _, ok := r.Goal(); ok {
			m++
			if len(missing) == 0 {
				n++
			}
		}
	}
	return fmt.Sprintf("%d of %d %s meet the goal (genode pass == native pass − listed skips)", n, m, rp.noun())
}
