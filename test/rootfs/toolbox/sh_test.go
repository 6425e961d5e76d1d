package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func runSh(t *testing.T, script string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	st := shMain(&proc{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, append([]string{"sh", "-c", script}, args...))
	return out.String(), errb.String(), st
}

func TestShell(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "output")
	cases := []struct {
		script, out string
		st          int
	}{
		{"echo 'process called' >> " + f + "; cat " + f, "process called\n", 0},
		{"echo 'second' >> " + f + "; cat < " + f, "process called\nsecond\n", 0},
		{"echo a > " + f + "; cat " + f + " | cat", "a\n", 0},
		{`x=1; echo "${x}2 $x" '$x' a\ b`, "12 1 $x a b\n", 0},
		{"false || echo or; true && echo and; false && echo no; echo $?", "or\nand\n1\n", 0},
		{"! false; echo $?", "0\n", 0},
		{`set -- a "b c"; echo $# $2`, "2 b c\n", 0},
		{"exit 3; echo no", "", 3},
		{"false", "", 1},
		{"touch " + f + "2; ls " + dir, "output\noutput2\n", 0},
		{"sleep 0.01 & wait $!; echo $?", "0\n", 0},
		{"nosuchcommand", "", 127},
		{`echo "$0" "$@" $2`, "n a b c b\n", 0},
		{"echo a;\necho b # comment\n", "a\nb\n", 0},
		{"echo x 1>&2", "", 0},
		{"echo ' one  two three ' > " + f + "; read x y < " + f + "; echo $y-$x", "two three-one\n", 0},
		{"read x < /dev/null; echo $? $x.", "1 .\n", 0},
	}
	for _, c := range cases {
		out, _, st := runSh(t, c.script, "n", "a", "b c")
		if c.script == `echo "$0" "$@" $2` {
			out, _, st = runSh(t, c.script, "n", "a", "b", "c")
			if out != "n a b c b\n" {
				t.Errorf("%q: got %q", c.script, out)
			}
			continue
		}
		if out != c.out || st != c.st {
			t.Errorf("%q: got %q status %d, want %q status %d", c.script, out, st, c.out, c.st)
		}
	}
}

// The killsig bundle's script: a trapped signal ends wait at once, then the action runs.
func TestTrapEndsWait(t *testing.T) {
	dir := t.TempDir()
	done := make(chan int)
	go func() {
		_, _, st := runSh(t, "trap 'touch "+dir+"/USR1' USR1; sleep 10 & wait $!")
		done <- st
	}()
	time.Sleep(200 * time.Millisecond)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case st := <-done:
		if st != 128+int(syscall.SIGUSR1) {
			t.Errorf("status %d", st)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("wait did not return on the trapped signal")
	}
	if _, err := os.Stat(dir + "/USR1"); err != nil {
		t.Error(err)
	}
}

// TestMain lets the tests run the test binary as the toolbox: with TOOLBOX_RUN=1, argv[1:] is the
// toolbox's argv (applet name first).
func TestMain(m *testing.M) {
	if os.Getenv("TOOLBOX_RUN") == "1" {
		os.Args = os.Args[1:]
		main()
		return
	}
	os.Exit(m.Run())
}

// toolbox starts the test binary as the applet argv[0] with stdout on a pipe.
func toolbox(t *testing.T, argv ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, argv...)
	cmd.Env = append(os.Environ(), "TOOLBOX_RUN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, bufio.NewReader(out)
}

