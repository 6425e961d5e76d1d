// Command genode-ldcheck checks an image the way Genode's ld.lib.so does when
// execve replaces a component's binary (Dynamic_linker::respawn in
// repos/base/src/lib/ldso/main.cc, called by repos/libports/src/lib/libc/execve.cc).
// The model's execve runs it before loading the new image.
//
// Usage:
//
//	genode-ldcheck [-q] file
//
// It applies the rules of genodego/build/elfcheck that ld.lib.so enforces
// while loading a binary (header and link address, PT_DYNAMIC, segments,
// program-header count, TLS, DT_NEEDED, relocation types, an exported main),
// and leaves out what only the port or the parent demands:
//
//   - INTERP: respawn loads the ROM module itself; the parent never sees it.
//   - e_entry != 0: the parent's check (repos/base/src/lib/base/elf_binary.cc).
//   - SYMBOL: imports are resolved against the loaded libraries, which export
//     Genode's whole symbol list (repos/libports/lib/symbols/libc), not only
//     the port's syscalls table; the model checks them when the image starts.
//   - INSN: a port policy for Go code, not a loader check.
//
// Exit status: 0 loadable, 1 violations (printed), 2 not an ELF file or bad usage.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"genodego/build/elfcheck"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// loaderOnly drops the violations ld.lib.so's respawn would not notice.
func loaderOnly(vs []elfcheck.Violation) []elfcheck.Violation {
	var out []elfcheck.Violation
	for _, v := range vs {
		switch v.Rule {
		case elfcheck.RuleInterp, elfcheck.RuleSymbol, elfcheck.RuleInsn:
			continue
		case elfcheck.RuleHeader:
			if strings.HasPrefix(v.Message, "e_entry is 0") {
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("genode-ldcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quiet := fs.Bool("q", false, "print only violations and errors")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: genode-ldcheck [-q] file")
		return 2
	}
	path := fs.Arg(0)
	vs, err := elfcheck.CheckFile(path, elfcheck.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "genode-ldcheck: %v\n", err)
		return 2
	}
	vs = loaderOnly(vs)
	for _, v := range vs {
		fmt.Fprintln(stdout, v)
	}
	if len(vs) > 0 {
		return 1
	}
	if !*quiet {
		fmt.Fprintf(stdout, "ok %s\n", path)
	}
	return 0
}
