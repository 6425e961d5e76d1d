package docker_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestVersionAndInfo(t *testing.T) {
	needStack(t)
	out := docker(t, "version", "--format", "{{.Server.Os}}/{{.Server.Arch}} {{.Server.APIVersion}} {{.Client.Os}}")
	if f := strings.Fields(out); len(f) != 3 || f[0] != platform || f[1] != "1.57" || f[2] != "genode" {
		t.Errorf("docker version: %q, want the engine on %s with API 1.57, the CLI on genode", out, platform)
	}
	out = docker(t, "info", "--format", "{{.OSType}} {{.Driver}} {{.LoggingDriver}}")
	if strings.TrimSpace(out) != "genode native json-file" {
		t.Errorf("docker info: %q", out)
	}
}

func TestImages(t *testing.T) {
	needStack(t)
	out := docker(t, "pull", ref("toolbox"))
	if !strings.Contains(out, "Status: Downloaded newer image for "+ref("toolbox")) {
		t.Errorf("docker pull:\n%s", out)
	}
	id := inspect(t, "{{.Id}}", ref("toolbox"))
	if !strings.HasPrefix(id, "sha256:") {
		t.Fatalf("image id %q", id)
	}
	if p := inspect(t, "{{.Os}}/{{.Architecture}}", ref("toolbox")); p != platform {
		t.Errorf("image inspect: platform %s", p)
	}
	// by digest: the repo digest inspect gives
	digests := inspect(t, "{{range .RepoDigests}}{{.}} {{end}}", ref("toolbox"))
	byDigest := strings.Fields(digests)
	if len(byDigest) == 0 {
		t.Fatalf("no repo digest: %q", digests)
	}
	docker(t, "pull", byDigest[0])

	docker(t, "tag", ref("toolbox"), "e2e-tool:v1")
	list := docker(t, "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}")
	if !strings.Contains(list, "e2e-tool:v1 "+strings.TrimPrefix(id, "sha256:")[:12]) {
		t.Errorf("docker images after tag:\n%s", list)
	}
	if f := docker(t, "images", "--filter", "reference=e2e-tool", "--format", "{{.Repository}}:{{.Tag}}"); strings.TrimSpace(f) != "e2e-tool:v1" {
		t.Errorf("docker images --filter reference=e2e-tool: %q", f)
	}
	if f := docker(t, "images", "--filter", "dangling=true", "-q"); strings.Contains(f, strings.TrimPrefix(id, "sha256:")[:12]) {
		t.Errorf("docker images --filter dangling=true lists a tagged image: %q", f)
	}
	if out := docker(t, "rmi", "e2e-tool:v1"); !strings.Contains(out, "Untagged: e2e-tool:v1") {
		t.Errorf("docker rmi of a second name: %s", out)
	}
	if inspect(t, "{{.Id}}", ref("toolbox")) != id {
		t.Errorf("the image went with its second name")
	}

	r := try(t, "pull", ref("linux-only"))
	if r.code == 0 || !strings.Contains(r.stderr, platform) {
		t.Errorf("pull of an image without a genode entry: want a refusal naming %s\n%s", platform, r)
	}
	r = try(t, "pull", "--platform", "linux/amd64", ref("mixed"))
	if r.code == 0 || !strings.Contains(r.stderr, "genode binaries") {
		t.Errorf("pull --platform linux/amd64: want a refusal\n%s", r)
	}
	r = try(t, "image", "inspect", "no-such-image")
	if r.code == 0 || !strings.Contains(r.stderr, "No such image") {
		t.Errorf("inspect of a missing image:\n%s", r)
	}
}

