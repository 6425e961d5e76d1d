package containerd_test

// The run side of containerd on the model: ctr → containerd → containerd-shim-runc-v2 (a child of
// the shims' init, DIR/run/shims) → genode's runc → the container, a child of the containers' init
// (DIR/run/runc). The images come from make images' archives (ctr image import), so these tests need
// no registry. They run after the image tests (file order): the mid-pull kills want layers that are
// not yet in the content store.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// toolboxRef and helloRef are the names ctr image import gives make images' archives.
const (
	toolboxRef = "genode.local/toolbox:latest"
	helloRef   = "genode.local/hello:latest"
)

// What each container gets unless --memory-limit says otherwise: genode's default spec leaves
// linux.resources.memory unset, and genode's runc then gives the child init's default of 64 MiB.
const defaultRAM = 64 << 20

// ctr run prints the program's output on its own stdout and stderr and exits with its status; the
// image's program is found in its PATH, and one that is not is refused by name before it starts.
func TestRunExitAndOutput(t *testing.T) {
	needStack(t)
	const ns = "e2e-run"
	importImage(t, ns, "hello")
	importImage(t, ns, "toolbox")

	// One after the other: concurrent runs have lost a shim's start on the model ("did not serve
	// ... within 30 s", with the shims' init.lock held for seconds), which is not this test's subject.
	t.Run("hello", func(t *testing.T) {
		r := ctrTry(t, ns, "run", "--rm", helloRef, "e2e-hello")
		if r.code != 0 || r.stdout != "hello from "+platform+"\n" {
			t.Errorf("want exit 0 and %q on stdout\n%s", "hello from "+platform+"\n", r)
		}
	})
	t.Run("stdout-stderr-status", func(t *testing.T) {
		r := ctrTry(t, ns, "run", "--rm", toolboxRef, "e2e-streams", "sh", "-c", "echo out; echo err >&2; exit 3")
		if r.code != 3 || r.stdout != "out\n" || r.stderr != "err\n" {
			t.Errorf("want exit 3, stdout %q, stderr %q\n%s", "out\n", "err\n", r)
		}
	})
	for _, c := range []struct {
		prog string
		code int
	}{{"true", 0}, {"false", 1}} {
		t.Run(c.prog, func(t *testing.T) {
			r := ctrTry(t, ns, "run", "--rm", toolboxRef, "e2e-"+c.prog, c.prog)
			if r.code != c.code || r.stdout != "" || r.stderr != "" {
				t.Errorf("want exit %d and no output\n%s", c.code, r)
			}
		})
	}
	t.Run("env", func(t *testing.T) {
		r := ctrTry(t, ns, "run", "--rm", "--env", "FOO=bar", toolboxRef, "e2e-env", "env")
		if r.code != 0 || !slices.Contains(lines(r.stdout), "FOO=bar") || !slices.Contains(lines(r.stdout), "PATH=/bin") {
			t.Errorf("want FOO=bar beside the image's PATH=/bin\n%s", r)
		}
	})
	// stdin is a named pipe the shim writes and closes at the client's end: cat sees the input,
	// then its end (a Terminal session would never end)
	t.Run("stdin", func(t *testing.T) {
		for _, in := range []string{"line one\nline two\n", ""} {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			c := ctrCommand(ctx, ns, "run", "--rm", toolboxRef, "e2e-stdin", "cat")
			c.Stdin = strings.NewReader(in)
			out, err := c.Output()
			cancel()
			if err != nil || string(out) != in {
				t.Errorf("ctr run cat with stdin %q: %v, output %q", in, err, out)
			}
		}
	})
	t.Run("not-in-the-image", func(t *testing.T) {
		r := ctrTry(t, ns, "run", "--rm", toolboxRef, "e2e-missing", "no-such-program")
		want := `process.args[0]: "no-such-program" cannot be executed from the rootfs: not found in PATH /bin`
		if r.code == 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("want a failure naming the program: %q\n%s", want, r)
		}
	})
	checkNoContainers(t, ns)
}

