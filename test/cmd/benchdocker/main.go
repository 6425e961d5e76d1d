// Command benchdocker measures what the Docker engine and CLI add to
// containerd on the model: `docker run --rm hello` against `ctr run --rm` of
// the same image, in one invocation. It
//
//   - starts its own stack without a registry (`genode-stack -debug -engine
//     -dir TMP up`), imports _build/images/hello.oci.tar with `ctr image
//     import` (namespace default, for ctr) and `docker load -i` (namespace
//     moby, for the engine);
//
//   - runs `docker run --rm IMAGE` and `ctr run --rm IMAGE ID` alternating,
//     -n times each after -warmup, checks each printed hello's greeting, and
//     times `docker --version` and `ctr --version` (a client's start alone);
//     it prints median and p90, the ratio docker/ctr and whether the goal
//     (engine and CLI add less than 30% to ctr) is met;
//
//   - splits both runs into phases from timestamps on the host's clock: the
//     wrapper's start and end (here), containerd's debug log (init/init.log),
//     the shims' log (run/shims/init.log), `ctr events`, the engine's own
//     events (GET /events on run/docker.sock, read from the host) and the
//     containers' init report (run/runc/init.state, polled every 2 ms).
//
//     go run genodego/test/cmd/benchdocker [-root dir] [-n 20] [-warmup 1] [-keep]
//
// Needs `make containerd docker images`. The exit status is 0 unless the
// benchmark itself could not run: the goal is reported, never enforced.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"genodego/test/cmd/internal/benchutil"
	"genodego/test/harness/genodeunix"
)

const (
	greeting = "hello from genode"
	goal     = 1.30 // docker/ctr: the engine and CLI add less than 30%
)

var ms = benchutil.Ms

type bench struct {
	top, bin    string
	work, stack string
	env         []string // for the wrappers and genode-stack
	keep        bool

	mu          sync.Mutex
	cur         *exec.Cmd // the command running now, ended on SIGINT
	stackUp     bool
	interrupted bool
	cleaning    bool
	cleaned     chan struct{} // closed when cleanup is done
	ctrEv       *benchutil.EventLog
	engEv       *engineEvents
}

func main() {
	root := flag.String("root", "", "repository root (default: found from the working directory)")
	n := flag.Int("n", 20, "measured runs per path (docker run --rm, ctr run --rm)")
	warmup := flag.Int("warmup", 1, "unmeasured runs per path first")
	keep := flag.Bool("keep", false, "keep the work directory (stack, logs)")
	flag.Parse()
	if *n < 1 || *warmup < 0 {
		fatal(errors.New("-n must be at least 1 and -warmup not negative"))
	}
	top, err := benchutil.FindRoot(*root)
	if err != nil {
		fatal(err)
	}
	b := &bench{top: top, bin: filepath.Join(top, "_build", "bin"), keep: *keep, cleaned: make(chan struct{})}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		b.mu.Lock()
		b.interrupted = true
		b.mu.Unlock()
		fmt.Fprintln(os.Stderr, "bench-docker: interrupted, stopping the stack")
		b.cleanup()
		os.Exit(130)
	}()
	code := b.main(*n, *warmup)
	b.cleanup()
	if b.wasInterrupted() {
		os.Exit(130)
	}
	os.Exit(code)
}

func (b *bench) wasInterrupted() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.interrupted
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench-docker:", err)
	os.Exit(2)
}

func (b *bench) main(n, warmup int) int {
	images, err := b.setup()
	if err != nil {
		b.fail(err)
		return 2
	}
	fmt.Printf("bench-docker: stack %s (-engine, containerd and the shims at debug level), %s, load average %s\n",
		b.stack, time.Now().UTC().Format(time.RFC3339), loadavg())
	fmt.Printf("images: docker load named it %s (docker images: %s); ctr image import named it %s\n",
		images.docker, strings.Join(images.dockerList, ", "), images.ctr)
	if err := b.latency(n, warmup, images); err != nil {
		b.fail(err)
		return 2
	}
	return 0
}

// fail reports err, unless it comes of an interrupt.
func (b *bench) fail(err error) {
	if !b.wasInterrupted() {
		fmt.Fprintln(os.Stderr, "bench-docker:", err)
	}
}

type imageNames struct {
	docker, ctr string
	dockerList  []string
}

