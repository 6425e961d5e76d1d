package runc

// Hostile bundles: every attempt of a bundle, or of the program in it, to
// reach outside the container fails cleanly. Each test keeps a sentinel
// tree outside every bundle and root (as host/conformance/io_hostile_paths
// does for the model's libc) and checks afterwards that not a byte, mode,
// time or name in it changed and that no container printed its secret. A
// refused bundle is refused by runc with exit status 1 and the field named,
// and leaves no state directory and no child of init behind.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A sentinel is a tree no container may read or change.
type sentinel struct {
	top    string // the temporary directory holding it: nothing may appear there either
	dir    string // top/sentinel
	secret string // the content of dir/secret
	before map[string]string
}

func newSentinel(t *testing.T) *sentinel {
	t.Helper()
	top := t.TempDir()
	s := &sentinel{top: top, dir: filepath.Join(top, "sentinel"),
		secret: "sentinel-secret-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	for p, data := range map[string]string{"secret": s.secret + "\n", "sub/nested": "nested\n", "bin/probe": ""} {
		p = filepath.Join(s.dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(s.dir, "empty"), 0o777)
	s.seal(t)
	t.Cleanup(func() { s.check(t) })
	return s
}

// path is a path of the sentinel tree.
func (s *sentinel) path(rel string) string { return filepath.Join(s.dir, rel) }

// seal records the tree as it is now; check compares against it.
func (s *sentinel) seal(t *testing.T) { s.before = s.snapshot(t) }

func (s *sentinel) snapshot(t *testing.T) map[string]string {
	m := map[string]string{}
	err := filepath.WalkDir(s.top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		v := fmt.Sprintf("%v %d %d", fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(data)
			v += " " + hex.EncodeToString(h[:8])
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			l, _ := os.Readlink(p)
			v += " -> " + l
		}
		m[p] = v
		return nil
	})
	if err != nil {
		t.Errorf("sentinel: %v", err)
	}
	return m
}

// check fails the test for every difference from the sealed tree.
func (s *sentinel) check(t *testing.T) {
	t.Helper()
	now := s.snapshot(t)
	for p, v := range s.before {
		if w, ok := now[p]; !ok {
			t.Errorf("sentinel: %s was removed", p)
		} else if w != v {
			t.Errorf("sentinel: %s changed: %s, was %s", p, w, v)
		}
	}
	for p := range now {
		if _, ok := s.before[p]; !ok {
			t.Errorf("sentinel: %s appeared", p)
		}
	}
}

// leaked fails the test if the secret is in a result's output.
func (s *sentinel) leaked(t *testing.T, res Result) {
	t.Helper()
	if strings.Contains(res.Stdout, s.secret) || strings.Contains(res.Stderr, s.secret) {
		t.Errorf("the sentinel's secret reached the container's output:\n%v", res)
	}
}

// noTrace checks that container id left nothing: no state directory, no
// child in init's config or report.
func noTrace(t *testing.T, r *Root, id string) {
	t.Helper()
	if _, err := os.Lstat(filepath.Join(r.Dir, id)); err == nil {
		t.Errorf("%s: state directory left behind", id)
	}
	if slices.Contains(r.Children(), id) {
		t.Errorf("%s: child left in init's config:\n%s", id, r.InitConfig())
	}
	// init applies a config within its polling interval
	inReport := func() bool {
		for _, l := range strings.Split(r.InitState(), "\n") {
			if strings.HasPrefix(l, "+ child "+id+" ") {
				return true
			}
		}
		return false
	}
	if !within(2*time.Second, func() bool { return !inReport() }) {
		t.Errorf("%s: child left in init's report:\n%s", id, r.InitState())
	}
}

// noPanic fails the test if a Go panic or fatal error reached the output.
func noPanic(t *testing.T, res Result) {
	t.Helper()
	for _, s := range []string{"panic:", "goroutine ", "fatal error:", "SIGSEGV"} {
		if strings.Contains(res.Stdout, s) || strings.Contains(res.Stderr, s) {
			t.Errorf("a Go crash in the output (%q):\n%v", s, res)
		}
	}
}

// refusedClean checks that runc refused the bundle cleanly: exit status 1, the
// field and the reason named, nothing left of the container.
func refusedClean(t *testing.T, r *Root, id string, res Result, field, reason string) {
	t.Helper()
	noPanic(t, res)
	if res.Code != 1 || !strings.Contains(res.Errors(), field) || !strings.Contains(res.Errors(), reason) {
		t.Errorf("want exit 1 naming %s (%s), got:\n%v", field, reason, res)
	}
	noTrace(t, r, id)
}

