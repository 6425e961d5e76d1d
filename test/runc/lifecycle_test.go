package runc

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func contains(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s lacks %q:\n%s", what, sub, s)
		}
	}
}

// gone checks that nothing of container id is left: no state directory, no
// child in init's config, not in `runc list`.
func gone(t *testing.T, r *Root, id string) {
	t.Helper()
	if _, err := os.Lstat(filepath.Join(r.Dir, id)); err == nil {
		t.Errorf("%s: state directory %s left behind", id, filepath.Join(r.Dir, id))
	}
	for _, c := range r.Children() {
		if c == id || strings.HasPrefix(c, id+".exec") {
			t.Errorf("%s: child %s left in init's config:\n%s", id, c, r.InitConfig())
		}
	}
	if res := r.Runc("list", "-q"); res.Code == 0 && slices.Contains(strings.Fields(res.Stdout), id) {
		t.Errorf("%s: still listed:\n%s", id, res.Stdout)
	}
}

// TestSpec: `runc spec` writes a starter that genode's runc takes; as it
// is (a terminal, "sh") it is refused for want of a named terminal, and
// adapted to the probe it runs.
func TestSpec(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t)
	os.Remove(filepath.Join(b.Dir, "config.json"))
	res := r.RuncWith(Opts{Dir: b.Dir}, "spec")
	if res.Code != 0 {
		t.Fatal(res)
	}
	data, err := os.ReadFile(filepath.Join(b.Dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatalf("config.json: %v\n%s", err, data)
	}
	if v, _ := spec["ociVersion"].(string); !strings.HasPrefix(v, "1.") {
		t.Errorf("ociVersion %q", v)
	}
	if p, _ := spec.Object("root")["path"].(string); p != "rootfs" {
		t.Errorf("root.path %q, want rootfs", p)
	}
	for _, f := range []string{"hostname", "domainname"} {
		if _, ok := spec[f]; ok {
			t.Errorf("the starter has %s, which genode's runc refuses", f)
		}
	}
	if res := r.RuncWith(Opts{Dir: b.Dir}, "spec"); res.Code == 0 || !strings.Contains(res.Errors(), "exists") {
		t.Errorf("a second spec did not refuse to overwrite config.json: %v", res)
	}
	other := t.TempDir()
	if res := r.Runc("spec", "--bundle", other); res.Code != 0 {
		t.Errorf("spec --bundle: %v", res)
	} else if _, err := os.Stat(filepath.Join(other, "config.json")); err != nil {
		t.Errorf("spec --bundle %s: %v", other, err)
	}

	t.Run("as written", func(t *testing.T) {
		// a terminal, and no terminal named (stdin is not a tty here)
		res := r.RuncWith(Opts{Dir: b.Dir}, "run", "starter")
		if res.Code == 0 || !strings.Contains(res.Errors(), "RUNC_GENODE_TERMINAL") {
			t.Errorf("the starter ran without a terminal, or the refusal does not name RUNC_GENODE_TERMINAL: %v", res)
		}
		gone(t, r, "starter")
	})

	spec.Process()["terminal"] = false
	spec.SetArgs("print", "hello from the spec", "exit", "4")
	b.Spec = spec
	b.Write()
	res = r.RuncWith(Opts{Dir: b.Dir}, "run", "fromspec")
	t.Run("exit status", func(t *testing.T) {
		if res.Code != 4 {
			t.Errorf("exit %d, want 4 (the container's)\n%v\ninit's log:\n%s", res.Code, res, r.InitLog())
		}
	})
	t.Run("stdout", func(t *testing.T) {
		if res.Stdout != "hello from the spec\n" {
			t.Errorf("stdout %q, want the container's %q\ninit's log:\n%s", res.Stdout, "hello from the spec\n", r.InitLog())
		}
	})
	gone(t, r, "fromspec")
}

