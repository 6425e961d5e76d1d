package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Canned `go test -json` streams, shaped as cmd/go and test2json write them.
const passing = `{"Action":"start","Package":"sort"}
{"Action":"run","Package":"sort","Test":"TestA"}
{"Action":"output","Package":"sort","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"run","Package":"sort","Test":"TestA/sub"}
{"Action":"pass","Package":"sort","Test":"TestA/sub","Elapsed":0}
{"Action":"pass","Package":"sort","Test":"TestA","Elapsed":0.01}
{"Action":"run","Package":"sort","Test":"TestB"}
{"Action":"output","Package":"sort","Test":"TestB","Output":"    b_test.go:9: panic: only a log line\n"}
{"Action":"skip","Package":"sort","Test":"TestB","Elapsed":0}
{"Action":"run","Package":"sort","Test":"ExampleC"}
{"Action":"pass","Package":"sort","Test":"ExampleC","Elapsed":0}
{"Action":"output","Package":"sort","Output":"ok  \tsort\t0.052s\n"}
{"Action":"pass","Package":"sort","Elapsed":0.052}
`

const failing = `{"Action":"start","Package":"net"}
{"Action":"run","Package":"net","Test":"TestDial"}
{"Action":"run","Package":"net","Test":"TestDial/tcp6"}
{"Action":"output","Package":"net","Test":"TestDial/tcp6","Output":"    dial_test.go:1: address family not supported\n"}
{"Action":"fail","Package":"net","Test":"TestDial/tcp6","Elapsed":0}
{"Action":"fail","Package":"net","Test":"TestDial","Elapsed":0}
{"Action":"run","Package":"net","Test":"TestOK"}
{"Action":"pass","Package":"net","Test":"TestOK","Elapsed":0}
{"Action":"output","Package":"net","Output":"FAIL\n"}
{"Action":"output","Package":"net","Output":"exit status 1\n"}
{"Action":"output","Package":"net","Output":"FAIL\tnet\t1.5s\n"}
{"Action":"fail","Package":"net","Elapsed":1.5}
`

// A binary that crashes inside a test: the test gets no result of its own.
const crashing = `{"Action":"start","Package":"os"}
{"Action":"run","Package":"os","Test":"TestFine"}
{"Action":"output","Package":"os","Test":"TestFine","Output":"fatal error: not this one, the test passed\n"}
{"Action":"pass","Package":"os","Test":"TestFine","Elapsed":0}
{"Action":"run","Package":"os","Test":"TestCrash"}
{"Action":"output","Package":"os","Test":"TestCrash","Output":"[os] \u001b[31mError: illegal READ at address 0x0 by pager_object: pd='init -> os' thread='pthread.0' ip=0x10032d0\u001b[0m\n"}
{"Action":"output","Package":"os","Test":"TestCrash","Output":"[os] model: the faulting thread is blocked forever on Genode; ending the component (status 139)\n"}
{"Action":"output","Package":"os","Output":"FAIL\tos\t0.3s\n"}
{"Action":"fail","Package":"os","Elapsed":0.3}
`

const timedOut = `{"Action":"start","Package":"time"}
{"Action":"run","Package":"time","Test":"TestSleep"}
{"Action":"output","Package":"time","Test":"TestSleep","Output":"[time] panic: test timed out after 1m0s\n"}
{"Action":"output","Package":"time","Test":"TestSleep","Output":"[time] \trunning tests:\n"}
{"Action":"output","Package":"time","Test":"TestSleep","Output":"[time] panic: something later\n"}
{"Action":"fail","Package":"time","Test":"TestSleep","Elapsed":60}
{"Action":"fail","Package":"time","Elapsed":60.1}
`

const buildFail = `{"ImportPath":"crypto/x [crypto/x.test]","Action":"build-output","Output":"# crypto/x [crypto/x.test]\n"}
{"ImportPath":"crypto/x [crypto/x.test]","Action":"build-output","Output":"x_test.go:3:2: undefined: foo\n"}
{"ImportPath":"crypto/x [crypto/x.test]","Action":"build-fail"}
{"Action":"start","Package":"crypto/x"}
{"Action":"output","Package":"crypto/x","Output":"FAIL\tcrypto/x [build failed]\n"}
{"Action":"fail","Package":"crypto/x","Elapsed":0,"FailedBuild":"crypto/x [crypto/x.test]"}
`

