package containerd_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// containerd killed with SIGKILL while pulling, then the stack stopped and started again on the
// same directory: both databases pass bbolt's check, and the same pull then succeeds with every
// blob matching its digest and the image unpacked. Two moments: while a layer is being written
// into the content store (an ingest exists), and 200 ms after ctr started (the brief's figure; on
// the model that is before ctr has connected or early in its resolve).
func TestKillMidPull(t *testing.T) {
	needRegistry(t)
	for _, c := range []struct{ name, ns, image, when string }{
		{"while-a-layer-is-written", "e2e-midpull-ingest", "toolbox", "ingest"},
		{"200ms-after-ctr-started", "e2e-midpull-200ms", "server", "200ms"},
	} {
		t.Run(c.name, func(t *testing.T) { killMidPull(t, c.ns, c.image, c.when) })
	}
}

func killMidPull(t *testing.T, ns, name, when string) {
	img := images[name]
	amd := img.manifests[platform]
	if _, err := os.Stat(blobPath(amd.layers[0])); err == nil {
		t.Fatalf("the %s layer %s is in the content store already: this pull would write no layer", name, amd.layers[0])
	}
	ingest := filepath.Join(stackDir, "root", "io.containerd.content.v1.content", "ingest")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := ctrCommand(ctx, ns, "image", "pull", "--plain-http", ref(name))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var seen []string
	switch when {
	case "200ms":
		time.Sleep(200 * time.Millisecond)
		seen = dirNames(ingest)
	case "ingest":
		for len(seen) == 0 {
			select {
			case err := <-exited:
				t.Fatalf("the pull ended (%v) before a layer was seen being written\n%s", err, tail(stdout.String(), 5))
			default:
			}
			if time.Since(start) > time.Minute {
				t.Fatal("no ingest within a minute")
			}
			seen = dirNames(ingest)
			time.Sleep(time.Millisecond)
		}
	}
	at := time.Since(start)
	p := killContainerd(t)
	err := <-exited
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("ctr image pull while containerd was killed: %v, want a failure\n%s", err, tail(stdout.String(), 8))
	}
	for _, d := range dirNames(ingest) {
		if _, err := os.Stat(filepath.Join(ingest, d, "ref")); errors.Is(err, os.ErrNotExist) {
			refless[d] = true
			t.Logf("the kill left ingest %s without its ref (containerd was removing it)", d)
		}
	}
	t.Logf("containerd (pid %d) killed %v after ctr started, ingests %v; ctr exited %d: %s",
		p.pid, at.Round(time.Millisecond), seen, ee.ExitCode(), strings.TrimSpace(tail(stderr.String(), 2)))

	stopStack(t)
	checkBolt(t, boltFiles()...)
	startStack(t)
	t.Logf("after the restart: images %v, leases %v, ingests %v", lines(ctr(t, ns, "image", "ls", "-q")),
		lines(ctr(t, ns, "leases", "ls", "-q")), dirNames(ingest))

	pull(t, ns, name)
	arm := img.manifests[other]
	want := []string{img.index, amd.digest, amd.config, arm.digest, arm.config, amd.layers[0]}
	checkContent(t, ns, want)
	committed := map[string]string{diffID(t, img, amd.layers[0]): "Committed"}
	// A kill during the unpack leaves its active snapshot, which the killed pull's lease holds.
	have := snapshots(t, ns)
	for k, v := range have {
		if strings.HasPrefix(k, "extract-") && v == "Active" {
			t.Logf("the killed pull's unpack left snapshot %s", k)
			delete(have, k)
		}
	}
	if !mapsEqual(have, committed) {
		t.Errorf("snapshot ls in %s: %v, want %v and the killed unpack's", ns, snapshots(t, ns), committed)
	}
	checkImage(t, ns, ref(name))

	// A lease the killed pull left (containerd's transfer service takes one for the pull and
	// gives it up at the end, which never came) goes, and with it what only the lease held;
	// the image keeps what it needs, and no ingest is left.
	for _, l := range lines(ctr(t, ns, "leases", "ls", "-q")) {
		ctr(t, ns, "leases", "rm", "--sync", l)
	}
	checkContent(t, ns, want)
	checkSnapshots(t, ns, committed)
	checkImage(t, ns, ref(name))
	t.Logf("after removing the leases: ingests %v", dirNames(ingest))
}

