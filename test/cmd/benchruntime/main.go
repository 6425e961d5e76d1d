// Command benchruntime runs a fixed set of benchmarks natively on
// linux/amd64 and on genode/amd64 (the model of Genode's libc, through
// go_genode_amd64_exec) with the same patched toolchain, and prints the
// genode/native ratio of each with the port's goals: compute ≤ 1.05×,
// goroutines and channels ≤ 1.2×, file and socket I/O ≤ 2×, time.Now ≤ 1.5×. A miss is
// reported, not a failure.
//
//	go run genodego/test/cmd/benchruntime [-root dir] [-count 5] [-benchtime 1s] [-cpu N] [-native=true] [-genode=true] [-arch arm64]
//
// With -arch arm64 (make bench-runtime GOARCH=arm64) both sides are arm64
// under qemu-user on this host: genode/arm64 on the arm64 model against
// linux/arm64 (go_linux_arm64_exec), so that the emulator's cost is in both.
//
// The raw outputs go to _build/bench/{native,genode}.txt (bench-arm64 for
// arm64); when benchstat is on PATH or in _build/bin it also compares them.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"genodego/test/cmd/internal/gotool"
)

func main() {
	root := flag.String("root", "", "repository root (default: found from the working directory)")
	count := flag.Int("count", 5, "go test -count")
	benchtime := flag.String("benchtime", "1s", "go test -benchtime")
	cpu := flag.Int("cpu", min(runtime.NumCPU(), 4), "GOMAXPROCS for both platforms (go test -cpu)")
	native := flag.Bool("native", true, "run natively")
	genode := flag.Bool("genode", true, "run on genode/amd64 (the model)")
	timeout := flag.Duration("timeout", 10*time.Minute, "per go test run")
	arch := flag.String("arch", "amd64", "GOARCH of both sides: amd64, or arm64 under qemu-user")
	flag.Parse()
	if *arch != "amd64" && *arch != "arm64" {
		fatal(fmt.Errorf("-arch %s: amd64 or arm64", *arch))
	}

	tool, err := gotool.New(*root)
	if err != nil {
		fatal(err)
	}
	tool.Arch = *arch
	top, goroot := tool.Root, tool.GOROOT
	outDir := filepath.Join(top, "_build", "bench")
	if *arch != "amd64" {
		outDir += "-" + *arch
	}
	os.MkdirAll(outDir, 0o777)

	run := func(platform string, s Spec) ([]byte, error) {
		args := []string{"test", "-run", "^$", "-bench", s.Bench, "-count", strconv.Itoa(*count),
			"-benchtime", *benchtime, "-cpu", strconv.Itoa(*cpu), "-timeout", timeout.String()}
		dir := filepath.Join(goroot, "src")
		if s.Pkg == "" {
			dir = filepath.Join(top, "test", "bench")
			args = append(args, ".")
		} else {
			args = append(args, s.Pkg)
		}
		ctx, cancel := context.WithTimeout(context.Background(), *timeout+2*time.Minute)
		defer cancel()
		cmd := tool.Command(ctx, dir, tool.Platform(platform, *timeout), args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		gotool.KillGroup(cmd)
		if ctx.Err() != nil {
			err = fmt.Errorf("killed after %v", *timeout+2*time.Minute)
		}
		return out.Bytes(), err
	}

	type result struct{ native, genode []byte }
	results := make([]result, len(specs))
	all := map[string]*bytes.Buffer{"native": {}, "genode": {}}
	failed := 0
	for _, platform := range []string{"native", "genode"} {
		if platform == "native" && !*native || platform == "genode" && !*genode {
			continue
		}
		for i, s := range specs {
			name := s.Pkg
			if name == "" {
				name = "test/bench"
			}
			t0 := time.Now()
			out, err := run(platform, s)
			status := "ok"
			if err != nil {
				status = "FAILED: " + err.Error() + ": " + lastLine(out)
				if platform == "native" {
					failed++
				}
			}
			fmt.Fprintf(os.Stderr, "bench-runtime: %-6s %-18s %6s %s\n", platform, name, time.Since(t0).Round(time.Second), status)
			if platform == "native" {
				results[i].native = out
			} else {
				results[i].genode = out
			}
			all[platform].Write(out)
		}
		os.WriteFile(filepath.Join(outDir, platform+".txt"), all[platform].Bytes(), 0o666)
	}

	var lines []Line
	for i, s := range specs {
		lines = append(lines, Compare(s.Class, bytes.NewReader(results[i].native), bytes.NewReader(results[i].genode))...)
	}
	fmt.Printf("\n%s (model) vs %s, same toolchain: median ns/op of -count %d, -cpu %d; ratio = genode/native\n",
		tool.Target("genode"), tool.Target("native"), *count, *cpu)
	if *arch != runtime.GOARCH {
		fmt.Printf("both under qemu-user (%s, %s) on a %s host\n", tool.ExecWrapper("genode"), tool.ExecWrapper("native"), runtime.GOARCH)
	}
	fmt.Println()
	misses := WriteTable(os.Stdout, lines)
	fmt.Printf("\n%d of %d classes miss their goal (reported, not a failure). Raw output: %s/{native,genode}.txt\n",
		misses, countClasses(), outDir)
	if *native && *genode {
		benchstat(top, outDir)
	}
	if failed > 0 {
		os.Exit(1) // the native half must work
	}
}

func countClasses() int {
	m := map[string]bool{}
	for _, s := range specs {
		m[s.Class.Name] = true
	}
	return len(m)
}

// benchstat compares the raw outputs when benchstat can be found.
func benchstat(top, dir string) {
	bin, err := exec.LookPath("benchstat")
	if err != nil {
		bin = filepath.Join(top, "_build", "bin", "benchstat")
		if _, err := os.Stat(bin); err != nil {
			fmt.Println("(benchstat not found; ratios above computed here)")
			return
		}
	}
	fmt.Println("\nbenchstat:")
	cmd := exec.Command(bin, "-ignore", "goos,pkg",
		"native="+filepath.Join(dir, "native.txt"), "genode="+filepath.Join(dir, "genode.txt"))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Println("benchstat:", err)
	}
}

func lastLine(b []byte) string {
	ls := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i := len(ls) - 1; i >= 0; i-- {
		l := strings.TrimSpace(ls[i])
		if l != "" && !strings.HasPrefix(l, "FAIL") && !strings.HasPrefix(l, "exit status") {
			if len(l) > 160 {
				l = l[:157] + "..."
			}
			return l
		}
	}
	return ""
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchruntime:", err)
	os.Exit(2)
}