func (b *bench) setup() (imageNames, error) {
	var im imageNames
	for _, f := range []string{"docker", "docker.genode-amd64", "engine.genode-amd64", "ctr", "ctr.genode-amd64", "genode-stack",
		"genode-run", "genode-init", "containerd.genode-amd64", "containerd-shim-runc-v2.genode-amd64", "runc.genode-amd64"} {
		if _, err := os.Stat(filepath.Join(b.bin, f)); err != nil {
			return im, fmt.Errorf("%v (make containerd docker)", err)
		}
	}
	archive := filepath.Join(b.top, "_build", "images", "hello.oci.tar")
	if _, err := os.Stat(archive); err != nil {
		return im, fmt.Errorf("%v (make images)", err)
	}
	work, err := os.MkdirTemp("", "benchdocker-")
	if err != nil {
		return im, err
	}
	b.mu.Lock()
	b.work, _ = filepath.EvalSymlinks(work)
	b.mu.Unlock()
	b.stack = filepath.Join(b.work, "stack")
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		if strings.HasPrefix(k, "DOCKER_") || strings.HasPrefix(k, "RUNC_GENODE_") || k == "GENODE_STACK" || k == "GENODE_CTR_PROGRAM" ||
			k == "TMPDIR" || k == "GENODE_MODEL_DIR" || k == "NOTIFY_SOCKET" {
			continue
		}
		b.env = append(b.env, e)
	}
	b.env = append(b.env, "GENODE_STACK="+b.stack)
	b.mu.Lock()
	b.stackUp = true // from here on cleanup takes it down, even if up fails half-way
	b.mu.Unlock()
	if _, out, err := b.run("genode-stack", "-debug", "-engine", "-dir", b.stack, "up"); err != nil {
		return im, fmt.Errorf("genode-stack up: %v\n%s", err, out)
	}
	if _, out, err := b.run("ctr", "image", "import", archive); err != nil {
		return im, fmt.Errorf("ctr image import: %v\n%s", err, out)
	}
	_, out, err := b.run("ctr", "image", "ls", "-q")
	if err != nil {
		return im, fmt.Errorf("ctr image ls: %v\n%s", err, out)
	}
	for _, l := range strings.Fields(string(out)) {
		if strings.Contains(l, "hello") {
			im.ctr = l
		}
	}
	if im.ctr == "" {
		return im, fmt.Errorf("ctr image import named no hello image: %q", out)
	}
	if _, out, err = b.run("docker", "load", "-i", archive); err != nil {
		return im, fmt.Errorf("docker load: %v\n%s", err, out)
	}
	loaded := loadedImages(string(out))
	if len(loaded) != 1 {
		return im, fmt.Errorf("docker load: want one image loaded, got %q", out)
	}
	im.docker = loaded[0]
	if _, out, err = b.run("docker", "images", "--format", "{{.Repository}}:{{.Tag}}"); err != nil {
		return im, fmt.Errorf("docker images: %v\n%s", err, out)
	}
	im.dockerList = strings.Fields(string(out))
	found := false
	for _, l := range im.dockerList {
		found = found || l == im.docker
	}
	if !found {
		return im, fmt.Errorf("docker load said %s, docker images lists %q", im.docker, im.dockerList)
	}
	return im, nil
}

// loadedImages are the names in docker load's "Loaded image: NAME" lines.
func loadedImages(out string) []string {
	var names []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(strings.TrimRight(l, "\r"))
		if n, ok := strings.CutPrefix(l, "Loaded image: "); ok {
			names = append(names, strings.TrimSpace(n))
		}
	}
	return names
}

// run runs a command of _build/bin with the stack's environment in a process
// group of its own (which cleanup ends if it is interrupted), and times it.
func (b *bench) run(name string, args ...string) (time.Time, []byte, error) {
	c := exec.Command(filepath.Join(b.bin, name), args...)
	c.Env, c.Dir = b.env, b.work
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	b.mu.Lock()
	if b.cleaning {
		b.mu.Unlock()
		return time.Time{}, nil, errors.New("interrupted")
	}
	t0 := time.Now()
	err := c.Start()
	b.cur = c
	b.mu.Unlock()
	if err == nil {
		err = c.Wait()
	}
	b.mu.Lock()
	b.cur = nil
	b.mu.Unlock()
	return t0, out.Bytes(), err
}

