package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadModules(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "modules.txt")
	os.WriteFile(f, []byte("# the list\n\ngolang.org/x/sys/...   # x/sys\n"+
		"go.etcd.io/bbolt/...  GENODE_EXEC_RAM=4G A_B=1 # bbolt\n"+
		"github.com/sirupsen/logrus\n"), 0o666)
	m, err := loadModules(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Lines) != 3 || m.Lines[1].Pattern != "go.etcd.io/bbolt/..." || strings.Join(m.Lines[1].Env, " ") != "GENODE_EXEC_RAM=4G A_B=1" || m.Lines[1].Line != 4 {
		t.Fatalf("loaded %+v", m.Lines)
	}
	if got := strings.Join(m.Patterns(), " "); got != "golang.org/x/sys/... go.etcd.io/bbolt/... github.com/sirupsen/logrus" {
		t.Errorf("Patterns = %q", got)
	}
	for pkg, want := range map[string]string{
		"golang.org/x/sys":                 "golang.org/x/sys/...",
		"golang.org/x/sys/unix":            "golang.org/x/sys/...",
		"golang.org/x/sysfoo":              "",
		"go.etcd.io/bbolt/internal/common": "go.etcd.io/bbolt/...",
		"github.com/sirupsen/logrus":       "github.com/sirupsen/logrus",
		"github.com/sirupsen/logrus/hooks": "",
	} {
		got := ""
		if l := m.For(pkg); l != nil {
			got = l.Pattern
		}
		if got != want {
			t.Errorf("For(%s) = %q, want %q", pkg, got, want)
		}
	}

	pinned := []string{"golang.org/x/sys", "go.etcd.io/bbolt", "github.com/sirupsen/logrus", "github.com/containerd/ttrpc"}
	if err := m.Check(f, pinned); err != nil {
		t.Errorf("Check: %v", err)
	}
	if err := m.Check(f, pinned[1:]); err == nil || !strings.Contains(err.Error(), "modules.txt:3: golang.org/x/sys/... is in no module") {
		t.Errorf("Check without x/sys pinned: %v", err)
	}
	if u := m.Unlisted(pinned); len(u) != 1 || u[0] != "github.com/containerd/ttrpc" {
		t.Errorf("Unlisted = %q", u)
	}

	for _, bad := range []string{"golang.org/x/sys/... 4G\n", "GENODE_EXEC_RAM=4G\n", "./x\n", "# only a comment\n"} {
		os.WriteFile(f, []byte(bad), 0o666)
		if _, err := loadModules(f); err == nil {
			t.Errorf("%q loaded", bad)
		}
	}
}

func TestPinnedModules(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "third_party"), 0o777)
	os.WriteFile(filepath.Join(root, PinFile), []byte("# NAME MODULE VERSION HASH\nx-sys  golang.org/x/sys  v0.50.0  h1:x=\n\nbbolt go.etcd.io/bbolt v1.5.0 h1:y= # db\n"), 0o666)
	mods, err := pinnedModules(root)
	if err != nil || strings.Join(mods, " ") != "golang.org/x/sys go.etcd.io/bbolt" {
		t.Errorf("pinnedModules = %q, %v", mods, err)
	}
}

func TestWorkEnv(t *testing.T) {
	env := workEnv([]string{"A=1", "GOWORK=off", "GOFLAGS="}, "/r")
	if strings.Join(env, " ") != "A=1 GOFLAGS= GOWORK=/r/go.work" {
		t.Errorf("workEnv = %q", env)
	}
}

func TestNotUpstream(t *testing.T) {
	upstream := map[string]bool{"a.go:1:2: possible misuse of unsafe.Pointer": true}
	p, n := notUpstream([]string{"a.go:1:2: possible misuse of unsafe.Pointer", "b_genode.go:3:4: unreachable code"}, upstream)
	if n != 1 || len(p) != 1 || p[0] != "b_genode.go:3:4: unreachable code" {
		t.Errorf("notUpstream = %q, %d", p, n)
	}
}

// A module row: bbolt-like, with a listed test, a test that skips itself
// on genode and one that exists on genode only.
const modGenode = `{"Action":"start","Package":"m"}
{"Action":"pass","Package":"m","Test":"TestA","Elapsed":0}
{"Action":"skip","Package":"m","Test":"TestB","Elapsed":0}
{"Action":"pass","Package":"m","Test":"TestGenode","Elapsed":0}
{"Action":"pass","Package":"m","Test":"TestD","Elapsed":0}
{"Action":"pass","Package":"m","Test":"TestD/sub","Elapsed":0}
{"Action":"pass","Package":"m","Elapsed":0.1}
`