// A detached task's life: run -d, listed RUNNING with its pid, ps, exec (output and status),
// metrics from init's report, what Genode cannot do refused by name, kill with TERM (143) and KILL
// (137) as the exit status task rm returns, and rm. ctr events, subscribed before, sees each task's
// create, start, exit (with the status) and delete in this order.
func TestDetachedLifecycle(t *testing.T) {
	needStack(t)
	const ns = "e2e-detached"
	importImage(t, ns, "toolbox")
	ev := watchEvents(t, ns)

	const term, kill = "e2e-term", "e2e-kill"
	ctr(t, ns, "run", "-d", toolboxRef, term, "sleep", "600")
	ti := waitTask(t, ns, term, "RUNNING")
	if ti.pid <= 0 {
		t.Errorf("task ls: %s has pid %d", term, ti.pid)
	}
	if pids := column(ctr(t, ns, "task", "ps", term), 0); !slices.Equal(pids, []string{strconv.Itoa(ti.pid)}) {
		t.Errorf("task ps %s: pids %v, want [%d]", term, pids, ti.pid)
	}
	m := metrics(t, ns, term)
	if m["memory.usage_limit"] != defaultRAM {
		t.Errorf("metrics: memory.usage_limit %d, want the container's RAM quota %d (init's report)", m["memory.usage_limit"], defaultRAM)
	}

	// The exec's output and status are checked once it has returned, which may be only after the
	// container has ended (below).
	x := startExec(ns, term, "e1", "sh", "-c", "echo from exec; echo to stderr >&2; exit 5")
	x.returnsWhileRunning(t, 30*time.Second)

	t.Run("refused", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"task", "pause", term}, "pause: Genode's init cannot freeze a child"},
			{[]string{"task", "resume", term}, "resume: Genode's init cannot freeze a child"},
			// ctr's checkpoint pauses the task first (client Task.Checkpoint).
			{[]string{"task", "checkpoint", term}, "pause: Genode's init cannot freeze a child"},
		} {
			r := ctrTry(t, ns, c.args...)
			if r.code == 0 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("want a refusal naming the reason %q\n%s", c.want, r)
			}
		}
		if ti := waitTask(t, ns, term, "RUNNING"); ti.pid <= 0 {
			t.Errorf("after the refusals: %+v", ti)
		}
	})

	// ctr task attach shows a detached task's output: what it wrote while no client was attached
	// (the shim keeps it), then what it writes live. ctr run -d copies the output until it returns,
	// so the first line is in its output or in attach's, once.
	t.Run("attach", func(t *testing.T) {
		const id = "e2e-attach"
		got := lines(ctr(t, ns, "run", "-d", toolboxRef, id, "sh", "-c", "echo tick; sleep 4; echo tock; sleep 600"))
		waitTask(t, ns, id, "RUNNING")
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		c := ctrCommand(ctx, ns, "task", "attach", id)
		out, err := c.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		for !slices.Contains(got, "tock") && sc.Scan() {
			got = append(got, sc.Text())
		}
		cancel()
		c.Wait()
		if !slices.Equal(got, []string{"tick", "tock"}) {
			t.Errorf("run -d, then task attach: output %q, want tick (written before it attached) and tock (after), once each", got)
		}
		ctr(t, ns, "task", "kill", "-s", "KILL", id)
		waitTask(t, ns, id, "STOPPED")
		removeTask(t, ns, id)
		ctr(t, ns, "container", "rm", id)
	})

	// ctr run -t and ctr task exec -t on a terminal: ctr puts its terminal in raw mode and the
	// process's one Terminal session (served by the shim) carries input and output, CR NL for NL as
	// from a pty; ctr passes its terminal's size on after the start (the session's size, which
	// stty asks for: the script gives the resize time, as on Linux); the exit status passes.
	const script = "sleep 2; echo ready; read line; stty size; echo got:$line; exit 3"
	t.Run("terminal", func(t *testing.T) {
		out, code := onTerminal(t, 33, 97, ns, "run", "-t", "--rm", toolboxRef, "e2e-tty", "sh", "-c", script)
		if !strings.Contains(out, "got:hello\r") || !strings.Contains(out, "33 97\r") || code != 3 {
			t.Errorf("ctr run -t: exit %d, terminal output %q; want the size 33 97, the input line echoed back by the container and exit 3", code, out)
		}
	})
	t.Run("exec terminal", func(t *testing.T) {
		out, code := onTerminal(t, 21, 64, ns, "task", "exec", "-t", "--exec-id", "tty1", term, "sh", "-c", script)
		if !strings.Contains(out, "got:hello\r") || !strings.Contains(out, "21 64\r") || code != 3 {
			t.Errorf("ctr task exec -t: exit %d, terminal output %q; want the size 21 64, the input line echoed back and exit 3", code, out)
		}
	})

	// An exec is a child of init, not of the shim: ctr task kill --exec-id ends it through init
	// (its start node goes), with KILL and TERM; other signals are refused by name.
	t.Run("exec kill", func(t *testing.T) {
		before := column(ctr(t, ns, "task", "ps", term), 0)
		ctr(t, ns, "task", "exec", "-d", "--exec-id", "k1", term, "sleep", "600")
		deadline := time.Now().Add(30 * time.Second)
		for len(column(ctr(t, ns, "task", "ps", term), 0)) != len(before)+1 && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		if got := column(ctr(t, ns, "task", "ps", term), 0); len(got) != len(before)+1 {
			t.Fatalf("exec -d: task ps %v, want one more than %v", got, before)
		}
		if r := ctrTry(t, ns, "task", "kill", "--exec-id", "k1", "-s", "HUP", term); r.code == 0 || !strings.Contains(r.stderr, "only KILL and TERM") {
			t.Errorf("kill -s HUP of an exec: want a refusal naming Genode's limit\n%s", r)
		}
		ctr(t, ns, "task", "kill", "--exec-id", "k1", "-s", "TERM", term)
		for len(column(ctr(t, ns, "task", "ps", term), 0)) != len(before) && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		if got := column(ctr(t, ns, "task", "ps", term), 0); !slices.Equal(got, before) {
			t.Errorf("after kill --exec-id: task ps %v, want %v", got, before)
		}
	})

	ctr(t, ns, "run", "-d", toolboxRef, kill, "sleep", "600")
	waitTask(t, ns, kill, "RUNNING")
	for _, c := range []struct {
		id     string
		args   []string
		status int
	}{
		{term, nil, 128 + int(syscall.SIGTERM)},
		{kill, []string{"-s", "KILL"}, 128 + int(syscall.SIGKILL)},
	} {
		ctr(t, ns, append(append([]string{"task", "kill"}, c.args...), c.id)...)
		waitTask(t, ns, c.id, "STOPPED")
		if got := removeTask(t, ns, c.id); got != c.status {
			t.Errorf("task rm %s after kill %v: exit status %d, want %d", c.id, c.args, got, c.status)
		}
		if c.id == term {
			// The container has ended: so has any wait for its exec.
			r := x.wait(t, 2*time.Minute)
			if r.code != 5 || r.stdout != "from exec\n" || r.stderr != "to stderr\n" {
				t.Errorf("exec: want exit 5 and the exec's output\n%s", r)
			}
		}
		ctr(t, ns, "container", "rm", c.id)
	}
	checkNoContainers(t, ns)

	// The events: per task create → start → exit → delete, exit and delete with the status.
	for _, c := range []struct {
		id     string
		status int
	}{{term, 143}, {kill, 137}} {
		want := []string{"/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"}
		got := ev.waitTopics(t, c.id, want, 30*time.Second)
		if !slices.Equal(got, want) {
			t.Errorf("events of %s: %v, want %v\n%s", c.id, got, want, ev.dump(c.id))
			continue
		}
		for _, e := range ev.of(c.id) {
			own := e.topic == "/tasks/delete" || e.topic == "/tasks/exit" && e.str("id") == c.id
			if own && e.num("exit_status") != c.status {
				t.Errorf("%s of %s: exit_status %d, want %d: %s", e.topic, c.id, e.num("exit_status"), c.status, e.line)
			}
		}
	}
	// The exec's own events: added, started, and its exit with id e1 and status 5.
	var execTopics []string
	for _, e := range ev.of(term) {
		if e.str("exec_id") == "e1" || e.topic == "/tasks/exit" && e.str("id") == "e1" && e.num("exit_status") == 5 {
			execTopics = append(execTopics, e.topic)
		}
	}
	if want := []string{"/tasks/exec-added", "/tasks/exec-started", "/tasks/exit"}; !slices.Equal(execTopics, want) {
		t.Errorf("events of exec e1: %v, want %v (the exit with exit_status 5)\n%s", execTopics, want, ev.dump(term))
	}
	ev.stop(t)
}

