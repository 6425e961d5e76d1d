package main

// golang.org/x/sys/unix for genode. The //sys lines of the hand-written
// files in goos_genode/mod/x-sys/unix (laid over the pinned module by
// build/modules.sh) become wrappers in zsyscall_genode.go there, with the
// import pragmas of every table function whose users name the package, and
// zsyscall_genode_{amd64,arm64}.s holds the trampolines. It is openbsd's
// libc path as x/sys writes it (a libc_X_trampoline_addr variable per
// function, the runtime's helpers linknamed as syscall_<helper>), with
// Genode's library name libc.lib.so, and the same wrapper code and checks as
// package syscall's.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"genodego/syscalls"
)

const (
	xsysPkg = "golang.org/x/sys/unix"
	xsysDir = "goos_genode/mod/x-sys/unix" // relative to the project root
)

// isModulePkg reports whether pkg is outside the standard library (a dot in
// its first element); such packages are not in goos_genode/src.
func isModulePkg(pkg string) bool {
	first, _, _ := strings.Cut(pkg, "/")
	return strings.Contains(first, ".")
}

// isXsysGenerated reports whether a file name in xsysDir is one mklibc owns.
func isXsysGenerated(name string) bool {
	return regexp.MustCompile(`^zsyscall_genode(_amd64|_arm64)?\.(go|s)$`).MatchString(name)
}

var (
	funcPCRE = regexp.MustCompile(`abi\.FuncPCABI0\((libc_\w+_trampoline)\)`)
	importRE = regexp.MustCompile(`(?m)^\t"(internal/abi|syscall)"\n`)
)

// generateXsys returns the generated files of xsysDir keyed by slash path
// relative to root, the generated files now there (for obsolete ones), and
// warnings.
func generateXsys(tab *syscalls.Table, root, tableName string) (map[string][]byte, []string, []string, error) {
	dir := filepath.Join(root, filepath.FromSlash(xsysDir))
	decls, err := readSysDecls(dir, xsysDir)
	if err != nil {
		return nil, nil, nil, err
	}
	var have []string
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, nil, err
	}
	var hand bytes.Buffer
	for _, e := range ents {
		n := e.Name()
		if isXsysGenerated(n) {
			have = append(have, xsysDir+"/"+n)
			continue
		}
		if strings.HasSuffix(n, ".go") || strings.HasSuffix(n, ".s") {
			data, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				return nil, nil, nil, err
			}
			hand.Write(data)
		}
	}
	used := tab.UsedBy(xsysPkg)
	if len(decls) == 0 && len(used) == 0 {
		return nil, have, nil, nil
	}
	files, err := wrappers(xsysPkg, decls, tab, tableName)
	if err != nil {
		return nil, nil, nil, err
	}
	out := map[string][]byte{}
	var refs bytes.Buffer
	refs.Write(hand.Bytes())
	for name, data := range files {
		data = xsysStyle(data)
		refs.Write(data)
		out[xsysDir+"/"+name] = data
	}

	// The import pragmas and address variables, with the common wrappers.
	var b bytes.Buffer
	common := xsysDir + "/zsyscall_genode.go"
	if data, ok := out[common]; ok {
		b.Write(data)
	} else {
		b.WriteString(header(tableName))
		b.WriteString("\n//go:build genode\n\npackage unix\n\n")
	}
	for _, e := range used {
		fmt.Fprintf(&b, "var libc_%s_trampoline_addr uintptr\n\n", e.Name)
		fmt.Fprintf(&b, "//go:cgo_import_dynamic libc_%s %s \"libc.lib.so\"\n\n", e.Name, e.Name)
	}
	out[common] = gofmt(b.Bytes())
	for _, a := range arches {
		out[xsysDir+"/zsyscall_genode_"+a+".s"] = xsysAsm(a, used, tableName)
	}

	var warns []string
	for _, e := range used {
		if !bytes.Contains(refs.Bytes(), []byte("libc_"+e.Name+"_trampoline_addr")) {
			warns = append(warns, fmt.Sprintf("%s:%d: %s lists %s as a user, but nothing in %s refers to libc_%s_trampoline_addr", tableName, e.Line, e.Name, xsysPkg, xsysDir, e.Name))
		}
	}
	return out, have, warns, nil
}

// xsysStyle turns a wrapper file written for a std package into x/sys's
// form: the trampoline's address comes from its _addr variable (x/sys cannot
// use internal/abi), strings go through the package's own BytePtrFromString
// and errors through errnoErr.
func xsysStyle(src []byte) []byte {
	s := funcPCRE.ReplaceAllString(string(src), "${1}_addr")
	s = strings.ReplaceAll(s, "syscall.BytePtrFromString(", "BytePtrFromString(")
	s = strings.ReplaceAll(s, "\t\terr = e1\n", "\t\terr = errnoErr(e1)\n")
	s = importRE.ReplaceAllStringFunc(s, func(imp string) string {
		if strings.Contains(imp, "syscall") && strings.Contains(strings.Replace(s, imp, "", 1), "syscall.") {
			return imp
		}
		return ""
	})
	return gofmt([]byte(s))
}

func xsysAsm(arch string, ents []syscalls.Entry, tableName string) []byte {
	var b bytes.Buffer
	b.WriteString(header(tableName))
	fmt.Fprintf(&b, "\n//go:build genode && %s\n\n#include \"textflag.h\"\n\n", arch)
	b.WriteString("// Each trampoline jumps to the libc function of its name; the wrappers\n")
	b.WriteString("// find it through libc_X_trampoline_addr.\n")
	for _, e := range ents {
		fmt.Fprintf(&b, "\nTEXT libc_%s_trampoline<>(SB),NOSPLIT,$0-0\n\tJMP\tlibc_%s(SB)\n", e.Name, e.Name)
		fmt.Fprintf(&b, "GLOBL\t·libc_%s_trampoline_addr(SB), RODATA, $8\n", e.Name)
		fmt.Fprintf(&b, "DATA\t·libc_%s_trampoline_addr(SB)/8, $libc_%s_trampoline<>(SB)\n", e.Name, e.Name)
	}
	return b.Bytes()
}
