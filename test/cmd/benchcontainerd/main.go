// Command benchcontainerd measures containerd on the model: what `ctr run`
// adds to starting a genode program, and what each extra container of one
// image costs in host memory. In one invocation it
//
//   - starts its own stack (`genode-stack -debug -dir TMP up`), imports
//     _build/images/hello.oci.tar and toolbox.oci.tar;
//
//   - runs `ctr run --rm genode.local/hello:latest ID` -n times, alternating
//     with `runc run` of an equivalent bundle (the hello rootfs containerd
//     unpacked from the image, its own runc root) and a direct start of the
//     same binary with genode-run (the start node runc recorded); it prints
//     median and p90 of each, the ratios ctr/runc and ctr/direct, and a split
//     of `ctr run` into phases from timestamps: containerd's debug log
//     (DIR/init/init.log), the shims' log (DIR/run/shims/init.log), `ctr
//     events`, and the containers' init report (DIR/run/runc/init.state,
//     polled every 2 ms);
//
//   - starts 1, 10, 20 containers of the toolbox image (`ctr run -d ...
//     sleep 3600`) and reads /proc/PID/smaps_rollup and the binary's mappings
//     in /proc/PID/smaps of each container's host process, and says whether
//     the containers' binaries are one host file.
//
//     go run genodego/test/cmd/benchcontainerd [-root dir] [-n 20] [-warmup 1] [-containers 1,10,20] [-keep]
//
// Needs `make containerd images`. The exit status is 0 unless the benchmark
// itself could not run.
package main

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"genodego/test/cmd/internal/benchutil"
)

var (
	ms     = benchutil.Ms
	median = benchutil.Median
)

func p90(ds []time.Duration) time.Duration { return benchutil.Percentile(ds, 90) }

type bench struct {
	top, bin, model string
	work            string // temporary: stack, bundle, runc root, tmp
	stack           string
	env             []string // for ctr and genode-stack
	keepWork        bool
	stackUp         bool
	events          *benchutil.EventLog
	cleaned         bool
	runRoot         *runcBundle
}

func main() {
	root := flag.String("root", "", "repository root (default: found from the working directory)")
	n := flag.Int("n", 20, "measured starts per path (ctr run --rm, runc run, direct genode-run); 0: memory only")
	warmup := flag.Int("warmup", 1, "unmeasured starts per path first")
	counts := flag.String("containers", "1,10,20", "numbers of running toolbox containers at which memory is measured")
	keep := flag.Bool("keep", false, "keep the work directory (stack, bundle, logs)")
	flag.Parse()
	var steps []int
	for _, f := range strings.Split(*counts, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 1 || (len(steps) > 0 && c <= steps[len(steps)-1]) {
			fatal(fmt.Errorf("-containers: increasing positive numbers, not %q", *counts))
		}
		steps = append(steps, c)
	}
	top, err := benchutil.FindRoot(*root)
	if err != nil {
		fatal(err)
	}
	b := &bench{top: top, bin: filepath.Join(top, "_build", "bin"), model: filepath.Join(top, "_build", "model"), keepWork: *keep}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		b.cleanup()
		os.Exit(130)
	}()
	code := b.main(*n, *warmup, steps)
	b.cleanup()
	os.Exit(code)
}

func (b *bench) main(n, warmup int, steps []int) int {
	if err := b.setup(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-containerd:", err)
		return 2
	}
	fmt.Printf("bench-containerd: stack %s (containerd and the shims at debug level), %s\n", b.stack, time.Now().UTC().Format(time.RFC3339))
	baseline()
	if n == 0 {
		fmt.Println("latency: not measured (-n 0)")
	} else if err := b.latency(n, warmup); err != nil {
		fmt.Fprintln(os.Stderr, "bench-containerd:", err)
		return 2
	}
	if err := b.memory(steps); err != nil {
		fmt.Fprintln(os.Stderr, "bench-containerd:", err)
		return 2
	}
	return 0
}

