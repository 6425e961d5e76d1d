package containerd_test

// This file's name sorts last, so that its test runs after every other (go test runs a package's
// tests in the order of its files, then of the tests in each).

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// expectedErrors are the error lines of containerd ("[containerd] ...") and of the shims
// ("[shim.NS.ID] ...") that the tests provoke on purpose, each with why upstream logs it the same way.
var expectedErrors = []struct {
	re  *regexp.Regexp
	why string
	// if set, the line is expected only when its submatches pass
	only func(sub []string) bool
}{
	{regexp.MustCompile(`^\[containerd\] .*level=error msg="failed to delete task" error="rpc error: code = NotFound desc = container not created: not found"`),
		"a create the runtime refused (a program not in the image, a field Genode cannot honour): containerd deletes the task the shim never created and logs the shim's NotFound at error level (core/runtime/v2/shim.go, shimTask.delete)", nil},
	{regexp.MustCompile(`^\[shim\.e2e-readopt\.[^]]*\] .*level=error msg="(post|forward) event" error="failed to connect: dial unix [^ ]*/containerd\.sock\.ttrpc: connect: connection refused"`),
		"containerd killed (TestReadoptAfterRestart): the shim cannot forward its task's events and retries (pkg/shim/publisher.go)", nil},
	{regexp.MustCompile(`^\[containerd\] .*level=error msg="ttrpc: received message on inactive stream"`),
		"a client that goes away mid-request (TestDetachedLifecycle/attach ends ctr task attach by cancelling it): containerd cancels its call to the shim, and the shim's late answer is logged by ttrpc's client (ttrpc client.go, receive loop)", nil},
	{regexp.MustCompile(`^\[containerd\] .*level=error msg="failed to read ingest ref" error="open [^ ]*/ingest/([0-9a-f]{64})/ref: no such file or directory"`),
		"containerd killed while committing a blob (TestKillMidPull/while-a-layer-is-written: the kill can land after the data is in place, while the ingest directory is being removed): the directory is left without its ref file, and every content walk after the restart logs it (plugins/content/local/store.go, WalkStatusRefs; the same on Linux)",
		func(sub []string) bool { return refless[sub[1]] }},
	{regexp.MustCompile(`^\[containerd\] .*level=error msg=monitor error="no running task found: task e2e-monitored not found"`),
		"the restart monitor (TestRestartMonitor) looks while its restart of the killed task is under way: the old task is deleted, the new one not yet created (plugins/restart/monitor.go, monitor); it starts the task at its next look. Seen where a task's exit handling is slow (arm64 under qemu-user)", nil},
	{regexp.MustCompile(`^\[containerd\] .*level=error msg="apply change" error="mkdir [^ ]*/io\.containerd\.runtime\.v2\.task/e2e-restart-monitor/e2e-monitored: file exists"`),
		"the restart monitor (TestRestartMonitor) creates the new task while the killed one's bundle is still being removed (plugins/restart/monitor.go, startChange); it retries at its next look. Seen where a task's exit handling is slow (arm64 under qemu-user)", nil},
	{regexp.MustCompile(`^\[containerd\] .*level=error msg="failed to delete shim" error="close wait error: context deadline exceeded"`),
		"a task's delete waits, within its caller's deadline, until the shim's connection closes as the shim exits (core/runtime/v2/shim.go, shim.Delete: UserOnCloseWait), logs the wait's end at error level and goes on; on the model a shim's exit is a component's end, which a loaded machine can make outlast the deadline (seen in a CI run beside other suites)", nil},
	{regexp.MustCompile(`^\[containerd\] .*level=error msg="failed to delete dead shim" .*error="exit status 137"`),
		"after every shim exit containerd runs `containerd-shim-runc-v2 delete` with a 5 s deadline and kills it at the deadline (core/runtime/v2/shim.go, cleanupAfterDeadShim); on the model that is a whole component start, which a loaded machine can take longer than 5 s for (issue 12 note)", nil},
}

// Last: through everything above — pulls, removals, collections, runs, kills and restarts —
// containerd and the shims logged no error but those the tests provoke on purpose, and did not
// panic (the inits' logs hold their lines: containerd's in DIR/init, the shims' in DIR/run/shims).
func TestContainerdLog(t *testing.T) {
	needStack(t)
	var logs []string
	for _, f := range []string{filepath.Join(stackDir, "init", "init.log"), filepath.Join(stackDir, "run", "shims", "init.log")} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		logs = append(logs, strings.Split(string(data), "\n")...)
	}
	var bad []string
	expected := map[string]int{}
	for _, l := range logs {
		if !(strings.HasPrefix(l, "[containerd]") || strings.HasPrefix(l, "[shim.")) || !(strings.Contains(l, "level=error") ||
			strings.Contains(l, "level=fatal") || strings.Contains(l, "level=panic") || strings.Contains(l, "panic:")) {
			continue
		}
		known := false
		for _, e := range expectedErrors {
			if sub := e.re.FindStringSubmatch(l); sub != nil && (e.only == nil || e.only(sub)) {
				expected[e.why]++
				known = true
				break
			}
		}
		if !known {
			bad = append(bad, l)
		}
	}
	for why, n := range expected {
		t.Logf("%d expected error line(s): %s", n, why)
	}
	if len(bad) > 0 {
		t.Errorf("containerd and the shims logged %d errors:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}
