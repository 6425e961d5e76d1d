package host

// The conformance harness: every NAME.c here is compiled as a genode-like
// binary against the model libraries and run with NAME.config through the
// launcher; its //! expectations are checked.
//
// Each test runs in a fresh work directory W:
//
//	W/bin/NAME   the binary
//	W/view/      an empty writeable host directory; a config names it ${VIEW}
//	W/sentinel/  files OUTSIDE every view; a config may name it ${SENTINEL}
//	             only as a target the component must not reach
//
// ${CONFDIR} stands for this directory, ${BIN} for W/bin (the compiled test). After the run, everything in W but
// view/ must be exactly as the harness left it: a component that escaped its
// view and created or changed a file fails the test, whatever it printed.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genodego/host/launch"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.work above %s", wd)
		}
	}
}

func modelDir(t *testing.T, root string) string {
	if d := os.Getenv("GENODE_MODEL_DIR"); d != "" {
		return d
	}
	return filepath.Join(root, "_build", launch.ModelDirName())
}

// TestConformance compiles and runs every test.
func TestConformance(t *testing.T) {
	root := repoRoot(t)
	md := modelDir(t, root)
	if _, err := os.Stat(filepath.Join(md, "libc.lib.so")); err != nil {
		if os.Getenv("GENODE_MODEL_REQUIRED") != "" {
			t.Fatalf("GENODE_MODEL_REQUIRED is set but %s/libc.lib.so is missing (run `make model`)", md)
		}
		t.Skipf("model not built: %s/libc.lib.so is missing (run `make model`; set GENODE_MODEL_REQUIRED=1 to fail instead)", md)
	}
	confDir := filepath.Join(root, "host", "conformance")
	tests, err := List(confDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) == 0 {
		t.Skip("no conformance tests yet")
	}
	before := snapshot(t, confDir)
	t.Run("group", func(t *testing.T) {
		for _, ct := range tests {
			t.Run(ct.Name, func(t *testing.T) {
				t.Parallel()
				runTest(t, root, md, confDir, ct)
			})
		}
	})
	// Sources edited meanwhile (by a person) are not a component's doing.
	var diffs []string
	for _, l := range strings.Split(compare(before, snapshot(t, confDir)), "\n") {
		if l != "" && !strings.HasSuffix(l, ".c") && !strings.HasSuffix(l, ".config") && !strings.HasSuffix(l, ".h") && !strings.HasSuffix(l, ".md") {
			diffs = append(diffs, l)
		}
	}
	if len(diffs) > 0 {
		t.Errorf("a test changed the conformance directory %s:\n%s", confDir, strings.Join(diffs, "\n"))
	}
}

