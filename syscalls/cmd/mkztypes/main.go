// Command mkztypes writes the files of GOOS=genode that are derived from the
// Go release itself: package syscall's zerrors_genode_$GOARCH.go and
// ztypes_genode_$GOARCH.go.
//
// Genode's libc is FreeBSD 12.0's (repos/libports/ports/libc.port), so its
// constants and structure layouts are FreeBSD 12's. Go already ships those
// facts, produced from FreeBSD headers by mkerrors.sh and cgo -godefs, in
// $GOROOT/src/syscall/{zerrors,ztypes}_freebsd_$GOARCH.go. This program
// reads them and keeps what a libc-only port without routing sockets, BPF or
// kqueue can use: groups of names that only describe those facilities are
// dropped. (internal/goos's zgoos files are written by upstream's gengoos.go
// during the build: build/toolchain.sh.)
//
// The inputs are files of the Go release pinned in third_party/go.pin, the
// machine's Go that make toolchain also starts from, so the output is
// reproducible without network and without Genode's source. mkztypes refuses
// a GOROOT of another version.
//
// Usage:
//
//	go run genodego/syscalls/cmd/mkztypes [-root dir] [-goroot dir] [-check]
//
// -root is the project root (default: found upward from the current
// directory); -goroot defaults to the GOROOT of the go command that built
// mkztypes. -check writes nothing and exits 1, listing the stale files.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"genodego/syscalls/internal/genfiles"
)

const command = "go run genodego/syscalls/cmd/mkztypes"

// dropPrefixes name constant groups that belong to facilities Genode's libc
// does not offer (routing sockets, BPF, interface types and flags, kqueue,
// memory locking, ioctl-based interface configuration).
var dropPrefixes = []string{
	"BIOC", "BPF_", "DLT_", "IFT_", "IFF_", "IFAN_", "RTA_", "RTAX_", "RTF_",
	"RTM_", "RTV_", "RT_", "NET_RT_", "NOTE_", "EV_", "EVFILT_", "SIOC", "MCL_",
	"sizeofIf", "SizeofIf", "SizeofRt", "SizeofBpf", "_statfsVersion",
}

// dropTypes are ztypes entries for the same facilities.
var dropTypes = map[string]bool{
	"Kevent_t": true, "ifMsghdr": true, "IfMsghdr": true, "ifData": true,
	"IfData": true, "IfaMsghdr": true, "IfmaMsghdr": true,
	"IfAnnounceMsghdr": true, "RtMsghdr": true, "RtMetrics": true,
	"BpfVersion": true, "BpfStat": true, "BpfZbuf": true, "BpfProgram": true,
	"BpfInsn": true, "BpfHdr": true, "BpfZbufHeader": true,
}

func keepName(name string) bool {
	for _, p := range dropPrefixes {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	return !dropTypes[name]
}

func main() {
	root := flag.String("root", "", "project root holding third_party/go.pin and goos_genode/ (default: found from the current directory)")
	goroot := flag.String("goroot", runtime.GOROOT(), "GOROOT of the pinned Go release, whose files are read")
	check := flag.Bool("check", false, "only check that the generated files are up to date")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: mkztypes [-root dir] [-goroot dir] [-check]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *root == "" {
		r, err := genfiles.FindRoot()
		if err != nil {
			fatal(err)
		}
		*root = r
	}
	if *goroot == "" {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			fatal(fmt.Errorf("no GOROOT: %v; use -goroot", err))
		}
		*goroot = strings.TrimSpace(string(out))
	}
	version, err := pinnedVersion(*root, *goroot)
	if err != nil {
		fatal(err)
	}
	want, err := generate(*goroot, version)
	if err != nil {
		fatal(err)
	}
	xs, err := generateXsys(*root) // x/sys/unix's, from the pinned module (xsys.go)
	if err != nil {
		fatal(err)
	}
	for name, data := range xs {
		want[name] = data
	}
	diffs, err := genfiles.Update(*root, want, nil, *check)
	if err != nil {
		fatal(err)
	}
	if *check && len(diffs) > 0 {
		genfiles.PrintStale(os.Stderr, "mkztypes", command, diffs)
		os.Exit(1)
	}
	if !*check {
		for _, d := range diffs {
			fmt.Fprintf(os.Stderr, "mkztypes: wrote %s\n", strings.TrimSpace(d[strings.Index(d, ":")+1:]))
		}
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "mkztypes: %v\n", err)
	os.Exit(1)
}