func (b *bench) setup() error {
	for _, f := range []string{"ctr", "genode-stack", "runc", "genode-run", "genode-init", "containerd.genode-amd64", "containerd-shim-runc-v2.genode-amd64"} {
		if _, err := os.Stat(filepath.Join(b.bin, f)); err != nil {
			return fmt.Errorf("%v (make containerd)", err)
		}
	}
	for _, im := range []string{"hello", "toolbox"} {
		if _, err := os.Stat(filepath.Join(b.top, "_build", "images", im+".oci.tar")); err != nil {
			return fmt.Errorf("%v (make images)", err)
		}
	}
	work, err := os.MkdirTemp("", "benchcontainerd-")
	if err != nil {
		return err
	}
	b.work, _ = filepath.EvalSymlinks(work)
	b.stack = filepath.Join(b.work, "stack")
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		if strings.HasPrefix(k, "RUNC_GENODE_") || k == "GENODE_STACK" || k == "TMPDIR" || k == "GENODE_MODEL_DIR" || k == "NOTIFY_SOCKET" {
			continue
		}
		b.env = append(b.env, e)
	}
	b.env = append(b.env, "GENODE_STACK="+b.stack)
	if out, err := b.cmd("genode-stack", "-debug", "-dir", b.stack, "up"); err != nil {
		return fmt.Errorf("genode-stack up: %v\n%s", err, out)
	}
	b.stackUp = true
	for _, im := range []string{"hello", "toolbox"} {
		if out, err := b.cmd("ctr", "image", "import", filepath.Join(b.top, "_build", "images", im+".oci.tar")); err != nil {
			return fmt.Errorf("ctr image import %s: %v\n%s", im, err, out)
		}
	}
	return nil
}

// cmd runs a command of _build/bin with the stack's environment.
func (b *bench) cmd(name string, args ...string) ([]byte, error) {
	c := exec.Command(filepath.Join(b.bin, name), args...)
	c.Env, c.Dir = b.env, b.work
	return c.CombinedOutput()
}

func (b *bench) timed(env []string, dir, name string, args ...string) (time.Time, time.Duration, []byte, error) {
	c := exec.Command(name, args...)
	c.Env, c.Dir = env, dir
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	t0 := time.Now()
	err := c.Run()
	return t0, time.Since(t0), out.Bytes(), err
}

// baseline says whether a native runc and containerd are on the host.
func baseline() {
	var found []string
	for _, p := range []string{"runc", "containerd", "ctr"} {
		if path, err := exec.LookPath(p); err == nil {
			v, _ := exec.Command(path, "--version").CombinedOutput()
			found = append(found, fmt.Sprintf("%s (%s)", path, strings.TrimSpace(strings.SplitN(string(v), "\n", 2)[0])))
		}
	}
	if len(found) == 0 {
		fmt.Println("native baseline: none — no runc, containerd or ctr on this host's PATH, so no native figures are printed")
		return
	}
	fmt.Println("native binaries on PATH (not timed: a native containerd needs root and cgroups):", strings.Join(found, ", "))
}

func (b *bench) cleanup() {
	if b.cleaned {
		return
	}
	b.cleaned = true
	b.events.Stop()
	if b.stackUp {
		if out, err := b.cmd("genode-stack", "-dir", b.stack, "down"); err != nil {
			fmt.Fprintf(os.Stderr, "bench-containerd: genode-stack down: %v\n%s", err, out)
		}
	}
	b.runcCleanup()
	// nothing of this run may remain
	time.Sleep(200 * time.Millisecond)
	var left []string
	for _, p := range procsContaining(b.work) {
		left = append(left, strconv.Itoa(p.Pid)+" "+p.Cmd)
		syscall.Kill(p.Pid, syscall.SIGKILL)
	}
	if len(left) > 0 {
		fmt.Printf("processes of %s left after the stack stopped, killed: %s\n", b.work, strings.Join(left, "; "))
	} else if b.work != "" {
		fmt.Printf("\nno process of %s remains\n", b.work)
	}
	if b.work == "" {
		return
	}
	if b.keepWork {
		fmt.Println("work directory kept:", b.work)
		return
	}
	os.RemoveAll(b.work)
}

