// Command benchrunc measures what runc adds to starting a genode program on
// the model, and whether create/start/delete cycles leave anything behind.
// In one invocation it
//
//   - runs a hello-world container (_build/bin/hello.genode-amd64) -n times
//     with `_build/bin/runc run` (create, start, exit, delete), and starts the
//     same binary -n times directly with `_build/bin/genode-run` from the
//     start node runc recorded for the container (same routes, view, quotas
//     and arguments), alternating the two; it prints mean and median per
//     start, the overhead ratio runc/direct against the goal (runc adds less
//     than 50% to a direct start; a miss is reported, not a failure), and a
//     split of `runc run` taken from the renames of init's config and state
//     report: runc itself (runc starting up to the config holding the start
//     node, plus the child's reported exit to runc's end), init (that config
//     to the child in init's report) and launch (reported to exited: genode-run
//     starting the child, which runs and exits), with the time `runc --version`
//     takes (the runc component starting and exiting, no work) beside it;
//
//   - runs -cycles create/start/delete cycles and compares, before and after,
//     the files under runc's --root and the TMPDIR of runc, init and
//     genode-run, the init model's open descriptors, the children in
//     init.config and init.state, and the model processes (genode-run and the
//     model's loader) of this benchmark.
//
//     go run genodego/test/cmd/benchrunc [-root dir] [-n 20] [-warmup 2] [-cycles 100] [-keep]
//
// Needs `make runc hello` (and the model). A container "keeper", created and
// never started, holds the init model for the whole run, so every start is
// measured with init already up (the first create, which starts init, is
// printed apart). The exit status is 0 unless the benchmark itself could not
// run; a missed goal or a leak is printed.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"genodego/sandbox/initcfg"
)

// goal: runc adds less than 50% to a direct start.
const goal = 1.5

type bench struct {
	top, bin  string
	work      string // temporary: bundle, root, tmp, output
	bundle    string
	root      string // runc --root
	tmp       string // TMPDIR of runc, init and genode-run
	out       string // where the containers' stdout and stderr go
	env       []string
	direct    string // start node for genode-run
	hello     string // the binary in the rootfs
	initPid   int
	keepWork  bool
	cleanedUp bool
}

