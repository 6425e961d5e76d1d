// Package containerd_test is containerd on the model of Genode, end to end: one real registry
// (Debian's docker-registry, test/harness/registry) holding the images of make images, one stack
// (genode-stack: containerd, the shims' init and the containers' init as children of the init
// model) in a temporary directory, and the genode ctr (_build/bin/ctr) driving it the way a user
// would. The image side (images_test.go, restart_test.go): pull, platforms, import and export,
// garbage collection, kills and restarts; the run side (run_test.go): ctr run and its streams and
// status, detached tasks, exec, events, mounts, the RAM quota, refusals, containerd's restart with
// tasks running, and leaks over many runs (E2E_CYCLES). Each test works in a namespace of its own;
// the tests run one after the other, because some count files of the shared stack and the restart
// tests stop and start it.
//
// Nothing is built here: make containerd images makes what the suite needs. Without it the tests
// are skipped, unless GENODE_MODEL_REQUIRED is set (make e2e-containerd), which makes it a failure;
// GENODE_REGISTRY_REQUIRED does the same for a missing docker-registry.
package containerd_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"genodego/test/harness/registry"
)

// The images make images writes, by name.
var imageNames = []string{"hello", "server", "toolbox", "mixed", "linux-only"}

var (
	top       string // the repository
	bin       string // top/_build/bin
	scratch   string // the suite's temporary directory
	stackDir  string // the stack's directory (scratch/stack)
	regAddr   string // the registry's host:port; "" when there is none
	images    = map[string]*image{}
	skipModel string // why the model tests cannot run
	skipReg   string // why the registry tests cannot run
	failReg   bool   // a missing registry is a failure (GENODE_REGISTRY_REQUIRED)
)

// The stack's architecture: $GENODE_ARCH (genode-stack and ctr read it too), amd64 by default. With
// arm64 the stack runs genode/arm64 binaries on the arm64 model under qemu-user (make
// e2e-containerd-arm64); platform is then what containerd pulls and unpacks by default, and other
// the genode platform it leaves alone unless asked for.
var (
	arch     = genodeArch()
	platform = "genode/" + arch
	other    = map[string]string{"amd64": "genode/arm64", "arm64": "genode/amd64"}[arch]
	machine  = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	// printed is the default platform as containerd prints it: with the CPU variant on arm64
	printed = map[string]string{"amd64": "genode/amd64", "arm64": "genode/arm64/v8"}[arch]
)

func genodeArch() string {
	if a := os.Getenv("GENODE_ARCH"); a != "" {
		return a
	}
	return "amd64"
}

// An image as its archive holds it: the index and, per platform ("genode/amd64"), its manifest.
type image struct {
	name, index string
	archive     string
	blobs       map[string][]byte // digest → content
	manifests   map[string]manifest
	platforms   []string // in the index's order
}

type manifest struct {
	digest, config string
	layers         []string
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testMain(m))
}