// ranConfined checks a container that ran: its probe ended (0, or 99 for a
// step that failed, as an escape should), and nothing is left.
func ranConfined(t *testing.T, r *Root, id string, res Result) {
	t.Helper()
	noPanic(t, res)
	if res.Code != 0 && res.Code != 99 {
		t.Errorf("want the probe's exit status (0 or 99), got:\n%v\ninit's log:\n%s", res, r.InitLog())
	}
	noTrace(t, r, id)
}

// runProbe writes the bundle's config with the probe running script and runs it
// with `runc run` from the bundle.
func runProbe(r *Root, b *Bundle, id string, script ...string) Result {
	b.Spec.SetArgs(script...)
	b.Write()
	return r.RuncWith(Opts{Dir: b.Dir}, "run", id)
}

// noMounts drops the default tmpfs on /tmp, so that every path of the host's
// /tmp (the sentinel's, the root's, the bundle's) falls through to the
// rootfs instead of an empty file system.
func noMounts(b *Bundle) { delete(b.Spec, "mounts") }

// TestHostileRootfs: a rootfs that is a symbolic link (to /, to a directory
// outside the bundle, through a link) or that is / is refused. Before the
// refusal, a link to / gave the container the host's whole file system,
// writeable.
func TestHostileRootfs(t *testing.T) {
	r := NewRoot(t)
	s := newSentinel(t)
	for i, c := range []struct {
		name   string
		setup  func(b *Bundle)
		reason string
	}{
		{"link to /", func(b *Bundle) { os.Symlink("/", b.Rootfs) }, "symbolic link"},
		{"link to the sentinel", func(b *Bundle) { os.Symlink(s.dir, b.Rootfs) }, "symbolic link"},
		{"through a link", func(b *Bundle) {
			os.Symlink(s.top, filepath.Join(b.Dir, "up"))
			b.Spec.Set("root.path", "up/sentinel")
		}, "symbolic link"},
		{"/", func(b *Bundle) { b.Spec.Set("root.path", "/") }, "root directory"},
		{"absolute, a link outside the bundle", func(b *Bundle) {
			link := filepath.Join(t.TempDir(), "rootlink")
			os.Symlink("/", link)
			b.Spec.Set("root.path", link)
		}, "symbolic link"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := NewBundle(t)
			os.Rename(b.Rootfs, b.Rootfs+".real")
			// a probe runc can resolve in its own view, which holds the
			// bundle (and, for these runs, the sentinel's directory)
			probe, _ := os.ReadFile(filepath.Join(b.Rootfs+".real", "bin", "probe"))
			os.WriteFile(filepath.Join(b.Dir, "probe"), probe, 0o755)
			c.setup(b)
			b.Spec.Set("root.readonly", false)
			noMounts(b)
			// every write aims at the sentinel: an escape must never touch
			// anything else of the host
			b.Spec.SetArgs("read", s.path("secret"), "ls", "/", "write", s.path("pwned"), "x")
			b.Spec.Process()["args"] = append([]any{filepath.Join(b.Dir, "probe")}, b.Spec.Process()["args"].([]any)[1:]...)
			b.Write()
			id := "rootfs" + strconv.Itoa(i)
			res := r.RuncWith(Opts{Dir: s.top}, "run", "--bundle", b.Dir, id)
			refusedClean(t, r, id, res, "root.path", c.reason)
			s.leaked(t, res)
		})
	}
}

