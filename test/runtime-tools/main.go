// Command runtime-tools runs the OCI runtime validation suite (opencontainers/runtime-tools, pinned and
// patched in _build/modules/runtime-tools) against Genode's runc, on the model of Genode's libc.
//
//	go run genodego/test/runtime-tools [-root DIR] [-o FILE] [-tests a,b] [-must-pass] [-runtime FILE]
//	                                   [-timeout 5m] [-keep] [-prepare]
//
// Everything the suite runs is a genode binary:
//   - each validation program (validation/NAME/NAME.go, a TAP producer) is built for genode/amd64 and runs
//     as a component started by genode-run;
//   - the runtime it execs (RUNTIME) is _build/bin/runc.genode-amd64, run by the model's execve inside that
//     component, as are the hooks runc runs (the rootfs's /bin/sh and /bin/false, in runc's view);
//   - the containers are children of a dynamic init, the model's genode-init, which the harness starts for
//     runc's root before each program and stops after it (runc writes init's config to <root>/init.config
//     and reads its state report from <root>/init.state);
//   - the rootfs the programs unpack (rootfs-amd64.tar.gz in their cwd) is test/rootfs: a multi-call
//     toolbox built for genode; runtimetest (cmd/runtimetest, copied into bundles) is built for genode too.
//
// The view of a validation program is what it needs and no more: /dev (log, null, zero, rtc, terminal,
// random), a pipe file system, the suite directory at its host path (bundles in TMPDIR, its cwd with the
// tarball and runtimetest, runc's --root, the binaries in bin/), and the host's /etc read-only (a
// bind-mount source of the mounts program). Host directories appear at their host paths, so that a path
// runc sees is the path init's model resolves; RUNC_GENODE_FS=host tells runc so.
//
// Every program runs alone (the build machine has two cores), bounded by -timeout. The report
// (test/results/runtime-tools-genode.md) lists each of the 58 programs: pass, fail or skip with the reason;
// those that test Linux features (expected.txt: linux) are listed as skipped with the feature. With
// -must-pass only the programs expected.txt marks "pass" run, and the command fails if one of them does
// not pass: that is CI's gate (make runtime-tools-test).
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
	"genodego/test/rootfs"
)

type expectation struct {
	name   string
	expect string // pass, open, linux
	note   string // why (open), the Linux feature (linux)
}

type result struct {
	expectation
	verdict
	dur  time.Duration
	logs string // where the logs of the run are
}

var (
	top                             string
	buildDir                        string // _build/runtime-tools
	modelDir                        string
	genodeRun, genodeInit, elfcheck string
	goGenode                        string
	built                           int // programs built and checked in this run: validation programs and runtimetest
)