// ---- observations (benchutil's)

type proc = benchutil.Proc

var (
	procsContaining = benchutil.ProcsContaining
	logFrom         = benchutil.LogFrom
	size            = benchutil.Size
	firstLog        = benchutil.FirstLog
	evLine          = benchutil.EventLine
)

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench-containerd:", err)
	os.Exit(2)
}

func (b *bench) followEvents() (*benchutil.EventLog, error) {
	c := exec.Command(filepath.Join(b.bin, "ctr"), "events")
	c.Env, c.Dir = b.env, b.work
	el, err := benchutil.FollowEvents(c)
	if err == nil {
		b.events = el
	}
	return el, err
}

// ---- latency

// phase is one part of `ctr run --rm`, measured between two observed times.
type phase struct {
	name, how string
	from, to  int // indexes into the marks of a run
}

// the marks of one `ctr run --rm ID`, in order
const (
	mCtr      = iota // host: ctr invoked
	mPrepare         // containerd log: "prepare snapshot" key=ID (ctr is up, the container is being made)
	mCreate          // containerd log: "creating task" id=ID (the task create request)
	mShimLog         // shims' log: the shim's first line (the shim component runs)
	mConnect         // containerd log: "connecting to shim ID" (the shim serves its socket)
	mCreated         // ctr events: /tasks/create (runc create returned to the shim)
	mStarted         // ctr events: /tasks/start (runc start returned)
	mChild           // init.state of run/runc: the child ID reported (init started it)
	mExited          // init.state of run/runc: the child reported exited
	mExitEv          // ctr events: /tasks/exit (the shim published the exit)
	mDeleteEv        // ctr events: /tasks/delete (runc delete returned to the shim)
	mShimGone        // containerd log: "shim disconnected" id=ID (the shim shut down)
	mRmSnap          // containerd log: "remove snapshot" key=ID (after `shim delete`, the container record gone)
	mEnd             // host: ctr returned
	nMarks
)

var phases = []phase{
	{"ctr start → task create request", "ctr invoked (host clock) → containerd logs \"creating task\"", mCtr, mCreate},
	{"  of which ctr up, image lookup", "ctr invoked → containerd logs \"prepare snapshot\" key=ID", mCtr, mPrepare},
	{"  of which snapshot, container record", "\"prepare snapshot\" → \"creating task\"", mPrepare, mCreate},
	{"shim start", "\"creating task\" → containerd logs \"connecting to shim\"", mCreate, mConnect},
	{"  of which shim start command + init launches it", "\"creating task\" → the shim's first log line", mCreate, mShimLog},
	{"runc create (shim's Create)", "\"connecting to shim\" → event /tasks/create", mConnect, mCreated},
	{"runc start → init starts the child", "/tasks/create → the child in run/runc/init.state", mCreated, mChild},
	{"program run (hello, launched to exit)", "child in init.state → reported exited", mChild, mExited},
	{"teardown (exit published, delete, shim ends, ctr exits)", "child exited in init.state → ctr returned (host clock)", mExited, mEnd},
	{"  of which exit to /tasks/exit event", "exited in init.state → event /tasks/exit", mExited, mExitEv},
	{"  of which task delete (ctr's Delete, runc delete)", "/tasks/exit → event /tasks/delete", mExitEv, mDeleteEv},
	{"  of which shim shutdown", "/tasks/delete → containerd logs \"shim disconnected\"", mDeleteEv, mShimGone},
	{"  of which dead-shim cleanup (`shim delete`), container rm", "\"shim disconnected\" → \"remove snapshot\" key=ID", mShimGone, mRmSnap},
	{"  of which snapshot removal, ctr exits", "\"remove snapshot\" → ctr returned", mRmSnap, mEnd},
}