// cleanup ends the running command, stops the stack and removes the work
// directory; a second caller waits until the first is done.
func (b *bench) cleanup() {
	b.mu.Lock()
	if b.cleaning {
		b.mu.Unlock()
		<-b.cleaned
		return
	}
	b.cleaning = true
	defer close(b.cleaned)
	// the component a wrapper launched is in a group of its own but dies
	// with its launcher (Pdeathsig, host/launch)
	if b.cur != nil && b.cur.Process != nil {
		syscall.Kill(-b.cur.Process.Pid, syscall.SIGKILL)
	}
	engEv, ctrEv, work, up := b.engEv, b.ctrEv, b.work, b.stackUp
	b.mu.Unlock()
	engEv.stop()
	ctrEv.Stop()
	if up {
		c := exec.Command(filepath.Join(b.bin, "genode-stack"), "-dir", b.stack, "down")
		c.Env = b.env
		if out, err := c.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "bench-docker: genode-stack down: %v\n%s", err, out)
		}
	}
	if work == "" {
		return
	}
	// every process of the stack names the work directory in its command line
	time.Sleep(200 * time.Millisecond)
	var left []string
	for _, p := range benchutil.ProcsContaining(work) {
		left = append(left, strconv.Itoa(p.Pid)+" "+p.Cmd)
		syscall.Kill(p.Pid, syscall.SIGKILL)
	}
	if len(left) > 0 {
		fmt.Printf("\nprocesses of %s left after the stack stopped, killed: %s\n", work, strings.Join(left, "; "))
	} else {
		fmt.Printf("\nno process of %s remains\n", work)
	}
	if b.keep {
		fmt.Println("work directory kept:", work)
		return
	}
	os.RemoveAll(work)
}

func loadavg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// ---- the engine's events, read from the host

// engineEvent is one container event of the engine's GET /events.
type engineEvent struct {
	Action, ID string
	Time       time.Time
}

type engineEvents struct {
	mu     sync.Mutex
	evs    []engineEvent
	cancel context.CancelFunc
	done   chan struct{}
}

// followEngine subscribes to the engine's events on its socket file sock.
// The times are the engine's (time.Now when it publishes), on the host's clock.
func followEngine(sock string) (*engineEvents, error) {
	dialSock, err := genodeunix.Dialer(sock)
	if err != nil {
		return nil, err
	}
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) { return dialSock(ctx) }
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://docker/v1.40/events", nil)
	resp, err := (&http.Client{Transport: &http.Transport{DialContext: dial}}).Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		cancel()
		resp.Body.Close()
		return nil, fmt.Errorf("GET /events: %s", resp.Status)
	}
	e := &engineEvents{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		defer resp.Body.Close()
		dec := json.NewDecoder(bufio.NewReader(resp.Body))
		for {
			var m struct {
				Type, Action string
				Actor        struct{ ID string }
				TimeNano     int64 `json:"timeNano"`
			}
			if dec.Decode(&m) != nil {
				return
			}
			if m.Type != "container" {
				continue
			}
			e.mu.Lock()
			e.evs = append(e.evs, engineEvent{Action: m.Action, ID: m.Actor.ID, Time: time.Unix(0, m.TimeNano)})
			e.mu.Unlock()
		}
	}()
	return e, nil
}

func (e *engineEvents) list() []engineEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]engineEvent(nil), e.evs...)
}

func (e *engineEvents) stop() {
	if e == nil {
		return
	}
	e.cancel()
	<-e.done
}

// createdIn is the id of the container whose create event lies in [from, to]
// ("" if none or more than one: the runs are sequential, so one is expected).
func createdIn(evs []engineEvent, from, to time.Time) string {
	id := ""
	for _, ev := range evs {
		if ev.Action == "create" && !ev.Time.Before(from) && !ev.Time.After(to) {
			if id != "" && id != ev.ID {
				return ""
			}
			id = ev.ID
		}
	}
	return id
}

// firstEvent is the time of id's first event action.
func firstEvent(evs []engineEvent, id, action string) time.Time {
	for _, ev := range evs {
		if ev.ID == id && ev.Action == action {
			return ev.Time
		}
	}
	return time.Time{}
}

// ---- latency

// the marks of one run, in the order they happen (engine marks: docker only)
const (
	mClient     = iota // host: the wrapper (_build/bin/docker or ctr) invoked
	mPrepare           // containerd log: "prepare snapshot" key=CID
	mRecord            // ctr events: /containers/create (containerd's container record)
	mEngCreate         // engine event: create (its own record saved; create answered next)
	mEngAttach         // engine event: attach (the CLI attached its streams)
	mTaskReq           // containerd log: "creating task" id=CID (NewTask reached containerd)
	mShimLog           // shims' log: the shim's first line
	mConnect           // containerd log: "connecting to shim CID"
	mCreated           // ctr events: /tasks/create (runc create returned to the shim)
	mStarted           // ctr events: /tasks/start
	mEngStart          // engine event: start
	mChild             // run/runc/init.state: child CID reported
	mExited            // run/runc/init.state: child reported exited
	mExitEv            // ctr events: /tasks/exit
	mDeleteEv          // ctr events: /tasks/delete
	mEngDie            // engine event: die
	mShimGone          // containerd log: "shim disconnected" id=CID
	mRmSnap            // containerd log: "remove snapshot" key=CID
	mEngDestroy        // engine event: destroy
	mEnd               // host: the wrapper returned
	nMarks
)