// Mounts, the RAM quota and refusals. A bind mount of a directory the shim's runc sees (the shims'
// view is the integrator's template: the stack's run and root directories) is the container's
// /data: read-only it can be read and not written, read-write the host sees what the container
// wrote; a directory outside that view is refused by name. --memory-limit is the container's RAM
// quota in init, as metrics reports it. What Genode cannot honour is refused by name.
func TestMountsAndRefusals(t *testing.T) {
	needStack(t)
	const ns = "e2e-mounts"
	importImage(t, ns, "toolbox")

	data, err := os.MkdirTemp(filepath.Join(stackDir, "run"), "e2e-bind-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(data)
	if err := os.WriteFile(filepath.Join(data, "f"), []byte("from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := "cat /data/f; echo from the container > /data/g"
	t.Run("bind-ro", func(t *testing.T) {
		r := ctrTry(t, ns, "run", "--rm", "--mount", "type=bind,src="+data+",dst=/data,options=rbind:ro", toolboxRef, "e2e-ro", "sh", "-c", script)
		if r.code == 0 || r.stdout != "from the host\n" || !strings.Contains(r.stderr, "/data/g") {
			t.Errorf("read-only bind: want the file read and its write failing (non-zero exit, an error naming /data/g)\n%s", r)
		}
		if _, err := os.Stat(filepath.Join(data, "g")); err == nil {
			t.Errorf("the container wrote %s/g through a read-only bind mount", data)
		}
	})
	t.Run("bind-rw", func(t *testing.T) {
		r := ctrTry(t, ns, "run", "--rm", "--mount", "type=bind,src="+data+",dst=/data,options=rbind:rw", toolboxRef, "e2e-rw", "sh", "-c", script)
		if r.code != 0 || r.stdout != "from the host\n" {
			t.Errorf("read-write bind: want the file read and written\n%s", r)
		}
		if got, err := os.ReadFile(filepath.Join(data, "g")); err != nil || string(got) != "from the container\n" {
			t.Errorf("the host sees %q (%v) in %s/g, want what the container wrote", got, err, data)
		}
	})
	t.Run("bind-outside-the-shims-view", func(t *testing.T) {
		outside := t.TempDir()
		r := ctrTry(t, ns, "run", "--rm", "--mount", "type=bind,src="+outside+",dst=/data,options=rbind:ro", toolboxRef, "e2e-outside", "true")
		want := "mounts[0].source: stat " + outside + ": no such file or directory"
		if r.code == 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("want a refusal naming the field: %q\n%s", want, r)
		}
	})

	t.Run("memory-limit", func(t *testing.T) {
		const limit = 96 << 20
		ctr(t, ns, "run", "-d", "--memory-limit", strconv.Itoa(limit), toolboxRef, "e2e-mem", "sleep", "600")
		waitTask(t, ns, "e2e-mem", "RUNNING")
		m := metrics(t, ns, "e2e-mem")
		if m["memory.usage_limit"] != limit {
			t.Errorf("metrics: memory.usage_limit %d, want the --memory-limit %d", m["memory.usage_limit"], limit)
		}
		if q := initChildNamed(t, filepath.Join(stackDir, "run", "runc"), "e2e-mem").ram; q != limit {
			t.Errorf("the containers' init reports a RAM quota of %d for e2e-mem, want %d", q, limit)
		}
		ctr(t, ns, "task", "kill", "-s", "KILL", "e2e-mem")
		waitTask(t, ns, "e2e-mem", "STOPPED")
		removeTask(t, ns, "e2e-mem")
		ctr(t, ns, "container", "rm", "e2e-mem")
	})

	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"cpu-shares", []string{"--cpu-shares", "512"}, "linux.resources.cpu.shares: no per-component CPU weight"},
		{"privileged", []string{"--privileged"}, "linux.devices[0]: device nodes do not exist; device access is a session route"},
	} {
		t.Run("refused-"+c.name, func(t *testing.T) {
			args := append(append([]string{"run", "--rm"}, c.args...), toolboxRef, "e2e-"+c.name, "true")
			r := ctrTry(t, ns, args...)
			if r.code == 0 || !strings.Contains(r.stderr, "Genode cannot honour") || !strings.Contains(r.stderr, c.want) {
				t.Errorf("want a refusal naming the field: %q\n%s", c.want, r)
			}
		})
	}
	checkNoContainers(t, ns)
}