func testMain(m *testing.M) (code int) {
	var err error
	if top, err = filepath.Abs(filepath.Join("..", "..")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	bin = filepath.Join(top, "_build", "bin")
	var missing []string
	for _, f := range []string{"genode-stack", "ctr", "containerd.genode-" + arch, "ctr.genode-" + arch, "genode-elfcheck"} {
		if _, err := os.Stat(filepath.Join(bin, f)); err != nil {
			missing = append(missing, "_build/bin/"+f)
		}
	}
	for _, n := range imageNames {
		if _, err := os.Stat(filepath.Join(top, "_build", "images", n+".oci.tar")); err != nil {
			missing = append(missing, "_build/images/"+n+".oci.tar")
		}
	}
	if len(missing) > 0 {
		msg := strings.Join(missing, ", ") + " missing: run make containerd images"
		if os.Getenv("GENODE_MODEL_REQUIRED") != "" {
			fmt.Fprintln(os.Stderr, "FAIL:", msg)
			return 1
		}
		skipModel = msg + " (GENODE_MODEL_REQUIRED=1 makes this a failure)"
		return m.Run()
	}
	for _, n := range imageNames {
		img, err := readArchive(n, filepath.Join(top, "_build", "images", n+".oci.tar"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			return 1
		}
		images[n] = img
	}
	if scratch, err = os.MkdirTemp("", "e2e-containerd-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if code == 0 && os.Getenv("E2E_CONTAINERD_KEEP") == "" {
			os.RemoveAll(scratch)
		} else {
			fmt.Fprintln(os.Stderr, "kept", scratch, "for a look (the stack's log: stack/init/init.log; E2E_CONTAINERD_KEEP=1 keeps it always)")
		}
	}()

	// One registry holding every image, pushed from the archives make images wrote.
	failReg = os.Getenv("GENODE_REGISTRY_REQUIRED") != ""
	if !registry.Available() {
		skipReg = registry.ErrMissing.Error() + "; GENODE_REGISTRY_REQUIRED=1 makes this a failure"
	} else {
		reg, err := registry.Start(filepath.Join(scratch, "registry"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: registry:", err)
			return 1
		}
		defer func() {
			if err := reg.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, "FAIL: registry stop:", err)
				code = 1
			}
			if left := processesWith(filepath.Join(reg.Dir(), "config.yml")); len(left) > 0 {
				fmt.Fprintf(os.Stderr, "FAIL: the registry left processes running: %v\n", left)
				code = 1
			}
		}()
		regAddr = reg.Addr()
		for _, n := range imageNames {
			if err := push(regAddr, images[n]); err != nil {
				fmt.Fprintf(os.Stderr, "FAIL: pushing %s: %v\n", n, err)
				return 1
			}
		}
	}

	// One stack for the suite.
	stackDir = filepath.Join(scratch, "stack")
	if out, err := stack("up"); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: genode-stack up: %v\n%s", err, out)
		stack("down")
		return 1
	}
	defer func() {
		if out, err := stack("down"); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: genode-stack down: %v\n%s", err, out)
			code = 1
		}
		if left := waitGone(stackDir, 10*time.Second); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: processes of the stack still run after genode-stack down: %v\n", left)
			code = 1
		}
	}()
	return m.Run()
}

// needStack skips or fails the test when the model's binaries or images are missing.
func needStack(t *testing.T) {
	t.Helper()
	if skipModel != "" {
		t.Skip(skipModel)
	}
}

// needRegistry is needStack and a running registry with the images.
func needRegistry(t *testing.T) {
	t.Helper()
	needStack(t)
	if skipReg != "" {
		if failReg {
			t.Fatal(skipReg)
		}
		t.Skip(skipReg)
	}
}

// ref is the registry's reference of image n.
func ref(n string) string { return regAddr + "/genode/" + n + ":latest" }

// stack runs genode-stack on the suite's stack directory.
func stack(cmd string) (string, error) {
	c := exec.Command(filepath.Join(bin, "genode-stack"), "-dir", stackDir, cmd)
	out, err := c.CombinedOutput()
	return string(out), err
}

// A ctrResult is what one ctr command did.
type ctrResult struct {
	args           []string
	stdout, stderr string
	code           int
	err            error // ctr could not be run, or did not end in time
}

func (r ctrResult) String() string {
	return fmt.Sprintf("ctr %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, tail(r.stdout, 30), tail(r.stderr, 30))
}

// ctrCommand is the command line of the genode ctr in namespace ns, against the suite's stack.
func ctrCommand(ctx context.Context, ns string, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, filepath.Join(bin, "ctr"), append([]string{"-n", ns}, args...)...)
	c.Dir = scratch
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "CONTAINERD_") && !strings.HasPrefix(e, "GENODE_STACK=") {
			c.Env = append(c.Env, e)
		}
	}
	c.Env = append(c.Env, "GENODE_STACK="+stackDir)
	return c
}

// runCtr runs ctr in namespace ns until it ends or ctx is done.
func runCtr(ctx context.Context, ns string, args ...string) ctrResult {
	c := ctrCommand(ctx, ns, args...)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	err := c.Run()
	r := ctrResult{args: append([]string{"-n", ns}, args...), stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		r.code, r.err = -1, err
	}
	if ctx.Err() != nil {
		r.code, r.err = -1, ctx.Err()
	}
	return r
}

// ctrTry runs ctr in namespace ns and returns what it did.
func ctrTry(t *testing.T, ns string, args ...string) ctrResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := runCtr(ctx, ns, args...)
	if errors.Is(r.err, context.DeadlineExceeded) {
		t.Fatalf("ctr %v did not end within 2 minutes\n%s", args, r)
	}
	if r.err != nil {
		t.Fatalf("ctr %v: %v", args, r.err)
	}
	return r
}

// ctr runs ctr in namespace ns and fails the test unless it exits 0; it returns the standard output.
func ctr(t *testing.T, ns string, args ...string) string {
	t.Helper()
	r := ctrTry(t, ns, args...)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	return r.stdout
}

