// Command stdreport runs the tests of every std package that has tests on
// genode/amd64 (through the exec wrapper, on the model of Genode's libc) and
// natively on linux/amd64 with the same patched toolchain, and writes a
// Markdown table of the results. With -arch arm64 both platforms are arm64
// under qemu-user on an amd64 host: genode/arm64 on the arm64 model
// (go_genode_arm64_exec) against linux/arm64 (go_linux_arm64_exec).
//
//	go run genodego/test/cmd/stdreport [-root dir] [-pkgs a,b] [-native=false] [-timeout 5m] [-p 2] [-o file]
//	                                   [-retries n] [-core test/std-core.txt] [-max-flaky 2]
//	                                   [-modules test/modules.txt [-compile amd64,arm64]] [-arch arm64]
//
// Each package is one `go test -short -json -count=1 -timeout T pkg` run
// from _build/goroot/src with GOWORK=off and PATH starting with _build/bin
// (go_genode_amd64_exec) and _build/goroot/bin. A run that gives no result
// within T plus a grace period for the build is killed and counts as failed
// ("hung"); a binary that crashes fails with the crash's first telling line.
// The tests listed in test/genode-skips.txt are passed as -skip on genode
// (the wrapper adds the same pattern) and counted in their own column.
// Raw test2json output goes to _build/stdreport/{genode,native}/.
//
// With -retries n a package that fails on genode runs again, up to n times.
// One that then passes is flaky: its result says FLAKY with the first
// failure, and the summary line counts it. The report names the command
// that regenerates it; notes on a run go beside it, not into it.
//
// -core is the CI gate (make std-core, with -retries 1): every package of
// the list must pass unless marked open, and a package marked open must
// still fail. A package that fails on its retry too fails the gate; so do
// more than -max-flaky flaky packages, because the retry is there for the
// occasional timing miss, not to hide a cause that makes many fail.
//
// -modules runs the own tests of the pinned upstream modules
// (third_party/modules.pin) instead of std: the packages with tests that the
// patterns of the list (test/modules.txt) match, or those of -pkgs or
// -core. They run from the repository root in its workspace (GOWORK=go.work,
// which uses the patched copies in _build/modules), each with the variables
// its list line sets; the skip list applies as for std. The report
// (test/results/modules-genode-amd64.md by default, make modules-report) adds
// a goal column: every top-level test that passes natively and is not in the
// skip list passes on genode too. With -compile, every package of every
// pinned module is first built and vetted for genode on each architecture
// given; a build error, or a vet finding that linux on that architecture
// does not have in the same place (upstream's own findings are tolerated),
// fails the run.
// A package of this repository (genodego/...) in -core or -pkgs is a
// harness that runs genode programs on the model itself (test/bbolt): it
// runs natively with GENODE_MODEL_REQUIRED=1 and its result stands in the
// genode columns. make modules-test is -modules -compile amd64,arm64 -core
// test/modules-core.txt: the CI gate for the modules.
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
	"time"

	"genodego/host/skips"
	"genodego/test/cmd/internal/gotool"
)

// maxFlaky is how many flaky packages the core gate tolerates in one run.
// The model runs two packages at a time on a shared 2-core machine, where a
// timing test (a deadline, a sleep, a GC pause in a benchmark-like test) of
// the 32 core packages misses now and then; one or two of those is that
// noise. Three or more at once have more often one cause (a slower or racier
// model, a lock held too long), which the retry must not hide.
const maxFlaky = 2