func main() {
	root := flag.String("root", "", "repository root (default: found from the working directory)")
	n := flag.Int("n", 20, "measured starts per path (runc run, direct genode-run)")
	warmup := flag.Int("warmup", 2, "unmeasured starts per path first")
	cycles := flag.Int("cycles", 100, "create/start/delete cycles of the leak check")
	keep := flag.Bool("keep", false, "keep the work directory (bundle, root, outputs)")
	flag.Parse()

	top, err := findRoot(*root)
	if err != nil {
		fatal(err)
	}
	b := &bench{top: top, bin: filepath.Join(top, "_build", "bin"), keepWork: *keep}
	if err := b.setup(); err != nil {
		fatal(err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		b.cleanup()
		os.Exit(130)
	}()
	code := b.main(*n, *warmup, *cycles)
	b.cleanup()
	os.Exit(code)
}

func (b *bench) main(n, warmup, cycles int) int {
	first, out, err := b.runc("create", "keeper")
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench-runc: runc create keeper: %v\n%s", err, out)
		return 2
	}
	b.initPid = initPid(b.root)
	if b.initPid == 0 {
		fmt.Fprintln(os.Stderr, "bench-runc: runc started no init model (no live pid in init.pid)")
		return 2
	}
	if err := b.directNode(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-runc:", err)
		return 2
	}
	w, err := watch(b.root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-runc:", err)
		return 2
	}

	// (a) and (b), alternating so that drift on a busy machine hits both
	var runs, directs []time.Duration
	var splits []split
	var incomplete []string
	for i := -warmup; i < n; i++ {
		order := []bool{true, false}
		if i%2 != 0 {
			order = []bool{false, true}
		}
		for _, viaRunc := range order {
			if viaRunc {
				id := "run" + strconv.Itoa(i+warmup)
				t0 := time.Now()
				d, out, err := b.runc("run", id)
				t5 := t0.Add(d)
				if err != nil {
					fmt.Fprintf(os.Stderr, "bench-runc: runc run %s: %v\n%s", id, err, out)
					w.close()
					return 2
				}
				if i < 0 {
					continue
				}
				runs = append(runs, d)
				w.settle(30 * time.Millisecond)
				s, err := splitRun(id, t0, t5, w.since(t0))
				if err != nil {
					incomplete = append(incomplete, id+": "+err.Error())
					continue
				}
				splits = append(splits, s)
			} else {
				d, out, err := b.directStart()
				if err != nil {
					fmt.Fprintf(os.Stderr, "bench-runc: genode-run %s: %v\n%s", b.direct, err, out)
					w.close()
					return 2
				}
				if i >= 0 {
					directs = append(directs, d)
				}
			}
		}
	}
	w.close()
	// what starting the runc component costs by itself
	var bare []time.Duration
	for i := 0; i < n; i++ {
		d, out, err := b.runc("--version")
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench-runc: runc --version: %v\n%s", err, out)
			return 2
		}
		bare = append(bare, d)
	}

	fmt.Printf("\nbench-runc: %s started %d times each way (%d warm-up starts each first), on the model, init model up\n",
		filepath.Base(b.hello), n, warmup)
	fmt.Printf("(the first `runc create`, which also started the init model: %s)\n\n", ms(first))
	fmt.Printf("%-48s %10s %10s %10s\n", "per start", "mean", "median", "min")
	row := func(name string, ds []time.Duration) {
		fmt.Printf("%-48s %10s %10s %10s\n", name, ms(mean(ds)), ms(median(ds)), ms(minimum(ds)))
	}
	row("runc run (create, start, exit, delete)", runs)
	row("genode-run, the same start node", directs)
	ratio := float64(mean(runs)) / float64(mean(directs))
	mratio := float64(median(runs)) / float64(median(directs))
	verdict := "MISSED (reported, not a failure)"
	if ratio < goal {
		verdict = "met"
	}
	fmt.Printf("\noverhead runc/direct: %.2f× (medians: %.2f×); runc adds %.0f%% to a direct start; goal: less than %.0f%% (< %.2f×): %s\n",
		ratio, mratio, (ratio-1)*100, (goal-1)*100, goal, verdict)

	fmt.Printf("\nsplit of `runc run`, from the renames of init.config and init.state (%d of %d runs)\n", len(splits), len(runs))
	part := func(f func(split) time.Duration) []time.Duration {
		var ds []time.Duration
		for _, s := range splits {
			ds = append(ds, f(s))
		}
		return ds
	}
	total := mean(part(func(s split) time.Duration { return s.total }))
	for _, p := range []struct {
		name string
		f    func(split) time.Duration
	}{
		{"runc itself (to the start node; exit to end)", func(s split) time.Duration { return s.runc }},
		{"init (start node to child reported)", func(s split) time.Duration { return s.init }},
		{"launch (reported to exited: genode-run, hello)", func(s split) time.Duration { return s.launch }},
	} {
		ds := part(p.f)
		share := 0.0
		if total > 0 {
			share = 100 * float64(mean(ds)) / float64(total)
		}
		fmt.Printf("  %-48s %10s %10s   %3.0f%%\n", p.name, ms(mean(ds)), ms(median(ds)), share)
	}
	fmt.Printf("  %-48s %10s %10s\n", "(runc --version: the component alone)", ms(mean(bare)), ms(median(bare)))
	for _, s := range incomplete {
		fmt.Println("  not split:", s)
	}

	// (c)
	fmt.Printf("\nleak check: %d create/start/delete cycles\n", cycles)
	before := take(b.root, b.tmp, b.work, b.initPid)
	times := map[string][]time.Duration{}
	var failures []string
	for i := 0; i < cycles; i++ {
		id := "cycle" + strconv.Itoa(i)
		ok := true
		for _, cmd := range []string{"create", "start"} {
			d, out, err := b.runc(cmd, id)
			if err != nil {
				failures = append(failures, fmt.Sprintf("%s %s: %v: %s", cmd, id, err, lastLine(out)))
				ok = false
				break
			}
			times[cmd] = append(times[cmd], d)
		}
		if ok {
			if err := waitExited(b.root, id, 10*time.Second); err != nil {
				failures = append(failures, err.Error())
			}
		}
		d, out, err := b.runc("delete", id)
		if err != nil {
			failures = append(failures, fmt.Sprintf("delete %s: %v: %s", id, err, lastLine(out)))
			b.runc("delete", "--force", id)
			continue
		}
		times["delete"] = append(times["delete"], d)
	}
	after := take(b.root, b.tmp, b.work, b.initPid)
	for deadline := time.Now().Add(3 * time.Second); len(leaks(before, after)) > 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		after = take(b.root, b.tmp, b.work, b.initPid)
	}
	fmt.Printf("%-48s %10s %10s %10s\n", "runc command", "mean", "median", "min")
	for _, c := range []string{"create", "start", "delete"} {
		row("runc "+c, times[c])
	}
	var cd []time.Duration
	for i := range min(len(times["create"]), len(times["delete"])) {
		cd = append(cd, times["create"][i]+times["delete"][i])
	}
	row("runc create + delete", cd)
	fmt.Println()
	fmt.Printf("%-48s %8s %8s\n", "", "before", "after")
	count := func(name string, b, a int) { fmt.Printf("%-48s %8d %8d\n", name, b, a) }
	count("files under --root", len(before.rootFiles), len(after.rootFiles))
	count("files under TMPDIR (init's, genode-run's)", len(before.tmpFiles), len(after.tmpFiles))
	count("open fds of the init model", len(before.initFDs), len(after.initFDs))
	count("children in init.config", len(before.cfgStarts), len(after.cfgStarts))
	count("children in init.state", len(before.stateKids), len(after.stateKids))
	count("model processes of this benchmark", len(before.modelProcs), len(after.modelProcs))
	if before.otherModel > 0 || after.otherModel > 0 {
		count("(model processes of others on this machine)", before.otherModel, after.otherModel)
	}
	for _, f := range failures {
		fmt.Println("failed:", f)
	}
	if l := leaks(before, after); len(l) > 0 {
		fmt.Println("\nLEAK (reported, not a failure):")
		for _, s := range l {
			fmt.Println("  " + s)
		}
	} else {
		fmt.Println("\nno leak: every count is the same after the cycles")
	}
	return 0
}