func TestRun(t *testing.T) {
	needStack(t)
	r := try(t, "run", "--rm", ref("hello"))
	if r.code != 0 || !strings.Contains(r.stdout, "hello from "+platform) {
		t.Errorf("docker run --rm hello:\n%s", r)
	}
	docker(t, "pull", ref("toolbox")) // so that no pull progress joins the run's stderr
	r = try(t, "run", "--rm", ref("toolbox"), "sh", "-c", "echo out; echo err >&2; exit 3")
	if r.code != 3 || r.stdout != "out\n" || r.stderr != "err\n" {
		t.Errorf("exit status and streams:\n%s", r)
	}
	r = try(t, "run", "--rm", "-e", "E2E=yes", "-w", "/bin", ref("toolbox"), "sh", "-c", "echo $E2E; pwd")
	if r.code != 0 || r.stdout != "yes\n/bin\n" {
		t.Errorf("-e and -w:\n%s", r)
	}
	r = try(t, "run", "--rm", "--entrypoint", "echo", ref("toolbox"), "from", "entrypoint")
	if r.code != 0 || r.stdout != "from entrypoint\n" {
		t.Errorf("--entrypoint:\n%s", r)
	}
	r = try(t, "run", "--rm", ref("toolbox"), "no-such-program")
	if r.code == 0 || !strings.Contains(r.stderr, "no-such-program") {
		t.Errorf("a program the image lacks:\n%s", r)
	}
	if left := docker(t, "ps", "-aq"); left != "" {
		t.Errorf("containers left after --rm: %q", left)
	}
}