// TestRunForeground: `runc run` returns the container's exit status, and
// the container's stdout and stderr reach runc's, whether they are pipes
// (copied by runc from the state directory) or files (which the container
// writes itself). Stdin is the caller's only when it is a terminal.
func TestRunForeground(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t)
	for _, code := range []int{0, 3, 42} {
		b.Spec.SetArgs("exit", strconv.Itoa(code))
		b.Write()
		res := r.Runc("run", "--bundle", b.Dir, "fg"+strconv.Itoa(code))
		if res.Code != code {
			t.Errorf("container exiting with %d: runc run exited with %d\n%v", code, res.Code, res)
		}
		gone(t, r, "fg"+strconv.Itoa(code))
	}

	b.Spec.SetArgs("print", "to stdout", "eprint", "to stderr", "args", "env", "FOO", "cwd", "exit", "5")
	b.Spec.Process()["env"] = []any{"PATH=/bin", "FOO=bar baz"}
	b.Spec.Process()["cwd"] = "/bin"
	b.Write()
	wantOut := "to stdout\nargs=[\"probe\",\"print\",\"to stdout\",\"eprint\",\"to stderr\",\"args\",\"env\",\"FOO\",\"cwd\",\"exit\",\"5\"]\nFOO=bar baz\ncwd=/bin\n"

	t.Run("pipes", func(t *testing.T) {
		res := r.Runc("run", "--bundle", b.Dir, "pipes")
		if res.Code != 5 {
			t.Errorf("exit %d, want 5", res.Code)
		}
		if res.Stdout != wantOut {
			t.Errorf("stdout %q\nwant   %q\ninit's log:\n%s", res.Stdout, wantOut, r.InitLog())
		}
		if !strings.Contains(res.Stderr, "to stderr\n") {
			t.Errorf("stderr %q lacks the container's %q", res.Stderr, "to stderr\n")
		}
		gone(t, r, "pipes")
	})

	t.Run("files", func(t *testing.T) {
		dir := t.TempDir()
		out, err := os.Create(filepath.Join(dir, "out"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		errf, err := os.Create(filepath.Join(dir, "err"))
		if err != nil {
			t.Fatal(err)
		}
		defer errf.Close()
		res := r.RuncWith(Opts{Stdout: out, Stderr: errf}, "run", "--bundle", b.Dir, "files")
		if res.Code != 5 {
			t.Errorf("exit %d, want 5", res.Code)
		}
		gotOut, _ := os.ReadFile(out.Name())
		gotErr, _ := os.ReadFile(errf.Name())
		if string(gotOut) != wantOut {
			t.Errorf("stdout file %q\nwant        %q\ninit's log:\n%s", gotOut, wantOut, r.InitLog())
		}
		if !strings.Contains(string(gotErr), "to stderr\n") {
			t.Errorf("stderr file %q lacks %q", gotErr, "to stderr\n")
		}
		gone(t, r, "files")
	})

	t.Run("stdin not a terminal", func(t *testing.T) {
		// A Terminal session has no end of file, so only a terminal is
		// passed as the container's stdin; a file leaves it /dev/null,
		// which the container reads to its end at once.
		in := filepath.Join(t.TempDir(), "in")
		if err := os.WriteFile(in, []byte("line one\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		b.Spec.SetArgs("cat", "print", "end")
		b.Write()
		res := r.RuncWith(Opts{Stdin: f, Timeout: 10 * time.Second}, "run", "--bundle", b.Dir, "stdin")
		if res.Code != 0 || res.Stdout != "end\n" {
			t.Errorf("a container reading stdin (a file, not passed): %v\ninit's log:\n%s", res, r.InitLog())
		}
		r.Runc("delete", "--force", "stdin") // after a timeout
	})

	t.Run("keep", func(t *testing.T) {
		b.Spec.SetArgs("exit", "6")
		b.Write()
		res := r.Runc("run", "--keep", "--bundle", b.Dir, "kept")
		if res.Code != 6 {
			t.Fatalf("exit %d, want 6\n%v", res.Code, res)
		}
		if st := r.State("kept"); st.Status != "stopped" {
			t.Errorf("run --keep: status %q, want stopped", st.Status)
		}
		r.MustRunc("delete", "kept")
		gone(t, r, "kept")
	})
}

// TestRunDetach: `runc run --detach` returns while the container runs; the
// pid file holds the pid `runc state` reports.
func TestRunDetach(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")
	pidFile := filepath.Join(t.TempDir(), "pid")
	res := r.Runc("run", "--detach", "--pid-file", pidFile, "--bundle", b.Dir, "bg")
	if res.Code != 0 {
		t.Fatalf("%v\ninit's log:\n%s", res, r.InitLog())
	}
	if res.Took > 10*time.Second {
		t.Errorf("run --detach took %v", res.Took)
	}
	st := r.State("bg")
	if st.Status != "running" || st.Pid <= 0 {
		t.Errorf("after run --detach: status %q pid %d, want running with a pid", st.Status, st.Pid)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	if strings.TrimSpace(string(data)) != strconv.Itoa(st.Pid) {
		t.Errorf("pid file %q, state's pid %d", data, st.Pid)
	}
	if !slices.Contains(r.Children(), "bg") {
		t.Errorf("bg is not a child in init's config:\n%s", r.InitConfig())
	}
	// still running a moment later: run --detach did not take it along
	time.Sleep(300 * time.Millisecond)
	if st := r.State("bg"); st.Status != "running" {
		t.Errorf("status %q after run --detach returned", st.Status)
	}
	r.MustRunc("kill", "bg", "KILL")
	r.MustRunc("delete", "bg")
	gone(t, r, "bg")
}

// TestLifecycle: create → created (every field of runc's state JSON), start
// → running, the process's exit → stopped, delete → gone.
func TestLifecycle(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "sleep", "1500", "exit", "0")
	b.Spec["annotations"] = map[string]any{"org.example.k": "v", "org.example.empty": ""}
	b.Write()
	before := time.Now().Add(-time.Second)
	r.MustRunc("create", "--bundle", b.Dir, "life")

	res := r.MustRunc("state", "life")
	var raw map[string]any
	if err := json.Unmarshal([]byte(res.Stdout), &raw); err != nil {
		t.Fatalf("state: %v\n%s", err, res.Stdout)
	}
	for _, f := range []string{"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "annotations"} {
		if _, ok := raw[f]; !ok {
			t.Errorf("state JSON lacks %q:\n%s", f, res.Stdout)
		}
	}
	st := r.State("life")
	if st.OCIVersion != "1.3.0" || st.ID != "life" || st.Status != "created" || st.Bundle != b.Dir ||
		st.Rootfs != b.Rootfs || st.Pid != 0 {
		t.Errorf("state after create: %+v", st)
	}
	if st.Created.Before(before) || st.Created.After(time.Now().Add(time.Second)) {
		t.Errorf("created %v is not the time of the create", st.Created)
	}
	if st.Annotations["org.example.k"] != "v" || len(st.Annotations) != 2 {
		t.Errorf("annotations %v, want the bundle's", st.Annotations)
	}
	if slices.Contains(r.Children(), "life") {
		t.Errorf("a created container is already init's child:\n%s", r.InitConfig())
	}

	r.MustRunc("start", "life")
	st = r.State("life")
	if st.Status != "running" || st.Pid <= 0 {
		t.Errorf("after start: status %q pid %d", st.Status, st.Pid)
	}
	if res := r.Runc("start", "life"); res.Code == 0 {
		t.Errorf("a second start succeeded: %v", res)
	}
	st = r.WaitStatus("life", "stopped", 15*time.Second)
	if st.Pid != 0 {
		t.Errorf("stopped container with pid %d", st.Pid)
	}
	if res := r.Runc("start", "life"); res.Code == 0 {
		t.Errorf("start of a stopped container succeeded: %v", res)
	}
	r.MustRunc("delete", "life")
	gone(t, r, "life")
	if res := r.Runc("state", "life"); res.Code == 0 || !strings.Contains(res.Errors(), "does not exist") {
		t.Errorf("state of a deleted container: %v", res)
	}
	if res := r.Runc("start", "nosuch"); res.Code == 0 {
		t.Errorf("start of a container never created succeeded: %v", res)
	}
}

// TestList: the table and the JSON of `runc list`, and -q.
func TestList(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")
	if res := r.MustRunc("list"); !slices.Equal(strings.Fields(res.Stdout), []string{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}) {
		t.Errorf("list of an empty root:\n%q", res.Stdout)
	}
	r.MustRunc("create", "--bundle", b.Dir, "l-created")
	r.MustRunc("run", "-d", "--bundle", b.Dir, "l-running")
	running := r.State("l-running")

	res := r.MustRunc("list")
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("list table:\n%s", res.Stdout)
	}
	contains(t, "list header", lines[0], "PID", "STATUS", "BUNDLE", "CREATED", "OWNER")
	rows := map[string][]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		rows[f[0]] = f
	}
	if f := rows["l-created"]; len(f) < 5 || f[1] != "0" || f[2] != "created" || f[3] != b.Dir {
		t.Errorf("row of l-created: %q", f)
	}
	if f := rows["l-running"]; len(f) < 5 || f[1] != strconv.Itoa(running.Pid) || f[2] != "running" || f[3] != b.Dir {
		t.Errorf("row of l-running: %q (pid %d)", f, running.Pid)
	}

	res = r.MustRunc("list", "--format", "json")
	var l []State
	if err := json.Unmarshal([]byte(res.Stdout), &l); err != nil {
		t.Fatalf("list --format json: %v\n%s", err, res.Stdout)
	}
	got := map[string]State{}
	for _, s := range l {
		got[s.ID] = s
	}
	if len(l) != 2 || got["l-created"].Status != "created" || got["l-running"].Status != "running" ||
		got["l-running"].Pid != running.Pid || got["l-created"].Bundle != b.Dir {
		t.Errorf("list --format json: %s", res.Stdout)
	}

	res = r.MustRunc("list", "-q")
	ids := strings.Fields(res.Stdout)
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"l-created", "l-running"}) {
		t.Errorf("list -q: %q", res.Stdout)
	}
	r.MustRunc("delete", "--force", "l-running")
	r.MustRunc("delete", "l-created")
	gone(t, r, "l-running")
	gone(t, r, "l-created")
}