func (b *bench) latency(n, warmup int) error {
	bundle, err := b.runcBundle()
	if err != nil {
		return err
	}
	el, err := b.followEvents()
	if err != nil {
		return fmt.Errorf("ctr events: %v", err)
	}
	iw := benchutil.WatchInit(filepath.Join(b.stack, "run", "runc", "init.state"))
	defer iw.Close()
	time.Sleep(500 * time.Millisecond) // ctr events subscribed
	ctr := filepath.Join(b.bin, "ctr")
	cdLog := filepath.Join(b.stack, "init", "init.log")
	shimLog := filepath.Join(b.stack, "run", "shims", "init.log")
	var ctrs, runcs, directs []time.Duration
	type run struct {
		id           string
		cdOff, shOff int64
		marks        [nMarks]time.Time
	}
	var runs []*run
	for i := -warmup; i < n; i++ {
		order := []int{0, 1, 2}
		if i%2 != 0 {
			order = []int{2, 1, 0}
		}
		for _, which := range order {
			switch which {
			case 0:
				r := &run{id: fmt.Sprintf("bh%03d", i+warmup), cdOff: size(cdLog), shOff: size(shimLog)}
				t0, d, out, err := b.timed(b.env, b.work, ctr, "run", "--rm", "genode.local/hello:latest", r.id)
				if err != nil || !bytes.Contains(out, []byte("hello")) {
					return fmt.Errorf("ctr run --rm hello %s: %v\n%s", r.id, err, out)
				}
				r.marks[mCtr], r.marks[mEnd] = t0, t0.Add(d)
				if i >= 0 {
					ctrs = append(ctrs, d)
					runs = append(runs, r)
				}
			case 1:
				_, d, out, err := b.timed(bundle.env, bundle.dir, filepath.Join(b.bin, "runc"), "--root", bundle.root, "run", fmt.Sprintf("r%03d", i+warmup))
				if err != nil {
					return fmt.Errorf("runc run: %v\n%s", err, out)
				}
				if i >= 0 {
					runcs = append(runcs, d)
				}
			case 2:
				_, d, out, err := b.timed(bundle.env, bundle.tmp, filepath.Join(b.bin, "genode-run"), "-binary", bundle.hello, bundle.direct)
				if err != nil {
					return fmt.Errorf("genode-run: %v\n%s", err, out)
				}
				if i >= 0 {
					directs = append(directs, d)
				}
			}
		}
	}
	time.Sleep(300 * time.Millisecond) // the last events and log lines
	for _, r := range runs {
		cd := logFrom(cdLog, r.cdOff)
		r.marks[mPrepare] = firstLog(cd, `msg="prepare snapshot"`, "key="+r.id+" ")
		r.marks[mCreate] = firstLog(cd, `msg="creating task"`, "id="+r.id+" ")
		r.marks[mConnect] = firstLog(cd, `msg="connecting to shim `+r.id+`"`)
		r.marks[mShimLog] = firstLog(logFrom(shimLog, r.shOff), "[shim.default."+r.id+"]")
		r.marks[mCreated] = el.Get(r.id, "/tasks/create")
		r.marks[mStarted] = el.Get(r.id, "/tasks/start")
		r.marks[mExitEv] = el.Get(r.id, "/tasks/exit")
		r.marks[mDeleteEv] = el.Get(r.id, "/tasks/delete")
		r.marks[mShimGone] = firstLog(cd, `msg="shim disconnected"`, "id="+r.id+" ")
		r.marks[mRmSnap] = firstLog(cd, `msg="remove snapshot"`, "key="+r.id+" ")
		r.marks[mChild], r.marks[mExited] = iw.Get(r.id)
	}

	fmt.Printf("\n1. latency: hello started %d times each way (%d warm-up each first), alternating, stack up\n\n", n, warmup)
	fmt.Printf("%-58s %10s %10s %10s\n", "per start", "median", "p90", "mean")
	row := func(name string, ds []time.Duration) {
		fmt.Printf("%-58s %10s %10s %10s\n", name, ms(median(ds)), ms(p90(ds)), ms(benchutil.Mean(ds)))
	}
	row("ctr run --rm genode.local/hello:latest ID", ctrs)
	row("runc run ID (the same rootfs, own root and init)", runcs)
	row("genode-run (direct start, runc's start node)", directs)
	fmt.Printf("\nratios of medians: ctr/runc %.2f×, ctr/direct %.2f× (runc/direct %.2f×)\n",
		ratio(median(ctrs), median(runcs)), ratio(median(ctrs), median(directs)), ratio(median(runcs), median(directs)))

	fmt.Printf("\nsplit of `ctr run --rm` (medians over the runs with both marks; host clock, containerd's and the shim's\n" +
		"log times, ctr events' times and the 2 ms poll of the containers' init report are all the host's realtime clock)\n\n")
	fmt.Printf("%-58s %10s %10s %5s  %s\n", "phase", "median", "p90", "runs", "measured as")
	for _, p := range phases {
		var ds []time.Duration
		for _, r := range runs {
			if !r.marks[p.from].IsZero() && !r.marks[p.to].IsZero() {
				ds = append(ds, r.marks[p.to].Sub(r.marks[p.from]))
			}
		}
		fmt.Printf("%-58s %10s %10s %5d  %s\n", p.name, ms(median(ds)), ms(p90(ds)), len(ds), p.how)
	}
	var miss []string
	names := []string{"ctr", "prepare snapshot", "creating task", "shim log", "connecting to shim", "/tasks/create", "/tasks/start", "child in init.state", "child exited", "/tasks/exit", "/tasks/delete", "shim disconnected", "remove snapshot", "end"}
	for _, r := range runs {
		for m, t := range r.marks {
			if t.IsZero() {
				miss = append(miss, r.id+": "+names[m])
			}
		}
	}
	if len(miss) > 0 {
		fmt.Println("marks not observed:", strings.Join(miss, ", "))
	}
	return nil
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// ---- runc's bundle

type runcBundle struct {
	dir, root, tmp, hello, direct string
	env                           []string
}

// runcBundle makes a bundle whose rootfs is the hello image's layer as
// containerd unpacked it, creates a container "keeper" (never started, so the
// init model of the runc root stays up), and writes the start node runc
// recorded for it, which the direct starts use.
func (b *bench) runcBundle() (*runcBundle, error) {
	snaps, _ := filepath.Glob(filepath.Join(b.stack, "root", "io.containerd.snapshotter.v1.native", "snapshots", "*", "bin", "hello"))
	if len(snaps) == 0 {
		return nil, fmt.Errorf("no unpacked hello layer under the stack's native snapshots")
	}
	rb := &runcBundle{dir: filepath.Join(b.work, "bundle"), root: filepath.Join(b.work, "runc-root"), tmp: filepath.Join(b.work, "tmp")}
	rb.hello = filepath.Join(rb.dir, "rootfs", "bin", "hello")
	for _, d := range []string{filepath.Dir(rb.hello), rb.tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	data, err := os.ReadFile(snaps[0])
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(rb.hello, data, 0o755); err != nil {
		return nil, err
	}
	spec := map[string]any{
		"ociVersion": "1.3.0",
		"process": map[string]any{"terminal": false, "user": map[string]any{"uid": 0, "gid": 0},
			"args": []string{"/bin/hello"}, "env": []string{"PATH=/bin"}, "cwd": "/"},
		"root": map[string]any{"path": "rootfs", "readonly": true},
	}
	cfg, _ := json.MarshalIndent(spec, "", "\t")
	if err := os.WriteFile(filepath.Join(rb.dir, "config.json"), cfg, 0o644); err != nil {
		return nil, err
	}
	out := filepath.Join(b.work, "runc-out.log")
	os.WriteFile(out, nil, 0o644)
	for _, e := range b.env {
		if !strings.HasPrefix(e, "GENODE_STACK=") {
			rb.env = append(rb.env, e)
		}
	}
	rb.env = append(rb.env, "TMPDIR="+rb.tmp, "GENODE_MODEL_DIR="+b.model,
		"RUNC_GENODE_STDIN=/dev/null", "RUNC_GENODE_STDOUT="+out, "RUNC_GENODE_STDERR="+out)
	if _, _, o, err := b.timed(rb.env, rb.dir, filepath.Join(b.bin, "runc"), "--root", rb.root, "create", "keeper"); err != nil {
		return nil, fmt.Errorf("runc create keeper: %v\n%s", err, o)
	}
	b.runRoot = rb
	st, err := os.ReadFile(filepath.Join(rb.root, "keeper", "state.json"))
	if err != nil {
		return nil, err
	}
	var s struct {
		Start string `json:"start"`
	}
	if err := json.Unmarshal(st, &s); err != nil || s.Start == "" {
		return nil, fmt.Errorf("keeper/state.json has no start node (%v)", err)
	}
	rb.direct = filepath.Join(b.work, "direct.config")
	return rb, os.WriteFile(rb.direct, []byte(s.Start), 0o644)
}

// runcCleanup deletes the containers of the runc root, which stops its init model.
func (b *bench) runcCleanup() {
	rb := b.runRoot
	if rb == nil {
		return
	}
	ents, _ := os.ReadDir(rb.root)
	for _, e := range ents {
		if e.IsDir() {
			b.timed(rb.env, rb.dir, filepath.Join(b.bin, "runc"), "--root", rb.root, "delete", "--force", e.Name())
		}
	}
}

// ---- memory

// mem is what /proc says of one host process.
type mem struct {
	rss, pss, private, sharedClean int64 // kB, smaps_rollup
	binRss, binPss, binPrivate     int64 // kB, the mappings of the program's file (smaps)
	libPss, libPrivate             int64 // kB, the model's libraries and ld-linux (smaps)
}

func readMem(pid int, binary, model string) (mem, error) {
	var m mem
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return m, err
	}
	field := func(text, name string) int64 {
		var sum int64
		for _, l := range strings.Split(text, "\n") {
			if v, ok := strings.CutPrefix(l, name+":"); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				sum += n
			}
		}
		return sum
	}
	r := string(data)
	m.rss, m.pss = field(r, "Rss"), field(r, "Pss")
	m.private = field(r, "Private_Clean") + field(r, "Private_Dirty")
	m.sharedClean = field(r, "Shared_Clean")
	data, err = os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return m, err
	}
	// the blocks of mappings whose path is the binary
	var cur strings.Builder
	in := 0 // 1: the binary, 2: a library
	flush := func() {
		t := cur.String()
		switch in {
		case 1:
			m.binRss += field(t, "Rss")
			m.binPss += field(t, "Pss")
			m.binPrivate += field(t, "Private_Clean") + field(t, "Private_Dirty")
		case 2:
			m.libPss += field(t, "Pss")
			m.libPrivate += field(t, "Private_Clean") + field(t, "Private_Dirty")
		}
		cur.Reset()
	}
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			flush()
			in = 0
			if len(f) >= 6 {
				switch path := f[len(f)-1]; {
				case binary != "" && path == binary:
					in = 1
				case model != "" && strings.HasPrefix(path, model+"/"), strings.Contains(path, "/ld-linux"):
					in = 2
				}
			}
			continue
		}
		cur.WriteString(l + "\n")
	}
	flush()
	return m, nil
}