func main() {
	root := flag.String("root", "", "repository root (default: found from the working directory)")
	out := flag.String("o", "", "report file (default test/results/runtime-tools-genode.md; none with -must-pass)")
	only := flag.String("tests", "", "comma-separated programs to run (default: all that are not linux)")
	mustPass := flag.Bool("must-pass", false, "run only the programs expected.txt marks pass; fail if one does not pass")
	runtimePath := flag.String("runtime", "", "Genode's runc (default _build/bin/runc.genode-amd64)")
	timeout := flag.Duration("timeout", 5*time.Minute, "bound of one program's run")
	keep := flag.Bool("keep", false, "keep the work directory of every run")
	prepare := flag.Bool("prepare", false, "only build and check everything (and the init model), run nothing")
	noBuild := flag.Bool("nobuild", false, "use the binaries of the last build (_build/runtime-tools)")
	retries := flag.Int("retries", 1, "runs more of a must-pass program that failed (a pass on a retry is reported as flaky)")
	flag.Parse()

	var err error
	if top, err = findTop(*root); err != nil {
		die(err)
	}
	buildDir = filepath.Join(top, "_build", "runtime-tools")
	modelDir = filepath.Join(top, "_build", "model")
	genodeRun = filepath.Join(top, "_build", "bin", "genode-run")
	genodeInit = filepath.Join(top, "_build", "bin", "genode-init")
	elfcheck = filepath.Join(top, "_build", "bin", "genode-elfcheck")
	goGenode = filepath.Join(top, "_build", "goroot", "bin", "go")
	if *runtimePath == "" {
		*runtimePath = filepath.Join(top, "_build", "bin", "runc.genode-amd64")
	}
	for _, f := range []string{goGenode, genodeRun, genodeInit, elfcheck, filepath.Join(modelDir, "libc.lib.so")} {
		if _, err := os.Stat(f); err != nil {
			die(fmt.Errorf("%s is missing (make toolchain model host-tools elfcheck)", f))
		}
	}
	exps, err := readExpected(filepath.Join(top, "test", "runtime-tools", "expected.txt"))
	if err != nil {
		die(err)
	}

	var run []expectation
	want := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	for _, e := range exps {
		delete(want, e.name)
		switch {
		case *only != "":
			if strings.Contains(","+*only+",", ","+e.name+",") {
				run = append(run, e)
			}
		case *mustPass:
			if e.expect == "pass" {
				run = append(run, e)
			}
		case e.expect != "linux":
			run = append(run, e)
		}
	}
	for n := range want {
		die(fmt.Errorf("-tests: no program %q in expected.txt", n))
	}

	if err := os.MkdirAll(buildDir, 0o755); err != nil {
		die(err)
	}
	// Build: all 58 programs for the report (so that it can say every one builds), only those run otherwise.
	buildList := run
	if !*mustPass && *only == "" {
		buildList = exps
	}
	if !*noBuild {
		log("building the toolbox, runtimetest and %d validation programs for genode/amd64", len(buildList))
		if err := buildAll(buildList); err != nil {
			die(err)
		}
	}
	if *prepare {
		if err := selfCheck(*runtimePath); err != nil {
			die(err)
		}
		log("prepared: %s", buildDir)
		return
	}
	if _, err := os.Stat(*runtimePath); err != nil {
		die(fmt.Errorf("the runtime %s is missing (make runc)", *runtimePath))
	}
	if out, err := exec.Command(elfcheck, *runtimePath).CombinedOutput(); err != nil {
		die(fmt.Errorf("genode-elfcheck %s: %v\n%s", *runtimePath, err, out))
	}

	suite, err := newSuite(*runtimePath)
	if err != nil {
		die(err)
	}
	cleanup := func() {
		if !*keep {
			os.RemoveAll(suite.dir)
		}
	}
	defer cleanup()

	var results []result
	for _, e := range exps {
		if e.expect == "linux" && *only == "" {
			if !*mustPass {
				results = append(results, result{expectation: e, verdict: verdict{result: resSkip, reason: "Linux only: " + e.note}})
			}
			continue
		}
		selected := false
		for _, r := range run {
			selected = selected || r.name == e.name
		}
		if !selected {
			continue
		}
		start := time.Now()
		v, logs := suite.runOne(e.name, *timeout, *keep)
		for try := 1; try <= *retries && e.expect == "pass" && v.result != resPass; try++ {
			log("%-30s %-4s %5.1fs %s; running it again", e.name, v.result, time.Since(start).Seconds(), clip(v.reason, 120))
			first := v
			start = time.Now()
			if v, logs = suite.runOne(e.name, *timeout, *keep); v.result == resPass {
				v.reason = strings.TrimSpace("FLAKY: the first run failed: " + clip(first.reason, 300) + ". " + v.reason)
			}
		}
		r := result{expectation: e, verdict: v, dur: time.Since(start), logs: logs}
		log("%-30s %-4s %5.1fs %s", e.name, v.result, r.dur.Seconds(), clip(v.reason, 160))
		results = append(results, r)
	}

	if *out == "" && !*mustPass && *only == "" {
		*out = filepath.Join(top, "test", "results", "runtime-tools-genode.md")
	}
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report(results, *runtimePath)), 0o644); err != nil {
			die(err)
		}
		log("wrote %s", *out)
	}
	failed := 0
	for _, r := range results {
		if r.expect == "pass" && r.result != resPass {
			failed++
			fmt.Fprintf(os.Stderr, "runtime-tools: MUST PASS, but %s: %s: %s\n", r.result, r.name, r.reason)
		}
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "runtime-tools: %d must-pass program(s) did not pass (logs in %s)\n", failed, filepath.Join(buildDir, "logs"))
		if *mustPass || *only != "" { // the report itself is not a gate
			cleanup()
			os.Exit(1)
		}
	}
}

func log(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "runtime-tools: "+format+"\n", args...)
}

func die(err error) {
	fmt.Fprintln(os.Stderr, "runtime-tools:", err)
	os.Exit(2)
}

func findTop(root string) (string, error) {
	if root != "" {
		return filepath.Abs(root)
	}
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "third_party", "modules.pin")); err == nil {
			return d, nil
		}
		p := filepath.Dir(d)
		if p == d {
			return "", errors.New("no repository root above the working directory (use -root)")
		}
		d = p
	}
}