// TestHostileRootfsLinks: links inside the rootfs to /, "..", the host's
// paths and relative paths climbing out are followed by the container's
// libc inside its view; the probe reaches nothing of the host through them.
func TestHostileRootfsLinks(t *testing.T) {
	r := NewRoot(t)
	s := newSentinel(t)
	b := NewBundle(t)
	noMounts(b)
	b.Spec.Set("root.readonly", false)
	climb := strings.Repeat("../", 40)
	links := map[string]string{
		"root":    "/",
		"up":      "..",
		"climb":   climb,
		"host":    s.dir,
		"hostrel": climb + strings.TrimPrefix(s.dir, "/"),
		"hostup":  s.top,
		"loop":    "loop",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(b.Rootfs, name)); err != nil {
			t.Fatal(err)
		}
	}
	rel := strings.TrimPrefix(s.path("secret"), "/")
	var script []string
	for _, p := range []string{"/root/" + rel, "/up/" + rel, "/climb/" + rel, "/host/secret", "/hostrel/secret",
		"/hostup/sentinel/secret", "/loop/x", "/root/up/climb/" + rel} {
		script = append(script, "stat", p)
	}
	script = append(script, "ls", "/", "ls", "/root", "ls", "/climb")
	res := runProbe(r, b, "links", script...)
	ranConfined(t, r, "links", res)
	s.leaked(t, res)
	if res.Code != 0 {
		t.Fatalf("the stat and ls steps fail for no step: %v", res)
	}
	for _, l := range strings.Split(res.Stdout, "\n") {
		if strings.HasPrefix(l, "stat ") && !strings.HasSuffix(l, ": missing") && !strings.Contains(l, ": error ") {
			t.Errorf("reached through a link: %s", l)
		}
	}
	// "/", "/root" and "/climb" are the same directory: the rootfs
	ls := lsSections(res.Stdout)
	if !strings.Contains(ls["/"], "bin\n") || ls["/root"] != ls["/"] || ls["/climb"] != ls["/"] {
		t.Errorf("/, /root and /climb list differently:\n%s", res.Stdout)
	}

	// writes through each link: they fail, or land inside the rootfs
	for i, p := range []string{"/host/pwned", "/hostrel/pwned", "/hostup/sentinel/pwned", "/root/" + strings.TrimPrefix(s.path("pwned"), "/"),
		"/climb/" + strings.TrimPrefix(s.path("pwned"), "/")} {
		id := "write" + strconv.Itoa(i)
		res := runProbe(r, b, id, "write", p, "pwned")
		ranConfined(t, r, id, res)
	}
	// the link's target is a path of the view: made there, the sentinel's
	// directory is in the rootfs, and so is what is written through the link
	res = runProbe(r, b, "mkdir", "mkdir", s.dir, "write", "/host/pwned", "pwned", "read", "/host/pwned")
	ranConfined(t, r, "mkdir", res)
	if res.Code != 0 {
		t.Errorf("mkdir and write through the link: %v", res)
	}
	if _, err := os.Stat(filepath.Join(b.Rootfs, s.path("pwned"))); err != nil {
		t.Errorf("the write through /host did not land in the rootfs: %v", err)
	}
}

// TestHostileMounts: ".." and links in mount destinations stay in the
// container's view; sources that leave the bundle by "..", that are links,
// or that are / are refused.
func TestHostileMounts(t *testing.T) {
	r := NewRoot(t)
	s := newSentinel(t)

	t.Run("destination with ..", func(t *testing.T) {
		b := NewBundle(t)
		noMounts(b)
		dst := "/../../.." + s.dir
		b.Spec.AddMount(dst, "tmpfs", "tmpfs")
		res := runProbe(r, b, "dstdots", "write", s.path("pwned"), "pwned", "read", s.path("pwned"), "stat", s.path("secret"))
		ranConfined(t, r, "dstdots", res)
		s.leaked(t, res)
		mustContain(t, res, "pwned", "stat "+s.path("secret")+": missing")
	})
	t.Run("destination through a link", func(t *testing.T) {
		b := NewBundle(t)
		noMounts(b)
		os.Symlink(s.top, filepath.Join(b.Rootfs, "escape"))
		data := b.MkDir("data")
		b.Spec.AddMount("/escape/sentinel", "bind", data, "rbind", "rw")
		b.Spec.Set("root.readonly", false)
		res := runProbe(r, b, "dstlink", "write", "/escape/sentinel/pwned", "pwned", "stat", "/escape/sentinel/secret")
		ranConfined(t, r, "dstlink", res)
		s.leaked(t, res)
		if _, err := os.Stat(filepath.Join(data, "pwned")); err != nil {
			t.Errorf("the write did not land in the mount's source: %v\n%v", err, res)
		}
	})
	// where the sentinel's secret would be in the container: the source is
	// the sentinel, or the host's root
	inSentinel, inRoot := "/mnt", "/mnt"+s.dir
	for i, c := range []struct {
		name   string
		source func(b *Bundle) string
		mnt    string
		reason string
	}{
		{"source with .. out of the bundle", func(b *Bundle) string {
			rel, _ := filepath.Rel(b.Dir, s.dir)
			return "rootfs/../" + rel
		}, inSentinel, "leaves the bundle"},
		// a source's links are followed, as mount(2) follows them, and where
		// they lead is judged: a source relative to the bundle stays in it
		{"source link to the sentinel", func(b *Bundle) string {
			os.Symlink(s.dir, filepath.Join(b.Dir, "link"))
			return "link"
		}, inSentinel, "leaves the bundle"},
		{"source link to /", func(b *Bundle) string {
			os.Symlink("/", filepath.Join(b.Dir, "link"))
			return "link"
		}, inRoot, "root directory"},
		{"source through a link", func(b *Bundle) string {
			os.Symlink(s.top, filepath.Join(b.Dir, "link"))
			return filepath.Join("link", "sentinel")
		}, inSentinel, "leaves the bundle"},
		{"source /", func(b *Bundle) string { return "/" }, inRoot, "root directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := NewBundle(t)
			b.Spec.AddMount("/mnt", "bind", c.source(b), "rbind", "rw")
			b.Spec.SetArgs("read", c.mnt+"/secret", "write", c.mnt+"/pwned", "pwned")
			b.Write()
			id := "src" + strconv.Itoa(i)
			// from the sentinel's directory, so that the sentinel is in
			// runc's own view and only the rule refuses the source
			res := r.RuncWith(Opts{Dir: s.top}, "run", "--bundle", b.Dir, id)
			refusedClean(t, r, id, res, "mounts[1].source", c.reason)
			s.leaked(t, res)
		})
	}
}