func findRoot(root string) (string, error) {
	if root != "" {
		return filepath.Abs(root)
	}
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		_, e1 := os.Stat(filepath.Join(d, "go.work"))
		_, e2 := os.Stat(filepath.Join(d, "test", "genode-skips.txt"))
		if e1 == nil && e2 == nil {
			return d, nil
		}
		p := filepath.Dir(d)
		if p == d {
			return "", fmt.Errorf("no project root above the working directory (use -root)")
		}
		d = p
	}
}

func (b *bench) setup() error {
	for _, f := range []string{"runc", "runc.genode-amd64", "genode-run", "genode-init", "hello.genode-amd64"} {
		if _, err := os.Stat(filepath.Join(b.bin, f)); err != nil {
			return fmt.Errorf("%v (make runc hello)", err)
		}
	}
	model := filepath.Join(b.top, "_build", "model")
	if _, err := os.Stat(filepath.Join(model, "libc.lib.so")); err != nil {
		return fmt.Errorf("%v (make model)", err)
	}
	work, err := os.MkdirTemp("", "benchrunc-")
	if err != nil {
		return err
	}
	b.work, _ = filepath.EvalSymlinks(work)
	b.bundle = filepath.Join(b.work, "bundle")
	b.root = filepath.Join(b.work, "root")
	b.tmp = filepath.Join(b.work, "tmp")
	b.out = filepath.Join(b.work, "out.log")
	b.hello = filepath.Join(b.bundle, "rootfs", "bin", "hello")
	for _, d := range []string{filepath.Dir(b.hello), b.tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	data, err := os.ReadFile(filepath.Join(b.bin, "hello.genode-amd64"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(b.hello, data, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(b.out, nil, 0o644); err != nil {
		return err
	}
	spec := map[string]any{
		"ociVersion": "1.3.0",
		"process": map[string]any{"terminal": false, "user": map[string]any{"uid": 0, "gid": 0},
			"args": []string{"hello"}, "env": []string{"PATH=/bin"}, "cwd": "/"},
		"root": map[string]any{"path": "rootfs", "readonly": true},
	}
	cfg, _ := json.MarshalIndent(spec, "", "\t")
	if err := os.WriteFile(filepath.Join(b.bundle, "config.json"), cfg, 0o644); err != nil {
		return err
	}
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		if strings.HasPrefix(k, "RUNC_GENODE_") || k == "TMPDIR" || k == "GENODE_MODEL_DIR" || k == "NOTIFY_SOCKET" {
			continue
		}
		b.env = append(b.env, e)
	}
	b.env = append(b.env, "TMPDIR="+b.tmp, "GENODE_MODEL_DIR="+model,
		"RUNC_GENODE_STDIN=/dev/null", "RUNC_GENODE_STDOUT="+b.out, "RUNC_GENODE_STDERR="+b.out)
	return nil
}

// runc runs one runc command in the bundle and returns its wall time.
func (b *bench) runc(args ...string) (time.Duration, []byte, error) {
	cmd := exec.Command(filepath.Join(b.bin, "runc"), append([]string{"--root", b.root}, args...)...)
	cmd.Dir, cmd.Env = b.bundle, b.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err := cmd.Run()
	return time.Since(t0), out.Bytes(), err
}

// directNode writes the start node runc recorded for the keeper, which the
// direct starts use, so that both paths start the same component.
func (b *bench) directNode() error {
	data, err := os.ReadFile(filepath.Join(b.root, "keeper", "state.json"))
	if err != nil {
		return err
	}
	var st struct {
		Start string `json:"start"`
	}
	if err := json.Unmarshal(data, &st); err != nil || st.Start == "" {
		return fmt.Errorf("keeper/state.json has no start node (%v)", err)
	}
	b.direct = filepath.Join(b.work, "direct.config")
	return os.WriteFile(b.direct, []byte(st.Start), 0o644)
}

// directStart runs the binary with genode-run as the init model's launcher
// does: the start node as its file, the binary with -binary.
func (b *bench) directStart() (time.Duration, []byte, error) {
	cmd := exec.Command(filepath.Join(b.bin, "genode-run"), "-binary", b.hello, b.direct)
	cmd.Dir, cmd.Env = b.tmp, b.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	t0 := time.Now()
	err := cmd.Run()
	return time.Since(t0), out.Bytes(), err
}

// waitExited waits until init reports child id exited.
func waitExited(root, id string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(filepath.Join(root, "init.state")); err == nil {
			if st, err := initcfg.DecodeState(data); err == nil {
				if c := st.Child(id); c != nil && (c.Exited != nil || c.Incomplete) {
					return nil
				}
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return fmt.Errorf("%s: init did not report its exit within %v", id, timeout)
}

// initPid is the init model runc started for root, if it runs.
func initPid(root string) int {
	data, err := os.ReadFile(filepath.Join(root, "init.pid"))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0
	}
	cmd, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || !strings.Contains(string(cmd), "genode-init") || !strings.Contains(string(cmd), root) {
		return 0
	}
	return pid
}

// cleanup deletes every container left under the root, which stops the
// init model (runc stops it with the root's last container); the init model
// this benchmark started is killed if it is still there.
func (b *bench) cleanup() {
	if b.cleanedUp || b.root == "" {
		return
	}
	b.cleanedUp = true
	ents, _ := os.ReadDir(b.root)
	for _, e := range ents {
		if e.IsDir() {
			b.runc("delete", "--force", e.Name())
		}
	}
	if pid := initPid(b.root); pid != 0 {
		for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(20 * time.Millisecond)
		}
		if initPid(b.root) == pid {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if b.keepWork {
		fmt.Println("work directory kept:", b.work)
		return
	}
	os.RemoveAll(b.work)
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var s time.Duration
	for _, d := range ds {
		s += d
	}
	return s / time.Duration(len(ds))
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func minimum(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	m := ds[0]
	for _, d := range ds {
		m = min(m, d)
	}
	return m
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

func lastLine(b []byte) string {
	ls := strings.Split(strings.TrimSpace(string(b)), "\n")
	return ls[len(ls)-1]
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench-runc:", err)
	os.Exit(2)
}