func TestLoopsAndSubstitution(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		script, out string
		st          int
	}{
		{"for i in a 'b c' d; do echo x$i; done", "xa\nxb c\nxd\n", 0},
		{"for i in $(seq 1 3); do echo n$i; done; echo $i", "n1\nn2\nn3\n3\n", 0},
		{"for v; do echo $v; done", "a\nb c\n", 0},
		{"for v in; do echo no; done; echo $?", "0\n", 0},
		{"for i in 1 2\ndo\n  for j in a b; do echo $i$j; done\ndone", "1a\n1b\n2a\n2b\n", 0},
		{"echo a | for x in 1; do cat; done", "a\n", 0},
		{"while false; do echo no; done; echo $?", "0\n", 0},
		{"while true; do echo hello; exit 3; done; echo no", "hello\n", 3},
		{"touch " + dir + "/w; while ls " + dir + "/w >/dev/null 2>&1; do rm " + dir + "/w; echo once; done", "once\n", 0},
		{"set -e; while false; do :; done; echo survived", "survived\n", 0},
		{`echo "$(echo 'a   b')" $(echo 'c   d')`, "a   b c d\n", 0},
		{`x=$(echo hi); echo $x-$(echo $(echo in))`, "hi-in\n", 0},
		{`echo $(echo ')' "(")`, ") (\n", 0},
		{"echo \"[$(printf_missing 2>/dev/null)]\"", "[]\n", 0},
		{"for ; do echo; done", "", 2},
		{"echo $(echo", "", 2},
		{"while true; do echo", "", 2},
	}
	for _, c := range cases {
		out, _, st := runSh(t, c.script, "n", "a", "b c")
		if out != c.out || st != c.st {
			t.Errorf("%q: got %q status %d, want %q status %d", c.script, out, st, c.out, c.st)
		}
	}
}

// pod.go's metrics spec: mkdir -p, $(seq ...), a for loop, >> and sync.
func TestCritestInodeScript(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "var", "lib", "mydisktest")
	out, errs, st := runSh(t, "mkdir -p "+dir+" && for i in $(seq 1 10); do echo hi >> "+dir+"/inode_test_file_$i; done; sync")
	if out != "" || errs != "" || st != 0 {
		t.Fatalf("out %q err %q status %d", out, errs, st)
	}
	for i := 1; i <= 10; i++ {
		b, err := os.ReadFile(filepath.Join(dir, "inode_test_file_"+strconv.Itoa(i)))
		if err != nil || string(b) != "hi\n" {
			t.Errorf("file %d: %q %v", i, b, err)
		}
	}
}

// critest's execSync-with-timeout spec: after the timed-out "sleep 4321", "sh -c 'pgrep sleep || true'"
// must print nothing on either stream.
func TestPgrep(t *testing.T) {
	out, errs, st := runSh(t, "pgrep sleep || true")
	if out != "" || errs != "" || st != 0 {
		t.Errorf("pgrep sleep || true: out %q err %q status %d", out, errs, st)
	}
	if _, errs, st := runSh(t, "pgrep -f sleep"); errs != "" || st != 1 {
		t.Errorf("pgrep -f sleep: err %q status %d, want 1", errs, st)
	}
	if _, _, st := runSh(t, "pgrep"); st != 2 {
		t.Errorf("pgrep: status %d, want 2", st)
	}
}

func TestHostname(t *testing.T) {
	var out, errb bytes.Buffer
	st := hostnameMain(&proc{stdout: &out, stderr: &errb, env: []string{"A=b", "HOSTNAME=pod-name"}}, []string{"hostname"})
	if out.String() != "pod-name\n" || st != 0 {
		t.Errorf("HOSTNAME=pod-name: %q status %d", out.String(), st)
	}
	out.Reset()
	if st := hostnameMain(&proc{stdout: &out, stderr: &errb}, []string{"hostname"}); st != 0 || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("without HOSTNAME: %q status %d", out.String(), st)
	}
	if st := hostnameMain(&proc{stdout: &out, stderr: &errb}, []string{"hostname", "x"}); st != 1 {
		t.Errorf("hostname x: status %d, want 1", st)
	}
}

