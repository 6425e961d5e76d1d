package runc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestStateAcrossProcesses: every runc command is a process of its own;
// what one creates the next sees, from any working directory, and
// concurrent commands on one root do not lose each other's containers.
func TestStateAcrossProcesses(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")
	r.MustRuncIn(t.TempDir(), "create", "--bundle", b.Dir, "sp")
	if st := r.State("sp"); st.Status != "created" || st.Bundle != b.Dir {
		t.Errorf("a second runc sees %+v", st)
	}
	r.MustRuncIn(t.TempDir(), "start", "sp")
	res := r.MustRuncIn(t.TempDir(), "list", "--format", "json")
	if !strings.Contains(res.Stdout, `"id":"sp"`) || !strings.Contains(res.Stdout, `"status":"running"`) {
		t.Errorf("a third runc lists %s", res.Stdout)
	}
	r.MustRuncIn(t.TempDir(), "delete", "-f", "sp")
	gone(t, r, "sp")

	// four `run -d` at once
	const n = 4
	var wg sync.WaitGroup
	results := make([]Result, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = r.Runc("run", "-d", "--bundle", b.Dir, "par"+strconv.Itoa(i))
		}()
	}
	wg.Wait()
	pids := map[int]string{}
	for i, res := range results {
		id := "par" + strconv.Itoa(i)
		if res.Code != 0 {
			t.Errorf("concurrent %v", res)
			continue
		}
		st := r.State(id)
		if st.Status != "running" {
			t.Errorf("%s: %q", id, st.Status)
		}
		if other, dup := pids[st.Pid]; dup {
			t.Errorf("%s and %s have the same pid %d", id, other, st.Pid)
		}
		pids[st.Pid] = id
		if !slices.Contains(r.Children(), id) {
			t.Errorf("%s is not in init's config:\n%s", id, r.InitConfig())
		}
	}
	for i := range n {
		r.MustRunc("delete", "-f", "par"+strconv.Itoa(i))
	}
}

// TestTwoContainers: two containers of one root run at once, apart: each
// has its own view and exit status, and killing one leaves the other.
func TestTwoContainers(t *testing.T) {
	r := NewRoot(t)
	var b [2]*Bundle
	var data [2]string
	for i := range b {
		b[i] = NewBundle(t)
		data[i] = b[i].MkDir("data")
		b[i].Spec.AddMount("/data", "bind", data[i], "rbind", "rw")
		b[i].Spec.SetArgs("write", "/data/who", "c"+strconv.Itoa(i), "ls", "/data", "forever")
		b[i].Write()
		r.MustRunc("run", "-d", "--bundle", b[i].Dir, "two"+strconv.Itoa(i))
	}
	s0, s1 := r.State("two0"), r.State("two1")
	if s0.Status != "running" || s1.Status != "running" || s0.Pid == s1.Pid {
		t.Errorf("two containers: %+v %+v", s0, s1)
	}
	for i := range data {
		want := "c" + strconv.Itoa(i) + "\n"
		if !within(5*time.Second, func() bool { got, _ := os.ReadFile(filepath.Join(data[i], "who")); return string(got) == want }) {
			got, _ := os.ReadFile(filepath.Join(data[i], "who"))
			t.Errorf("container %d wrote %q into its /data, want %q", i, got, want)
		}
	}
	r.MustRunc("kill", "two0", "KILL")
	if st := r.State("two1"); st.Status != "running" {
		t.Errorf("killing two0 left two1 %q", st.Status)
	}
	if st := r.State("two0"); st.Status != "stopped" {
		t.Errorf("two0 after kill: %q", st.Status)
	}
	r.MustRunc("delete", "two0")
	r.MustRunc("delete", "-f", "two1")

	// two foreground runs at once, each with its own exit status
	var wg sync.WaitGroup
	codes := [2]int{}
	for i := range b {
		b[i].Spec.SetArgs("sleep", "500", "exit", strconv.Itoa(20+i))
		b[i].Write()
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = r.Runc("run", "--bundle", b[i].Dir, "fg"+strconv.Itoa(i)).Code
		}()
	}
	wg.Wait()
	if codes != [2]int{20, 21} {
		t.Errorf("two concurrent runs exited with %v, want [20 21]", codes)
	}
}