// Only the start: the run was killed.
const cutOff = `{"Action":"start","Package":"sync"}
{"Action":"run","Package":"sync","Test":"TestA"}
{"Action":"fail","Package":"sync","Test":"TestB","Elapsed":0}
`

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name, in, pkg, status string
		pass, fail, skip      int
		reason                string
	}{
		{"passing", passing, "sort", "pass", 2, 0, 1, ""},
		{"failing", failing, "net", "fail", 1, 1, 0, "2 failed: TestDial/tcp6, TestDial"},
		{"crashing", crashing, "os", "fail", 1, 0, 0, "Error: illegal READ at address 0x0"},
		{"timeout", timedOut, "time", "fail", 0, 1, 0, "panic: test timed out after 1m0s"},
		{"build", buildFail, "crypto/x", "fail", 0, 0, 0, "build failed: crypto/x [crypto/x.test]: x_test.go:3:2: undefined: foo"},
		{"cut off", cutOff, "sync", "", 0, 1, 0, "1 failed: TestB"},
		{"garbage", "go: something odd\n", "x", "", 0, 0, 0, "no result from the test binary"},
	} {
		r := Parse(strings.NewReader(c.in), c.pkg)
		if r.Status != c.status || r.Pass != c.pass || r.Fail != c.fail || r.Skip != c.skip || r.Reason != c.reason {
			t.Errorf("%s: got status %q %d/%d/%d reason %q; want %q %d/%d/%d %q", c.name,
				r.Status, r.Pass, r.Fail, r.Skip, r.Reason, c.status, c.pass, c.fail, c.skip, c.reason)
		}
	}
	if r := Parse(strings.NewReader(passing), "sort"); r.Elapsed != 52*time.Millisecond || !r.Passed() {
		t.Errorf("passing: elapsed %v passed %v", r.Elapsed, r.Passed())
	}
}

func TestFinish(t *testing.T) {
	r := Parse(strings.NewReader(cutOff), "sync")
	r.Finish(5*time.Second, 8*time.Minute, errors.New("signal: killed"))
	if r.Status != "fail" || r.Reason != "hung: killed after 8m0s without a result; failed so far: TestB" || r.Elapsed != 5*time.Second {
		t.Errorf("killed: %+v", r)
	}
	r = Parse(strings.NewReader(""), "x")
	r.Finish(time.Second, 0, errors.New("exit status 1"))
	if r.Status != "fail" || r.Reason != "no result from the test binary: exit status 1" {
		t.Errorf("empty: %+v", r)
	}
	r = Parse(strings.NewReader(passing), "sort")
	r.Finish(time.Second, 0, nil)
	if r.Status != "pass" || r.Reason != "" || r.Elapsed != 52*time.Millisecond {
		t.Errorf("passing: %+v", r)
	}
}