// Bind mounts: the shims' view is the stack's run and root directories (the integrator's template).
func TestVolumes(t *testing.T) {
	needStack(t)
	data, err := os.MkdirTemp(filepath.Join(stackDir, "run"), "e2e-vol-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(data)
	if err := os.WriteFile(filepath.Join(data, "f"), []byte("from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := try(t, "run", "--rm", "-v", data+":/data:ro", ref("toolbox"), "sh", "-c", "cat /data/f; echo x > /data/g")
	if r.stdout != "from the host\n" || r.code == 0 {
		t.Errorf("-v :ro: want the file read and the write refused\n%s", r)
	}
	if _, err := os.Stat(filepath.Join(data, "g")); err == nil {
		t.Errorf("a read-only bind mount was written")
	}
	r = try(t, "run", "--rm", "-v", data+":/data", ref("toolbox"), "sh", "-c", "echo written > /data/g")
	if r.code != 0 {
		t.Errorf("-v rw:\n%s", r)
	}
	if b, _ := os.ReadFile(filepath.Join(data, "g")); string(b) != "written\n" {
		t.Errorf("the host sees %q, want what the container wrote", b)
	}
	r = try(t, "run", "--rm", "-v", "named:/data", ref("toolbox"), "true")
	if r.code == 0 || !strings.Contains(r.stderr, "named volumes") {
		t.Errorf("a named volume: want a refusal\n%s", r)
	}
	out := docker(t, "create", "--name", "e2e-mounts", "-v", data+":/data:ro", ref("toolbox"), "true")
	defer docker(t, "rm", strings.TrimSpace(out))
	if m := inspect(t, "{{range .Mounts}}{{.Source}}:{{.Destination}}:{{.RW}}{{end}}", "e2e-mounts"); m != data+":/data:false" {
		t.Errorf("inspect .Mounts: %q", m)
	}
}

func TestDetachedLifecycle(t *testing.T) {
	needStack(t)
	id := strings.TrimSpace(docker(t, "run", "-d", "--name", "e2e-srv", "-m", "64m", ref("toolbox"),
		"sh", "-c", "echo one; echo two; echo three >&2; sleep 600"))
	if len(id) != 64 {
		t.Fatalf("docker run -d printed %q, want the container's ID", id)
	}
	waitStatus(t, "e2e-srv", "running")
	if ps := docker(t, "ps", "-q"); !strings.HasPrefix(id, strings.TrimSpace(ps)) || strings.TrimSpace(ps) == "" {
		t.Errorf("docker ps -q: %q, want %s", ps, id[:12])
	}
	if ps := docker(t, "ps", "--filter", "name=e2e-srv", "--filter", "status=running", "--format", "{{.Names}} {{.State}}"); strings.TrimSpace(ps) != "e2e-srv running" {
		t.Errorf("docker ps with filters: %q", ps)
	}
	if inspect(t, "{{.HostConfig.Memory}}", "e2e-srv") != strconv.Itoa(64<<20) {
		t.Errorf("inspect .HostConfig.Memory")
	}
	// the output may lag the start
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := try(t, "logs", "e2e-srv")
		if r.stdout == "one\ntwo\n" && r.stderr == "three\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("docker logs:\n%s", r)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if r := try(t, "logs", "--tail", "1", "e2e-srv"); !strings.Contains(r.stdout+r.stderr, "two") && !strings.Contains(r.stdout+r.stderr, "three") {
		t.Errorf("docker logs --tail 1:\n%s", r)
	}
	if r := try(t, "logs", "-t", "e2e-srv"); !strings.Contains(r.stdout, "Z one") {
		t.Errorf("docker logs -t: want timestamps\n%s", r)
	}
	st := docker(t, "stats", "--no-stream", "--format", "{{.MemUsage}}", "e2e-srv")
	if !strings.Contains(st, "64MiB") {
		t.Errorf("docker stats: %q, want the limit of 64MiB (the RAM quota)", st)
	}
	r := try(t, "exec", "e2e-srv", "sh", "-c", "echo in exec; exit 4")
	if r.code != 4 || r.stdout != "in exec\n" {
		t.Errorf("docker exec:\n%s", r)
	}
	r = try(t, "exec", "e2e-srv", "no-such-program")
	if r.code != 126 && r.code != 127 {
		t.Errorf("docker exec of a missing program: exit %d, want 126 or 127\n%s", r.code, r)
	}

	docker(t, "stop", "-t", "1", "e2e-srv")
	if s := inspect(t, "{{.State.Status}} {{.State.ExitCode}}", "e2e-srv"); s != "exited 143" {
		t.Errorf("after stop: %s, want exited 143 (TERM)", s)
	}
	docker(t, "start", "e2e-srv")
	waitStatus(t, "e2e-srv", "running")
	docker(t, "restart", "-t", "1", "e2e-srv")
	waitStatus(t, "e2e-srv", "running")
	docker(t, "kill", "e2e-srv")
	if code := strings.TrimSpace(docker(t, "wait", "e2e-srv")); code != "137" {
		t.Errorf("docker wait after kill: %s, want 137", code)
	}
	r = try(t, "kill", "e2e-srv")
	if r.code == 0 || !strings.Contains(r.stderr, "is not running") {
		t.Errorf("kill of a stopped container:\n%s", r)
	}
	docker(t, "start", "e2e-srv")
	waitStatus(t, "e2e-srv", "running")
	r = try(t, "rm", "e2e-srv")
	if r.code == 0 || !strings.Contains(r.stderr, "container is running") {
		t.Errorf("rm of a running container:\n%s", r)
	}
	docker(t, "rm", "-f", "e2e-srv")
	if r := try(t, "inspect", "e2e-srv"); r.code == 0 {
		t.Errorf("the container is still there after rm -f")
	}
}

func TestRefusals(t *testing.T) {
	needStack(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--privileged"}, "--privileged"},
		{[]string{"--cap-add", "NET_ADMIN"}, "--cap-add"},
		{[]string{"--pid", "host"}, "--pid=host"},
		{[]string{"--network", "e2e-net"}, "--network=e2e-net"},
		{[]string{"--network", "host"}, "--network=host"},
		{[]string{"--security-opt", "seccomp=unconfined"}, "--security-opt"},
		{[]string{"--device", "/dev/null"}, "genode"}, // the CLI's own check of the server's OS
		{[]string{"-p", "53:53/udp"}, "-p 53/udp"},
		{[]string{"-p", "10.1.2.3:8080:80"}, "-p 10.1.2.3:8080:80"},
		{[]string{"-p", "50000:80"}, "1 to 49151"},
		{[]string{"--network", "none", "-p", "8080:80"}, "network none"},
		{[]string{"--network", "container:x"}, "--network=container:x"},
		{[]string{"--hostname", "box"}, "--hostname"},
		{[]string{"--restart", "on-failure"}, "--restart=on-failure"},
		{[]string{"--cpus", "1"}, "--cpus"},
		{[]string{"--user", "33"}, "--user=33"},
	} {
		rm := []string{"--rm"}
		if c.args[0] == "--restart" {
			rm = nil // the CLI refuses --rm with --restart itself
		}
		args := append(append(append([]string{"run"}, rm...), c.args...), ref("toolbox"), "true")
		r := try(t, args...)
		if r.code != 125 || !strings.Contains(r.stderr, c.want) || !strings.Contains(r.stderr, "Genode") && !strings.Contains(r.stderr, "engine") && !strings.Contains(r.stderr, "genode") {
			t.Errorf("docker run %v: want exit 125 naming %s and why\n%s", c.args, c.want, r)
		}
	}
	if left := docker(t, "ps", "-aq"); left != "" {
		t.Errorf("refused runs left containers: %q", left)
	}
}

func TestEventsDfPrune(t *testing.T) {
	needStack(t)
	since := strconv.FormatInt(time.Now().Add(-time.Second).Unix(), 10)
	docker(t, "run", "--name", "e2e-ev", ref("toolbox"), "true")
	until := strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10)
	ev := docker(t, "events", "--since", since, "--until", until, "--filter", "container=e2e-ev", "--format", "{{.Action}}")
	for _, want := range []string{"create", "start", "die"} {
		if !slices.Contains(lines(ev), want) {
			t.Errorf("docker events: %q lacks %s", ev, want)
		}
	}
	df := docker(t, "system", "df", "--format", "{{.Type}} {{.TotalCount}}")
	if !strings.Contains(df, "Containers 1") {
		t.Errorf("docker system df:\n%s", df)
	}
	out := docker(t, "container", "prune", "-f")
	if !strings.Contains(out, "Deleted Containers") {
		t.Errorf("docker container prune:\n%s", out)
	}
	if left := docker(t, "ps", "-aq"); left != "" {
		t.Errorf("containers left after prune: %q", left)
	}
	docker(t, "pull", ref("hello"))
	out = docker(t, "image", "prune", "-af")
	if !strings.Contains(out, "Deleted") {
		t.Errorf("docker image prune -a:\n%s", out)
	}
	if imgs := docker(t, "images", "-q"); imgs != "" {
		t.Errorf("images left after prune -a: %q", imgs)
	}
}

// The engine restarted by its init: a running container is still listed running, its log kept,
// and it can be stopped and removed.
func TestEngineRestart(t *testing.T) {
	needStack(t)
	docker(t, "run", "-d", "--name", "e2e-live", ref("toolbox"), "sh", "-c", "echo before; sleep 600")
	waitStatus(t, "e2e-live", "running")
	if out, err := stack("restart-engine"); err != nil {
		t.Fatalf("restart-engine: %v\n%s", err, out)
	}
	if s := inspect(t, "{{.State.Status}}", "e2e-live"); s != "running" {
		t.Errorf("after the engine's restart: %s, want running", s)
	}
	if r := try(t, "logs", "e2e-live"); r.stdout != "before\n" {
		t.Errorf("logs after the engine's restart:\n%s", r)
	}
	docker(t, "stop", "-t", "1", "e2e-live")
	docker(t, "rm", "e2e-live")
}

// counts are what a run could leave behind.
type counts map[string]int

func stackCounts(t *testing.T) counts {
	t.Helper()
	n := func(dir string) int {
		ents, _ := os.ReadDir(dir)
		return len(ents)
	}
	c := counts{
		"fifo":       n(filepath.Join(stackDir, "fifo")),
		"containers": n(filepath.Join(stackDir, "engine", "containers")),
		"snapshots":  n(filepath.Join(stackDir, "root", "io.containerd.snapshotter.v1.native", "snapshots")),
		"bundles":    n(filepath.Join(stackDir, "run", "io.containerd.runtime.v2.task", "moby")),
		"ps":         len(lines(docker(t, "ps", "-aq"))),
	}
	c["processes"] = len(stackProcesses())
	return c
}

// stackProcesses are the command lines of the host processes of the stack's components.
func stackProcesses() []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), stackDir) {
			// pid, state, parent and group (from stat) say who left it
			st, _ := os.ReadFile(filepath.Join(filepath.Dir(p), "stat"))
			f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
			who := filepath.Base(filepath.Dir(p))
			if len(f) > 2 {
				who += " " + f[0] + " ppid " + f[1] + " pgrp " + f[2]
			}
			out = append(out, who+": "+strings.ReplaceAll(strings.TrimSpace(string(b)), "\x00", " "))
		}
	}
	slices.Sort(out)
	return out
}