func main() {
	root := flag.String("root", "", "repository root (default: found from the working directory)")
	pkgList := flag.String("pkgs", "", "comma-separated std packages (default: all with tests on genode)")
	native := flag.Bool("native", true, "also run natively (linux/ARCH)")
	genode := flag.Bool("genode", true, "run on genode/ARCH (the model)")
	timeout := flag.Duration("timeout", 5*time.Minute, "per-package test timeout (go test -timeout)")
	grace := flag.Duration("grace", 3*time.Minute, "extra time per run for building before a run counts as hung")
	par := flag.Int("p", 2, "runs at a time")
	short := flag.Bool("short", true, "pass -short")
	outFile := flag.String("o", "", "report file (default ROOT/test/results/std-genode-amd64.md)")
	retries := flag.Int("retries", 0, "run a package that failed on genode again, up to this many times; one that then passes is flaky")
	coreFile := flag.String("core", "", "run the packages of this list (test/std-core.txt) and fail unless each passes or is marked open")
	flakyMax := flag.Int("max-flaky", maxFlaky, "with -core: fail when more packages than this are flaky")
	modFile := flag.String("modules", "", "run the pinned modules' packages of this list (test/modules.txt) in the repository's workspace instead of std")
	compile := flag.String("compile", "", "with -modules: first build and vet every pinned module for genode on these comma-separated architectures")
	arch := flag.String("arch", "amd64", "GOARCH of both platforms: amd64, or arm64 under qemu-user")
	resume := flag.Bool("resume", false, "keep each package result an interrupted run of the same tree left in _build/stdreport/ARCH; run only the rest")
	flag.Parse()

	tool, err := gotool.New(*root)
	if err != nil {
		fatal(err)
	}
	*root = tool.Root
	if *arch != "amd64" && *arch != "arm64" {
		fatal(fmt.Errorf("-arch %s: amd64 or arm64", *arch))
	}
	tool.Arch = *arch
	if *outFile == "" {
		*outFile = filepath.Join(*root, "test", "results", "std-genode-"+*arch+".md")
		if *modFile != "" {
			*outFile = filepath.Join(*root, "test", "results", "modules-genode-"+*arch+".md")
		}
	}
	list, err := skips.Load(filepath.Join(*root, skips.FileName))
	if err != nil {
		fatal(err)
	}
	if *compile != "" && *modFile == "" {
		fatal(fmt.Errorf("-compile needs -modules"))
	}

	// Std runs from _build/goroot/src outside any workspace; the modules'
	// packages run from the root in its workspace, which uses the patched
	// copies in _build/modules.
	dir := filepath.Join(tool.GOROOT, "src")
	var mods *ModuleList
	var pinned []string
	if *modFile != "" {
		dir = tool.Root
		if mods, err = loadModules(*modFile); err != nil {
			fatal(err)
		}
		if pinned, err = pinnedModules(tool.Root); err != nil {
			fatal(err)
		}
		tested, err := testedModules(tool.Root)
		if err != nil {
			fatal(err)
		}
		if err := mods.Check(*modFile, append(pinned, tested...)); err != nil {
			fatal(err)
		}
	}

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
	} else if mods != nil {
		if pkgs, err = modulePackages(tool, mods.Patterns()); err != nil {
			fatal(err)
		}
	} else {
		pkgs, err = testPackages(tool)
		if err != nil {
			fatal(err)
		}
	}
	if mods != nil {
		for _, p := range pkgs {
			if mods.For(p) == nil && !isHarness(p) {
				fatal(fmt.Errorf("%s: no line of %s matches it", p, *modFile))
			}
		}
	}
	var compiled []Compiled
	if *compile != "" {
		compiled = compileModules(tool, pinned, strings.Split(*compile, ","))
	}
	for _, p := range []struct {
		name string
		run  bool
	}{{"genode", *genode}, {"native", *native}} {
		if w := tool.ExecWrapper(p.name); p.run && w != "" {
			if _, err := os.Stat(filepath.Join(*root, "_build", "bin", w)); err != nil {
				fatal(fmt.Errorf("no exec wrapper for %s: %v (make host-tools)", tool.Target(p.name), err))
			}
		}
	}

	rawDir := filepath.Join(*root, "_build", "stdreport", *arch)
	rows := make([]Row, len(pkgs))
	type job struct {
		i        int
		platform string
	}
	var jobs []job
	carried := 0
	keep := func(i int, platform string) bool {
		if !*resume {
			return false
		}
		r := readRaw(rawDir, platform, pkgs[i])
		if r == nil {
			return false
		}
		if platform == "genode" {
			rows[i].Genode = r
		} else {
			rows[i].Native = r
		}
		carried++
		return true
	}
	for i, p := range pkgs {
		rows[i] = Row{Package: p, Listed: len(list.For(p))}
		for _, e := range list.For(p) {
			rows[i].ListedTests = append(rows[i].ListedTests, e.Test)
		}
		if *genode && !keep(i, "genode") {
			jobs = append(jobs, job{i, "genode"})
		}
		if *native && !(mods != nil && isHarness(p)) && !keep(i, "native") {
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
					tool: tool, pkg: pkg, platform: j.platform,
					timeout: *timeout, grace: *grace, short: *short,
					skip: list.Pattern(pkg), rawDir: rawDir, dir: dir,
				}
				if mods != nil {
					spec.work = true
					if isHarness(pkg) {
						spec.harness = true
					} else if j.platform == "genode" {
						spec.env = mods.For(pkg).Env
					}
				}
				n := 0
				if j.platform == "genode" && !core.IsOpen(pkg) {
					n = *retries // an open package is expected to fail
				}
				r := runRetried(func() *Result { return runPackage(spec) }, n)
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
		Title:    "Go std tests on " + tool.Target("genode"),
		Arch:     *arch,
		Rows:     rows,
		Native:   *native,
		Selected: *pkgList != "" || core != nil,
	}
	inReport := map[string]bool{}
	for _, p := range pkgs {
		inReport[p] = true
	}
	for _, e := range list.Entries {
		if mods == nil || inReport[e.Package] {
			rp.Skips = append(rp.Skips, [3]string{e.Package, e.Test, e.Reason})
		}
	}
	set := "every std package with tests on " + tool.Target("genode")
	if mods != nil {
		set = "the packages with tests of " + filepath.Base(*modFile) + "'s patterns on " + tool.Target("genode")
	}
	if core != nil {
		set = "the core list " + filepath.Base(*coreFile)
	} else if *pkgList != "" {
		set = "a selection (-pkgs)"
	}
	r := run{
		command: commandLine(*root), set: set, n: len(pkgs), par: *par, short: *short,
		genode: *genode, native: *native, timeout: *timeout, took: time.Since(start),
		carried: carried,
	}
	if mods != nil {
		rp.Title = "Tests of the pinned Go modules on " + tool.Target("genode")
		rp.Noun = "module packages"
		rp.Goal = true
		rp.Compiled = compiled
		r.modules = moduleNotes(mods, pinned)
		var harnesses []string
		for _, p := range pkgs {
			if isHarness(p) {
				harnesses = append(harnesses, p)
			}
		}
		if len(harnesses) > 0 {
			r.modules = append(r.modules, fmt.Sprintf("%s: our own tests of a module on genode; they ran natively with GENODE_MODEL_REQUIRED=1 and run genode programs on the model themselves, so their result is in the genode columns.", strings.Join(harnesses, ", ")))
		}
	}
	rp.Header = header(tool, r)
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
	if mods != nil && *native {
		fmt.Println(rp.GoalSummary())
	}
	failed := false
	for _, c := range compiled {
		if !c.OK() {
			fmt.Fprintf(os.Stderr, "compile: go %s for %s fails:\n\t%s\n", c.Step, c.Platform, strings.Join(c.Problems, "\n\t"))
			failed = true
		}
	}
	if core != nil {
		if bad := core.Check(rows, *flakyMax); len(bad) > 0 {
			for _, b := range bad {
				fmt.Fprintln(os.Stderr, "core:", b)
			}
			os.Exit(1)
		}
		fmt.Printf("core: %d packages as listed (%d passing, %d of them flaky; %d open)\n",
			len(core.Pkgs), len(core.Pkgs)-len(core.Open), flakyCount(rows), len(core.Open))
	}
	if failed {
		os.Exit(1)
	}
}

