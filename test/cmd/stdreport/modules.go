package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"genodego/test/cmd/internal/gotool"
)

// ModuleList is the list of the pinned modules' packages whose own tests the
// report runs (test/modules.txt, -modules):
//
//	<package pattern> [VAR=value ...] [# what it is]
//
// A pattern is an import path, or one ending in "/..." for the package and
// all below it, and must lie in a module of third_party/modules.pin. The
// variables are set for that pattern's test runs on genode (the exec
// wrapper's GENODE_EXEC_RAM, say). The first line whose pattern matches a
// package gives its variables.
type ModuleList struct {
	Lines []ModuleLine
}

// ModuleLine is one line of the list.
type ModuleLine struct {
	Pattern string
	Env     []string
	Line    int
}

var envWord = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`)

func loadModules(file string) (*ModuleList, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := &ModuleList{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		l := ModuleLine{Pattern: fs[0], Line: n}
		if envWord.MatchString(l.Pattern) || strings.HasPrefix(l.Pattern, "-") || strings.HasPrefix(l.Pattern, ".") {
			return nil, fmt.Errorf("%s:%d: want <package pattern> [VAR=value ...] [# comment]", file, n)
		}
		for _, w := range fs[1:] {
			if !envWord.MatchString(w) {
				return nil, fmt.Errorf("%s:%d: %q is not VAR=value", file, n, w)
			}
			l.Env = append(l.Env, w)
		}
		m.Lines = append(m.Lines, l)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(m.Lines) == 0 {
		return nil, fmt.Errorf("%s: no package pattern", file)
	}
	return m, nil
}

// matchPattern reports whether the import path pkg matches pattern: equal to
// it, or below it for a pattern ending in "/...".
func matchPattern(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

// For returns the first line whose pattern matches pkg, nil if none does.
func (m *ModuleList) For(pkg string) *ModuleLine {
	for i := range m.Lines {
		if matchPattern(m.Lines[i].Pattern, pkg) {
			return &m.Lines[i]
		}
	}
	return nil
}

// Patterns returns the list's patterns in file order.
func (m *ModuleList) Patterns() []string {
	var ps []string
	for _, l := range m.Lines {
		ps = append(ps, l.Pattern)
	}
	return ps
}

// Check returns an error naming a line whose pattern is in none of mods (the
// pinned modules and those test/modules requires).
func (m *ModuleList) Check(file string, mods []string) error {
	for _, l := range m.Lines {
		base := strings.TrimSuffix(l.Pattern, "/...")
		if modulePath(base, mods) == "" {
			return fmt.Errorf("%s:%d: %s is in no module of %s or %s (%s)", file, l.Line, l.Pattern, PinFile, TestedFile, strings.Join(mods, ", "))
		}
	}
	return nil
}

// Unlisted returns the pinned modules no line of the list reaches.
func (m *ModuleList) Unlisted(pinned []string) []string {
	var out []string
	for _, mod := range pinned {
		found := false
		for _, l := range m.Lines {
			base := strings.TrimSuffix(l.Pattern, "/...")
			if modulePath(base, pinned) == mod {
				found = true
			}
		}
		if !found {
			out = append(out, mod)
		}
	}
	return out
}

// modulePath returns the longest of mods that holds the package pkg, "" if none.
func modulePath(pkg string, mods []string) string {
	best := ""
	for _, m := range mods {
		if (pkg == m || strings.HasPrefix(pkg, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	return best
}

// isHarness reports whether pkg is a package of this repository (its
// modules are genodego/<dir>): with -modules, such a package in -core or
// -pkgs is a harness that tests a module on genode by running genode
// programs on the model itself (test/bbolt's crash test). It runs natively
// with GENODE_MODEL_REQUIRED=1, once, and its result stands for genode.
func isHarness(pkg string) bool {
	return pkg == "genodego" || strings.HasPrefix(pkg, "genodego/")
}

// PinFile is the pin list of the upstream modules, relative to the root.
const PinFile = "third_party/modules.pin"

// CompileFile names, for a pinned module whose packages are not all meant for
// genode, the packages the compile step builds and vets instead of MODULE/...
// (runc: its command; libcontainer's Linux packages stay Linux-only).
const CompileFile = "test/modules-compile.txt"

// compileOnly reads CompileFile: "MODULE PATTERN..." a line, # comments. A
// pattern written "build:PATTERN" is built but not vetted: vet checks a
// package's tests too, and some tests import Linux-only packages.
func compileOnly(root string) (map[string][]string, error) {
	b, err := os.ReadFile(filepath.Join(root, CompileFile))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string][]string{}
	for i, l := range strings.Split(string(b), "\n") {
		l, _, _ = strings.Cut(l, "#")
		fs := strings.Fields(l)
		if len(fs) == 0 {
			continue
		}
		if len(fs) < 2 {
			return nil, fmt.Errorf("%s:%d: want MODULE PATTERN...", CompileFile, i+1)
		}
		m[fs[0]] = fs[1:]
	}
	return m, nil
}

// pinnedModules returns the module paths of third_party/modules.pin
// (NAME MODULE VERSION HASH a line), in file order.
func pinnedModules(root string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(root, PinFile))
	if err != nil {
		return nil, err
	}
	var mods []string
	for _, l := range strings.Split(string(b), "\n") {
		l, _, _ = strings.Cut(l, "#")
		if fs := strings.Fields(l); len(fs) >= 2 {
			mods = append(mods, fs[1])
		}
	}
	if len(mods) == 0 {
		return nil, fmt.Errorf("%s: no module pinned", PinFile)
	}
	return mods, nil
}

// TestedFile requires the upstream modules that build for genode unchanged
// (so are not pinned) but whose tests run on the model all the same.
const TestedFile = "test/modules/go.mod"

// testedModules returns the modules TestedFile requires directly.
func testedModules(root string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(root, TestedFile))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var mods []string
	block := false
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "require (":
			block = true
			continue
		case block && l == ")":
			block = false
			continue
		case strings.HasPrefix(l, "require "):
			l = strings.TrimPrefix(l, "require ")
		case !block:
			continue
		}
		if fs := strings.Fields(l); len(fs) >= 2 && !strings.Contains(l, "// indirect") {
			mods = append(mods, fs[0])
		}
	}
	return mods, nil
}

// workEnv turns the tool's environment for std (GOWORK=off) into one for
// the repository's workspace: its go.work, which uses the patched copies of
// the pinned modules in _build/modules.
func workEnv(env []string, root string) []string {
	out := make([]string, 0, len(env))
	for _, e := range env {
		if !strings.HasPrefix(e, "GOWORK=") {
			out = append(out, e)
		}
	}
	return append(out, "GOWORK="+filepath.Join(root, "go.work"))
}

// modulePackages lists the packages of the patterns with test files as
// genode/amd64 sees them, in the workspace.
func modulePackages(tool *gotool.Tool, patterns []string) ([]string, error) {
	args := append([]string{"list", "-e", "-f", "{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}"}, patterns...)
	cmd := exec.Command(tool.Go, args...)
	cmd.Dir = tool.Root
	cmd.Env = workEnv(tool.Platform("genode", 0), tool.Root)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %v", strings.Join(patterns, " "), err)
	}
	seen := map[string]bool{}
	var pkgs []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" && !seen[l] {
			seen[l] = true
			pkgs = append(pkgs, l)
		}
	}
	sort.Strings(pkgs)
	return pkgs, nil
}

// Compiled is one `go build` or `go vet` of the pinned modules for one platform.
type Compiled struct {
	Step     string // "build" or "vet"
	Platform string // "genode/amd64"
	Took     time.Duration
	Problems []string // what fails the step: compile errors, vet findings upstream does not have
	Upstream int      // vet findings that linux on the same architecture has too (upstream's own, not the port's)
}

// OK reports whether the step passed.
func (c Compiled) OK() bool { return len(c.Problems) == 0 }

// compileModules builds and vets every package of the modules (patterns
// mod/...) for genode on each of arches, in the workspace. A vet line that
// linux on the same architecture prints too (the same finding in the same
// file, line and column: the module's own, not the port's) does not fail
// the step; any other and every build error does.
func compileModules(tool *gotool.Tool, mods []string, arches []string) []Compiled {
	only, err := compileOnly(tool.Root)
	if err != nil {
		return []Compiled{{Step: "build", Platform: "genode", Problems: []string{err.Error()}}}
	}
	var built, vetted []string
	for _, m := range mods {
		p, ok := only[m]
		if !ok {
			p = []string{m + "/..."}
		}
		for _, pat := range p {
			if b, buildOnly := strings.CutPrefix(pat, "build:"); buildOnly {
				built = append(built, b)
				continue
			}
			built = append(built, pat)
			vetted = append(vetted, pat)
		}
	}
	run := func(step, goos, goarch string) (Compiled, []string) {
		env := workEnv(tool.Env, tool.Root)
		env = append(env, "GOOS="+goos, "GOARCH="+goarch)
		patterns := built
		if step == "vet" {
			patterns = vetted
		}
		args := append([]string{step}, patterns...)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		defer cancel()
		cmd := tool.Command(ctx, tool.Root, env, args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		t0 := time.Now()
		err := cmd.Run()
		gotool.KillGroup(cmd)
		c := Compiled{Step: step, Platform: goos + "/" + goarch, Took: time.Since(t0)}
		if err == nil {
			return c, nil // what a step that succeeds prints (a warning) does not fail it
		}
		var lines []string
		for _, l := range strings.Split(out.String(), "\n") {
			// "go: downloading" is the go command fetching a module, no finding
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "go: downloading ") {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			lines = []string{"go " + step + ": " + err.Error()}
		}
		return c, lines
	}
	var res []Compiled
	for _, arch := range arches {
		c, lines := run("build", "genode", arch)
		c.Problems = lines
		res = append(res, c)
		fmt.Fprintf(os.Stderr, "%-5s %-13s %s %s\n", c.Step, c.Platform, fmtDur(c.Took), compiledVerdict(c))

		c, lines = run("vet", "genode", arch)
		upstream := map[string]bool{}
		if len(lines) > 0 {
			_, native := run("vet", "linux", arch)
			for _, l := range native {
				upstream[l] = true
			}
		}
		c.Problems, c.Upstream = notUpstream(lines, upstream)
		res = append(res, c)
		fmt.Fprintf(os.Stderr, "%-5s %-13s %s %s\n", c.Step, c.Platform, fmtDur(c.Took), compiledVerdict(c))
	}
	return res
}

// notUpstream splits vet's output lines into those that fail the step and
// the count of those linux printed too (upstream).
func notUpstream(lines []string, upstream map[string]bool) (problems []string, tolerated int) {
	for _, l := range lines {
		if upstream[l] {
			tolerated++
		} else {
			problems = append(problems, l)
		}
	}
	return problems, tolerated
}

func compiledVerdict(c Compiled) string {
	s := "ok"
	if !c.OK() {
		s = fmt.Sprintf("FAIL: %d: %s", len(c.Problems), oneLine(c.Problems[0]))
	}
	if c.Upstream > 0 {
		s += fmt.Sprintf(" (%d finding(s) linux/%s has too)", c.Upstream, strings.TrimPrefix(c.Platform, "genode/"))
	}
	return s
}

// listedTop returns the package's skip-list entries that name a top-level
// test (an entry for a subtest leaves its parent running).
func listedTop(tests []string) map[string]bool {
	m := map[string]bool{}
	for _, t := range tests {
		if !strings.Contains(t, "/") {
			m[t] = true
		}
	}
	return m
}

// Goal compares a row's genode passes with its goal: every top-level test
// that passes natively and is not in the skip list passes on genode too
// (genode pass count == native pass count minus listed skips). Tests that
// a complete genode run never reported are not built for genode (test files
// for linux only) and not part of the goal: notBuilt counts them. It
// returns the goal's size and the tests that miss it; ok is false without
// both runs.
func (r Row) Goal() (target int, missing []string, notBuilt int, ok bool) {
	if r.Genode == nil || !r.Genode.Ran || r.Native == nil || !r.Native.Ran {
		return 0, nil, 0, false
	}
	skip := listedTop(r.ListedTests)
	got, ran := map[string]bool{}, map[string]bool{}
	for _, t := range r.Genode.Passes {
		got[t], ran[t] = true, true
	}
	for _, ts := range [][]string{r.Genode.Failed, r.Genode.Skipped} {
		for _, t := range ts {
			ran[t] = true
		}
	}
	for _, t := range r.Native.Passes {
		switch {
		case skip[t]:
			continue
		case !ran[t] && completeRun(r.Genode):
			notBuilt++
			continue
		}
		target++
		if !got[t] {
			missing = append(missing, t)
		}
	}
	sort.Strings(missing)
	return target, missing, notBuilt, true
}

// failedTests is the reason of a run that ended with failed tests only.
var failedTests = regexp.MustCompile(`^\d+ failed: `)

// completeRun reports whether a run reported every test its binary has: it
// passed, or it failed by failed tests rather than a crash or a hang.
func completeRun(r *Result) bool {
	return r.Status == "pass" || r.Status == "fail" && failedTests.MatchString(r.Reason)
}

func goalCell(r Row) string {
	target, missing, notBuilt, ok := r.Goal()
	if !ok {
		return "–"
	}
	s := fmt.Sprintf("met (%d)", target)
	if len(missing) > 0 {
		s = fmt.Sprintf("%d of %d; not on genode: %s", target-len(missing), target, names(missing, 3))
	}
	if notBuilt > 0 {
		s += fmt.Sprintf("; %d linux-only", notBuilt)
	}
	if n := len(genodeOnly(r)); n > 0 {
		s += fmt.Sprintf("; %d genode-only", n)
	}
	return s
}

// genodeOnly returns the top-level tests that pass on genode and did not
// pass, fail or skip natively: they exist on genode only.
func genodeOnly(r Row) []string {
	native := map[string]bool{}
	for _, t := range r.Native.Passes {
		native[t] = true
	}
	for _, t := range r.Native.Failed {
		native[t] = true
	}
	for _, t := range r.Native.Skipped {
		native[t] = true
	}
	var out []string
	for _, t := range r.Genode.Passes {
		if !native[t] {
			out = append(out, t)
		}
	}
	return out
}