func readExpected(file string) ([]expectation, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var exps []expectation
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) < 2 {
			return nil, fmt.Errorf("%s:%d: want NAME pass|open|linux [REASON]", file, ln)
		}
		e := expectation{name: fs[0], expect: fs[1]}
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(line, fs[0])), fs[1]))
		e.note = rest
		switch e.expect {
		case "pass", "open":
		case "linux":
			if e.note == "" {
				return nil, fmt.Errorf("%s:%d: a linux entry names the feature it needs", file, ln)
			}
		default:
			return nil, fmt.Errorf("%s:%d: %q is not pass, open or linux", file, ln, e.expect)
		}
		if seen[e.name] {
			return nil, fmt.Errorf("%s:%d: %s appears twice", file, ln, e.name)
		}
		seen[e.name] = true
		exps = append(exps, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	// Every program of the pinned suite is listed, and nothing else.
	dirs, err := os.ReadDir(filepath.Join(top, "_build", "modules", "runtime-tools", "validation"))
	if err != nil {
		return nil, fmt.Errorf("%v (make modules)", err)
	}
	for _, d := range dirs {
		if d.IsDir() && d.Name() != "util" && !seen[d.Name()] {
			return nil, fmt.Errorf("%s: validation/%s is not listed", file, d.Name())
		}
		delete(seen, d.Name())
	}
	for n := range seen {
		return nil, fmt.Errorf("%s: %s is not a program of validation/", file, n)
	}
	sort.Slice(exps, func(i, j int) bool { return exps[i].name < exps[j].name })
	return exps, nil
}

// ---------- building ----------

