// Command stdreport runs the tests of every std package that has tests on
// genode/amd64 (through the exec wrapper, on the model of Genode's libc) and
// natively on linux/amd64 with the same patched toolchain, and writes a
// Markdown table of the results.
//
//	stdreport [-root dir] [-pkgs a,b] [-native=false] [-timeout 5m] [-p 2] [-o file]
//
// Each package is one `go test -short -json -count=1 -timeout T pkg` run
// from _build/goroot/src with GOWORK=off and PATH starting with _build/bin
// (go_genode_amd64_exec) and _build/goroot/bin. A run that gives no result
// within T plus a grace period for the build is killed and counts as failed
// ("hung"); a binary that crashes fails with the crash's first telling line.
// The tests listed in test/genode-skips.txt are passed as -skip on genode
// (the wrapper adds the same pattern) and counted in their own column.
// Raw test2json output goes to _build/stdreport/{genode,native}/.
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
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"genodego/host/skips"
)

func main() {
	root := flag.String("root", "", "repository root (default: found from the working directory)")
	pkgList := flag.String("pkgs", "", "comma-separated std packages (default: all with tests on genode/amd64)")
	native := flag.Bool("native", true, "also run natively on linux/amd64")
	genode := flag.Bool("genode", true, "run on genode/amd64 (the model)")
	timeout := flag.Duration("timeout", 5*time.Minute, "per-package test timeout (go test -timeout)")
	grace := flag.Duration("grace", 3*time.Minute, "extra time per run for building before a run counts as hung")
	par := flag.Int("p", 2, "runs at a time")
	short := flag.Bool("short", true, "pass -short")
	outFile := flag.String("o", "", "report file (default ROOT/test/results/std-genode-amd64.md)")
	retries := flag.Int("retries", 0, "run a package that failed on genode again, up to this many times (the report names the first failure)")
	coreFile := flag.String("core", "", "run the packages of this list (test/std-core.txt) and fail unless each passes or is marked open")
	flag.Parse()

	if *root == "" {
		r, err := findRoot()
		if err != nil {
			fatal(err)
		}
		*root = r
	}
	if r, err := filepath.Abs(*root); err == nil {
		*root = r
	}
	if *outFile == "" {
		*outFile = filepath.Join(*root, "test", "results", "std-genode-amd64.md")
	}
	goroot := filepath.Join(*root, "_build", "goroot")
	if _, err := os.Stat(filepath.Join(goroot, "bin", "go")); err != nil {
		fatal(fmt.Errorf("no patched toolchain: %v (make toolchain)", err))
	}
	list, err := skips.Load(filepath.Join(*root, skips.FileName))
	if err != nil {
		fatal(err)
	}
	env := toolEnv(*root, goroot)

	var pkgs []string
	var core *Core
	if *coreFile != "" {
		if core, err = loadCore(*coreFile); err != nil {
			fatal(err)
		}
		pkgs = core.Pkgs
	} else if *pkgList != "" {
		for _, p := range strings.Split(*pkgList, ",") {
			if p = strings.TrimSpace(p); p != "" {
				pkgs = append(pkgs, p)
			}
		}
	} else {
		pkgs, err = testPackages(goroot, env)
		if err != nil {
			fatal(err)
		}
	}
	if *genode {
		if _, err := os.Stat(filepath.Join(*root, "_build", "bin", "go_genode_amd64_exec")); err != nil {
			fatal(fmt.Errorf("no exec wrapper: %v (make model host-tools)", err))
		}
	}

	rawDir := filepath.Join(*root, "_build", "stdreport")
	rows := make([]Row, len(pkgs))
	type job struct {
		i        int
		platform string
	}
	var jobs []job
	for i, p := range pkgs {
		rows[i] = Row{Package: p, Listed: len(list.For(p))}
		if *genode {
			jobs = append(jobs, job{i, "genode"})
		}
		if *native {
			jobs = append(jobs, job{i, "native"})
		}
	}
	start := time.Now()
	var mu sync.Mutex
	done := 0
	ch := make(chan job)
	var wg sync.WaitGroup
	for w := 0; w < *par; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				pkg := pkgs[j.i]
				spec := runSpec{
					goroot: goroot, env: env, pkg: pkg, platform: j.platform,
					timeout: *timeout, grace: *grace, short: *short,
					skip: list.Pattern(pkg), rawDir: rawDir,
				}
				r := runPackage(spec)
				for try := 0; try < *retries && j.platform == "genode" && r.Ran && !r.Passed(); try++ {
					first := verdict(r)
					if r = runPackage(spec); r.Passed() {
						r.Flaky = strings.TrimPrefix(first, "FAIL: ")
					}
				}
				mu.Lock()
				if j.platform == "genode" {
					rows[j.i].Genode = r
				} else {
					rows[j.i].Native = r
				}
				done++
				fmt.Fprintf(os.Stderr, "[%d/%d %s] %-7s %-40s %s %s\n", done, len(jobs), time.Since(start).Round(time.Second),
					j.platform, pkg, fmtDur(r.Elapsed), verdict(r))
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()

	rp := &Report{
		Title:    "Go std tests on genode/amd64",
		Rows:     rows,
		Native:   *native,
		Selected: *pkgList != "" || core != nil,
	}
	for _, e := range list.Entries {
		rp.Skips = append(rp.Skips, [3]string{e.Package, e.Test, e.Reason})
	}
	rp.Header = header(*root, goroot, env, *short, *timeout, *pkgList != "" || core != nil, len(pkgs), *genode, time.Since(start))
	if err := os.MkdirAll(filepath.Dir(*outFile), 0o777); err != nil {
		fatal(err)
	}
	var buf bytes.Buffer
	rp.Write(&buf)
	if err := os.WriteFile(*outFile, buf.Bytes(), 0o666); err != nil {
		fatal(err)
	}
	fmt.Println(rp.Summary())
	if *native {
		fmt.Println(rp.NativeSummary())
	}
	fmt.Println("report:", *outFile)
	if core != nil {
		if bad := core.Check(rows); len(bad) > 0 {
			for _, b := range bad {
				fmt.Fprintln(os.Stderr, "core:", b)
			}
			os.Exit(1)
		}
		fmt.Printf("core: %d packages as listed (%d passing, %d open)\n", len(core.Pkgs), len(core.Pkgs)-len(core.Open), len(core.Open))
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "stdreport:", err)
	os.Exit(2)
}