// runRetried runs a package, and again up to retries times while it fails.
func runRetried(run func() *Result, retries int) *Result {
	r := run()
	r.Runs = 1
	first := r
	for r.Ran && !r.Passed() && r.Runs <= retries {
		n := r.Runs + 1
		r = run()
		r.Runs = n
	}
	if r != first && r.Passed() {
		r.Flaky = strings.TrimPrefix(verdict(first), "FAIL: ")
	}
	return r
}

// commandLine is the command that regenerates the report: this program with
// the flags it was given, from the repository root.
func commandLine(root string) string {
	args := []string{"go run genodego/test/cmd/stdreport"}
	flag.Visit(func(f *flag.Flag) {
		v := f.Value.String()
		switch f.Name {
		case "root":
			return
		case "o", "core", "modules":
			if abs, err := filepath.Abs(v); err == nil {
				if rel, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(rel, "..") {
					v = filepath.ToSlash(rel)
				}
			}
		}
		if strings.ContainsAny(v, " \t'\"$|&;<>*?()") {
			v = "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
		}
		args = append(args, "-"+f.Name+"="+v)
	})
	return strings.Join(args, " ")
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "stdreport:", err)
	os.Exit(2)
}

// testPackages lists the std packages with test files as genode sees them.
func testPackages(tool *gotool.Tool) ([]string, error) {
	cmd := exec.Command(tool.Go, "list", "-e",
		"-f", "{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}", "std")
	cmd.Dir = filepath.Join(tool.GOROOT, "src")
	cmd.Env = tool.Platform("genode", 0)
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
	tool           *gotool.Tool
	pkg, platform  string
	timeout, grace time.Duration
	short          bool
	skip           string // -skip pattern from the list (genode only)
	rawDir         string
	dir            string   // where go test runs
	work           bool     // in the repository's workspace (module packages)
	harness        bool     // a package of ours that runs genode programs on the model itself
	env            []string // further variables (VAR=value)
}