func genodeEnv() []string {
	return append(os.Environ(), "GOOS=genode", "GOARCH=amd64", "GOWORK="+filepath.Join(top, "go.work"), "GOFLAGS=",
		"CGO_ENABLED=0", "GOTOOLCHAIN=local", "PATH="+filepath.Dir(goGenode)+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func buildAll(exps []expectation) error {
	if _, err := rootfs.Build(rootfs.Options{Top: top, Out: filepath.Join(buildDir, "rootfs"), Elfcheck: elfcheck}); err != nil {
		return err
	}
	const mod = "github.com/opencontainers/runtime-tools"
	bins := filepath.Join(buildDir, "bin")
	os.MkdirAll(bins, 0o755)
	pkgs := []string{mod + "/cmd/runtimetest"}
	for _, e := range exps {
		pkgs = append(pkgs, mod+"/validation/"+e.name)
	}
	// One go command for all of them: the packages are compiled once; -p 1 keeps the links sequential.
	cmd := exec.Command(goGenode, append([]string{"build", "-p", "1", "-trimpath", "-o", bins + "/"}, pkgs...)...)
	cmd.Dir = top
	cmd.Env = genodeEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build for genode/amd64: %v\n%s", err, out)
	}
	files := []string{filepath.Join(bins, "runtimetest")}
	for _, e := range exps {
		files = append(files, filepath.Join(bins, e.name))
	}
	if out, err := exec.Command(elfcheck, append([]string{"-q"}, files...)...).CombinedOutput(); err != nil {
		return fmt.Errorf("genode-elfcheck: %v\n%s", err, out)
	}
	built = len(files)
	log("%d binaries built and checked against ld.lib.so's contract (and the toolbox)", len(files))
	return nil
}

// ---------- running ----------

// A suite is the host directory all runs share: bin/ (toolbox and its links, runc), and one directory
// per run. Its path is short: Genode's libc limits paths to 512 bytes, and bundles nest in it.
type suite struct {
	dir     string
	runtime string // runc inside the suite, at its host path
}

func newSuite(runtimePath string) (*suite, error) {
	dir, err := os.MkdirTemp("", "rtt.")
	if err != nil {
		return nil, err
	}
	s := &suite{dir: dir}
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return nil, err
	}
	// The model's VFS does not follow a host symbolic link out of the view, so binaries are copied in.
	if err := copyFile(filepath.Join(buildDir, "rootfs", "toolbox"), filepath.Join(bin, "toolbox"), 0o755); err != nil {
		return nil, err
	}
	for _, a := range rootfs.Applets {
		if err := os.Symlink("toolbox", filepath.Join(bin, a)); err != nil {
			return nil, err
		}
	}
	s.runtime = filepath.Join(bin, "runc")
	if runtimePath != "" {
		if err := copyFile(runtimePath, s.runtime, 0o755); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// A run is one validation program's work directory: cwd/ (rootfs-amd64.tar.gz, runtimetest), tmp/
// (TMPDIR: the bundles), root/ (runc's --root, where init's config and state report are), init/ (the
// init model's run directories), and runc, the RUNTIME the program execs: a script that runs the suite's
// runc with --root at the root's host path, because runc names files under its root to init's model by
// the paths it sees (e.g. a container's stdout when nobody named one).
type run struct {
	name, dir, cwd, tmp, root, runtime string
}

func (s *suite) newRun(name string) (*run, error) {
	r := &run{name: name, dir: filepath.Join(s.dir, name)}
	r.cwd, r.tmp, r.root = filepath.Join(r.dir, "cwd"), filepath.Join(r.dir, "tmp"), filepath.Join(r.dir, "root")
	for _, d := range []string{r.cwd, r.tmp, r.root, filepath.Join(r.dir, "init")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := copyFile(filepath.Join(buildDir, "rootfs", "rootfs-amd64.tar.gz"), filepath.Join(r.cwd, "rootfs-amd64.tar.gz"), 0o644); err != nil {
		return nil, err
	}
	if err := copyFile(filepath.Join(buildDir, "bin", "runtimetest"), filepath.Join(r.cwd, "runtimetest"), 0o755); err != nil {
		return nil, err
	}
	r.runtime = s.runtime
	if s.runtime == filepath.Join(s.dir, "bin", "runc") {
		r.runtime = filepath.Join(r.dir, "runc")
		script := fmt.Sprintf("#!%s\nexec %s --root %s \"$@\"\n", filepath.Join(s.dir, "bin", "sh"), s.runtime, r.root)
		if err := os.WriteFile(r.runtime, []byte(script), 0o755); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// hostDir is a host directory at its own path in the view: nested <dir> nodes down to an <fs host>.
func hostDir(path string, writeable bool) *node.Node {
	els := strings.Split(strings.Trim(path, "/"), "/")
	n := initcfg.FSHost(path, writeable)
	for i := len(els) - 1; i >= 0; i-- {
		n = initcfg.Dir(els[i], n)
	}
	return n
}

// config is the <start> node of the validation program NAME.
func (s *suite) config(r *run) []byte {
	dev := initcfg.Dir("dev", initcfg.Plugin("log"), initcfg.Plugin("null"), initcfg.Plugin("zero"), initcfg.Plugin("rtc"),
		initcfg.Plugin("terminal"), initcfg.Plugin("jitterentropy", "name", "random"), initcfg.Plugin("jitterentropy", "name", "urandom"))
	vfs := node.New("vfs").Add(
		dev,
		initcfg.Dir("pipe", initcfg.Plugin("pipe")),
		hostDir(s.dir, true),
		initcfg.Dir("etc", initcfg.FSHost("/etc", false)),
	)
	libc := &initcfg.Libc{}
	for _, kv := range [][2]string{{"stdin", "/dev/null"}, {"stdout", "/dev/terminal"}, {"stderr", "/dev/log"},
		{"rtc", "/dev/rtc"}, {"rng", "/dev/random"}, {"pipe", "/pipe"}, {"cwd", r.cwd}} {
		libc.Set(kv[0], kv[1])
	}
	st := &initcfg.Start{
		Name:   r.name,
		Caps:   1000,
		RAM:    initcfg.Bytes(1 << 30),
		Binary: r.name,
		Config: &initcfg.ChildConfig{
			VFS:  vfs,
			Libc: libc,
			Args: []string{r.name},
			Env: []initcfg.EnvVar{
				{Name: "RUNTIME", Value: r.runtime},
				{Name: "RUNC_GENODE_FS", Value: "host"}, // containers' file systems are host directories (the model)
				{Name: "PATH", Value: filepath.Join(s.dir, "bin")},
				{Name: "TMPDIR", Value: r.tmp},
				{Name: "HOME", Value: r.tmp},
			},
		},
	}
	return st.Node().EncodeHID()
}

// initModel is genode-init for one run's runc root.
type initModel struct {
	cmd  *exec.Cmd
	done chan error
	log  *os.File
}

func startInit(r *run) (*initModel, error) {
	lf, err := os.Create(filepath.Join(r.dir, "init.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(genodeInit, "-config", filepath.Join(r.root, "init.config"), "-state", filepath.Join(r.root, "init.state"),
		"-launcher", genodeRun, "-run", filepath.Join(r.dir, "init"))
	cmd.Env = append(os.Environ(), "GENODE_MODEL_DIR="+modelDir,
		"PATH="+filepath.Dir(genodeRun)+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, err
	}
	m := &initModel{cmd: cmd, done: make(chan error, 1), log: lf}
	go func() { m.done <- cmd.Wait() }()
	return m, nil
}

// stop ends the init model as Genode ends a dynamic init: SIGTERM, which kills its children; it must exit
// with status 0 within 10 s, else it is killed and the stop is reported as unclean.
func (m *initModel) stop() error {
	defer m.log.Close()
	select {
	case err := <-m.done:
		return fmt.Errorf("the init model ended before the program did: %v", err)
	default:
	}
	m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-m.done:
		if err != nil {
			return fmt.Errorf("the init model stopped with %v", err)
		}
		return nil
	case <-time.After(10 * time.Second):
		m.cmd.Process.Kill()
		<-m.done
		return errors.New("the init model did not stop within 10 s of SIGTERM and was killed")
	}
}

// runOne runs the validation program NAME and judges its TAP output. The logs (TAP, the component's log,
// the init model's log, the config) are kept in _build/runtime-tools/logs/NAME/.
func (s *suite) runOne(name string, timeout time.Duration, keep bool) (verdict, string) {
	logs := filepath.Join(buildDir, "logs", name)
	os.RemoveAll(logs)
	os.MkdirAll(logs, 0o755)
	fail := func(err error) (verdict, string) {
		return verdict{result: resFail, reason: "harness: " + err.Error()}, logs
	}
	r, err := s.newRun(name)
	if err != nil {
		return fail(err)
	}
	if !keep {
		defer os.RemoveAll(r.dir)
	}
	cfg := filepath.Join(r.dir, name+".config")
	if err := os.WriteFile(cfg, s.config(r), 0o644); err != nil {
		return fail(err)
	}
	im, err := startInit(r)
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, genodeRun, "-model", modelDir, "-binary", filepath.Join(buildDir, "bin", name),
		"-timeout", timeout.String(), cfg)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GENODE_MODEL_DIR="+modelDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	stopErr := im.stop()
	exit := 0
	var ee *exec.ExitError
	switch {
	case errors.As(runErr, &ee):
		exit = ee.ExitCode()
	case runErr != nil:
		return fail(runErr)
	}
	os.WriteFile(filepath.Join(logs, "tap.txt"), stdout.Bytes(), 0o644)
	os.WriteFile(filepath.Join(logs, "component.log"), stderr.Bytes(), 0o644)
	copyFile(cfg, filepath.Join(logs, "component.config"), 0o644)
	for _, f := range []string{"init.log", "root/init.config", "root/init.state"} {
		if b, err := os.ReadFile(filepath.Join(r.dir, f)); err == nil {
			os.WriteFile(filepath.Join(logs, strings.ReplaceAll(f, "/", "-")), b, 0o644)
		}
	}
	v := judge(parseTAP(stdout.String()), exit, stderrTail(stderr.String(), name))
	if v.result == resFail && !strings.Contains(v.reason, "msg=") {
		// A program that ends in util.Fatal says only "exit status 1"; the runtime's own words are in the
		// bundle it left behind (Runtime.Create's stderr-ID file).
		if said := runtimeSaid(r.tmp); said != "" {
			v.reason += "; the runtime said: " + said
		}
	}
	v.reason = normalize(v.reason, s.dir)
	if stopErr != nil {
		if v.result == resPass {
			v.result = resFail
			v.reason = "harness: " + stopErr.Error()
		} else {
			v.reason += " (also: " + stopErr.Error() + ")"
		}
	}
	return v, logs
}

// stderrTail is the end of the component's own log lines, without the model's label and colours.
func stderrTail(s, name string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(stripANSI(l))
		l = strings.TrimPrefix(l, "["+name+"] ")
		if l != "" && !strings.HasPrefix(l, "Warning: ") { // the libc's warnings (e.g. chmod: ENOSYS) say little here
			lines = append(lines, l)
		}
	}
	if len(lines) > 6 {
		lines = lines[len(lines)-6:]
	}
	return clip(strings.Join(lines, " | "), 500)
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < '@' || s[j] > '~') {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var logrusPrefix = regexp.MustCompile(`time=\\*"[^"\\]*\\*" level=(\w+) msg=`)

// normalize makes a reason the same from run to run: the suite's temporary directory becomes <suite>,
// and logrus's time stamp is left out.
func normalize(reason, suiteDir string) string {
	reason = strings.ReplaceAll(reason, suiteDir, "<suite>")
	return logrusPrefix.ReplaceAllString(reason, "level=$1 msg=")
}

// runtimeSaid returns the error lines the runtime wrote into the stderr files of bundles left under dir.
func runtimeSaid(dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "*", "stderr-*"))
	var said []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, "level=error") || strings.Contains(l, "level=fatal") {
				said = append(said, strings.TrimSpace(l))
			}
		}
	}
	return clip(strings.Join(uniq(said), " | "), 500)
}
