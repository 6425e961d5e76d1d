package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// report renders the Markdown of test/results/runtime-tools-genode.md.
func report(results []result, runtimePath string) string {
	var b strings.Builder
	count := map[string]int{}
	linux := 0
	flaky := 0
	for _, r := range results {
		count[r.result]++
		if r.expect == "linux" {
			linux++
		}
		if strings.HasPrefix(r.verdict.reason, "FLAKY") {
			flaky++
		}
	}
	fmt.Fprintf(&b, "# OCI runtime validation suite on genode/amd64\n\n")
	fmt.Fprintf(&b, "opencontainers/runtime-tools v0.9.1-0.20260316125833-8a4db579f5c8 (pinned, patches/runtime-tools) against\n")
	fmt.Fprintf(&b, "Genode's runc (`%s`) on the model of Genode's libc, %s. Regenerate with\n", relTop(runtimePath), time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "`make runtime-tools-report` (`go run genodego/test/runtime-tools`); CI runs the programs that\n")
	fmt.Fprintf(&b, "test/runtime-tools/expected.txt marks `pass` (`make runtime-tools-test`).\n\n")
	fmt.Fprintf(&b, "Every program is a genode binary run as a component by genode-run; runc, its hooks and the containers\n")
	fmt.Fprintf(&b, "(children of the init model, genode-init) are genode binaries too; the rootfs is test/rootfs's toolbox.\n\n")
	if built > 0 {
		fmt.Fprintf(&b, "All %d validation programs and runtimetest build for genode/amd64 and pass genode-elfcheck.\n\n", built-1)
	}
	fmt.Fprintf(&b, "**%d programs: %d pass, %d fail, %d skipped** (%d of the skipped test Linux features and are not run",
		len(results), count[resPass], count[resFail], count[resSkip], linux)
	if flaky > 0 {
		fmt.Fprintf(&b, "; %d of the passes were flaky", flaky)
	}
	must, mustOK := 0, 0
	for _, r := range results {
		if r.expect == "pass" {
			must++
			if r.result == resPass {
				mustOK++
			}
		}
	}
	fmt.Fprintf(&b, "). Must pass (CI): %d of %d.\n\n", mustOK, must)
	fmt.Fprintf(&b, "| program | result | expected | points | time | reason |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range results {
		exp := r.expect
		reason := r.verdict.reason
		if r.expect == "open" && r.note != "" {
			reason = strings.TrimSpace(reason + " — expected: " + r.note)
		}
		t := ""
		if r.dur > 0 {
			t = fmt.Sprintf("%.0fs", r.dur.Seconds())
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.name, r.result, exp, r.counts, t, mdCell(reason))
	}
	fmt.Fprintf(&b, "\nResults: pass = every test point ok (or, for the programs that report only failures, none\n")
	fmt.Fprintf(&b, "reported); fail = a point not ok, an error reported, no report, or a non-zero exit; skip = the program\n")
	fmt.Fprintf(&b, "skipped itself, or it tests a Linux feature (expected `linux`). Logs of each run: _build/runtime-tools/logs/.\n")
	return b.String()
}

func relTop(p string) string {
	if r, err := filepath.Rel(top, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\n", " ")
	return s
}