func settled(t *testing.T, before counts) counts {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		after := stackCounts(t)
		same := true
		for k, v := range before {
			if after[k] != v {
				same = false
			}
		}
		if same || time.Now().After(deadline) {
			return after
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func TestNoLeaks(t *testing.T) {
	needStack(t)
	docker(t, "pull", ref("toolbox"))
	before := stackCounts(t)
	procsBefore := stackProcesses()
	for i := range 25 {
		r := try(t, "run", "--rm", ref("toolbox"), "echo", "cycle"+strconv.Itoa(i))
		if r.code != 0 || r.stdout != "cycle"+strconv.Itoa(i)+"\n" {
			t.Fatalf("cycle %d:\n%s", i, r)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 10)
	for i := range 10 {
		wg.Go(func() {
			r := try(t, "run", "--rm", ref("toolbox"), "echo", "at-once"+strconv.Itoa(i))
			if r.code != 0 || r.stdout != "at-once"+strconv.Itoa(i)+"\n" {
				errs <- r.String()
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("a concurrent run:\n%s", e)
	}
	after := settled(t, before)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d before the runs, %d after", k, v, after[k])
		}
	}
	if after["processes"] != before["processes"] {
		for _, p := range stackProcesses() {
			if !slices.Contains(procsBefore, p) {
				t.Errorf("a process the runs left: %s", p)
			}
		}
	}
	t.Logf("counts before and after 25 + 10 runs: %v", after)
}

// docker save writes the image's archive, docker load reads it back: the image runs again after rmi.
func TestSaveLoad(t *testing.T) {
	needStack(t)
	docker(t, "pull", ref("hello"))
	id := inspect(t, "{{.Id}}", ref("hello"))
	archive := filepath.Join(scratch, "hello-saved.tar")
	docker(t, "save", "-o", archive, ref("hello"))
	if fi, err := os.Stat(archive); err != nil || fi.Size() == 0 {
		t.Fatalf("docker save wrote no archive: %v", err)
	}
	docker(t, "rmi", ref("hello"))
	out := docker(t, "load", "-i", archive)
	if !strings.Contains(out, "Loaded image: "+ref("hello")) {
		t.Errorf("docker load: %q", out)
	}
	if got := inspect(t, "{{.Id}}", ref("hello")); got != id {
		t.Errorf("the loaded image is %s, the saved one was %s", got, id)
	}
	if r := try(t, "run", "--rm", ref("hello")); r.code != 0 || !strings.Contains(r.stdout, "hello from genode") {
		t.Errorf("a run of the loaded image:\n%s", r)
	}
	docker(t, "rmi", ref("hello"))
}

// The engine's loopback TCP address answers the CLI as its socket does.
func TestTCP(t *testing.T) {
	needStack(t)
	env := []string{"DOCKER_HOST=tcp://" + engineTCP}
	r := tryEnv(t, env, "version", "--format", "{{.Server.Os}} {{.Server.Version}}")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "genode ") {
		t.Errorf("docker version over tcp://%s:\n%s", engineTCP, r)
	}
	docker(t, "pull", ref("hello"))
	r = tryEnv(t, env, "run", "--rm", ref("hello"))
	if r.code != 0 || !strings.Contains(r.stdout, "hello from genode") {
		t.Errorf("docker run over tcp://%s:\n%s", engineTCP, r)
	}
}