// rows are the lines of a ctr table after its header, split into fields.
func rows(out string) [][]string {
	var rs [][]string
	for i, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if i == 0 || strings.TrimSpace(l) == "" {
			continue
		}
		rs = append(rs, strings.Fields(l))
	}
	return rs
}

// column is field i of every row (the first by default: the key).
func column(out string, i int) []string {
	var c []string
	for _, r := range rows(out) {
		if i < len(r) {
			c = append(c, r[i])
		}
	}
	return c
}

// lines are the non-empty lines of out (ctr's -q output).
func lines(out string) []string {
	var ls []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			ls = append(ls, l)
		}
	}
	return ls
}

// pull pulls image n from the registry into namespace ns. Its success is its exit status: ctr's
// progress display may miss the last updates and with them the "Completed pull" line (its
// ProgressHandler's done() cancels the printer, which may not have drained its channel).
func pull(t *testing.T, ns, n string, args ...string) string {
	t.Helper()
	out := ctr(t, ns, append(append([]string{"image", "pull", "--plain-http"}, args...), ref(n))...)
	if !strings.Contains(out, "Pulling from OCI Registry ("+ref(n)+")") {
		t.Fatalf("pull of %s: no progress:\n%s", n, tail(out, 10))
	}
	return out
}

// contentDigests is ctr content ls -q of namespace ns.
func contentDigests(t *testing.T, ns string) []string {
	t.Helper()
	return lines(ctr(t, ns, "content", "ls", "-q"))
}

// snapshots are the snapshots of namespace ns: key → kind.
func snapshots(t *testing.T, ns string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, r := range rows(ctr(t, ns, "snapshot", "ls")) {
		m[r[0]] = r[len(r)-1]
	}
	return m
}

// nativeDir is the native snapshotter's directory of snapshot directories.
func nativeDir() string {
	return filepath.Join(stackDir, "root", "io.containerd.snapshotter.v1.native", "snapshots")
}

// snapshotDirs are the names of the snapshot directories the native snapshotter holds.
func snapshotDirs(t *testing.T) []string {
	t.Helper()
	es, err := os.ReadDir(nativeDir())
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var ns []string
	for _, e := range es {
		ns = append(ns, e.Name())
	}
	return ns
}

// blobPath is where containerd's content store keeps blob d.
func blobPath(d string) string {
	return filepath.Join(stackDir, "root", "io.containerd.content.v1.content", "blobs", "sha256", strings.TrimPrefix(d, "sha256:"))
}

// A process of the host.
type process struct {
	pid, ppid int
	cmdline   string
}

func (p process) String() string { return fmt.Sprintf("%d %q", p.pid, p.cmdline) }

// processesWith are the host's processes whose command line contains s.
func processesWith(s string) []process {
	var ps []process
	paths, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	self := os.Getpid()
	for _, p := range paths {
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if err != nil || pid == self {
			continue
		}
		cmd, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(cmd, []byte(s)) {
			continue
		}
		ps = append(ps, process{pid: pid, ppid: parentOf(pid), cmdline: strings.TrimSpace(string(bytes.ReplaceAll(cmd, []byte{0}, []byte{' '})))})
	}
	return ps
}

// running: process pid exists and is no zombie.
func running(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(data, ')')
	return i < 0 || i+2 >= len(data) || (data[i+2] != 'Z' && data[i+2] != 'X')
}