// container is one running toolbox container's host processes.
type container struct {
	comp, launcher int    // the component (ld-linux + binary) and its genode-run
	binary         string // the program file the component maps
	ino            uint64
}

// containers finds the containers' components: processes of the stack whose
// binary lies in a snapshot, children of genode-run under the containers' init.
func (b *bench) containers() []container {
	snap := filepath.Join(b.stack, "root", "io.containerd.snapshotter.v1.native", "snapshots")
	var cs []container
	for _, p := range procsContaining(snap) {
		if len(p.Argv) == 0 || !strings.Contains(p.Argv[0], "ld-linux") {
			continue
		}
		bin := p.Argv[len(p.Argv)-1]
		var st syscall.Stat_t
		syscall.Stat(bin, &st)
		cs = append(cs, container{comp: p.Pid, launcher: p.PPid, binary: bin, ino: st.Ino})
	}
	return cs
}

// shims are the shims' components (ld-linux + the shim's ROM).
func (b *bench) shims() []proc {
	var ps []proc
	for _, p := range procsContaining(filepath.Join(b.stack, "rom", "containerd-shim-runc-v2")) {
		if len(p.Argv) > 0 && strings.Contains(p.Argv[0], "ld-linux") {
			ps = append(ps, p)
		}
	}
	return ps
}