// findRoot walks up from the working directory to the directory holding
// the skip list.
func findRoot() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, skips.FileName)); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no %s above the working directory; use -root", skips.FileName)
		}
		d = filepath.Dir(d)
	}
}

// toolEnv is the environment for the patched go command: outside our
// go.work, no toolchain switching, the wrapper and the toolchain first on
// PATH, GOROOT left to the go command.
func toolEnv(root, goroot string) []string {
	var env []string
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		switch k {
		case "GOROOT", "GOWORK", "GOTOOLCHAIN", "GOFLAGS", "GOOS", "GOARCH", "PATH", "GOEXPERIMENT":
			continue
		}
		env = append(env, e)
	}
	return append(env,
		"PATH="+filepath.Join(root, "_build", "bin")+":"+filepath.Join(goroot, "bin")+":"+os.Getenv("PATH"),
		"GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=")
}

// testPackages lists the std packages with test files as genode/amd64 sees them.
func testPackages(goroot string, env []string) ([]string, error) {
	cmd := exec.Command(filepath.Join(goroot, "bin", "go"), "list", "-e",
		"-f", "{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}", "std")
	cmd.Dir = filepath.Join(goroot, "src")
	cmd.Env = append(env, "GOOS=genode", "GOARCH=amd64")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list std: %v", err)
	}
	var pkgs []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			pkgs = append(pkgs, l)
		}
	}
	sort.Strings(pkgs)
	return pkgs, nil
}

type runSpec struct {
	goroot, pkg, platform string
	env                   []string
	timeout, grace        time.Duration
	short                 bool
	skip                  string // -skip pattern from the list (genode only)
	rawDir                string
}

// runPackage runs one package's tests on one platform.
func runPackage(s runSpec) *Result {
	args := []string{"test", "-json", "-count=1", "-timeout", s.timeout.String()}
	if s.short {
		args = append(args, "-short")
	}
	env := append([]string(nil), s.env...)
	if s.platform == "genode" {
		env = append(env, "GOOS=genode", "GOARCH=amd64",
			// The wrapper ends a component that outlives the binary's own alarm.
			"GENODE_EXEC_TIMEOUT="+(s.timeout+30*time.Second).String())
		if s.skip != "" {
			args = append(args, "-skip", s.skip)
		}
	} else {
		env = append(env, "GOOS=linux", "GOARCH=amd64")
	}
	args = append(args, s.pkg)

	limit := s.timeout + s.grace
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(s.goroot, "bin", "go"), args...)
	cmd.Dir = filepath.Join(s.goroot, "src")
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	// Whatever the go command left behind in its process group goes too.
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}

	if s.rawDir != "" {
		d := filepath.Join(s.rawDir, s.platform)
		if os.MkdirAll(d, 0o777) == nil {
			os.WriteFile(filepath.Join(d, strings.ReplaceAll(s.pkg, "/", "_")+".json"), out.Bytes(), 0o666)
		}
	}
	r := Parse(&out, s.pkg)
	var killed time.Duration
	if ctx.Err() == context.DeadlineExceeded {
		killed = limit
	}
	r.Finish(wall, killed, err)
	return r
}

func header(root, goroot string, env []string, short bool, timeout time.Duration, selected bool, n int, genode bool, took time.Duration) []string {
	version := "?"
	cmd := exec.Command(filepath.Join(goroot, "bin", "go"), "version")
	cmd.Env = env
	if out, err := cmd.Output(); err == nil {
		version = strings.TrimSpace(string(out))
	}
	commit := "?"
	if out, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
		if out, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(out) > 0 {
			commit += " (with local changes)"
		}
	}
	set := "every std package with tests on genode/amd64"
	if selected {
		set = "a selection (-pkgs)"
	}
	flags := "-json -count=1 -timeout " + timeout.String()
	if short {
		flags = "-short " + flags
	}
	where := "genode/amd64 on the model of Genode's libc (go_genode_amd64_exec)"
	if !genode {
		where = "genode/amd64 not run (-genode=false)"
	}
	return []string{
		fmt.Sprintf("Generated by `make std-report` (build/cmd/stdreport) on %s, %s/%s host, repository %s, `%s`.",
			time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.GOOS, runtime.GOARCH, commit, version),
		fmt.Sprintf("Packages: %s (%d). Each ran as `go test %s` on %s and natively on linux/amd64, two runs at a time; took %v.",
			set, n, flags, where, took.Round(time.Second)),
	}
}
