package main

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	out := `=== RUN   TestA
--- PASS: TestA (0.37s)
=== RUN   TestB
    log_hook.go:47: time="x" level=debug msg="noise"
    client_test.go:120: failed to pull: not found
    client_test.go:121: second message
--- FAIL: TestB (0.04s)
=== RUN   TestC
--- SKIP: TestC (0.00s)
    helpers.go:10: no CRIU on Genode
    --- FAIL: TestC/sub (0.00s)
PASS
--- FAIL: TestD (no result)
    clientreport: panic: test timed out after 3m0s
`
	// go test prints a failure's messages before its --- line when the
	// test logs as it runs, after it when they are kept: both are read.
	res, err := Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 || res[3].Reason != "clientreport: panic: test timed out after 3m0s" {
		t.Fatalf("%d results: %+v", len(res), res)
	}
	if res[0] != (Result{"TestA", "PASS", "0.37s", ""}) {
		t.Errorf("%+v", res[0])
	}
	if res[1].Reason != "client_test.go:120: failed to pull: not found" {
		t.Errorf("%+v", res[1])
	}
	if res[2].Verdict != "SKIP" || res[2].Reason != "helpers.go:10: no CRIU on Genode" {
		t.Errorf("%+v", res[2])
	}
	why, err := ParseWhy(strings.NewReader("# comment\nTestB\tgenode\tno pulls\nTestA\tlinux\tproc\n"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	Markdown(&b, res, "cmd", why)
	for _, want := range []string{"4 tests: **1 pass, 2 fail, 1 skip**", "Failures by cause (test/containerd/client-genode.txt): genode 1, unexplained 1.",
		"| TestB | fail | 0.04s | genode: no pulls |", "| TestD | fail | no result | unexplained |", "| TestA | pass | 0.37s | listed as linux but passes |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	for _, bad := range []string{"TestX\tgenode\n", "TestX\tmaybe\twhy\n", "TestX\tgenode\ta\nTestX\tlinux\tb\n"} {
		if _, err := ParseWhy(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseWhy(%q): no error", bad)
		}
	}
}
