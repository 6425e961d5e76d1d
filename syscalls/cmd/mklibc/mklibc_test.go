package main

import (
	"flag"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"genodego/syscalls"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/*/want")

func loadTestTable(t *testing.T, dir string) *syscalls.Table {
	t.Helper()
	tab, err := syscalls.Load(filepath.Join(dir, "syscalls", "table.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestGolden(t *testing.T) {
	defer func(c string) { command = c }(command)
	command = "go test genodego/syscalls/cmd/mklibc -run TestGolden -update"
	dir := filepath.Join("testdata", "basic")
	got, err := generate(loadTestTable(t, dir), filepath.Join(dir, "goos_genode", "src"), "syscalls/table.tsv")
	if err != nil {
		t.Fatal(err)
	}
	wantDir := filepath.Join(dir, "want")
	if *update {
		os.RemoveAll(wantDir)
		for name, data := range got {
			p := filepath.Join(wantDir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var wantNames []string
	filepath.WalkDir(wantDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(wantDir, p)
			wantNames = append(wantNames, filepath.ToSlash(rel))
		}
		return nil
	})
	var gotNames []string
	for name := range got {
		gotNames = append(gotNames, name)
	}
	sort.Strings(gotNames)
	if strings.Join(gotNames, "\n") != strings.Join(wantNames, "\n") {
		t.Fatalf("generated files:\n%s\nwant:\n%s", strings.Join(gotNames, "\n"), strings.Join(wantNames, "\n"))
	}
	for _, name := range wantNames {
		want, _ := os.ReadFile(filepath.Join(wantDir, filepath.FromSlash(name)))
		if string(got[name]) != string(want) {
			t.Errorf("%s differs from the golden file; got:\n%s", name, got[name])
		}
	}
}

// TestWrappersTypeCheck type-checks the generated wrappers against small
// stand-ins for what the hand-written files and the runtime provide.
func TestUnreferencedWarnings(t *testing.T) {
	dir := filepath.Join("testdata", "basic")
	_, warns, err := generateWarn(loadTestTable(t, dir), filepath.Join(dir, "goos_genode", "src"), "syscalls/table.tsv")
	if err != nil {
		t.Fatal(err)
	}
	// The test tree has no runtime sources, so every runtime import is
	// unreferenced; everything syscall and unix import is used by a //sys line.
	var got []string
	for _, w := range warns {
		got = append(got, w[strings.Index(w, ": ")+2:strings.Index(w, " lists")])
	}
	if s := strings.Join(got, " "); s != "__error exit mmap open read" {
		t.Errorf("warnings for %s:\n%s", s, strings.Join(warns, "\n"))
	}
}

func TestWrappersTypeCheck(t *testing.T) {
	dir := filepath.Join("testdata", "basic")
	got, err := generate(loadTestTable(t, dir), filepath.Join(dir, "goos_genode", "src"), "syscalls/table.tsv")
	if err != nil {
		t.Fatal(err)
	}
	helpers := `
func syscall(fn, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)
func syscall6(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
func syscall6X(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
func syscall10(fn, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 uintptr) (r1, r2 uintptr, err Errno)
func syscall10X(fn, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 uintptr) (r1, r2 uintptr, err Errno)
func rawSyscall(fn, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)
func rawSyscall6(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
func rawSyscall6X(fn, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
func rawSyscall10X(fn, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 uintptr) (r1, r2 uintptr, err Errno)
func syscallPtr(fn, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)
`
	syscallStub := `package syscall
type Errno uintptr
func (e Errno) Error() string { return "" }
type _C_int int32
var _zero uintptr
func errnoErr(e Errno) error { return e }
func BytePtrFromString(s string) (*byte, error) { return nil, nil }
` + helpers
	unixStub := `package unix
import "syscall"
var _zero uintptr
` + strings.ReplaceAll(strings.ReplaceAll(helpers, "func ", "func syscall_"), "Errno", "syscall.Errno")
	abiSrc := "package abi\nfunc FuncPCABI0(f interface{}) uintptr { return 0 }\n"

	fset := token.NewFileSet()
	pkgs := map[string]*types.Package{}
	var imp importerFunc
	check := func(path string, srcs map[string]string) {
		var files []*ast.File
		names := make([]string, 0, len(srcs))
		for n := range srcs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			f, err := parser.ParseFile(fset, n, srcs[n], 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		conf := types.Config{Importer: imp}
		p, err := conf.Check(path, fset, files, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		pkgs[path] = p
	}
	std := importer.Default()
	imp = func(path string) (*types.Package, error) {
		if p, ok := pkgs[path]; ok {
			return p, nil
		}
		if path == "unsafe" {
			return types.Unsafe, nil
		}
		return std.Import(path)
	}
	check("internal/abi", map[string]string{"abi.go": abiSrc})
	for _, arch := range arches {
		delete(pkgs, "syscall")
		srcs := map[string]string{"stub.go": syscallStub, "zlibc_genode.go": string(got["syscall/zlibc_genode.go"]), "zsyscall_genode.go": string(got["syscall/zsyscall_genode.go"])}
		if s, ok := got["syscall/zsyscall_genode_"+arch+".go"]; ok {
			srcs["zsyscall_genode_"+arch+".go"] = string(s)
		}
		check("syscall", srcs)
	}
	check("internal/syscall/unix", map[string]string{"stub.go": unixStub, "zlibc_genode.go": string(got["internal/syscall/unix/zlibc_genode.go"]), "zsyscall_genode.go": string(got["internal/syscall/unix/zsyscall_genode.go"])})
	check("runtime", map[string]string{"zlibc_genode.go": string(got["runtime/zlibc_genode.go"])})
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// writeTree makes a project tree from path -> content.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const smallTable = "open\timplemented\tx\truntime,syscall\tint open(const char *path, int flags, ...)\t\n" +
	"unlinkat\tmissing\tx\t-\tint unlinkat(int fd, const char *path, int flag)\tnot in the ABI\n" +
	"close\timplemented\tx\truntime\tint close(int fd)\t\n" +
	"getcwd\timplemented\tx\tsyscall\tchar *getcwd(char *buf, size_t size)\t\n" +
	"sysctl\tpartial\tx\tsyscall\tint sysctl(const int *name, u_int namelen, void *oldp, size_t *oldlenp, const void *newp, size_t newlen)\tro\n"

func TestErrors(t *testing.T) {
	for _, tc := range []struct{ sys, want string }{
		{"//sys\tUnlinkat(fd int, path string, flags int) (err error)", "goos_genode/src/syscall/x_genode.go:3: Unlinkat: libc function unlinkat is missing in Genode's libc (syscalls/table.tsv:2)"},
		{"//sys\tClose(fd int) (err error)", "x_genode.go:3: Close: syscalls/table.tsv does not list syscall as a user of close (line 3)"},
		{"//sys\tNope(fd int) (err error)", "x_genode.go:3: Nope: libc function nope is not in syscalls/table.tsv"},
		{"//sys\tOpen(path string) (fd int)", "x_genode.go:3: Open: string argument path needs an err result"},
		{"//sys\tOpen(path string, int) (fd int, err error)", "x_genode.go:3: Open arguments: parameter \"int\" has no type"},
		{"//sys\tOpen(path string) fd int", "x_genode.go:3: malformed //sys line"},
		{"//sys\tgetcwd(buf []byte, x int, y int) (n int, err error)", "getcwd returns a pointer and takes 4 words"},
		{"//sysnb\tsysctl(mib []_C_int, old *byte, oldlen *uintptr, new *byte, newlen uintptr, x int) (err error)", "//sysnb with 7 words and a 32-bit result has no raw helper"},
		{"//sys\tOpen(path string) (fd int, err error)\n//sys\tOpen(path string) (fd int, err error)", "x_genode.go:4: Open already declared at goos_genode/src/syscall/x_genode.go:3"},
	} {
		root := writeTree(t, map[string]string{
			"syscalls/table.tsv":                  smallTable,
			"goos_genode/src/syscall/x_genode.go": "package syscall\n\n" + tc.sys + "\n",
		})
		_, err := run(root, true)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got error %v, want %q", tc.sys, err, tc.want)
		}
	}
	// A missing function with users is refused even if Parse were bypassed.
	tab, err := syscalls.Parse(strings.NewReader(smallTable))
	if err != nil {
		t.Fatal(err)
	}
	tab.Entries[1].Users = []string{"runtime"}
	if _, err := generate(tab, t.TempDir(), "syscalls/table.tsv"); err == nil || !strings.Contains(err.Error(), "unlinkat is missing in Genode's libc but lists users runtime") {
		t.Errorf("missing with users: got %v", err)
	}
}

func TestRunAndCheck(t *testing.T) {
	root := writeTree(t, map[string]string{
		"syscalls/table.tsv":                               smallTable,
		"goos_genode/src/syscall/syscall_genode.go":        "package syscall\n\n//sys\tOpen(path string, mode int, perm uint32) (fd int, err error)\n",
		"goos_genode/src/os/zlibc_genode.go":               "left over\n",
		"goos_genode/src/syscall/zsyscall_genode_amd64.go": "left over\n",
	})
	diffs, err := run(root, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"missing:  goos_genode/src/runtime/zlibc_genode.go",
		"missing:  goos_genode/src/runtime/zlibc_genode_amd64.s",
		"missing:  goos_genode/src/runtime/zlibc_genode_arm64.s",
		"missing:  goos_genode/src/syscall/zlibc_genode.go",
		"missing:  goos_genode/src/syscall/zlibc_genode_amd64.s",
		"missing:  goos_genode/src/syscall/zlibc_genode_arm64.s",
		"missing:  goos_genode/src/syscall/zsyscall_genode.go",
		"obsolete: goos_genode/src/os/zlibc_genode.go",
		"obsolete: goos_genode/src/syscall/zsyscall_genode_amd64.go",
	}
	if strings.Join(diffs, "\n") != strings.Join(want, "\n") {
		t.Errorf("check before generating:\n%s\nwant:\n%s", strings.Join(diffs, "\n"), strings.Join(want, "\n"))
	}
	if _, err := run(root, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "goos_genode/src/os/zlibc_genode.go")); !os.IsNotExist(err) {
		t.Errorf("obsolete file not removed: %v", err)
	}
	if diffs, err := run(root, true); err != nil || len(diffs) != 0 {
		t.Errorf("check after generating: %v %v", diffs, err)
	}
	p := filepath.Join(root, "goos_genode/src/runtime/zlibc_genode_arm64.s")
	os.WriteFile(p, []byte("edited\n"), 0o644)
	if diffs, _ := run(root, true); len(diffs) != 1 || diffs[0] != "stale:    goos_genode/src/runtime/zlibc_genode_arm64.s" {
		t.Errorf("check after an edit: %v", diffs)
	}
}

func TestParseParams(t *testing.T) {
	ps, err := parseParams("a, b int, p []byte, q *[2]_C_int")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Name+":"+p.Type)
	}
	if s := strings.Join(got, " "); s != "a:int b:int p:[]byte q:*[2]_C_int" {
		t.Errorf("got %s", s)
	}
}

func TestFileSelection(t *testing.T) {
	for _, tc := range []struct {
		name, src, arch string
		ok              bool
	}{
		{"syscall_genode.go", "package syscall\n", "", true},
		{"syscall_genode_arm64.go", "package syscall\n", "arm64", true},
		{"syscall_linux.go", "package syscall\n", "", false},
		{"exec_libc2.go", "//go:build darwin || genode\n\npackage syscall\n", "", true},
		{"exec_libc.go", "//go:build aix || solaris\n\npackage syscall\n", "", false},
		{"x.go", "//go:build genode && amd64\n\npackage syscall\n", "amd64", true},
		{"y_genode.go", "//go:build ignore\n\npackage syscall\n", "", false},
	} {
		arch, ok := genodeFileArch(tc.name, []byte(tc.src))
		if arch != tc.arch || ok != tc.ok {
			t.Errorf("%s: got %q %v, want %q %v", tc.name, arch, ok, tc.arch, tc.ok)
		}
	}
}