// runPackage runs one package's tests on one platform.
func runPackage(s runSpec) *Result {
	args := []string{"test", "-json", "-count=1", "-timeout", s.timeout.String()}
	if s.short {
		args = append(args, "-short")
	}
	if s.platform == "genode" && s.skip != "" && !s.harness {
		args = append(args, "-skip", s.skip)
	}
	args = append(args, s.pkg)
	// The wrapper ends a component that outlives the binary's own alarm.
	env := s.tool.Platform(s.platform, s.timeout+30*time.Second)
	if s.harness {
		// Natively, and failing rather than skipping without the model.
		env = append(s.tool.Platform("native", 0), "GENODE_MODEL_REQUIRED=1")
	}
	if s.work {
		env = workEnv(env, s.tool.Root)
	}
	env = append(env, s.env...)

	limit := s.timeout + s.grace
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := s.tool.Command(ctx, s.dir, env, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	gotool.KillGroup(cmd)

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

// readRaw is a package's result from the raw output an earlier run left, or
// nil when there is none or the test binary never reported the package's end
// (a run that was killed, or cut short by an interrupted report).
func readRaw(rawDir, platform, pkg string) *Result {
	f, err := os.Open(filepath.Join(rawDir, platform, strings.ReplaceAll(pkg, "/", "_")+".json"))
	if err != nil {
		return nil
	}
	defer f.Close()
	r := Parse(f, pkg)
	if r.Status == "" {
		return nil
	}
	r.Runs = 1
	return r
}

// run describes a report's run for its header.
type run struct {
	command        string // regenerates the report
	set            string // which packages
	n, par         int
	short          bool
	genode, native bool
	timeout, took  time.Duration
	carried        int      // results kept from an interrupted run (-resume)
	modules        []string // for module packages: how they ran
}

func header(tool *gotool.Tool, r run) []string {
	version := "?"
	cmd := exec.Command(tool.Go, "version")
	cmd.Env = tool.Env
	if out, err := cmd.Output(); err == nil {
		version = strings.TrimSpace(string(out))
	}
	commit := "?"
	if out, err := exec.Command("git", "-C", tool.Root, "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
		if out, err := exec.Command("git", "-C", tool.Root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(out) > 0 {
			commit += " (with local changes)"
		}
	}
	flags := "-json -count=1 -timeout " + r.timeout.String()
	if r.short {
		flags = "-short " + flags
	}
	var where []string
	if r.genode {
		where = append(where, fmt.Sprintf("on %s on the model of Genode's libc (%s)", tool.Target("genode"), tool.ExecWrapper("genode")))
	}
	if r.native {
		n := "natively on " + tool.Target("native")
		if w := tool.ExecWrapper("native"); w != "" {
			n += " (" + w + ": under qemu-user, which cannot run an arm64 child the program executes)"
		}
		where = append(where, n)
	}
	lines := []string{
		fmt.Sprintf("Generated by `%s` from the repository root; regenerate it that way instead of editing (notes on a run go in README.md beside this file).", r.command),
		fmt.Sprintf("Run on %s, %s/%s host, repository %s, `%s`.",
			time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.GOOS, runtime.GOARCH, commit, version),
		fmt.Sprintf("Packages: %s (%d). Each ran as `go test %s` %s, %d runs at a time; took %v.",
			r.set, r.n, flags, strings.Join(where, " and "), r.par, r.took.Round(time.Second)),
	}
	if r.carried > 0 {
		lines = append(lines, fmt.Sprintf("%d package runs were kept from an interrupted run of the same tree (-resume; their time is not in the total).", r.carried))
	}
	return append(lines, r.modules...)
}

// moduleNotes are the header lines of a module report: where the tests ran,
// the variables a list line sets, the pinned modules no line reaches.
func moduleNotes(m *ModuleList, pinned []string) []string {
	notes := []string{"They ran from the repository root in its workspace (go.work), which uses the patched copies of the pinned modules in _build/modules."}
	for _, l := range m.Lines {
		if len(l.Env) > 0 {
			notes = append(notes, fmt.Sprintf("On genode, %s ran with %s.", l.Pattern, strings.Join(l.Env, " ")))
		}
	}
	if u := m.Unlisted(pinned); len(u) > 0 {
		notes = append(notes, fmt.Sprintf("Pinned but not in the list (no tests run): %s.", strings.Join(u, ", ")))
	}
	return notes
}
