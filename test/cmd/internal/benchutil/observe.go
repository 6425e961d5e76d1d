package benchutil

// What the stack benchmarks observe from outside a stack: its log files,
// `ctr events`, an init's state report and the host's processes. Every time
// here is the host's realtime clock (the model's components read it too).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"genodego/sandbox/initcfg"
)

// LogTime is the time field of a logrus line (containerd, the shims).
var LogTime = regexp.MustCompile(`time="([^"]+)"`)

// LogFrom returns the lines a file gained after offset.
func LogFrom(path string, off int64) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	f.Seek(off, io.SeekStart)
	var ls []string
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		ls = append(ls, s.Text())
	}
	return ls
}

// Size is a file's size, 0 if it is missing.
func Size(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// FirstLog is the time of the first line holding every one of subs.
func FirstLog(lines []string, subs ...string) time.Time {
next:
	for _, l := range lines {
		for _, s := range subs {
			if !strings.Contains(l, s) {
				continue next
			}
		}
		if m := LogTime.FindStringSubmatch(l); m != nil {
			if t, err := time.Parse(time.RFC3339Nano, m[1]); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// EventLine matches a task event of `ctr events`: time, topic, container id.
var EventLine = regexp.MustCompile(`^(\S+ \S+ \+0000 UTC) \S+ (/\S+) .*"container_id":"([^"]+)"`)

// Event is one line of `ctr events`.
type Event struct {
	Time             time.Time
	Namespace, Topic string
	ID               string // container_id, else id (/containers/*), else key (/snapshot/*)
}

// ParseEvent reads a line of `ctr events`:
// "2026-12-05 12:46:12.73231489 +0000 UTC NS TOPIC {JSON}".
func ParseEvent(line string) (Event, bool) {
	f := strings.SplitN(line, " ", 7)
	if len(f) < 6 || !strings.HasPrefix(f[5], "/") {
		return Event{}, false
	}
	t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", strings.Join(f[:4], " "))
	if err != nil {
		return Event{}, false
	}
	ev := Event{Time: t, Namespace: f[4], Topic: f[5]}
	if len(f) == 7 {
		var body map[string]any
		if json.Unmarshal([]byte(f[6]), &body) == nil {
			for _, k := range []string{"container_id", "id", "key"} {
				if s, ok := body[k].(string); ok && s != "" {
					ev.ID = s
					break
				}
			}
		}
	}
	return ev, true
}

// EventLog follows `ctr events`: the first time each id's topic was seen.
type EventLog struct {
	mu  sync.Mutex
	at  map[string]time.Time // "ID topic"
	cmd *exec.Cmd
}

// FollowEvents starts c (a `ctr events` command, in a process group of its
// own) and records its events until Stop.
func FollowEvents(c *exec.Cmd) (*EventLog, error) {
	el := &EventLog{at: map[string]time.Time{}, cmd: c}
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, err
	}
	go func() {
		s := bufio.NewScanner(out)
		s.Buffer(make([]byte, 1<<20), 1<<20)
		for s.Scan() {
			ev, ok := ParseEvent(s.Text())
			if !ok || ev.ID == "" {
				continue
			}
			el.mu.Lock()
			if _, ok := el.at[ev.ID+" "+ev.Topic]; !ok {
				el.at[ev.ID+" "+ev.Topic] = ev.Time
			}
			el.mu.Unlock()
		}
	}()
	return el, nil
}

// Get is when id's topic was first seen (zero: not seen).
func (el *EventLog) Get(id, topic string) time.Time {
	el.mu.Lock()
	defer el.mu.Unlock()
	return el.at[id+" "+topic]
}

// Stop ends the `ctr events` process group.
func (el *EventLog) Stop() {
	if el == nil || el.cmd.Process == nil {
		return
	}
	syscall.Kill(-el.cmd.Process.Pid, syscall.SIGTERM)
	el.cmd.Wait()
}

// InitWatch polls an init's state report: when each child was first
// reported and when it was first reported exited. The 2 ms poll is the
// resolution; init itself reports with its own delay.
type InitWatch struct {
	mu            sync.Mutex
	seen, exited  map[string]time.Time
	stop, stopped chan struct{}
}

// WatchInit polls the state report at path every 2 ms until Close.
func WatchInit(path string) *InitWatch {
	w := &InitWatch{seen: map[string]time.Time{}, exited: map[string]time.Time{}, stop: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(w.stopped)
		var last []byte
		for {
			select {
			case <-w.stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			data, err := os.ReadFile(path)
			now := time.Now()
			if err != nil || bytes.Equal(data, last) {
				continue
			}
			last = data
			st, err := initcfg.DecodeState(data)
			if err != nil {
				continue
			}
			w.mu.Lock()
			for _, c := range st.Children {
				if _, ok := w.seen[c.Name]; !ok {
					w.seen[c.Name] = now
				}
				if _, ok := w.exited[c.Name]; !ok && (c.Exited != nil || c.Incomplete) {
					w.exited[c.Name] = now
				}
			}
			w.mu.Unlock()
		}
	}()
	return w
}

// Get is when child id was first reported, and first reported exited.
func (w *InitWatch) Get(id string) (seen, exited time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seen[id], w.exited[id]
}

// Close stops the poll.
func (w *InitWatch) Close() { close(w.stop); <-w.stopped }

// Proc is a host process.
type Proc struct {
	Pid, PPid int
	Argv      []string
	Cmd       string
}

// ProcsContaining lists the host's processes (but this one) whose command
// line contains s.
func ProcsContaining(s string) []Proc {
	var ps []Proc
	if s == "" {
		return nil
	}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !bytes.Contains(data, []byte(s)) {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		ps = append(ps, Proc{Pid: pid, PPid: ppid(pid), Argv: argv, Cmd: strings.Join(argv, " ")})
	}
	return ps
}

func ppid(pid int) int {
	data, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "PPid:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}