// TestHostileCwd: a process.cwd with ".." stays in the view; one that names
// a descriptor of runc's (the CVE-2024-21626 trick) leads nowhere.
func TestHostileCwd(t *testing.T) {
	r := NewRoot(t)
	s := newSentinel(t)
	b := NewBundle(t)
	b.Spec.Process()["cwd"] = "/../../.."
	res := runProbe(r, b, "dots", "cwd", "stat", "bin/probe", "stat", "../../.."+s.path("secret"))
	ranConfined(t, r, "dots", res)
	mustContain(t, res, "cwd=/\n", "stat bin/probe: file", ": missing")
	s.leaked(t, res)
}

// TestHostileLongPaths: paths over Genode's limit (512 bytes with the NUL)
// are refused by name where runc translates them, and fail cleanly where
// the container meets them.
func TestHostileLongPaths(t *testing.T) {
	r := NewRoot(t)
	s := newSentinel(t)
	long := "/" + strings.Repeat("d/", 300)
	t.Run("cwd", func(t *testing.T) {
		b := NewBundle(t)
		b.Spec.Process()["cwd"] = long
		refusedClean(t, r, "cwd", runProbe(r, b, "cwd", "cwd"), "process.cwd", "path limit")
	})
	t.Run("mount destination", func(t *testing.T) {
		b := NewBundle(t)
		b.Spec.AddMount(long, "tmpfs", "tmpfs")
		refusedClean(t, r, "dst", runProbe(r, b, "dst", "cwd"), "mounts[1].destination", "path limit")
	})
	t.Run("program path", func(t *testing.T) {
		b := NewBundle(t)
		probe, _ := os.ReadFile(filepath.Join(b.Rootfs, "bin", "probe"))
		b.AddFile(strings.TrimPrefix(long, "/")+"probe", probe, 0o755)
		b.Spec.SetArgs("cwd")
		b.Spec.Process()["args"].([]any)[0] = long + "probe"
		b.Write()
		res := r.RuncWith(Opts{Dir: b.Dir}, "run", "prog")
		refusedClean(t, r, "prog", res, "process.args[0]", "")
	})
	t.Run("links in the rootfs", func(t *testing.T) {
		b := NewBundle(t)
		noMounts(b)
		os.Symlink(strings.Repeat("/", 600)+strings.TrimPrefix(s.dir, "/"), filepath.Join(b.Rootfs, "slashes"))
		os.Symlink(strings.Repeat("./", 300)+"bin", filepath.Join(b.Rootfs, "dots"))
		os.Symlink(long, filepath.Join(b.Rootfs, "long"))
		res := runProbe(r, b, "links", "stat", "/slashes/secret", "stat", "/dots/probe", "stat", "/long", "stat", long+"x")
		ranConfined(t, r, "links", res)
		s.leaked(t, res)
		if strings.Contains(res.Stdout, "/slashes/secret: file") {
			t.Errorf("the sentinel reached through a link:\n%v", res)
		}
	})
	t.Run("bundle path", func(t *testing.T) {
		b := NewBundle(t)
		deep := filepath.Join(t.TempDir(), strings.Repeat("b", 200), strings.Repeat("u", 200), strings.Repeat("n", 200))
		if err := os.MkdirAll(filepath.Dir(deep), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(b.Dir, deep); err != nil {
			t.Skipf("cannot move the bundle: %v", err)
		}
		res := r.RuncWith(Opts{Dir: deep}, "run", "deep")
		noPanic(t, res)
		if res.Code == 0 {
			t.Errorf("a bundle at a %d-byte path ran:\n%v", len(deep), res)
		}
		if res.Code != 1 || strings.TrimSpace(res.Errors()) == "" {
			t.Logf("bundle at a %d-byte path: %v", len(deep), res)
		}
		noTrace(t, r, "deep")
	})
}

// TestHostileRuncInvisible is the CVE-2019-5736 analogue: the container can
// neither see nor write runc's binary, runc's root and state, or the
// model's libraries; it has no /proc/self/exe to reopen.
func TestHostileRuncInvisible(t *testing.T) {
	Need(t)
	// runc from a private copy, so that an escape damages nothing but it
	priv := t.TempDir()
	for _, f := range []string{"runc", runcGenode(), "genode-init", "genode-run"} {
		data, err := os.ReadFile(filepath.Join(binDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(priv, f), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	shared := binDir
	binDir = priv
	t.Cleanup(func() { binDir = shared })
	r := NewRoot(t)
	s := newSentinel(t)
	b := NewBundle(t)
	noMounts(b)
	b.Spec.Set("root.readonly", false)
	runcBin := filepath.Join(binDir, runcGenode())
	sum := func(p string) string {
		data, err := os.ReadFile(p)
		if err != nil {
			return err.Error()
		}
		h := sha256.Sum256(data)
		return hex.EncodeToString(h[:])
	}
	binBefore, hostBefore := sum(runcBin), sum(filepath.Join(binDir, "runc"))

	// a container that stays, so that its state exists while others probe
	b.Spec.SetArgs("sleep", "30000")
	b.Write()
	r.MustRunc("run", "--detach", "--bundle", b.Dir, "keeper")
	stateBefore := r.File(filepath.Join("keeper", "state.json"))
	cfg := r.InitConfig()
	i := strings.Index(cfg, "+ start keeper")
	if i < 0 {
		t.Fatalf("no keeper in init's config:\n%s", cfg)
	}
	keeperStart := cfg[i:]

	paths := []string{"/proc/self/exe", "/proc", runcBin, filepath.Join(binDir, "runc"), binDir, r.Dir,
		filepath.Join(r.Dir, "init.config"), filepath.Join(r.Dir, "keeper", "state.json"), filepath.Join(r.Dir, "probe", "state.json"),
		filepath.Join(modelDir, "libc.lib.so"), s.dir}
	var script []string
	for _, p := range paths {
		script = append(script, "stat", p)
	}
	res := runProbe(r, b, "probe", script...)
	ranConfined(t, r, "probe", res)
	for _, p := range paths {
		mustContain(t, res, "stat "+p+": missing")
	}
	for i, p := range []string{"/proc/self/exe", runcBin, filepath.Join(r.Dir, "init.config"), filepath.Join(r.Dir, "keeper", "state.json")} {
		id := "write" + strconv.Itoa(i)
		ranConfined(t, r, id, runProbe(r, b, id, "write", p, "pwned"))
		// with the directories made first, the write lands in the rootfs
		id = "mkwrite" + strconv.Itoa(i)
		res := runProbe(r, b, id, "mkdir", filepath.Dir(p), "write", p, "pwned")
		ranConfined(t, r, id, res)
	}
	if sum(runcBin) != binBefore || sum(filepath.Join(binDir, "runc")) != hostBefore {
		t.Errorf("runc's binaries changed")
	}
	if got := r.File(filepath.Join("keeper", "state.json")); got != stateBefore || strings.Contains(got, "pwned") {
		t.Errorf("keeper's state.json changed:\n%s", got)
	}
	if cfg := r.InitConfig(); strings.Contains(cfg, "pwned") || !strings.Contains(cfg, keeperStart) {
		t.Errorf("init's config lost keeper's start node or holds the probe's text:\n%s", cfg)
	}
	r.MustRunc("delete", "--force", "keeper")
	s.leaked(t, res)
}

// TestHostileDescriptors is the CVE-2024-21626 analogue: runc started with
// open descriptors (on the sentinel, on runc's root, on a directory above
// the bundle) leaks none of them into the container, which sees the same
// descriptors as one started without them, works in its own cwd, and whose
// host processes on the model (init, genode-run, the component) hold none
// of them either.
func TestHostileDescriptors(t *testing.T) {
	s := newSentinel(t)
	control := NewRoot(t)
	b := NewBundle(t)
	res := runProbe(control, b, "control", "fds", "cwd")
	if res.Code != 0 {
		t.Fatal(res)
	}
	want := res.Stdout

	r := NewRoot(t)
	if err := os.MkdirAll(r.Dir, 0o711); err != nil {
		t.Fatal(err)
	}
	var extra []*os.File
	for _, o := range []struct {
		path string
		flag int
	}{{s.dir, os.O_RDONLY}, {s.path("secret"), os.O_RDWR}, {r.Dir, os.O_RDONLY}, {filepath.Dir(b.Dir), os.O_RDONLY},
		{s.path("sub"), os.O_RDONLY}} {
		f, err := os.OpenFile(o.path, o.flag, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		extra = append(extra, f)
	}
	// the first command of the root starts its init, which so would get
	// the descriptors too
	start := func(id string, script ...string) Result {
		b.Spec.SetArgs(script...)
		b.Write()
		cmd := r.Command("run", id)
		cmd.Dir = b.Dir
		cmd.ExtraFiles = extra
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if id == "fds" {
			// while the container runs: no host process of init's holds
			// one of the descriptors
			within(10*time.Second, func() bool { return slices.Contains(r.Children(), id) })
			time.Sleep(300 * time.Millisecond)
			for _, l := range hostDescriptors(r.InitPid()) {
				for _, f := range extra {
					if strings.HasSuffix(l, " -> "+f.Name()) {
						t.Errorf("a host process of the container's init holds runc's descriptor: %s", l)
					}
				}
			}
		}
		err := cmd.Wait()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return Result{Args: cmd.Args, Code: code, Stdout: stdout.String(), Stderr: stderr.String()}
	}
	res = start("fds", "fds", "cwd", "sleep", "1000")
	ranConfined(t, r, "fds", res)
	if res.Stdout != want {
		t.Errorf("with runc's descriptors the container sees\n%s\nwithout them\n%s", res.Stdout, want)
	}
	s.leaked(t, res)

	// the cwd trick: a cwd naming a descriptor
	for fd := 3; fd <= 8; fd++ {
		b.Spec.Process()["cwd"] = "/proc/self/fd/" + strconv.Itoa(fd)
		id := "cwd" + strconv.Itoa(fd)
		res := start(id, "cwd", "stat", "secret", "stat", "nested", "stat", "../secret", "write", "pwned", "pwned")
		ranConfined(t, r, id, res)
		s.leaked(t, res)
		if strings.Contains(res.Stdout, ": file") {
			t.Errorf("cwd %s reached a file:\n%v", b.Spec.Process()["cwd"], res)
		}
	}
}

// hostDescriptors lists "pid fd -> target" for every process in init's
// session (init, genode-run, the components).
func hostDescriptors(initPid int) []string {
	if initPid == 0 {
		return nil
	}
	var out []string
	for _, pid := range pids() {
		if sid, ok := session(pid); !ok || sid != initPid {
			continue
		}
		dir := fmt.Sprintf("/proc/%d/fd", pid)
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			target, err := os.Readlink(filepath.Join(dir, e.Name()))
			if err == nil {
				out = append(out, fmt.Sprintf("%d %s -> %s", pid, e.Name(), target))
			}
		}
	}
	return out
}

// mustContain fails the test for each text missing in the output.
func mustContain(t *testing.T, res Result, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(res.Stdout, sub) {
			t.Errorf("the output lacks %q:\n%v", sub, res)
		}
	}
}

// lsSections splits the probe's output into its "ls DIR:" listings.
func lsSections(out string) map[string]string {
	m := map[string]string{}
	cur := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "ls ") && strings.HasSuffix(l, ":") {
			cur = strings.TrimSuffix(strings.TrimPrefix(l, "ls "), ":")
			m[cur] = ""
			continue
		}
		if cur == "" || strings.HasPrefix(l, "stat ") || strings.HasPrefix(l, "read ") || strings.HasPrefix(l, "cwd=") {
			cur = ""
			continue
		}
		if l != "" {
			m[cur] += l + "\n"
		}
	}
	return m
}