// containerd killed with SIGKILL when idle, the stack stopped and started again on the same
// directory: the databases pass bbolt's check, and the images pulled before are listed with the
// same content (each blob matching its digest), the same snapshots, complete and unpacked.
func TestRestartAfterKill(t *testing.T) {
	needRegistry(t)
	const ns = "e2e-restart"
	pull(t, ns, "hello")
	pull(t, ns, "mixed")
	imgs := lines(ctr(t, ns, "image", "ls", "-q"))
	content := contentDigests(t, ns)
	snaps := snapshots(t, ns)
	if !slices.Equal(imgs, []string{ref("hello"), ref("mixed")}) || len(snaps) != 1 {
		t.Fatalf("before the kill: images %v, snapshots %v", imgs, snaps)
	}

	p := killContainerd(t)
	r := ctrTry(t, ns, "version")
	if r.code == 0 {
		t.Fatalf("ctr version answered with containerd (pid %d) killed\n%s", p.pid, r)
	}
	t.Logf("with containerd killed, ctr version exits %d: %s", r.code, strings.TrimSpace(tail(r.stderr, 2)))

	stopStack(t)
	checkBolt(t, boltFiles()...)
	startStack(t)

	if out := ctr(t, ns, "version"); !strings.Contains(out, "Version:  2.4.2") {
		t.Errorf("ctr version after the restart:\n%s", out)
	}
	if got := lines(ctr(t, ns, "image", "ls", "-q")); !slices.Equal(got, imgs) {
		t.Errorf("images after the restart: %v, before %v", got, imgs)
	}
	checkContent(t, ns, content)
	checkSnapshots(t, ns, snaps)
	for _, n := range imgs {
		checkImage(t, ns, n)
	}
}

// dirNames are the names in directory d (none if it does not exist).
// refless holds the ingests a kill left without their ref file: containerd commits a blob by
// renaming its data into place and then removing the ingest directory, and a SIGKILL in between
// leaves a directory that every later content walk reports (see zz_log_test.go).
var refless = map[string]bool{}

func dirNames(d string) []string {
	es, _ := os.ReadDir(d)
	var ns []string
	for _, e := range es {
		ns = append(ns, e.Name())
	}
	return ns
}

// containerd's restart monitor (the restart plugin, built in) brings back a task of a container
// labelled to be running when the task ends, and stops it once the label says stopped. The
// suite's TestRestartMonitor cannot show it on Genode: it stops the containerd it started with
// kill(2), which reaches only the caller itself there.
func TestRestartMonitor(t *testing.T) {
	needStack(t)
	const ns, id = "e2e-restart-monitor", "e2e-monitored"
	importImage(t, ns, "toolbox")
	// A container with the label and no task makes the monitor log an error on each look (monitor.go,
	// "monitor"): on a failure it goes at once, not at the end of the run.
	t.Cleanup(func() {
		if t.Failed() {
			ctrTry(t, ns, "task", "rm", "-f", id)
			ctrTry(t, ns, "container", "rm", id)
		}
	})
	ctr(t, ns, "run", "-d", "--label", "containerd.io/restart.status=running", toolboxRef, id, "sleep", "600")
	first := waitTask(t, ns, id, "RUNNING")
	ctr(t, ns, "task", "kill", "-s", "SIGKILL", id)

	// The monitor looks every 10 s (its default interval).
	deadline := time.Now().Add(45 * time.Second)
	var again taskInfo
	for {
		ti, ok := taskList(t, ns)[id]
		if ok && ti.status == "RUNNING" && ti.pid != first.pid {
			again = ti
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s: %+v (listed: %v) 45 s after its kill, want RUNNING again with a new pid (was %d)", id, ti, ok, first.pid)
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("the monitor restarted %s: pid %d, then %d", id, first.pid, again.pid)

	// The monitor kills the task and deletes it (plugins/restart, killTask): a task rm of ours
	// would race with its delete.
	ctr(t, ns, "container", "label", id, "containerd.io/restart.status=stopped")
	deadline = time.Now().Add(45 * time.Second)
	for {
		ti, ok := taskList(t, ns)[id]
		if !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s: %+v 45 s after its label said stopped, want it killed and deleted by the monitor", id, ti)
		}
		time.Sleep(500 * time.Millisecond)
	}
	ctr(t, ns, "container", "rm", id)
	checkNoContainers(t, ns)
}