var markNames = [nMarks]string{"client invoked", "prepare snapshot", "/containers/create", "engine create", "engine attach",
	"creating task", "shim log", "connecting to shim", "/tasks/create", "/tasks/start", "engine start", "child in init.state",
	"child exited", "/tasks/exit", "/tasks/delete", "engine die", "shim disconnected", "remove snapshot", "engine destroy", "client returned"}

// phase is a part of a run between two marks; sub phases are indented.
type phase struct {
	name     string
	from, to int
}

var phases = []phase{
	{"client start → container record in containerd", mClient, mRecord},
	{"  of which client up, image lookup (→ \"prepare snapshot\")", mClient, mPrepare},
	{"  of which snapshot, spec, record (→ /containers/create)", mPrepare, mRecord},
	{"container record → task create request (\"creating task\")", mRecord, mTaskReq},
	{"  of which engine: state saved, create event", mRecord, mEngCreate},
	{"  of which create answered → CLI attached (attach event)", mEngCreate, mEngAttach},
	{"  of which attach → wait, start request → NewTask", mEngAttach, mTaskReq},
	{"shim start (→ \"connecting to shim\")", mTaskReq, mConnect},
	{"  of which shim start command + init launches it", mTaskReq, mShimLog},
	{"runc create (→ /tasks/create)", mConnect, mCreated},
	{"runc start → init starts the child (init.state)", mCreated, mChild},
	{"  of which /tasks/start → engine start event", mStarted, mEngStart},
	{"program run (hello, launched to exit in init.state)", mChild, mExited},
	{"teardown (exit → client returned)", mExited, mEnd},
	{"  of which exit → /tasks/exit", mExited, mExitEv},
	{"  of which /tasks/exit → /tasks/delete (task delete, runc delete)", mExitEv, mDeleteEv},
	{"  of which /tasks/delete → engine die event (its task Delete returned)", mDeleteEv, mEngDie},
	{"  of which /tasks/delete → \"shim disconnected\"", mDeleteEv, mShimGone},
	{"  of which \"shim disconnected\" → \"remove snapshot\" (shim delete)", mShimGone, mRmSnap},
	{"  of which \"remove snapshot\" → engine destroy event", mRmSnap, mEngDestroy},
	{"  of which \"remove snapshot\" → client returned", mRmSnap, mEnd},
	{"  of which engine destroy event → client returned (wait, CLI exit)", mEngDestroy, mEnd},
	{"total (client invoked → returned)", mClient, mEnd},
}

type runMarks [nMarks]time.Time

// durations are to-from of the runs that have both marks.
func durations(runs []*runMarks, p phase) []time.Duration {
	var ds []time.Duration
	for _, r := range runs {
		if !r[p.from].IsZero() && !r[p.to].IsZero() {
			ds = append(ds, r[p.to].Sub(r[p.from]))
		}
	}
	return ds
}

// one is a run of a client: its container id (containerd's) and its log offsets.
type one struct {
	cid          string
	cdOff, shOff int64
	marks        runMarks
}

// adopt hands a follower to the cleanup (set), or stops it when the cleanup
// has begun.
func (b *bench) adopt(stop func(), set func()) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cleaning {
		stop()
		return errors.New("interrupted")
	}
	set()
	return nil
}