type memStep struct {
	n                        int
	comp, launch, shim       mem
	binaries, inodes, shimsN int
}

func (b *bench) memory(steps []int) error {
	fmt.Printf("\n2. memory: containers of genode.local/toolbox:latest running `sleep 3600` (ctr run -d), host processes' /proc figures\n\n")
	var results []memStep
	started, failed := 0, false
steps:
	for _, want := range steps {
		for ; started < want; started++ {
			id := fmt.Sprintf("m%02d", started+1)
			if out, err := b.cmd("ctr", "run", "-d", "genode.local/toolbox:latest", id, "sleep", "3600"); err != nil {
				fmt.Printf("ctr run -d toolbox %s failed, memory measured up to %d containers only: %v: %s\n", id, started, err, strings.TrimSpace(string(out)))
				cd := logFrom(filepath.Join(b.stack, "init", "init.log"), max(0, size(filepath.Join(b.stack, "init", "init.log"))-4096))
				fmt.Println("the end of containerd's init log:")
				for _, l := range cd[max(0, len(cd)-8):] {
					fmt.Println("  " + l)
				}
				failed = true
				break
			}
		}
		if failed {
			want = started
			if want == 0 || (len(results) > 0 && results[len(results)-1].n == want) {
				break steps
			}
		}
		var cs []container
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			cs = b.containers()
			if len(cs) >= want || time.Now().After(deadline) {
				break
			}
		}
		if len(cs) < want {
			return fmt.Errorf("%d containers started, %d container processes found", want, len(cs))
		}
		time.Sleep(time.Second) // settled: sleep is waiting
		cs = b.containers()
		s := memStep{n: len(cs)}
		bins, inos := map[string]bool{}, map[uint64]bool{}
		for _, c := range cs {
			m, err := readMem(c.comp, c.binary, b.model)
			if err != nil {
				return err
			}
			add(&s.comp, m)
			l, _ := readMem(c.launcher, "", "")
			add(&s.launch, l)
			bins[c.binary], inos[c.ino] = true, true
		}
		for _, p := range b.shims() {
			m, _ := readMem(p.Pid, p.Argv[len(p.Argv)-1], b.model)
			add(&s.shim, m)
			s.shimsN++
		}
		s.binaries, s.inodes = len(bins), len(inos)
		results = append(results, s)
		if failed {
			break
		}
	}

	if len(results) == 0 {
		return fmt.Errorf("no container started")
	}
	text, file, err := textSize(b.containers()[0].binary)
	if err != nil {
		return err
	}
	fmt.Printf("the program: /bin/toolbox, %s file, text segment (R+X PT_LOAD: code and rodata) %s\n\n", kb(file/1024), kb(text/1024))
	fmt.Println("Rss, Pss, Private (Private_Clean + Private_Dirty): the processes' /proc/PID/smaps_rollup, summed; bin: the mappings")
	fmt.Println("of the container's /bin/toolbox file, lib: those of ld-linux and the model's libc (_build/model), from /proc/PID/smaps")
	fmt.Println()
	fmt.Printf("%-11s %-44s %10s %10s %10s %10s %10s %10s %10s\n", "containers", "", "Rss", "Pss", "Private", "bin Pss", "bin Priv", "lib Pss", "lib Priv")
	for _, s := range results {
		fmt.Printf("%-11d %-44s %10s %10s %10s %10s %10s %10s %10s\n", s.n, "container components (ld-linux + toolbox)", kb(s.comp.rss), kb(s.comp.pss), kb(s.comp.private), kb(s.comp.binPss), kb(s.comp.binPrivate), kb(s.comp.libPss), kb(s.comp.libPrivate))
		fmt.Printf("%-11s %-44s %10s %10s %10s\n", "", "their launchers (genode-run)", kb(s.launch.rss), kb(s.launch.pss), kb(s.launch.private))
		fmt.Printf("%-11s %-44s %10s %10s %10s %10s %10s %10s %10s\n", "", fmt.Sprintf("shims (%d, ld-linux + containerd-shim-runc-v2)", s.shimsN), kb(s.shim.rss), kb(s.shim.pss), kb(s.shim.private), kb(s.shim.binPss), kb(s.shim.binPrivate), kb(s.shim.libPss), kb(s.shim.libPrivate))
		fmt.Printf("%-11s binaries: %d paths, %d distinct host files (inodes)\n", "", s.binaries, s.inodes)
	}
	first := results[0]
	fmt.Println()
	for _, s := range results[1:] {
		d := float64(s.n - first.n)
		per := func(a, b int64) string { return kb(int64(float64(a-b) / d)) }
		fmt.Printf("marginal per extra container, %d → %d: component Pss %s, Private %s, of which the binary's own pages %s\n"+
			"    (without them: %s), the libraries' %s; its launcher Pss %s; its shim Pss %s (one shim per container)\n",
			first.n, s.n, per(s.comp.pss, first.comp.pss), per(s.comp.private, first.comp.private),
			per(s.comp.binPrivate, first.comp.binPrivate), per(s.comp.private-s.comp.binPrivate, first.comp.private-first.comp.binPrivate),
			per(s.comp.libPrivate, first.comp.libPrivate), per(s.launch.pss, first.launch.pss), per(s.shim.pss, first.shim.pss))
	}
	last := results[len(results)-1]
	fmt.Println()
	fmt.Println("Pss and Private correspond to Genode's accounting: a binary is a ROM dataspace the ROM service hands to every")
	fmt.Println("component loading the same file, mapped shared (in Pss split among them, not Private); what a component")
	fmt.Println("allocates (heap, stacks, written data) comes from its own RAM quota (Private). On the model a program file")
	fmt.Println("is mmapped by ld-linux: pages of one host file are shared by every process mapping it, pages of another copy are not.")
	fmt.Println("The shims are the control: every shim maps the one ROM file rom/containerd-shim-runc-v2, so their binary's")
	fmt.Println("pages are shared (bin Priv falls as shims are added, bin Pss is split among them), as Genode's ROM dataspaces are.")
	if last.inodes == last.n && last.n > 1 {
		fmt.Printf("FINDING: the %d containers' binaries are %d different host files: the native snapshotter copies the layer into each\n", last.n, last.inodes)
		fmt.Println("container's snapshot, so each container maps its own copy of /bin/toolbox and its text is private, not shared —")
		fmt.Println("the marginal cost above includes a copy of the binary's touched text. The goal (code shared) is MISSED; it needs")
		fmt.Println("snapshots that share the layer's files (hard links, a shared read-only lower layer, or a ROM from the image's layer).")
	} else if last.inodes == 1 && last.n > 1 {
		fmt.Printf("the %d containers map one host file: their code is shared.\n", last.n)
	}
	return nil
}

func add(a *mem, m mem) {
	a.rss += m.rss
	a.pss += m.pss
	a.private += m.private
	a.sharedClean += m.sharedClean
	a.binRss += m.binRss
	a.binPss += m.binPss
	a.binPrivate += m.binPrivate
	a.libPss += m.libPss
	a.libPrivate += m.libPrivate
}

// textSize is the size of the executable PT_LOAD segment and of the file.
func textSize(path string) (int64, int64, error) {
	f, err := elf.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	var text int64
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Flags&elf.PF_X != 0 {
			text += int64(p.Memsz)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, err
	}
	return text, fi.Size(), nil
}

func kb(k int64) string {
	if k >= 10*1024 || k <= -10*1024 {
		return strconv.FormatFloat(float64(k)/1024, 'f', 1, 64) + " MiB"
	}
	return strconv.FormatInt(k, 10) + " kB"
}