// pinnedVersion returns the Go version third_party/go.pin names, or an error
// when goroot holds another one.
func pinnedVersion(root, goroot string) (string, error) {
	pin, err := os.ReadFile(filepath.Join(root, "third_party", "go.pin"))
	if err != nil {
		return "", err
	}
	var want string
	sc := bufio.NewScanner(bytes.NewReader(pin))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "version="); ok {
			want = strings.TrimSpace(v)
		}
	}
	if want == "" {
		return "", fmt.Errorf("third_party/go.pin names no version=")
	}
	vf, err := os.ReadFile(filepath.Join(goroot, "VERSION"))
	if err != nil {
		return "", fmt.Errorf("GOROOT %s: %v", goroot, err)
	}
	have, _, _ := strings.Cut(string(vf), "\n")
	if have = strings.TrimSpace(have); have != want {
		return "", fmt.Errorf("GOROOT %s is %s, but the generated files come from %s (third_party/go.pin): run mkztypes with that Go (-goroot)", goroot, have, want)
	}
	return want, nil
}

// generate returns the files, keyed by slash path relative to the project
// root, made from the files of goroot (Go release version).
func generate(goroot, version string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, arch := range []string{"amd64", "arm64"} {
		for _, kind := range []string{"zerrors", "ztypes"} {
			src := filepath.Join(goroot, "src", "syscall", kind+"_freebsd_"+arch+".go")
			data, err := convert(src, kind, arch, version)
			if err != nil {
				return nil, err
			}
			out["goos_genode/src/syscall/"+kind+"_genode_"+arch+".go"] = data
		}
	}
	return out, nil
}

func convert(src, kind, arch, version string) ([]byte, error) {
	fset := token.NewFileSet()
	body, _, err := filterDecls(fset, src, keepName, true)
	if err != nil {
		return nil, err
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by %s. DO NOT EDIT.\n", command)
	fmt.Fprintf(&b, "// From syscall/%s_freebsd_%s.go of %s (FreeBSD 12 ABI, which is Genode's libc ABI),\n", kind, arch, version)
	fmt.Fprintf(&b, "// without routing-socket, BPF, kqueue and interface entries.\n\n")
	fmt.Fprintf(&b, "//go:build genode && %s\n\npackage syscall\n\n", arch)
	b.Write(body.Bytes())
	res, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %v", src, err)
	}
	return res, nil
}

// filterDecls prints the declarations of src whose names keep accepts, with
// their group headings, and returns them with src's import paths. With
// tables, the errors and signals tables lose the entries of dropped names.
func filterDecls(fset *token.FileSet, src string, keep func(string) bool, tables bool) (*bytes.Buffer, []string, error) {
	f, err := parser.ParseFile(fset, src, nil, parser.ParseComments)
	if err != nil {
		return nil, nil, err
	}
	var imports []string
	var body bytes.Buffer
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		if gd.Tok == token.IMPORT {
			for _, s := range gd.Specs {
				imports = append(imports, s.(*ast.ImportSpec).Path.Value)
			}
			continue
		}
		var specs []ast.Spec
		for _, s := range gd.Specs {
			var name string
			switch s := s.(type) {
			case *ast.TypeSpec:
				name = s.Name.Name
			case *ast.ValueSpec:
				name = s.Names[0].Name
				if tables && gd.Tok == token.VAR {
					// errors and signals tables: index
					// entries are Errno/Signal constants.
					s.Values = filterTable(s.Values)
				}
			}
			if keep(name) {
				specs = append(specs, s)
			}
		}
		if len(specs) == 0 {
			continue
		}
		if doc := groupComment(gd); doc != "" {
			fmt.Fprintf(&body, "// %s\n", doc)
		}
		gd.Doc = nil
		gd.Specs = specs
		if len(specs) > 1 && !gd.Lparen.IsValid() {
			gd.Lparen = gd.Pos()
		}
		if err := printer.Fprint(&body, fset, stripComments(gd)); err != nil {
			return nil, nil, err
		}
		body.WriteString("\n\n")
	}
	return &body, imports, nil
}

// groupComment returns the "// Errors"-style heading of a declaration.
func groupComment(gd *ast.GenDecl) string {
	if gd.Doc == nil {
		return ""
	}
	t := strings.TrimSpace(gd.Doc.Text())
	switch t {
	case "Errors", "Signals", "Error table", "Signal table":
		return t
	}
	return ""
}

func filterTable(vals []ast.Expr) []ast.Expr {
	for _, v := range vals {
		cl, ok := v.(*ast.CompositeLit)
		if !ok {
			continue
		}
		var elts []ast.Expr
		for _, e := range cl.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok && !keepName(id.Name) {
					continue
				}
			}
			elts = append(elts, e)
		}
		cl.Elts = elts
	}
	return vals
}

// stripComments removes trailing comments from struct fields and specs so
// that only our own header comments appear in the output.
func stripComments(n ast.Node) ast.Node {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			n.Doc, n.Comment = nil, nil
		case *ast.ValueSpec:
			n.Doc, n.Comment = nil, nil
		case *ast.TypeSpec:
			n.Doc, n.Comment = nil, nil
		}
		return true
	})
	return n
}