func (b *bench) latency(n, warmup int, im imageNames) error {
	engEv, err := followEngine(filepath.Join(b.stack, "run", "docker.sock"))
	if err != nil {
		return fmt.Errorf("the engine's events: %v", err)
	}
	if err := b.adopt(engEv.stop, func() { b.engEv = engEv }); err != nil {
		return err
	}
	c := exec.Command(filepath.Join(b.bin, "ctr"), "events")
	c.Env, c.Dir = b.env, b.work
	ctrEv, err := benchutil.FollowEvents(c)
	if err != nil {
		return fmt.Errorf("ctr events: %v", err)
	}
	if err := b.adopt(ctrEv.Stop, func() { b.ctrEv = ctrEv }); err != nil {
		return err
	}
	iw := benchutil.WatchInit(filepath.Join(b.stack, "run", "runc", "init.state"))
	defer iw.Close()
	time.Sleep(time.Second) // ctr events subscribed
	cdLog := filepath.Join(b.stack, "init", "init.log")
	shimLog := filepath.Join(b.stack, "run", "shims", "init.log")

	var dockers, ctrs []*one
	var dockerT, ctrT, dockerV, ctrV []time.Duration
	timed := func(check bool, name string, args ...string) (*one, time.Duration, error) {
		o := &one{cdOff: benchutil.Size(cdLog), shOff: benchutil.Size(shimLog)}
		t0, out, err := b.run(name, args...)
		end := time.Now()
		if err != nil || (check && !bytes.Contains(out, []byte(greeting))) {
			return nil, 0, fmt.Errorf("%s %s: %v (want %q)\n%s", name, strings.Join(args, " "), err, greeting, out)
		}
		o.marks[mClient], o.marks[mEnd] = t0, end
		return o, end.Sub(t0), nil
	}
	for i := -warmup; i < n; i++ {
		order := []int{0, 1, 2, 3}
		if i%2 != 0 {
			order = []int{1, 0, 3, 2}
		}
		for _, which := range order {
			switch which {
			case 0:
				o, d, err := timed(true, "docker", "run", "--rm", im.docker)
				if err != nil {
					return err
				}
				if i >= 0 {
					dockers, dockerT = append(dockers, o), append(dockerT, d)
				}
			case 1:
				id := fmt.Sprintf("bc%03d", i+warmup)
				o, d, err := timed(true, "ctr", "run", "--rm", im.ctr, id)
				if err != nil {
					return err
				}
				o.cid = id
				if i >= 0 {
					ctrs, ctrT = append(ctrs, o), append(ctrT, d)
				}
			case 2:
				_, d, err := timed(false, "docker", "--version")
				if err != nil {
					return err
				}
				if i >= 0 {
					dockerV = append(dockerV, d)
				}
			case 3:
				_, d, err := timed(false, "ctr", "--version")
				if err != nil {
					return err
				}
				if i >= 0 {
					ctrV = append(ctrV, d)
				}
			}
		}
	}
	time.Sleep(500 * time.Millisecond) // the last events and log lines
	evs := engEv.list()
	var missing []string
	for _, o := range dockers {
		id := createdIn(evs, o.marks[mClient], o.marks[mEnd])
		if id == "" {
			missing = append(missing, "a docker run at "+o.marks[mClient].Format("15:04:05.000")+": no single engine create event")
			continue
		}
		o.cid = id[:min(32, len(id))] // the engine's containerd id is the first 32 digits
		o.marks[mEngCreate] = firstEvent(evs, id, "create")
		o.marks[mEngAttach] = firstEvent(evs, id, "attach")
		o.marks[mEngStart] = firstEvent(evs, id, "start")
		o.marks[mEngDie] = firstEvent(evs, id, "die")
		o.marks[mEngDestroy] = firstEvent(evs, id, "destroy")
	}
	for _, group := range []struct {
		ns   string
		runs []*one
	}{{"moby", dockers}, {"default", ctrs}} {
		for _, o := range group.runs {
			if o.cid == "" {
				continue
			}
			cd := benchutil.LogFrom(cdLog, o.cdOff)
			o.marks[mPrepare] = benchutil.FirstLog(cd, `msg="prepare snapshot"`, "key="+o.cid+" ")
			o.marks[mRecord] = ctrEv.Get(o.cid, "/containers/create")
			o.marks[mTaskReq] = benchutil.FirstLog(cd, `msg="creating task"`, "id="+o.cid+" ")
			o.marks[mShimLog] = benchutil.FirstLog(benchutil.LogFrom(shimLog, o.shOff), "[shim."+group.ns+"."+o.cid+"]")
			o.marks[mConnect] = benchutil.FirstLog(cd, `msg="connecting to shim `+o.cid+`"`)
			o.marks[mCreated] = ctrEv.Get(o.cid, "/tasks/create")
			o.marks[mStarted] = ctrEv.Get(o.cid, "/tasks/start")
			o.marks[mChild], o.marks[mExited] = iw.Get(o.cid)
			o.marks[mExitEv] = ctrEv.Get(o.cid, "/tasks/exit")
			o.marks[mDeleteEv] = ctrEv.Get(o.cid, "/tasks/delete")
			o.marks[mShimGone] = benchutil.FirstLog(cd, `msg="shim disconnected"`, "id="+o.cid+" ")
			o.marks[mRmSnap] = benchutil.FirstLog(cd, `msg="remove snapshot"`, "key="+o.cid+" ")
			for m, t := range o.marks {
				if t.IsZero() && (group.ns == "moby" || !engineMark(m)) {
					missing = append(missing, o.cid[:min(12, len(o.cid))]+": "+markNames[m])
				}
			}
		}
	}
	b.report(n, warmup, im, dockers, ctrs, dockerT, ctrT, dockerV, ctrV, missing)
	return nil
}