func TestWrite(t *testing.T) {
	res := func(in, pkg string) *Result { return Parse(strings.NewReader(in), pkg) }
	rp := &Report{
		Title:  "T",
		Header: []string{"h1"},
		Native: true,
		Rows: []Row{
			{Package: "sort", Genode: res(passing, "sort"), Native: res(passing, "sort")},
			{Package: "net", Listed: 2, Genode: res(failing, "net"), Native: res(passing, "net")},
			{Package: "os", Genode: res(crashing, "os")},
		},
		Skips: [][3]string{{"net", "TestIPv6", "no AF_INET6"}, {"net", "TestX|Y", "a | b"}},
	}
	if got := rp.Summary(); got != "1 of 3 std packages with tests pass on genode/amd64" {
		t.Errorf("Summary = %q", got)
	}
	var b bytes.Buffer
	if err := rp.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"# T\n\nh1\n\n**1 of 3 std packages with tests pass on genode/amd64.** 1 of 3 pass natively on linux/amd64 with the same toolchain. 2 tests skipped by the skip list.\n",
		"| package | genode pass | fail | skip | listed skips | time | native pass | fail | skip | time | genode result | native result |\n",
		"| net | 1 | 1 | 0 | 2 | 1.5s | 0 | 0 | 0 | 0.0s | FAIL: 2 failed: TestDial/tcp6, TestDial | FAIL: no result from the test binary |\n",
		"| os | 1 | 0 | 0 | 0 | 0.3s | – | – | – | – | FAIL: Error: illegal READ at address 0x0 | not run |\n",
		"| sort | 2 | 0 | 1 | 0 | 0.1s | 2 | 0 | 1 | 0.1s | ok | ok |\n",
		"| net | TestIPv6 | no AF_INET6 |\n",
		"| net | TestX\\|Y | a \\| b |\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q\n%s", want, out)
		}
	}
	// Rows are sorted by package.
	if strings.Index(out, "| net |") > strings.Index(out, "| os |") || strings.Index(out, "| os |") > strings.Index(out, "| sort |") {
		t.Errorf("rows not sorted:\n%s", out)
	}

	rp.Native = false
	b.Reset()
	rp.Write(&b)
	if !strings.Contains(b.String(), "| os | 1 | 0 | 0 | 0 | 0.3s | FAIL: Error: illegal READ at address 0x0 |\n") || strings.Contains(b.String(), "pass natively") {
		t.Errorf("genode-only report:\n%s", b.String())
	}
}

func TestCoreCheck(t *testing.T) {
	dir := t.TempDir()
	f := dir + "/core.txt"
	os.WriteFile(f, []byte("# core\nsync\nos\topen: chmod\nnet\topen: sendfile\n"), 0o666)
	c, err := loadCore(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Pkgs) != 3 || c.Open["os"] != "chmod" {
		t.Fatalf("loaded %+v", c)
	}
	pass := &Result{Status: "pass"}
	fail := &Result{Status: "fail", Reason: "x"}
	bad := c.Check([]Row{{Package: "sync", Genode: fail}, {Package: "os", Genode: fail}, {Package: "net", Genode: pass}}, 2)
	if len(bad) != 2 || !strings.HasPrefix(bad[0], "sync: fails") || !strings.HasPrefix(bad[1], "net: passes now") {
		t.Fatalf("Check = %q", bad)
	}
	if bad := c.Check([]Row{{Package: "sync", Genode: pass}, {Package: "os", Genode: fail}, {Package: "net", Genode: fail}}, 2); len(bad) != 0 {
		t.Fatalf("Check = %q, want none", bad)
	}
	if !c.IsOpen("os") || c.IsOpen("sync") || (*Core)(nil).IsOpen("os") {
		t.Error("IsOpen")
	}
	flaky := &Result{Status: "pass", Flaky: "x", Runs: 2}
	rows := []Row{{Package: "sync", Genode: flaky}, {Package: "os", Genode: fail}, {Package: "net", Genode: fail}}
	if bad := c.Check(rows, 1); len(bad) != 0 {
		t.Fatalf("one flaky of one tolerated: %q", bad)
	}
	rows = append(rows, Row{Package: "io", Genode: flaky})
	if bad := c.Check(rows, 1); len(bad) != 1 || bad[0] != "2 packages flaky (sync, io), at most 1 tolerated: find the common cause" {
		t.Fatalf("two flaky of one tolerated: %q", bad)
	}
	os.WriteFile(f, []byte("os\topen:\n"), 0o666)
	if _, err := loadCore(f); err == nil {
		t.Fatal("an open mark without a reason loaded")
	}
}

