package skips

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Words that mark a reason as something other than a Genode limitation.
var notGenodeReasons = []string{"flaky", "flake", "todo", "fixme", "tbd", "unknown", "investigate",
	"sometimes", "intermittent", "slow", "times out", "timeout", "don't know", "unclear", "temporar",
	"port bug", "our bug", "open (", "not yet"}

// goroot returns the patched GOROOT when it has been built, else the host's.
func goroot(t *testing.T) string {
	if p, err := filepath.Abs("../../_build/goroot"); err == nil {
		if _, err := os.Stat(filepath.Join(p, "src", "runtime")); err == nil {
			return p
		}
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return runtime.GOROOT()
}

// testFuncs returns the names of the Test/Benchmark/Example/Fuzz functions
// declared in the _test.go files of dir, whatever their build tags.
func testFuncs(t *testing.T, dir string) map[string]bool {
	fs, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range fs {
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				names[fd.Name.Name] = true
			}
		}
	}
	return names
}

// moduleDir returns the directory of pkg in the upstream modules that
// build/modules.sh copies to _build/modules (third_party/modules.pin) or, for
// a module test/modules/go.mod requires, in the module cache; "" if no module
// of the workspace holds it.
func moduleDir(pkg string) string {
	if dir := pinnedDir(pkg); dir != "" {
		return dir
	}
	cmd := exec.Command("go", "list", "-f", "{{.Dir}}", pkg)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOOS=", "GOARCH=")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func pinnedDir(pkg string) string {
	gomods, _ := filepath.Glob("../../_build/modules/*/go.mod")
	best, dir := "", ""
	for _, gm := range gomods {
		b, err := os.ReadFile(gm)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			f := strings.Fields(l)
			if len(f) != 2 || f[0] != "module" {
				continue
			}
			if (pkg == f[1] || strings.HasPrefix(pkg, f[1]+"/")) && len(f[1]) > len(best) {
				best = f[1]
				dir = filepath.Join(filepath.Dir(gm), filepath.FromSlash(strings.TrimPrefix(pkg, f[1])))
			}
		}
	}
	return dir
}

// TestListValid checks test/genode-skips.txt: it parses (reason present, no
// duplicate), each package is a std package with tests (or one of an upstream
// module, pinned or required by test/modules), each top-level
// name is declared in its tests, and no reason reads as anything but a
// Genode limitation.
func TestListValid(t *testing.T) {
	l, err := Load("../../" + FileName)
	if err != nil {
		t.Fatal(err)
	}
	root := goroot(t)
	t.Logf("%d entries in %d packages, checked against %s", len(l.Entries), len(l.Packages()), root)
	funcs := map[string]map[string]bool{}
	for _, e := range l.Entries {
		at := func(format string, args ...any) {
			t.Errorf("%s:%d: %s %s: "+format, append([]any{FileName, e.Line, e.Package, e.Test}, args...)...)
		}
		if strings.HasPrefix(e.Package, "cmd/") {
			at("not a std package")
			continue
		}
		dir := filepath.Join(root, "src", filepath.FromSlash(e.Package))
		if strings.Contains(strings.SplitN(e.Package, "/", 2)[0], ".") {
			if dir = moduleDir(e.Package); dir == "" {
				at("neither a std package nor in a module of third_party/modules.pin (built by `make modules`) or test/modules/go.mod")
				continue
			}
		}
		if _, ok := funcs[e.Package]; !ok {
			funcs[e.Package] = testFuncs(t, dir)
		}
		if len(funcs[e.Package]) == 0 {
			at("no package with tests at %s", dir)
			continue
		}
		top, _, _ := strings.Cut(e.Test, "/")
		if !funcs[e.Package][top] {
			at("%s is not declared in the package's tests", top)
		}
		if !strings.HasPrefix(top, "Test") && !strings.HasPrefix(top, "Benchmark") && !strings.HasPrefix(top, "Example") && !strings.HasPrefix(top, "Fuzz") {
			at("%s is not a test, benchmark, example or fuzz target", top)
		}
		low := strings.ToLower(e.Reason)
		for _, w := range notGenodeReasons {
			if strings.Contains(low, w) {
				at("reason %q is not a Genode limitation (%q)", e.Reason, w)
			}
		}
		if len(e.Reason) > 120 {
			at("reason longer than one short line")
		}
	}
}

// TestNoSkipOutsideList makes the list the only place: a std test function
// in the patched GOROOT whose body mentions "genode" (a GOOS check that
// skips) must have an entry.
func TestNoSkipOutsideList(t *testing.T) {
	root := goroot(t)
	if _, err := os.Stat(filepath.Join(root, "src", "runtime", "os_genode.go")); err != nil {
		if os.Getenv("GENODE_MODEL_REQUIRED") != "" {
			t.Fatalf("GENODE_MODEL_REQUIRED is set but there is no patched GOROOT in _build/goroot (run `make toolchain`)")
		}
		t.Skip("no patched GOROOT in _build/goroot (run `make toolchain`; GENODE_MODEL_REQUIRED=1 makes this a failure)")
	}
	l, err := Load("../../" + FileName)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, e := range l.Entries {
		top, _, _ := strings.Cut(e.Test, "/")
		listed[e.Package+" "+top] = true
	}
	src := filepath.Join(root, "src")
	filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel == "cmd" || d.Name() == "testdata" || d.Name() == "vendor" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(b), `"genode"`) {
			return nil
		}
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, p, b, parser.SkipObjectResolution)
		if err != nil {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(rel))
		for _, decl := range af.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil || !strings.HasPrefix(fd.Name.Name, "Test") {
				continue
			}
			body := string(b[fset.Position(fd.Body.Pos()).Offset:fset.Position(fd.Body.End()).Offset])
			if strings.Contains(body, `"genode"`) && !listed[pkg+" "+fd.Name.Name] {
				t.Errorf("%s: %s mentions \"genode\" but %s %s is not in %s", rel, fd.Name.Name, pkg, fd.Name.Name, FileName)
			}
		}
		return nil
	})
}