func engineMark(m int) bool {
	return m == mEngCreate || m == mEngAttach || m == mEngStart || m == mEngDie || m == mEngDestroy
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (b *bench) report(n, warmup int, im imageNames, dockers, ctrs []*one, dockerT, ctrT, dockerV, ctrV []time.Duration, missing []string) {
	med, p90 := benchutil.Median, func(ds []time.Duration) time.Duration { return benchutil.Percentile(ds, 90) }
	fmt.Printf("\nlatency: %d runs each (%d warm-up each first), alternating, each run's output checked for %q; load average now %s\n\n",
		n, warmup, greeting, loadavg())
	fmt.Printf("%-52s %10s %10s %10s\n", "per run", "median", "p90", "mean")
	row := func(name string, ds []time.Duration) {
		fmt.Printf("%-52s %10s %10s %10s\n", name, ms(med(ds)), ms(p90(ds)), ms(benchutil.Mean(ds)))
	}
	row("docker run --rm "+im.docker, dockerT)
	row("ctr run --rm "+im.ctr+" ID", ctrT)
	row("docker --version (the CLI's start alone)", dockerV)
	row("ctr --version (ctr's start alone)", ctrV)
	r := ratio(med(dockerT), med(ctrT))
	fmt.Printf("\nratio of medians docker/ctr: %.2f× (p90s: %.2f×); the clients' starts alone: docker/ctr %.2f×\n",
		r, ratio(p90(dockerT), p90(ctrT)), ratio(med(dockerV), med(ctrV)))
	verdict := "not met"
	if r < goal {
		verdict = "met"
	}
	fmt.Printf("goal: the engine and CLI add less than 30%% to ctr run (docker/ctr < %.2f): %s (they add %+.0f%%, %s of median)\n",
		goal, verdict, (r-1)*100, signedMs(med(dockerT)-med(ctrT)))

	fmt.Printf("\nsplit by phase (medians over the runs with both marks, in ms; docker−ctr is the difference of the medians).\n" +
		"Times: the wrappers' start and end here, containerd's and the shims' log times, ctr events' times, the engine's\n" +
		"events (its own time of publishing) and the 2 ms poll of run/runc/init.state, all on the host's realtime clock.\n\n")
	fmt.Printf("%-68s %9s %9s %10s %9s %9s %6s\n", "phase", "docker", "ctr", "docker−ctr", "docker90", "ctr90", "runs")
	dm, cm := marksOf(dockers), marksOf(ctrs)
	for _, p := range phases {
		dd, cd := durations(dm, p), durations(cm, p)
		cell := func(ds []time.Duration, f func([]time.Duration) time.Duration) string {
			if len(ds) == 0 {
				return "—"
			}
			return msNum(f(ds))
		}
		diff := "—"
		if len(dd) > 0 && len(cd) > 0 {
			diff = msNum(med(dd) - med(cd))
		}
		fmt.Printf("%-68s %9s %9s %10s %9s %9s %6s\n", p.name, cell(dd, med), cell(cd, med), diff, cell(dd, p90), cell(cd, p90),
			fmt.Sprintf("%d/%d", len(dd), len(cd)))
	}
	fmt.Println("\n\"—\": no such mark on that path (the engine's events) or none observed. The engine logs nothing per request,")
	fmt.Println("so the CLI's own start and its first requests (ping, create) are inside \"client up, image lookup\".")
	if len(missing) > 0 {
		fmt.Println("marks not observed:", strings.Join(missing, ", "))
	}
}

func marksOf(runs []*one) []*runMarks {
	var rs []*runMarks
	for _, o := range runs {
		rs = append(rs, &o.marks)
	}
	return rs
}

func msNum(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
}

func signedMs(d time.Duration) string {
	if d >= 0 {
		return "+" + ms(d)
	}
	return ms(d)
}