const modNative = `{"Action":"start","Package":"m"}
{"Action":"pass","Package":"m","Test":"TestA","Elapsed":0}
{"Action":"pass","Package":"m","Test":"TestB","Elapsed":0}
{"Action":"pass","Package":"m","Test":"TestC","Elapsed":0}
{"Action":"pass","Package":"m","Test":"TestLinux","Elapsed":0}
{"Action":"pass","Package":"m","Test":"TestD","Elapsed":0}
{"Action":"pass","Package":"m","Test":"TestD/sub","Elapsed":0}
{"Action":"pass","Package":"m","Elapsed":0.1}
`

func TestGoal(t *testing.T) {
	res := func(in string) *Result { return Parse(strings.NewReader(in), "m") }
	r := Row{Package: "m", Listed: 2, ListedTests: []string{"TestC", "TestD/sub"}, Genode: res(modGenode), Native: res(modNative)}
	target, missing, notBuilt, ok := r.Goal()
	if !ok || target != 3 || strings.Join(missing, ",") != "TestB" || notBuilt != 1 {
		t.Errorf("Goal = %d %q %d %v", target, missing, notBuilt, ok)
	}
	if c := goalCell(r); c != "2 of 3; not on genode: TestB; 1 linux-only; 1 genode-only" {
		t.Errorf("goalCell = %q", c)
	}
	met := Row{Package: "n", Listed: 2, ListedTests: []string{"TestB", "TestC"}, Genode: res(modGenode), Native: res(modNative)}
	if c := goalCell(met); c != "met (2); 1 linux-only; 1 genode-only" {
		t.Errorf("goalCell = %q", c)
	}
	// A genode run that crashed reported only some tests: the rest count as missing.
	crashed := Row{Package: "o", Genode: res(modGenode), Native: res(modNative)}
	crashed.Genode.Status, crashed.Genode.Reason = "fail", "fatal error: unexpected signal"
	if c := goalCell(crashed); c != "2 of 5; not on genode: TestB, TestC, TestLinux; 1 genode-only" {
		t.Errorf("goalCell of a crashed run = %q", c)
	}
	failedOnly := Row{Package: "p", Genode: res(modGenode), Native: res(modNative)}
	failedOnly.Genode.Status, failedOnly.Genode.Reason = "fail", "1 failed: TestB"
	if _, _, notBuilt, _ := failedOnly.Goal(); notBuilt != 2 {
		t.Errorf("a run with failed tests only is complete: notBuilt %d", notBuilt)
	}
	if c := goalCell(Row{Package: "o", Genode: res(modGenode)}); c != "–" {
		t.Errorf("goalCell without a native run = %q", c)
	}

	rp := &Report{Title: "M", Native: true, Goal: true, Noun: "module packages", Rows: []Row{r, met},
		Compiled: []Compiled{{Step: "build", Platform: "genode/arm64"}, {Step: "vet", Platform: "genode/amd64", Upstream: 2, Problems: []string{"x.go:1:2: bad"}}}}
	var b bytes.Buffer
	rp.Write(&b)
	out := b.String()
	for _, want := range []string{
		"**2 of 2 module packages with tests pass on genode/amd64.** 2 of 2 pass natively on linux/amd64 with the same toolchain. 4 tests skipped by the skip list. 1 of 2 module packages meet the goal (genode pass == native pass − listed skips).\n",
		"| package | genode pass | fail | skip | listed skips | time | native pass | fail | skip | time | goal: native pass − listed | genode result | native result |\n",
		"| m | 3 | 0 | 1 | 2 | 0.1s | 5 | 0 | 0 | 0.1s | 2 of 3; not on genode: TestB; 1 linux-only; 1 genode-only | ok | ok |\n",
		"| go build | genode/arm64 | 0.0s | ok |\n",
		"| go vet | genode/amd64 | 0.0s | FAIL: 1: x.go:1:2: bad (2 finding(s) linux/amd64 has too) |\n",
		"go vet for genode/amd64:\n\n```\nx.go:1:2: bad\n```\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q\n%s", want, out)
		}
	}
}

func TestIsHarness(t *testing.T) {
	for pkg, want := range map[string]bool{"genodego/test/bbolt": true, "genodego": true, "genodegox/y": false, "go.etcd.io/bbolt": false} {
		if isHarness(pkg) != want {
			t.Errorf("isHarness(%s) = %v", pkg, !want)
		}
	}
}

func TestTestedModules(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "test", "modules"), 0o777)
	os.WriteFile(filepath.Join(root, TestedFile), []byte("module genodego/test/modules\n\ngo 1.26.0\n\nrequire github.com/a/b v1.0.0\n\nrequire (\n\tgithub.com/c/d v0.1.0\n\tgithub.com/e/f v0.2.0 // indirect\n)\n"), 0o666)
	mods, err := testedModules(root)
	if err != nil || strings.Join(mods, " ") != "github.com/a/b github.com/c/d" {
		t.Errorf("testedModules = %q, %v", mods, err)
	}
	if mods, err := testedModules(t.TempDir()); mods != nil || err != nil {
		t.Errorf("without %s: %q, %v", TestedFile, mods, err)
	}
}