// TestPs: `runc ps` lists the container's children (its process and exec
// processes) with init's ids.
func TestPs(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")
	r.MustRunc("create", "--bundle", b.Dir, "p")
	if res := r.MustRunc("ps", "--format", "json", "p"); strings.TrimSpace(res.Stdout) != "[]" {
		t.Errorf("ps of a created container: %q, want []", res.Stdout)
	}
	r.MustRunc("start", "p")
	pid := r.State("p").Pid

	res := r.MustRunc("ps", "p")
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "PID") {
		t.Fatalf("ps table:\n%s", res.Stdout)
	}
	if f := strings.Fields(lines[1]); f[0] != strconv.Itoa(pid) || f[1] != "p" || f[2] != "/bin/probe" {
		t.Errorf("ps row %q, want pid %d, name p, binary /bin/probe", lines[1], pid)
	}
	var ids []int
	res = r.MustRunc("ps", "--format", "json", "p")
	if err := json.Unmarshal([]byte(res.Stdout), &ids); err != nil || !slices.Equal(ids, []int{pid}) {
		t.Errorf("ps --format json: %q, want [%d]", res.Stdout, pid)
	}

	// in the bundle: runc exec changes to it (see TestExec)
	// exec --detach returns once init has the child; its pid file holds the pid ps lists
	execPid := filepath.Join(t.TempDir(), "exec.pid")
	r.MustRuncIn(b.Dir, "exec", "--detach", "--pid-file", execPid, "p", "probe", "forever")
	res = r.MustRunc("ps", "--format", "json", "p")
	ids = nil
	if err := json.Unmarshal([]byte(res.Stdout), &ids); err != nil || len(ids) != 2 || ids[0] != pid || ids[1] == pid {
		t.Errorf("ps --format json with an exec process: %q", res.Stdout)
	} else if data, err := os.ReadFile(execPid); err != nil || strings.TrimSpace(string(data)) != strconv.Itoa(ids[1]) {
		t.Errorf("exec --detach --pid-file: %q (%v), want the exec's pid %d", data, err, ids[1])
	}
	res = r.MustRunc("ps", "p")
	if n := len(strings.Split(strings.TrimSpace(res.Stdout), "\n")); n != 3 {
		t.Errorf("ps table with an exec process has %d lines:\n%s", n, res.Stdout)
	}
	if res := r.Runc("ps", "p", "-ef"); res.Code == 0 || !strings.Contains(res.Errors(), "Genode") {
		t.Errorf("ps options were not refused with the reason: %v", res)
	}
	r.MustRunc("delete", "-f", "p")
	gone(t, r, "p")
}

