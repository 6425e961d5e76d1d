package main

import (
	"strings"
	"testing"
)

const sample = `TAP version 13
ok 1 - create MUST generate an error if the ID is not provided
  ---
  {
    "error": "exit status 1",
    "stderr": "no id\n"
  }
  ...
not ok 2 - create MUST create a new container
  ---
  {
    "error": "exit status 1",
    "stderr": "refused"
  }
  ...
ok 3 # SKIP not here
not ok 4 # TODO later
1..4
`

func TestJudge(t *testing.T) {
	r := parseTAP(sample)
	if len(r.points) != 4 || r.plan != 4 || !r.header {
		t.Fatalf("%+v", r)
	}
	v := judge(r, 0, "")
	if v.result != resFail || !strings.Contains(v.reason, "create MUST create a new container (error: exit status 1; stderr: refused)") {
		t.Errorf("%+v", v)
	}
	if v.counts != "1 ok, 1 not ok, 1 skipped, 1 todo" {
		t.Errorf("counts %q", v.counts)
	}
	// programs that report only failures
	if v := judge(parseTAP("TAP version 13\n1..0\n"), 0, ""); v.result != resPass {
		t.Errorf("no points, no YAML: %+v", v)
	}
	if v := judge(parseTAP("TAP version 13\n  ---\n  {\n    \"error\": \"boom\"\n  }\n  ...\n1..0\n"), 0, ""); v.result != resFail || v.reason != "error: boom" {
		t.Errorf("no points, YAML: %+v", v)
	}
	// util.Skip
	if v := judge(parseTAP("TAP version 13\n1..1\nok 1 # SKIP POSIX-specific\n  ---\n  {\n    \"OS\": \"genode\"\n  }\n  ...\n"), 0, ""); v.result != resSkip || v.reason != "POSIX-specific" {
		t.Errorf("skip: %+v", v)
	}
	// nothing at all (a container that wrote no report)
	if v := judge(parseTAP(""), 0, ""); v.result != resFail {
		t.Errorf("empty: %+v", v)
	}
	if v := judge(parseTAP("TAP version 13\nok 1 - a\n1..1\n"), 1, "boom"); v.result != resFail || v.reason != "exit status 1: boom" {
		t.Errorf("exit: %+v", v)
	}
}

func TestNormalize(t *testing.T) {
	in := `stderr: time="2026-12-05T09:10:14Z" level=error msg="runc create failed: /tmp/rtt.1/x"; time=\"2026-12-05T09:10:14Z\" level=error msg=\"y\"`
	want := `stderr: level=error msg="runc create failed: <suite>/x"; level=error msg=\"y\"`
	if got := normalize(in, "/tmp/rtt.1"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
