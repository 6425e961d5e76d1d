// Command memreport finds the smallest RAM quota with which a program runs
// on genode/amd64 (the model) every time: hello, and a net/http server
// answering 30 concurrent clients in the same component (httpload). For each
// it searches quotas in 128 KiB steps for the smallest that passes -runs of
// -runs runs, and writes a markdown report (make mem-report).
//
// The model charges what Genode's RAM quota counts: committed memory (the
// libc's Mem_alloc chunks, stacks, the libc's own heap), host/libc/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"genodego/test/cmd/internal/gotool"
)

const step = 128 // KiB

type prog struct {
	name    string
	pkg     string // directory, relative to the project root
	args    []string
	sockets bool
	hi      int // KiB known to pass
	note    string
}

var progs = []prog{
	{name: "hello", pkg: "test/hello", hi: 32 << 10, note: "prints one line"},
	{name: "httpload", pkg: "test/cmd/memreport/httpload", args: []string{"-clients", "30", "-requests", "60"},
		sockets: true, hi: 256 << 10, note: "net/http server and 30 concurrent keep-alive clients (60 sockets: with 40, 4 of 20 runs failed at any quota, with 50 every run, near or past the 92 sockets that Genode's 11 descriptors per socket allow), 1800 requests of 1 KiB"},
}

func main() {
	root := flag.String("root", "", "repository root (default: found from the working directory)")
	runs := flag.Int("runs", 20, "runs a quota must pass")
	out := flag.String("o", "", "write the markdown report here (default: stdout)")
	only := flag.String("only", "", "only the program of this name")
	flag.Parse()
	tool, err := gotool.New(*root)
	if err != nil {
		die(err)
	}
	work, err := os.MkdirTemp("", "memreport-")
	if err != nil {
		die(err)
	}
	defer os.RemoveAll(work)
	var rows []string
	for _, p := range progs {
		if *only != "" && p.name != *only {
			continue
		}
		bin := filepath.Join(work, p.name)
		cmd := tool.Command(context.Background(), filepath.Join(tool.Root, p.pkg), tool.Platform("genode", time.Minute),
			"build", "-o", bin, ".")
		if b, err := cmd.CombinedOutput(); err != nil {
			die(fmt.Errorf("building %s: %v\n%s", p.pkg, err, b))
		}
		q, below, err := smallest(tool.Root, work, bin, p, *runs)
		if err != nil {
			die(err)
		}
		fmt.Fprintf(os.Stderr, "memreport: %s: %d KiB (%d KiB: %s)\n", p.name, q, q-step, below)
		rows = append(rows, fmt.Sprintf("| %s | %s | %.2f MiB (%d KiB) | %d of %d | %s |", p.name, p.note, float64(q)/1024, q,
			*runs, *runs, below))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# RAM quotas on genode/amd64 (the model)\n\n")
	fmt.Fprintf(&b, "The smallest quota, in %d KiB steps, with which each program ran %d of %d times (`make mem-report`,\n", step, *runs, *runs)
	fmt.Fprintf(&b, "test/cmd/memreport). The model charges what Genode's RAM quota counts: committed memory.\n\n")
	fmt.Fprintf(&b, "| program | what | smallest quota | runs passed | one step below |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		b.WriteString(r + "\n")
	}
	if *out == "" {
		fmt.Print(b.String())
		return
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		die(err)
	}
}

// smallest searches [step, p.hi] for the smallest quota that passes runs
// runs, and says how the quota one step below fared.
func smallest(root, work, bin string, p prog, runs int) (int, string, error) {
	lo, hi := 0, p.hi
	if ok, n := passes(root, work, bin, p, hi, runs, false); !ok {
		return 0, "", fmt.Errorf("%s fails with %d KiB (%d of %d runs passed)", p.name, hi, n, runs)
	}
	for hi-lo > step {
		mid := (lo + hi) / 2 / step * step
		if mid <= lo {
			mid = lo + step
		}
		if ok, _ := passes(root, work, bin, p, mid, runs, false); ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	_, n := passes(root, work, bin, p, hi-step, runs, true)
	return hi, fmt.Sprintf("%d of %d", n, runs), nil
}

// passes runs bin with quota KiB up to runs times. A search step stops at
// the first failure; all counts every run.
func passes(root, work, bin string, p prog, quota, runs int, all bool) (bool, int) {
	cfg := filepath.Join(work, fmt.Sprintf("%s-%d.config", p.name, quota))
	if err := os.WriteFile(cfg, []byte(config(p, quota)), 0o644); err != nil {
		die(err)
	}
	ok := 0
	for i := 0; i < runs; i++ {
		cmd := exec.Command(filepath.Join(root, "_build", "bin", "genode-run"), "-model", filepath.Join(root, "_build", "model"),
			"-binary", bin, "-timeout", "120s", cfg)
		if cmd.Run() == nil {
			ok++
		} else if !all {
			return false, ok
		}
	}
	return ok == runs, ok
}

func config(p prog, quota int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "start %s | caps: 200 | ram: %dK\n+ binary %s\n+ config\n  + vfs\n", p.name, quota, p.name)
	b.WriteString("    + dir dev\n      + log\n      + terminal\n      + null\n      + rtc\n    + dir pipe\n      + pipe\n")
	if p.sockets {
		b.WriteString("    + dir socket\n      + lxip | ip_addr: 127.0.0.1 | netmask: 255.0.0.0\n")
	}
	b.WriteString("  + libc | stdin: /dev/null | stdout: /dev/terminal | stderr: /dev/log | rtc: /dev/rtc | pipe: /pipe")
	if p.sockets {
		b.WriteString(" | socket: /socket")
	}
	b.WriteString("\n")
	for _, a := range append([]string{p.name}, p.args...) {
		fmt.Fprintf(&b, "  + arg %s\n", a)
	}
	b.WriteString("-\n")
	return b.String()
}

func die(err error) {
	fmt.Fprintln(os.Stderr, "memreport:", err)
	os.Exit(1)
}