// TestKill: KILL and TERM end the container with 137 and 143 as a shell
// reports it; signal 0 asks; other signals are refused naming Genode, and
// leave the container running.
func TestKill(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")
	for _, c := range []struct {
		sig  string
		code int
	}{{"KILL", 137}, {"TERM", 143}, {"9", 137}, {"SIGTERM", 143}} {
		id := "k-" + strings.ToLower(c.sig)
		cmd := r.Command("run", "--bundle", b.Dir, id)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if !within(15*time.Second, func() bool {
			res := r.Runc("state", id)
			return res.Code == 0 && strings.Contains(res.Stdout, `"running"`)
		}) {
			t.Fatalf("%s never ran\n%s", id, r.InitLog())
		}
		r.MustRunc("kill", id, c.sig)
		err := cmd.Wait()
		code := cmd.ProcessState.ExitCode()
		if code != c.code {
			t.Errorf("kill %s: runc run exited with %d (%v), want %d\nstderr: %s", c.sig, code, err, c.code, stderr.String())
		}
		gone(t, r, id)
	}

	r.MustRunc("run", "-d", "--bundle", b.Dir, "k")
	r.MustRunc("kill", "k", "0")
	for _, sig := range []string{"HUP", "USR1", "INT"} {
		res := r.Runc("kill", "k", sig)
		if res.Code == 0 || !strings.Contains(res.Errors(), "Genode") {
			t.Errorf("kill %s was not refused naming Genode: %v", sig, res)
		}
	}
	if st := r.State("k"); st.Status != "running" {
		t.Errorf("after refused signals: status %q", st.Status)
	}
	r.MustRunc("kill", "k") // TERM by default
	if st := r.State("k"); st.Status != "stopped" {
		t.Errorf("after kill (TERM): status %q", st.Status)
	}
	if slices.Contains(r.Children(), "k") {
		t.Errorf("a killed container is still init's child:\n%s", r.InitConfig())
	}
	if res := r.Runc("kill", "k", "KILL"); res.Code == 0 || !strings.Contains(res.Errors(), "not running") {
		t.Errorf("kill of a stopped container: %v", res)
	}
	r.MustRunc("delete", "k")
	gone(t, r, "k")
}