func runTest(t *testing.T, root, md, confDir string, ct *Test) {
	if _, err := os.Stat(ct.Config); err != nil {
		t.Fatalf("%s has no %s", ct.Source, filepath.Base(ct.Config))
	}
	w := t.TempDir()
	bin := filepath.Join(w, "bin", ct.Name)
	view := filepath.Join(w, "view")
	sentinel := filepath.Join(w, "sentinel")
	for _, d := range []string{filepath.Dir(bin), view, filepath.Join(sentinel, "dir")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range map[string]string{"canary": "canary\n", "dir/canary": "canary in dir\n"} {
		if err := os.WriteFile(filepath.Join(sentinel, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	cc := CompileCommand(root, md, ct.Source, bin)
	if out, err := cc.CombinedOutput(); err != nil {
		t.Fatalf("compile %s: %v\n%s\n%s", ct.Source, err, strings.Join(cc.Args, " "), out)
	}

	before := snapshot(t, w, "view")

	raw, err := os.ReadFile(ct.Config)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.NewReplacer("${VIEW}", view, "${SENTINEL}", sentinel, "${CONFDIR}", confDir,
		"${BIN}", filepath.Dir(bin)).Replace(string(raw))
	comp, err := launch.Load([]byte(cfg), launch.Options{File: ct.Config, Dir: confDir, Binary: bin, Strict: ct.Strict})
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	var stdout, stderr, flat bytes.Buffer
	ctx := context.Background()
	status, err := comp.Run(ctx, launch.RunOptions{ModelDir: md, Timeout: ct.Timeout,
		Stdin: bytes.NewReader(nil), Stdout: &stdout, Stderr: &stderr, Verbose: &flat})
	if err != nil {
		t.Errorf("launcher: %v", err)
	}
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
	}
	if status != ct.Exit {
		fail("exit status %d, want %d", status, ct.Exit)
	}
	check := func(stream string, got string, want, notWant []string) {
		for _, s := range want {
			if !strings.Contains(got, s) {
				fail("%s lacks %q", stream, s)
			}
		}
		for _, s := range notWant {
			if strings.Contains(got, s) {
				fail("%s contains %q", stream, s)
			}
		}
	}
	check("stdout", stdout.String(), ct.Stdout, ct.NotStdout)
	check("stderr", stderr.String(), ct.Stderr, ct.NotStderr)
	if diff := compare(before, snapshot(t, w, "view")); diff != "" {
		fail("files outside the component's view were created or changed:\n%s", diff)
	}
	if t.Failed() {
		t.Logf("test %s (%s)\n--- stdout:\n%s\n--- stderr:\n%s\n--- %s",
			ct.Name, ct.Behaviour, stdout.String(), stderr.String(), flat.String())
	}
}

type fileState struct {
	mode fs.FileMode
	size int64
	mod  int64
	sum  string
}

// snapshot records every file under dir except the named top-level entries.
func snapshot(t *testing.T, dir string, except ...string) map[string]fileState {
	t.Helper()
	m := map[string]fileState{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		for _, e := range except {
			if rel == e {
				return filepath.SkipDir
			}
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st := fileState{mode: fi.Mode(), size: fi.Size(), mod: fi.ModTime().UnixNano()}
		switch {
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			st.sum = fmt.Sprintf("%x", sha256.Sum256(data))
		case fi.Mode()&fs.ModeSymlink != 0:
			st.sum, _ = os.Readlink(p)
		case fi.IsDir():
			st.size, st.mod = 0, 0 // listing changes show up as entries
		}
		m[rel] = st
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func compare(before, after map[string]fileState) string {
	var b strings.Builder
	for p, s := range after {
		o, ok := before[p]
		switch {
		case !ok:
			fmt.Fprintf(&b, "  created %s\n", p)
		case o != s:
			fmt.Fprintf(&b, "  changed %s\n", p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			fmt.Fprintf(&b, "  removed %s\n", p)
		}
	}
	return b.String()
}

// TestTableCurrent fails when the table in host/README.md does not match the
// //! lines.
func TestTableCurrent(t *testing.T) {
	root := repoRoot(t)
	tests, err := List(filepath.Join(root, "host", "conformance"))
	if err != nil {
		t.Fatal(err)
	}
	readme := filepath.Join(root, "host", "README.md")
	old, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	updated, err := UpdateREADME(old, Table(tests))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, updated) {
		t.Errorf("host/README.md's conformance table is stale: run `go run genodego/host/cmd/genode-conformance-table`")
	}
}

// TestParse covers the //! parser.
func TestParse(t *testing.T) {
	d := t.TempDir()
	src := filepath.Join(d, "x.c")
	os.WriteFile(src, []byte(`//! behaviour: mmap with MAP_FIXED
//! behaviour: fails with EINVAL
//! models: repos/libports/src/lib/libc/vfs_plugin.cc, repos/libports/src/lib/libc/mem.cc
//! exit: 3
//! stdout: a: b
//! not-stderr: Error
//! strict: yes
//! timeout: 5s
int main(void) { return 3; }
`), 0o644)
	ct, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if ct.Behaviour != "mmap with MAP_FIXED fails with EINVAL" || len(ct.Models) != 2 || ct.Exit != 3 ||
		ct.Stdout[0] != "a: b" || ct.NotStderr[0] != "Error" || !ct.Strict || ct.Timeout.Seconds() != 5 {
		t.Errorf("parsed %+v", ct)
	}
	for _, bad := range []string{"//! behaviour: x\n", "//! models: y\n", "//! behaviour: x\n//! models: y\n//! exit: -1\n", "//! behaviour: x\n//! models: y\n//! expect: 1\n"} {
		os.WriteFile(src, []byte(bad), 0o644)
		if _, err := Parse(src); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	tab := Table([]*Test{ct})
	if !strings.Contains(tab, "| mmap with MAP_FIXED fails with EINVAL | `repos/libports/src/lib/libc/vfs_plugin.cc`<br>`repos/libports/src/lib/libc/mem.cc` | [x](conformance/x.c) |") {
		t.Errorf("table:\n%s", tab)
	}
}