func TestVerdictFlaky(t *testing.T) {
	r := &Result{Ran: true, Status: "pass", Flaky: "1 failed: TestX", Runs: 2}
	if v := verdict(r); v != "FLAKY: ok on run 2; run 1: 1 failed: TestX" {
		t.Errorf("verdict = %q", v)
	}
	rp := &Report{Rows: []Row{{Package: "a", Genode: r}, {Package: "b", Genode: &Result{Ran: true, Status: "pass"}}, {Package: "c", Genode: &Result{Ran: true, Status: "fail"}}}}
	if s := rp.Summary(); s != "2 of 3 std packages with tests pass on genode/amd64, 1 of them flaky (failed, then passed on a retry)" {
		t.Errorf("Summary = %q", s)
	}
	var b bytes.Buffer
	rp.Write(&b)
	if !strings.Contains(b.String(), "| a | 0 | 0 | 0 | 0 | 0.0s | FLAKY: ok on run 2; run 1: 1 failed: TestX |\n") {
		t.Errorf("report:\n%s", b.String())
	}
	r.Flaky = ""
	if v := verdict(r); v != "ok" {
		t.Errorf("verdict = %q", v)
	}
}

func TestRunRetried(t *testing.T) {
	results := func(statuses ...string) func() *Result {
		return func() *Result {
			r := &Result{Ran: true, Status: statuses[0], Reason: "run " + statuses[0]}
			statuses = statuses[1:]
			return r
		}
	}
	for _, c := range []struct {
		statuses []string
		retries  int
		want     string
	}{
		{[]string{"pass"}, 1, "ok"},
		{[]string{"fail", "pass"}, 1, "FLAKY: ok on run 2; run 1: run fail"},
		{[]string{"fail", "fail"}, 1, "FAIL: run fail"},
		{[]string{"fail", "fail", "pass"}, 2, "FLAKY: ok on run 3; run 1: run fail"},
		{[]string{"fail"}, 0, "FAIL: run fail"},
	} {
		r := runRetried(results(c.statuses...), c.retries)
		if v := verdict(r); v != c.want || r.Runs != min(len(c.statuses), c.retries+1) {
			t.Errorf("%v with %d retries: %q after %d runs, want %q", c.statuses, c.retries, v, r.Runs, c.want)
		}
	}
}

func TestCommandLine(t *testing.T) {
	fs := flag.CommandLine
	defer func() { flag.CommandLine = fs }()
	flag.CommandLine = flag.NewFlagSet("stdreport", flag.ContinueOnError)
	flag.String("root", "", "")
	flag.String("o", "", "")
	flag.String("pkgs", "", "")
	flag.Bool("native", true, "")
	flag.String("core", "", "")
	root := t.TempDir()
	flag.CommandLine.Parse([]string{"-root", root, "-native=false", "-pkgs", "os,net", "-o", root + "/test/results/x.md", "-core", "/elsewhere/a b.txt"})
	want := "go run genodego/test/cmd/stdreport -core='/elsewhere/a b.txt' -native=false -o=test/results/x.md -pkgs=os,net"
	if got := commandLine(root); got != want {
		t.Errorf("commandLine = %q, want %q", got, want)
	}
}

func TestReadRawKeepsOnlyFinishedRuns(t *testing.T) {
	dir := t.TempDir()
	write := func(pkg, text string) {
		d := filepath.Join(dir, "genode")
		if err := os.MkdirAll(d, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, strings.ReplaceAll(pkg, "/", "_")+".json"), []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	write("a/done", `{"Action":"run","Package":"a/done","Test":"TestX"}
{"Action":"pass","Package":"a/done","Test":"TestX","Elapsed":0.1}
{"Action":"pass","Package":"a/done","Elapsed":1.5}
`)
	write("a/cut", `{"Action":"run","Package":"a/cut","Test":"TestX"}
{"Action":"output","Package":"a/cut","Test":"TestX","Output":"still running\n"}
`)
	if r := readRaw(dir, "genode", "a/done"); r == nil || r.Status != "pass" || r.Elapsed != 1500*time.Millisecond {
		t.Errorf("finished run: got %+v, want a pass of 1.5s", r)
	}
	if r := readRaw(dir, "genode", "a/cut"); r != nil {
		t.Errorf("run without the package's end: got %+v, want nil (run it again)", r)
	}
	if r := readRaw(dir, "genode", "a/none"); r != nil {
		t.Errorf("no raw output: got %+v, want nil", r)
	}
}