func parentOf(pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// waitGone waits until no process's command line contains s and returns those still running.
func waitGone(s string, d time.Duration) []process {
	deadline := time.Now().Add(d)
	for {
		left := processesWith(s)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// containerdProcess is the host process that runs the containerd component: on the model the
// init starts genode-run with the component's binary (DIR/rom/containerd), which starts the
// binary under the host's dynamic linker; both name the ROM. The component is the innermost.
func containerdProcess(t *testing.T) process {
	t.Helper()
	rom := filepath.Join(stackDir, "rom", "containerd")
	// rom/containerd-shim-runc-v2, the shims' ROM, contains the name too.
	var ps []process
	for _, p := range processesWith(rom) {
		if slices.Contains(strings.Fields(p.cmdline), rom) {
			ps = append(ps, p)
		}
	}
	pids := map[int]bool{}
	for _, p := range ps {
		pids[p.pid] = true
	}
	var leaves []process
	for _, p := range ps {
		if !slices.ContainsFunc(ps, func(q process) bool { return q.ppid == p.pid }) {
			leaves = append(leaves, p)
		}
	}
	if len(leaves) != 1 {
		t.Fatalf("want one host process of the containerd component, have %v (all naming %s: %v)", leaves, rom, ps)
	}
	return leaves[0]
}

// killContainerd ends the containerd component with SIGKILL and waits until init reports it gone.
func killContainerd(t *testing.T) process {
	t.Helper()
	p := containerdProcess(t)
	if err := syscall.Kill(p.pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill %v: %v", p, err)
	}
	state := filepath.Join(stackDir, "init", "init.state")
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(state)
		if !running(p.pid) && strings.Contains(string(data), "exited: 137") {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("init does not report containerd's end after SIGKILL; its state:\n%s", data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// restartStack stops the stack and starts it again on the same directory.
func restartStack(t *testing.T) {
	t.Helper()
	stopStack(t)
	startStack(t)
}

func stopStack(t *testing.T) {
	t.Helper()
	if out, err := stack("down"); err != nil {
		t.Fatalf("genode-stack down: %v\n%s", err, out)
	}
	if left := waitGone(stackDir, 10*time.Second); len(left) > 0 {
		t.Fatalf("processes of the stack still run after genode-stack down: %v", left)
	}
}

func startStack(t *testing.T) {
	t.Helper()
	if out, err := stack("up"); err != nil {
		t.Fatalf("genode-stack up: %v\n%s", err, out)
	}
}

func tail(s string, n int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}

// readArchive reads the OCI layout archive of image n.
func readArchive(n, path string) (*image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img := &image{name: n, archive: path, blobs: map[string][]byte{}, manifests: map[string]manifest{}}
	var indexJSON []byte
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		if h.Name == "index.json" {
			indexJSON = data
		} else if d, ok := strings.CutPrefix(h.Name, "blobs/sha256/"); ok {
			img.blobs["sha256:"+d] = data
		}
	}
	var layout struct {
		Manifests []struct{ Digest string }
	}
	if err := json.Unmarshal(indexJSON, &layout); err != nil || len(layout.Manifests) != 1 {
		return nil, fmt.Errorf("%s: index.json %q: want one entry (%v)", path, indexJSON, err)
	}
	img.index = layout.Manifests[0].Digest
	var idx struct {
		Manifests []struct {
			Digest   string
			Platform struct{ OS, Architecture string }
		}
	}
	if err := json.Unmarshal(img.blobs[img.index], &idx); err != nil {
		return nil, fmt.Errorf("%s: index %s: %v", path, img.index, err)
	}
	for _, m := range idx.Manifests {
		var mf struct {
			Config struct{ Digest string }
			Layers []struct{ Digest string }
		}
		if err := json.Unmarshal(img.blobs[m.Digest], &mf); err != nil {
			return nil, fmt.Errorf("%s: manifest %s: %v", path, m.Digest, err)
		}
		p := m.Platform.OS + "/" + m.Platform.Architecture
		md := manifest{digest: m.Digest, config: mf.Config.Digest}
		for _, l := range mf.Layers {
			md.layers = append(md.layers, l.Digest)
		}
		img.manifests[p] = md
		img.platforms = append(img.platforms, p)
	}
	for d, data := range img.blobs {
		if sum := sha256.Sum256(data); "sha256:"+hex.EncodeToString(sum[:]) != d {
			return nil, fmt.Errorf("%s: blob %s does not match its digest", path, d)
		}
	}
	return img, nil
}

// media types of the images make images writes
const (
	mediaIndex    = "application/vnd.oci.image.index.v1+json"
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
)

// push puts img into the registry at addr as genode/NAME:latest with the registry's HTTP API
// (distribution's v2: blob uploads, then the manifests by digest, then the index by tag), so that
// the registry holds exactly the archive ctr image import reads.
func push(addr string, img *image) error {
	repo := "http://" + addr + "/v2/genode/" + img.name
	for d, data := range img.blobs {
		if err := registry.PushBlob(repo, d, data); err != nil {
			return err
		}
	}
	for _, p := range img.platforms {
		d := img.manifests[p].digest
		if err := registry.Put(repo+"/manifests/"+d, mediaManifest, img.blobs[d]); err != nil {
			return err
		}
	}
	return registry.Put(repo+"/manifests/latest", mediaIndex, img.blobs[img.index])
}

// openPTY opens a pseudo-terminal: its master and its slave (not made the caller's controlling
// terminal).
func openPTY() (master, slave *os.File, err error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		return nil, nil, e
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		return nil, nil, e
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.FormatUint(uint64(n), 10), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	return m, s, nil
}