// TestInterrupted: what a runc killed mid-command leaves, list and delete
// handle, and a new container of the same id works.
func TestInterrupted(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "forever")

	t.Run("state directory without state.json", func(t *testing.T) {
		// a runc killed in create between making the directory and
		// writing state.json
		r.MustRunc("run", "-d", "--bundle", b.Dir, "other") // a root with an init and a container
		os.MkdirAll(filepath.Join(r.Dir, "half"), 0o711)
		res := r.Runc("list", "-q")
		if res.Code != 0 || strings.Contains(res.Stdout, "half") || !strings.Contains(res.Stdout, "other") {
			t.Errorf("list with a half-created container: %v", res)
		}
		if res := r.Runc("state", "half"); res.Code == 0 {
			t.Errorf("state of a half-created container: %v", res)
		}
		if res := r.Runc("create", "--bundle", b.Dir, "half"); res.Code == 0 || !strings.Contains(res.Errors(), "exists") {
			t.Errorf("create over a half-created container: %v", res)
		}
		if res := r.Runc("delete", "half"); res.Code == 0 {
			t.Errorf("delete without --force of a half-created container succeeded: %v", res)
		}
		r.MustRunc("delete", "--force", "half")
		if _, err := os.Stat(filepath.Join(r.Dir, "half")); err == nil {
			t.Errorf("delete --force left the directory")
		}
		r.MustRunc("run", "-d", "--bundle", b.Dir, "half")
		r.MustRunc("delete", "-f", "half")
		r.MustRunc("delete", "-f", "other")
	})

	t.Run("stale lock", func(t *testing.T) {
		// a runc killed while it held the root's lock on init's config
		lock := filepath.Join(r.Dir, "init.lock")
		os.WriteFile(lock, []byte("99999 0\n"), 0o600)
		old := time.Now().Add(-time.Minute)
		os.Chtimes(lock, old, old)
		res := r.Runc("run", "-d", "--bundle", b.Dir, "locked")
		if res.Code != 0 || res.Took > 5*time.Second {
			t.Errorf("run -d with a stale lock: %v", res)
		}
		r.MustRunc("delete", "-f", "locked")
		if _, err := os.Stat(lock); err == nil {
			t.Errorf("the stale lock is still there")
		}
	})

	t.Run("exec child not recorded", func(t *testing.T) {
		// a runc exec killed between adding its child to init's config
		// and recording it in state.json
		r.MustRunc("run", "-d", "--bundle", b.Dir, "ex")
		r.MustRuncIn(b.Dir, "exec", "-d", "ex", "probe", "forever")
		st := filepath.Join(r.Dir, "ex", "state.json")
		data, err := os.ReadFile(st)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.Unmarshal(data, &m)
		if m["execs"] == nil {
			t.Fatalf("state.json records no exec process: %s", data)
		}
		delete(m, "execs")
		data, _ = json.Marshal(m)
		os.WriteFile(st, data, 0o600)
		r.MustRunc("delete", "-f", "ex")
		gone(t, r, "ex") // no ex.exec1 either
	})

	t.Run("child without state directory", func(t *testing.T) {
		// init's config names a container whose state directory is gone
		r.MustRunc("run", "-d", "--bundle", b.Dir, "orphan")
		// the child may open (and so create again) its stdout file
		// while RemoveAll runs, which then cannot remove the directory
		dir := filepath.Join(r.Dir, "orphan")
		if !within(5*time.Second, func() bool { os.RemoveAll(dir); _, err := os.Lstat(dir); return err != nil }) {
			t.Fatalf("cannot remove %s", dir)
		}
		if res := r.Runc("list", "-q"); res.Code != 0 || strings.Contains(res.Stdout, "orphan") {
			t.Errorf("list: %v", res)
		}
		// the id is free again: a new container of that id replaces the
		// child no command can reach
		r.MustRunc("create", "--bundle", b.Dir, "orphan")
		if st := r.State("orphan"); st.Status != "created" {
			t.Errorf("a new container over the left-over child is %q, not created", st.Status)
		}
		r.MustRunc("start", "orphan")
		r.MustRunc("delete", "-f", "orphan")
		gone(t, r, "orphan")
	})

	t.Run("hosting init killed", func(t *testing.T) {
		// on Genode a child's protection domain is a session of its init:
		// when init goes, its children go
		r2 := NewRoot(t)
		r2.MustRunc("run", "-d", "--bundle", b.Dir, "ik")
		pid := r2.InitPid()
		if pid == 0 {
			t.Fatal("no init")
		}
		syscall.Kill(pid, syscall.SIGKILL)
		var left []int
		within(3*time.Second, func() bool {
			left = nil
			for _, p := range pids() {
				if s, ok := session(p); ok && s == pid && p != pid && alive(p) {
					left = append(left, p)
				}
			}
			return len(left) == 0
		})
		if len(left) > 0 {
			t.Errorf("processes of the killed init's children still run: %v", left)
			for _, p := range left {
				syscall.Kill(p, syscall.SIGKILL)
			}
		}
		r2.Runc("delete", "-f", "ik")
	})

	t.Run("runc run killed", func(t *testing.T) {
		// the container outlives a killed `runc run`, as on Linux
		cmd := r.Command("run", "--bundle", b.Dir, "fgk")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if !within(15*time.Second, func() bool {
			res := r.Runc("state", "fgk")
			return res.Code == 0 && strings.Contains(res.Stdout, `"running"`)
		}) {
			t.Fatalf("fgk never ran\n%s", r.InitLog())
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		time.Sleep(200 * time.Millisecond)
		if st := r.State("fgk"); st.Status != "running" {
			t.Errorf("after its runc run was killed: %q", st.Status)
		}
		r.MustRunc("delete", "-f", "fgk")
		gone(t, r, "fgk")
	})
}

// TestInitLifetime: the host command starts the root's init with the first
// container and stops it with the last.
func TestInitLifetime(t *testing.T) {
	r := NewRoot(t)
	b := NewBundle(t, "exit", "0")
	if pid := r.InitPid(); pid != 0 {
		t.Fatalf("an init runs for a fresh root: %d", pid)
	}
	r.MustRunc("create", "--bundle", b.Dir, "il")
	pid := r.InitPid()
	if pid == 0 {
		t.Fatalf("no init after create")
	}
	r.MustRunc("delete", "il")
	if !within(5*time.Second, func() bool { return !alive(pid) }) {
		t.Errorf("init %d still runs after the root's last container was deleted", pid)
	}
	r.Runc("run", "--bundle", b.Dir, "il2")
	if pid := r.InitPid(); pid != 0 {
		t.Errorf("init %d still runs after a foreground run of the root's only container", pid)
	}
}