// containerd killed with SIGKILL while a task runs, then restarted by init (genode-stack
// restart-containerd; the shims and containers, children of the other inits, keep running):
// containerd re-adopts the task through the same shim, and the task is RUNNING, takes an exec, and
// is killed and removed.
//
// A task that exits while containerd is down: upstream containerd, loading its shims at start,
// takes a shim whose task has no processes left for one whose task was never created and cleans it
// up ("cleaning leaked shim process", core/runtime/v2/shim_load.go): the task is gone from task ls,
// the container stays, and nothing of the task is left (bundle, shim, runc's state, init's child).
// Its exit does not reach ctr events: the shim could not forward it while containerd was down, and
// the cleanup, during containerd's start before any client can subscribe, ends the shim and with it
// the publisher's retries.
func TestReadoptAfterRestart(t *testing.T) {
	needStack(t)
	const ns = "e2e-readopt"
	importImage(t, ns, "toolbox")
	shims, runc := filepath.Join(stackDir, "run", "shims"), filepath.Join(stackDir, "run", "runc")

	t.Run("running", func(t *testing.T) {
		const id = "e2e-long"
		ctr(t, ns, "run", "-d", toolboxRef, id, "sleep", "600")
		before := waitTask(t, ns, id, "RUNNING")
		shim := initChildNamed(t, shims, "shim."+ns+"."+id)
		p := killContainerd(t)
		restartContainerd(t)
		after := waitTask(t, ns, id, "RUNNING")
		if after.pid != before.pid {
			t.Errorf("task ls after containerd's restart: pid %d, before %d", after.pid, before.pid)
		}
		if again := initChildNamed(t, shims, shim.name); again.id != shim.id || again.exited >= 0 {
			t.Errorf("the shims' init reports %+v after containerd's restart, before %+v: want the same shim, running", again, shim)
		}
		t.Logf("containerd (pid %d) killed and restarted; %s still RUNNING with pid %d, its shim (init id %d) kept", p.pid, id, after.pid, shim.id)
		x := startExec(ns, id, "after-restart", "echo", "re-adopted")
		x.returnsWhileRunning(t, 30*time.Second)
		ctr(t, ns, "task", "kill", id)
		waitTask(t, ns, id, "STOPPED")
		if got := removeTask(t, ns, id); got != 143 {
			t.Errorf("task rm after kill: exit status %d, want 143", got)
		}
		if r := x.wait(t, 2*time.Minute); r.code != 0 || r.stdout != "re-adopted\n" {
			t.Errorf("exec after the restart\n%s", r)
		}
		ctr(t, ns, "container", "rm", id)
	})

	t.Run("exit-while-down", func(t *testing.T) {
		const id = "e2e-short"
		ctr(t, ns, "run", "-d", toolboxRef, id, "sh", "-c", "sleep 3; exit 7")
		waitTask(t, ns, id, "RUNNING")
		bundle := filepath.Join(stackDir, "run", "io.containerd.runtime.v2.task", ns, id)
		killContainerd(t)
		// The containers' init reports the container's end while containerd is down.
		waitExited(t, runc, id, 7, time.Minute)
		restartContainerd(t)
		ls := ctr(t, ns, "task", "ls")
		t.Logf("task ls after the restart:\n%s", strings.TrimSpace(ls))
		if ti, ok := taskList(t, ns)[id]; ok {
			t.Errorf("task ls lists %s as %+v after the restart: want it cleaned up as upstream does", id, ti)
		}
		log, err := os.ReadFile(filepath.Join(stackDir, "init", "init.log"))
		if err != nil {
			t.Fatal(err)
		}
		if want := `msg="cleaning leaked shim process" id=` + id; !bytes.Contains(log, []byte(want)) {
			t.Errorf("containerd's log lacks %q", want)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			var left []string
			if _, err := os.Stat(bundle); err == nil {
				left = append(left, "the bundle "+bundle)
			}
			if _, err := os.Stat(filepath.Join(runc, id)); err == nil {
				left = append(left, "runc's state "+filepath.Join(runc, id))
			}
			for _, d := range []string{shims, runc} {
				for _, c := range initChildren(t, d) {
					if strings.Contains(c.name, id) {
						left = append(left, fmt.Sprintf("%s's child %+v", d, c))
					}
				}
			}
			if len(left) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("30 s after containerd's restart the task's cleanup left %v", left)
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if r := ctrTry(t, ns, "task", "rm", id); r.code == 0 || !strings.Contains(r.stderr, "no running task found") {
			t.Errorf("task rm of the cleaned-up task: want %q\n%s", "no running task found", r)
		}
		ctr(t, ns, "container", "rm", id)
	})
	checkNoContainers(t, ns)
	if out := ctr(t, ns, "version"); !strings.Contains(out, "Version:  2.4.2") {
		t.Errorf("ctr version after the restarts:\n%s", out)
	}
}

// A container that allocates more than its RAM quota: on the model, as on Genode, the child's
// allocation beyond its quota becomes init's resource request ("child requests resources"), which
// nobody answers; the model then ends the child with status 137 (host/libc/model_mem.c). The
// allocation is the toolbox's sh doubling a variable (x=$x$x) until the quota is spent. ctr run
// exits with 137, containerd is unharmed and the next run works.
func TestRAMLimitExceeded(t *testing.T) {
	needStack(t)
	const ns = "e2e-ram"
	importImage(t, ns, "toolbox")
	const id, limit = "e2e-greedy", 32 << 20
	script := "echo allocating; x=0123456789abcdef" + strings.Repeat("; x=$x$x", 30) + "; echo survived"
	r := ctrTry(t, ns, "run", "--rm", "--memory-limit", strconv.Itoa(limit), toolboxRef, id, "sh", "-c", script)
	if r.code != 137 || r.stdout != "allocating\n" {
		t.Errorf("want exit 137 after %q, and no %q\n%s", "allocating\n", "survived", r)
	}
	log, err := os.ReadFile(filepath.Join(stackDir, "run", "runc", "init.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`[` + id + `] [init] child "` + id + `" requests resources: ram_quota=`,
		`[init] child "` + id + `" exited with exit value 137`,
	} {
		if !bytes.Contains(log, []byte(want)) {
			t.Errorf("the containers' init log lacks %q", want)
		}
	}
	if out := ctr(t, ns, "version"); !strings.Contains(out, "Version:  2.4.2") {
		t.Errorf("ctr version after the container's end:\n%s", out)
	}
	if r := ctrTry(t, ns, "run", "--rm", toolboxRef, "e2e-after", "echo", "alive"); r.code != 0 || r.stdout != "alive\n" {
		t.Errorf("a run after the quota's end\n%s", r)
	}
	checkNoContainers(t, ns)
}

// N ctr run --rm cycles (E2E_CYCLES, default 20) leave nothing behind: containerd's open
// descriptors, the stack's host processes, the three inits' children, snapshot directories,
// content blobs, bundles, runc's state directories and the stream and shim socket directories are
// as before (the last two may also be empty).
func TestNoLeaksRunCycles(t *testing.T) {
	needStack(t)
	n := 20
	if s := os.Getenv("E2E_CYCLES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("E2E_CYCLES=%q: want a positive number", s)
		}
	}
	const ns = "e2e-cycles"
	importImage(t, ns, "toolbox")
	cycle := func(i int) {
		t.Helper()
		id := fmt.Sprintf("e2e-cycle-%d", i)
		if r := ctrTry(t, ns, "run", "--rm", toolboxRef, id, "echo", id); r.code != 0 || r.stdout != id+"\n" {
			t.Fatalf("cycle %d\n%s", i, r)
		}
	}
	// One run first: what a first run creates once (the image's snapshot, containerd's
	// connections) is not a leak.
	cycle(0)
	// containerd removes a snapshot's directory in the background (its garbage collection).
	before := stableCounts(t)
	// The init model keeps a directory per child it ever started (NAME.ID, its config) under its
	// run directory; Genode's init has no such files. Logged, not held against containerd.
	runDirs := func() int {
		return len(dirNames(filepath.Join(stackDir, "run", "shims", "children"))) + len(dirNames(filepath.Join(stackDir, "run", "runc", "children")))
	}
	runDirs0 := runDirs()
	start := time.Now()
	for i := 1; i <= n; i++ {
		cycle(i)
	}
	took := time.Since(start)
	// Descriptors and processes may take a moment to go after the last run.
	var after counts
	deadline := time.Now().Add(30 * time.Second)
	for {
		after = stackCounts(t)
		if len(before.diff(after)) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("%d runs in %v (%v each); %s", n, took.Round(time.Second), (took / time.Duration(n)).Round(time.Millisecond), after)
	for _, d := range before.diff(after) {
		t.Errorf("after %d runs: %s", n, d)
	}
	t.Logf("the init model's per-child run directories (shims' and containers' inits): %d before, %d after", runDirs0, runDirs())
	checkNoContainers(t, ns)
}

// ---------- helpers ----------

// importImage imports the archive of image n into namespace ns as genode.local/n:latest.
func importImage(t *testing.T, ns, n string) {
	t.Helper()
	ctr(t, ns, "image", "import", images[n].archive)
}

// A task as ctr task ls lists it.
type taskInfo struct {
	pid    int
	status string
}

// taskList is ctr task ls of namespace ns: id → task.
func taskList(t *testing.T, ns string) map[string]taskInfo {
	t.Helper()
	m := map[string]taskInfo{}
	for _, r := range rows(ctr(t, ns, "task", "ls")) {
		if len(r) < 3 {
			continue
		}
		pid, _ := strconv.Atoi(r[1])
		m[r[0]] = taskInfo{pid: pid, status: r[2]}
	}
	return m
}

// waitTask waits until ctr task ls lists task id with status.
func waitTask(t *testing.T, ns, id, status string) taskInfo {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ti, ok := taskList(t, ns)[id]
		if ok && ti.status == status {
			return ti
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s: %+v (listed: %v), want %s within a minute", id, ti, ok, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkNoContainers: namespace ns has no container and no task left.
func checkNoContainers(t *testing.T, ns string) {
	t.Helper()
	if c := column(ctr(t, ns, "container", "ls"), 0); len(c) > 0 {
		t.Errorf("containers left in %s: %v", ns, c)
	}
	if ts := taskList(t, ns); len(ts) > 0 {
		t.Errorf("tasks left in %s: %v", ns, ts)
	}
}

// metrics is ctr task metrics of task id: name → value.
func metrics(t *testing.T, ns, id string) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	for _, r := range rows(ctr(t, ns, "task", "metrics", id)) {
		if len(r) == 2 {
			if v, err := strconv.ParseInt(r[1], 10, 64); err == nil {
				m[r[0]] = v
			}
		}
	}
	if _, ok := m["memory.usage_limit"]; !ok {
		t.Fatalf("task metrics %s: no memory.usage_limit in %v", id, m)
	}
	return m
}

// restartContainerd has init restart containerd (genode-stack restart-containerd).
func restartContainerd(t *testing.T) {
	t.Helper()
	if out, err := stack("restart-containerd"); err != nil {
		t.Fatalf("genode-stack restart-containerd: %v\n%s", err, out)
	}
}

// A child as an init's state report lists it.
type initChild struct {
	name   string
	id     int
	exited int // -1 while it runs
	ram    int64
}

var (
	childLine = regexp.MustCompile(`^\+ child (\S+)(.*)$`)
	exitedAt  = regexp.MustCompile(`\| exited: (-?\d+)`)
	idAt      = regexp.MustCompile(`\| id: (\d+)`)
	quotaAt   = regexp.MustCompile(`^  \+ ram \|.* quota: (\d+)([KMG]?)`)
)

// initChildren reads the state report of the init in dir (DIR/init, DIR/run/shims, DIR/run/runc).
func initChildren(t *testing.T, dir string) []initChild {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "init.state"))
	if err != nil {
		t.Fatal(err)
	}
	var cs []initChild
	for _, l := range strings.Split(string(data), "\n") {
		if m := childLine.FindStringSubmatch(l); m != nil {
			c := initChild{name: m[1], exited: -1}
			if e := exitedAt.FindStringSubmatch(m[2]); e != nil {
				c.exited, _ = strconv.Atoi(e[1])
			}
			if e := idAt.FindStringSubmatch(m[2]); e != nil {
				c.id, _ = strconv.Atoi(e[1])
			}
			cs = append(cs, c)
		} else if m := quotaAt.FindStringSubmatch(l); m != nil && len(cs) > 0 {
			v, _ := strconv.ParseInt(m[1], 10, 64)
			v <<= map[string]int{"": 0, "K": 10, "M": 20, "G": 30}[m[2]]
			cs[len(cs)-1].ram = v
		}
	}
	return cs
}

// initChildNamed is child name of the init in dir.
func initChildNamed(t *testing.T, dir, name string) initChild {
	t.Helper()
	for _, c := range initChildren(t, dir) {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("%s/init.state has no child %s", dir, name)
	return initChild{}
}

// waitExited waits until the init in dir reports child name exited with status.
func waitExited(t *testing.T, dir, name string, status int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		for _, c := range initChildren(t, dir) {
			if c.name == name && c.exited >= 0 {
				if c.exited != status {
					t.Fatalf("%s: child %s exited with %d, want %d", dir, name, c.exited, status)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: child %s has not exited within %v", dir, name, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// An execRun is a ctr task exec running in the background.
type execRun struct {
	ns, id string
	done   chan ctrResult
	r      *ctrResult
}

// startExec starts ctr task exec --exec-id execID id args... in namespace ns.
func startExec(ns, id, execID string, args ...string) *execRun {
	x := &execRun{ns: ns, id: id, done: make(chan ctrResult, 1)}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		x.done <- runCtr(ctx, ns, append([]string{"task", "exec", "--exec-id", execID, id}, args...)...)
	}()
	return x
}

// returnsWhileRunning: the exec returns within d, while the container runs on. If it does not,
// the error says whether the containers' init reports the exec's process ended.
func (x *execRun) returnsWhileRunning(t *testing.T, d time.Duration) {
	t.Helper()
	start := time.Now()
	select {
	case r := <-x.done:
		x.r = &r
		t.Logf("ctr task exec returned after %v", time.Since(start).Round(time.Millisecond))
		return
	case <-time.After(d):
	}
	var ended []string
	for _, c := range initChildren(t, filepath.Join(stackDir, "run", "runc")) {
		if strings.HasPrefix(c.name, x.id+".exec") && c.exited >= 0 {
			ended = append(ended, fmt.Sprintf("%s exited: %d", c.name, c.exited))
		}
	}
	if len(ended) > 0 {
		t.Errorf("ctr task exec has not returned within %v although the containers' init reports its process ended (%s) while %s runs on: "+
			"the shim publishes the exec's exit only when the container ends (its watch looks the exec up by pid, and genode's runc exec -d writes pid 0)",
			d, strings.Join(ended, ", "), x.id)
	} else {
		t.Errorf("ctr task exec has not returned within %v, and the containers' init reports no ended exec process of %s", d, x.id)
	}
}

// wait is the exec's result once it has returned (within d).
func (x *execRun) wait(t *testing.T, d time.Duration) ctrResult {
	t.Helper()
	if x.r != nil {
		return *x.r
	}
	select {
	case r := <-x.done:
		x.r = &r
		return r
	case <-time.After(d):
		t.Fatalf("ctr task exec in %s has not returned within %v", x.id, d)
	}
	return ctrResult{}
}

// removeTask is ctr task rm of a stopped task; it returns the task's exit status, which ctr
// prints as a warning when it is not 0 (its own exit status is 0).
func removeTask(t *testing.T, ns, id string) int {
	t.Helper()
	r := ctrTry(t, ns, "task", "rm", id)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	m := regexp.MustCompile(`task ` + regexp.QuoteMeta(id) + ` exit with non-zero exit code (\d+)`).FindStringSubmatch(r.stderr)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// ---------- ctr events ----------

// An event as ctr events prints it: "TIMESTAMP NAMESPACE TOPIC JSON".
type event struct {
	ns, topic, line string
	data            map[string]any
}

var eventLine = regexp.MustCompile(`^\S+ \S+ \S+ \S+ (\S+) (/\S+) ?(.*)$`)

func (e event) str(k string) string { s, _ := e.data[k].(string); return s }

// num is field k as a number; protobuf's JSON leaves zero out.
func (e event) num(k string) int { f, _ := e.data[k].(float64); return int(f) }

// containerID is the container an event is about (task events name it container_id).
func (e event) containerID() string {
	if id := e.str("container_id"); id != "" {
		return id
	}
	return e.str("id")
}

// An eventLog is a ctr events running in the background and what it printed.
type eventLog struct {
	ns     string
	cmd    *exec.Cmd
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	events []event
	stderr bytes.Buffer
}

// watchEvents starts ctr events and returns once it sees the events of namespace ns: a label set
// on ns (a /namespaces/update event) has come through.
func watchEvents(t *testing.T, ns string) *eventLog {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &eventLog{ns: ns, cancel: cancel, done: make(chan struct{})}
	l.cmd = ctrCommand(ctx, ns, "events")
	l.cmd.Cancel = func() error { return l.cmd.Process.Signal(syscall.SIGTERM) }
	l.cmd.WaitDelay = 10 * time.Second
	out, err := l.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	l.cmd.Stderr = &lockedWriter{mu: &l.mu, w: &l.stderr}
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go l.read(out)
	t.Cleanup(func() { l.stop(t) })
	deadline := time.Now().Add(time.Minute)
	for i := 0; ; i++ {
		v := fmt.Sprintf("%d", i)
		ctr(t, ns, "namespaces", "label", ns, "e2e-events-sync="+v)
		for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			if l.find(func(e event) bool {
				labels, _ := e.data["labels"].(map[string]any)
				return e.topic == "/namespaces/update" && e.str("name") == ns && labels["e2e-events-sync"] == v
			}) {
				return l
			}
		}
		select {
		case <-l.done:
			t.Fatalf("ctr events ended: %s", l.stderrText())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("ctr events shows no event of namespace %s within a minute: %s", ns, l.stderrText())
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(b)
}

func (l *eventLog) read(r io.Reader) {
	defer close(l.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := eventLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		e := event{ns: m[1], topic: m[2], line: sc.Text()}
		json.Unmarshal([]byte(m[3]), &e.data)
		l.mu.Lock()
		l.events = append(l.events, e)
		l.mu.Unlock()
	}
}

func (l *eventLog) find(f func(event) bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.events, f)
}

// of are the task events of container id in namespace ns, in order.
func (l *eventLog) of(id string) []event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var es []event
	for _, e := range l.events {
		if e.ns == l.ns && strings.HasPrefix(e.topic, "/tasks/") && e.containerID() == id {
			es = append(es, e)
		}
	}
	return es
}

// waitTopics waits until the events of container id include every topic of want (exec
// events aside: those of the container's own process) and returns their topics in order.
func (l *eventLog) waitTopics(t *testing.T, id string, want []string, d time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		var got []string
		for _, e := range l.of(id) {
			if strings.HasPrefix(e.topic, "/tasks/exec-") || e.topic == "/tasks/exit" && e.str("id") != "" && e.str("id") != id {
				continue
			}
			got = append(got, e.topic)
		}
		missing := slices.ContainsFunc(want, func(w string) bool { return !slices.Contains(got, w) })
		if !missing || time.Now().After(deadline) {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (l *eventLog) dump(id string) string {
	var b strings.Builder
	for _, e := range l.of(id) {
		b.WriteString(e.line + "\n")
	}
	return fmt.Sprintf("ctr events of %s:\n%sstderr: %s", id, b.String(), l.stderrText())
}

func (l *eventLog) stderrText() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.TrimSpace(tail(l.stderr.String(), 5))
}

// stop ends ctr events (SIGTERM, which the launcher passes on to the component).
func (l *eventLog) stop(t *testing.T) {
	l.cancel()
	l.cmd.Wait()
}

// ---------- what a stack holds ----------

// counts are what TestNoLeaksRunCycles compares: for each kind, the names found.
type counts struct {
	kinds map[string][]string
}

func (c counts) String() string {
	var parts []string
	for _, k := range countKinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, len(c.kinds[k])))
	}
	return strings.Join(parts, ", ")
}

var countKinds = []string{"containerd fds", "stack processes", "init children", "snapshot dirs", "content blobs",
	"bundles", "runc state dirs", "fifo entries", "shim sockets"}

// diff says how after differs from c; the stream and socket directories may also have emptied.
func (c counts) diff(after counts) []string {
	var d []string
	for _, k := range countKinds {
		b, a := c.kinds[k], after.kinds[k]
		if len(b) == len(a) || (k == "fifo entries" || k == "shim sockets") && len(a) == 0 {
			continue
		}
		var added []string
		for _, x := range a {
			if !slices.Contains(b, x) {
				added = append(added, x)
			}
		}
		d = append(d, fmt.Sprintf("%s: %d before, %d after; new: %v", k, len(b), len(a), added))
	}
	return d
}

// stableCounts are the stack's counts once two looks a second apart agree (30 s at most).
func stableCounts(t *testing.T) counts {
	t.Helper()
	c := stackCounts(t)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		time.Sleep(time.Second)
		next := stackCounts(t)
		if len(c.diff(next)) == 0 && len(next.diff(c)) == 0 {
			return next
		}
		c = next
	}
	return c
}

func stackCounts(t *testing.T) counts {
	t.Helper()
	c := counts{kinds: map[string][]string{}}
	p := containerdProcess(t)
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p.pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fds {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", p.pid, f.Name()))
		if target == "anon_inode:[eventfd]" {
			// the model's wake-up of a thread asleep in the host's
			// poll, made at the thread's first poll (Genode's libc has
			// no eventfd): not containerd's
			continue
		}
		c.kinds["containerd fds"] = append(c.kinds["containerd fds"], f.Name()+"→"+target)
	}
	for _, q := range processesWith(stackDir) {
		c.kinds["stack processes"] = append(c.kinds["stack processes"], q.String())
	}
	for _, d := range []string{filepath.Join(stackDir, "init"), filepath.Join(stackDir, "run", "shims"), filepath.Join(stackDir, "run", "runc")} {
		for _, ch := range initChildren(t, d) {
			c.kinds["init children"] = append(c.kinds["init children"], filepath.Base(d)+":"+ch.name)
		}
	}
	c.kinds["snapshot dirs"] = snapshotDirs(t)
	c.kinds["content blobs"] = dirNames(filepath.Join(stackDir, "root", "io.containerd.content.v1.content", "blobs", "sha256"))
	tasks := filepath.Join(stackDir, "run", "io.containerd.runtime.v2.task")
	for _, ns := range dirNames(tasks) {
		for _, b := range dirNames(filepath.Join(tasks, ns)) {
			c.kinds["bundles"] = append(c.kinds["bundles"], ns+"/"+b)
		}
	}
	for _, n := range dirNames(filepath.Join(stackDir, "run", "runc")) {
		if n != "children" && !strings.HasPrefix(n, "init.") {
			c.kinds["runc state dirs"] = append(c.kinds["runc state dirs"], n)
		}
	}
	c.kinds["fifo entries"] = dirNames(filepath.Join(stackDir, "fifo"))
	c.kinds["shim sockets"] = dirNames(filepath.Join(stackDir, "s"))
	return c
}

// onTerminal runs ctr with args on a new pseudo-terminal of rows x cols, its controlling
// terminal; once the output says "ready" it types "hello" and a return. It returns what the
// terminal showed and ctr's exit code.
func onTerminal(t *testing.T, rows, cols uint16, ns string, args ...string) (string, int) {
	t.Helper()
	master, slave, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal on this host: %v", err)
	}
	defer master.Close()
	ws := [4]uint16{rows, cols}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); e != 0 {
		t.Fatalf("setting the terminal's size: %v", e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := ctrCommand(ctx, ns, args...)
	c.Stdin, c.Stdout, c.Stderr = slave, slave, slave
	c.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	var seen strings.Builder
	buf := make([]byte, 4096)
	sent := false
	for {
		n, err := master.Read(buf)
		seen.Write(buf[:n])
		if !sent && strings.Contains(seen.String(), "ready") {
			// a return, as a terminal in raw mode sends it
			master.Write([]byte("hello\r"))
			sent = true
		}
		if err != nil {
			break
		}
	}
	c.Wait()
	return seen.String(), c.ProcessState.ExitCode()
}