// TestDelete: a running container is deleted only with --force.
func TestDelete(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")
	r.MustRunc("run", "-d", "--bundle", b.Dir, "d")
	res := r.Runc("delete", "d")
	if res.Code == 0 || !strings.Contains(res.Errors(), "running") {
		t.Errorf("delete of a running container: %v", res)
	}
	if st := r.State("d"); st.Status != "running" {
		t.Errorf("after a refused delete: %q", st.Status)
	}
	r.MustRunc("delete", "--force", "d")
	gone(t, r, "d")
	if res := r.Runc("delete", "d"); res.Code == 0 || !strings.Contains(res.Errors(), "does not exist") {
		t.Errorf("delete of a deleted container: %v", res)
	}
	r.MustRunc("delete", "--force", "d") // runc: --force of a missing container is no error

	r.MustRunc("create", "--bundle", b.Dir, "d2")
	r.MustRunc("delete", "d2") // created: not running
	gone(t, r, "d2")
}

// TestExec: `runc exec` runs another process in the container's view: it
// sees what the container wrote, in the rootfs and in a bind mount, and
// returns its own exit status; it leaves no child behind.
func TestExec(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t)
	data := b.MkDir("data")
	b.Spec.Object("root")["readonly"] = false
	b.Spec.AddMount("/data", "bind", data, "rbind", "rw")
	b.Spec.SetArgs("write", "/data/from-init", "bind", "write", "/from-init", "rootfs", "forever")
	b.Write()
	r.MustRunc("run", "-d", "--bundle", b.Dir, "e")
	if !within(10*time.Second, func() bool {
		_, err := os.Stat(filepath.Join(b.Rootfs, "from-init"))
		return err == nil
	}) {
		t.Fatalf("the container did not write its files\n%s", r.InitLog())
	}

	// upstream runc exec changes to the bundle directory, so it runs in the
	// bundle here; "from elsewhere" below checks that it needs not
	res := r.RuncIn(b.Dir, "exec", "e", "probe", "read", "/data/from-init", "read", "/from-init", "exit", "7")
	if res.Code != 7 {
		t.Errorf("exec reading the container's files: exit %d, want 7 (99: a file was missing)\n%v\n%s", res.Code, res, r.InitLog())
	}
	t.Run("stdout", func(t *testing.T) {
		if want := "read /data/from-init:\nbind\nread /from-init:\nrootfs\n"; res.Stdout != want {
			t.Errorf("exec stdout %q, want %q\ninit's log:\n%s", res.Stdout, want, r.InitLog())
		}
	})
	t.Run("from elsewhere", func(t *testing.T) {
		// the host command puts the directories runc needs into its view;
		// exec needs the container's bundle, which it is not told
		if res := r.RuncIn(t.TempDir(), "exec", "e", "probe", "exit", "8"); res.Code != 8 {
			t.Errorf("exec from a directory other than the bundle: exit %d, want 8\n%v", res.Code, res)
		}
	})
	if res := r.RuncIn(b.Dir, "exec", "e", "probe", "read", "/nonexistent"); res.Code != 99 {
		t.Errorf("exec of a failing process: exit %d, want 99\n%v", res.Code, res)
	}
	res = r.RuncIn(b.Dir, "exec", "--env", "X=1", "--cwd", "/data", "e", "probe", "write", "from-exec", "x", "env", "X", "cwd")
	if res.Code != 0 {
		t.Errorf("exec --env --cwd: %v", res)
	}
	if got, _ := os.ReadFile(filepath.Join(data, "from-exec")); string(got) != "x\n" {
		t.Errorf("exec --cwd /data: a relative write landed elsewhere (/data/from-exec = %q)", got)
	}
	t.Run("env and cwd", func(t *testing.T) {
		if !strings.Contains(res.Stdout, "X=1\ncwd=/data\n") {
			t.Errorf("exec --env X=1 --cwd /data printed %q\ninit's log:\n%s", res.Stdout, r.InitLog())
		}
	})

	proc := map[string]any{"args": []any{"probe", "exit", "12"}, "cwd": "/", "env": []any{"PATH=/bin"}}
	pj, _ := json.Marshal(proc)
	pf := filepath.Join(t.TempDir(), "process.json")
	os.WriteFile(pf, pj, 0o644)
	if res := r.RuncIn(b.Dir, "exec", "--process", pf, "e"); res.Code != 12 {
		t.Errorf("exec --process: exit %d, want 12\n%v", res.Code, res)
	}
	for _, c := range r.Children() {
		if strings.HasPrefix(c, "e.exec") {
			t.Errorf("exec child %s left in init's config after it ended", c)
		}
	}
	var ids []int
	if ps := r.MustRunc("ps", "--format", "json", "e"); json.Unmarshal([]byte(ps.Stdout), &ids) != nil || len(ids) != 1 {
		t.Errorf("ps after the execs ended: %s, want the container's process alone", ps.Stdout)
	}

	r.MustRunc("kill", "e", "KILL")
	if res := r.RuncIn(b.Dir, "exec", "e", "probe", "exit", "0"); res.Code == 0 || !strings.Contains(res.Errors(), "stopped") {
		t.Errorf("exec in a stopped container: %v", res)
	}
	r.MustRunc("delete", "e")
	gone(t, r, "e")
}