func TestSyncAndEcho(t *testing.T) {
	f := filepath.Join(t.TempDir(), "f")
	out, errs, st := runSh(t, "echo -n hello; touch "+f+"; sync; sync "+f)
	if out != "hello" || errs != "" || st != 0 {
		t.Errorf("out %q err %q status %d", out, errs, st)
	}
	if _, _, st := runSh(t, "sync "+f+".missing"); st != 1 {
		t.Errorf("sync of a missing file: status %d", st)
	}
}

func TestLs(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"sub/deeper", "z"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	for _, f := range []string{"a", ".hidden", "sub/b", "sub/deeper/c"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	cases := map[string]string{
		"ls " + dir:                         "a\nsub\nz\n",
		"ls -A " + dir:                      ".hidden\na\nsub\nz\n",
		"ls -R " + dir:                      dir + ":\na\nsub\nz\n\n" + dir + "/sub:\nb\ndeeper\n\n" + dir + "/sub/deeper:\nc\n\n" + dir + "/z:\n",
		"ls -A " + dir + "/a " + dir + "/z": dir + "/a\n\n" + dir + "/z:\n",
	}
	for script, want := range cases {
		if out, errs, st := runSh(t, script); out != want || errs != "" || st != 0 {
			t.Errorf("%s: got %q (err %q, status %d), want %q", script, out, errs, st, want)
		}
	}
}

func TestTop(t *testing.T) {
	out, _, st := runSh(t, "top -b -d 0 -n 2")
	if st != 0 || strings.Count(out, "top - ") != 2 {
		t.Errorf("top -n 2: status %d, %q", st, out)
	}
	// critest's default command: top, and sh -c top, run until they are ended.
	for _, argv := range [][]string{{"top"}, {"sh", "-c", "top"}} {
		cmd, out := toolbox(t, argv...)
		line, err := out.ReadString('\n')
		if !strings.HasPrefix(line, "top - ") {
			t.Errorf("%q: first line %q, %v", argv, line, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			t.Errorf("%q ended by itself: %v", argv, err)
		case <-time.After(300 * time.Millisecond):
		}
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			t.Errorf("%q outlived SIGTERM", argv)
		}
	}
}

// critest's log spec: a loop that prints a line a second until the container is stopped.
func TestLoopLog(t *testing.T) {
	_, out := toolbox(t, "sh", "-c", "while true; do echo hello; sleep 1; done")
	start := time.Now()
	for i := 0; i < 2; i++ {
		if line, err := out.ReadString('\n'); line != "hello\n" {
			t.Fatalf("line %d: %q, %v", i, line, err)
		}
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("two lines in %v: the loop did not sleep", d)
	}
}

// syncBuffer is a bytes.Buffer that a test reads while the shell writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// critest's attach spec: /bin/sh with stdin a pipe that stays open runs "echo -n hello" as soon as its
// line arrives, and prints nothing else.
func TestShellOnAPipe(t *testing.T) {
	r, w := io.Pipe()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- shMain(&proc{stdin: r, stdout: &out, stderr: &errb}, []string{"/bin/sh"}) }()
	time.Sleep(100 * time.Millisecond)
	if s := out.String(); s != "" {
		t.Fatalf("output before any input: %q", s)
	}
	io.WriteString(w, "echo -n hello\n")
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "hello" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s := out.String(); s != "hello" {
		t.Fatalf("after echo -n hello: %q", s)
	}
	// A command may span lines; read takes the line after its own from the same stdin.
	go func() { // an io.Pipe does not buffer: the shell leaves the last line unread
		io.WriteString(w, "for i in 1 2\ndo\n  echo $i\ndone\nread x\nfrom stdin\necho got $x\nexit 4\necho no\n")
		w.Close()
	}()
	select {
	case st := <-done:
		if want := "hello1\n2\ngot from stdin\n"; out.String() != want || st != 4 || errb.String() != "" {
			t.Errorf("got %q status %d err %q, want %q status 4", out.String(), st, errb.String(), want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("sh did not end at exit")
	}
	r.Close()
}
