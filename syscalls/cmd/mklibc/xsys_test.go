package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const xsysTable = "open\timplemented\tx\truntime,syscall,golang.org/x/sys/unix\tint open(const char *path, int flags, ...)\t\n" +
	"close\timplemented\tx\tgolang.org/x/sys/unix\tint close(int fd)\t\n" +
	"read\timplemented\tx\tgolang.org/x/sys/unix\tssize_t read(int fd, void *buf, size_t nbytes)\t\n" +
	"dup3\tmissing\tx\t-\tint dup3(int oldd, int newd, int flags)\tnot in the ABI\n"

// TestXsys checks the x/sys/unix files: x/sys's form of the wrappers (the
// trampoline's _addr variable, its own BytePtrFromString and errnoErr), the
// pragmas and trampolines of every function the table gives the package,
// no goos_genode/src files for a module package, the checks shared with
// package syscall, and obsolete files.
func TestXsys(t *testing.T) {
	root := writeTree(t, map[string]string{
		"syscalls/table.tsv": xsysTable,
		xsysDir + "/syscall_genode.go": "package unix\n\n" +
			"//sys\tOpen(path string, mode int, perm uint32) (fd int, err error)\n" +
			"//sys\tread(fd int, p []byte) (n int, err error)\n",
		xsysDir + "/other_genode.go":          "package unix\n\nvar _ = libc_close_trampoline_addr\n",
		xsysDir + "/zsyscall_genode_amd64.go": "left over\n",
	})
	if _, err := run(root, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "goos_genode/src/golang.org")); !os.IsNotExist(err) {
		t.Errorf("a module package got goos_genode/src files: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, xsysDir, "zsyscall_genode_amd64.go")); !os.IsNotExist(err) {
		t.Errorf("obsolete file not removed: %v", err)
	}
	goFile, err := os.ReadFile(filepath.Join(root, xsysDir, "zsyscall_genode.go"))
	if err != nil {
		t.Fatal(err)
	}
	g := string(goFile)
	for _, want := range []string{
		"//go:build genode\n\npackage unix\n",
		"_p0, err = BytePtrFromString(path)",
		"r0, _, e1 := syscall_syscall(libc_open_trampoline_addr, uintptr(unsafe.Pointer(_p0)), uintptr(mode), uintptr(perm))",
		"syscall_syscall6X(libc_read_trampoline_addr,",
		"err = errnoErr(e1)",
		"var libc_close_trampoline_addr uintptr",
		"//go:cgo_import_dynamic libc_close close \"libc.lib.so\"",
		"//go:cgo_import_dynamic libc_open open \"libc.lib.so\"",
	} {
		if !strings.Contains(g, want) {
			t.Errorf("zsyscall_genode.go lacks %q:\n%s", want, g)
		}
	}
	for _, bad := range []string{"internal/abi", "\"syscall\"", "FuncPCABI0"} {
		if strings.Contains(g, bad) {
			t.Errorf("zsyscall_genode.go has %q", bad)
		}
	}
	asm, err := os.ReadFile(filepath.Join(root, xsysDir, "zsyscall_genode_arm64.s"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"//go:build genode && arm64",
		"TEXT libc_read_trampoline<>(SB),NOSPLIT,$0-0\n\tJMP\tlibc_read(SB)\n",
		"GLOBL\t·libc_read_trampoline_addr(SB), RODATA, $8\n",
		"DATA\t·libc_read_trampoline_addr(SB)/8, $libc_read_trampoline<>(SB)\n",
	} {
		if !strings.Contains(string(asm), want) {
			t.Errorf("zsyscall_genode_arm64.s lacks %q", want)
		}
	}
	if diffs, err := run(root, true); err != nil || len(diffs) != 0 {
		t.Errorf("check after generating: %v %v", diffs, err)
	}

	// A missing function, or one the table does not give the package, is
	// refused as for package syscall.
	for _, tc := range []struct{ sys, want string }{
		{"//sys\tDup3(a int, b int, c int) (err error)", "libc function dup3 is missing in Genode's libc"},
		{"//sys\tOpen(path string, mode int, perm uint32) (fd int, err error)\n//sys\tunlink(path string) (err error)", "libc function unlink is not in syscalls/table.tsv"},
	} {
		os.WriteFile(filepath.Join(root, xsysDir, "syscall_genode.go"), []byte("package unix\n\n"+tc.sys+"\n"), 0o644)
		if _, err := run(root, true); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.sys, err, tc.want)
		}
	}
}

func TestIsModulePkg(t *testing.T) {
	for pkg, want := range map[string]bool{
		"golang.org/x/sys/unix": true, "syscall": false, "internal/syscall/unix": false, "runtime": false,
	} {
		if isModulePkg(pkg) != want {
			t.Errorf("isModulePkg(%q) = %v", pkg, !want)
		}
	}
}