// TestGoProgram: an ordinary Go program in a container, one that opens a
// file by name and sleeps with time.Sleep (both start the runtime's
// netpoller, whose wake-up pipe needs a pipe file system in the view).
func TestGoProgram(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t)
	data := b.MkDir("data")
	b.Spec.AddMount("/data", "bind", data, "rbind", "rw")
	b.Spec.SetArgs("gosleep", "10", "gowrite", "/data/out", "written", "exit", "3")
	b.Write()
	res := r.Runc("run", "--bundle", b.Dir, "goprog")
	if res.Code != 3 {
		t.Errorf("a Go program using time.Sleep and os.WriteFile: exit %d, want 3\n%v\ninit's log:\n%s", res.Code, res, r.InitLog())
	}
	if got, _ := os.ReadFile(filepath.Join(data, "out")); string(got) != "written\n" {
		t.Errorf("its file holds %q", got)
	}
}

// TestBindMounts: bind mounts give the container a host directory, rw or
// ro, wherever the directory is.
func TestBindMounts(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t)
	rw, ro := b.MkDir("rw"), b.MkDir("ro")
	os.WriteFile(filepath.Join(ro, "given"), []byte("from the host\n"), 0o644)
	b.Spec.AddMount("/rw", "bind", rw, "rbind", "rw")
	b.Spec.AddMount("/ro", "bind", ro, "rbind", "ro")
	b.Spec.SetArgs("read", "/ro/given", "write", "/rw/made", "by the container", "write", "/ro/given", "overwritten")
	b.Write()
	res := r.Runc("run", "--bundle", b.Dir, "bm")
	if res.Code != 99 || !strings.Contains(res.Stdout, "from the host") {
		t.Errorf("read ro, write rw, then write ro: exit %d (want 99: the ro write refused)\n%v\n%s", res.Code, res, r.InitLog())
	}
	if got, _ := os.ReadFile(filepath.Join(rw, "made")); string(got) != "by the container\n" {
		t.Errorf("the rw mount's file holds %q", got)
	}
	if got, _ := os.ReadFile(filepath.Join(ro, "given")); string(got) != "from the host\n" {
		t.Errorf("the ro mount's file was changed to %q", got)
	}

	t.Run("source outside the bundle", func(t *testing.T) {
		// docker run -v: the source is anywhere on the host; the host
		// command has to put it into runc's view
		src := t.TempDir()
		b.Spec = DefaultSpec("write", "/data/x", "outside", "exit", "0")
		b.Spec.AddMount("/data", "bind", src, "rbind", "rw")
		b.Write()
		res := r.RuncIn(t.TempDir(), "run", "--bundle", b.Dir, "bm-out")
		if res.Code != 0 {
			t.Errorf("a bind mount from outside the bundle: %v", res)
		}
		if got, _ := os.ReadFile(filepath.Join(src, "x")); string(got) != "outside\n" {
			t.Errorf("the mount's file holds %q", got)
		}
		r.Runc("delete", "-f", "bm-out")
	})
}

// TestStderr: runc's own errors reach its stderr as runc writes them
// (logrus' text lines), not rewritten.
func TestStderr(t *testing.T) {
	r := NewRoot(t)
	res := r.Runc("state", "nosuch")
	if res.Code == 0 {
		t.Fatalf("state of a missing container succeeded")
	}
	if !strings.HasPrefix(res.Stderr, `time="`) || !strings.HasSuffix(res.Stderr, "level=error msg=\"container does not exist\"\n") ||
		strings.Count(res.Stderr, "\n") != 1 {
		t.Errorf("runc's stderr %q, want the one logrus line runc writes", res.Stderr)
	}
	// an invalid id is named in the error: a line longer than a LOG
	// message (511 bytes on Genode)
	b := NewBundle(t, "exit", "0")
	long := strings.Repeat("x", 700)
	res = r.Runc("create", "--bundle", b.Dir, long)
	if res.Code == 0 || strings.Count(res.Stderr, "\n") != 1 || !strings.Contains(res.Stderr, long) {
		t.Errorf("a long error line was split or cut: %q", res.Stderr)
	}
}
