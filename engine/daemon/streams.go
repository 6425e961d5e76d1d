package daemon

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"sync"
	"time"
)

// containerIO is a running container's streams in the engine: what the
// container writes goes to its log (Docker's json-file format, one entry a
// line) and to the clients attached; what an attached client sends is its
// stdin.
type containerIO struct {
	tty bool

	mu      sync.Mutex
	log     *os.File
	subs    map[*subscriber]struct{}
	partial [3][]byte // a line not yet ended, by stream
	closed  bool
	done    chan struct{} // closed when the output has ended

	stdinR *io.PipeReader
	stdinW *io.PipeWriter
}

// A log entry as Docker's json-file driver writes it.
type logEntry struct {
	Log    string    `json:"log"`
	Stream string    `json:"stream"`
	Time   time.Time `json:"time"`
}

// Stream numbers as the multiplexed attach protocol has them.
const (
	streamStdin  = 0
	streamStdout = 1
	streamStderr = 2
)

var streamNames = [3]string{"stdin", "stdout", "stderr"}

type subscriber struct {
	streams [3]bool
	w       func(stream int, b []byte) error
	gone    chan struct{}
	once    sync.Once
}

func (s *subscriber) end() { s.once.Do(func() { close(s.gone) }) }

func newContainerIO(logPath string, tty, stdin bool) (*containerIO, error) {
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	cio := &containerIO{tty: tty, log: f, subs: map[*subscriber]struct{}{}, done: make(chan struct{})}
	if stdin {
		cio.stdinR, cio.stdinW = io.Pipe()
	}
	return cio, nil
}

type streamWriter struct {
	io     *containerIO
	stream int
}

func (w streamWriter) Write(b []byte) (int, error) {
	w.io.write(w.stream, b)
	return len(b), nil
}

func (c *containerIO) stdout() io.Writer { return streamWriter{c, streamStdout} }
func (c *containerIO) stderr() io.Writer { return streamWriter{c, streamStderr} }

// stdin is what the task reads, nil when the container has no stdin open.
func (c *containerIO) stdin() io.Reader {
	if c.stdinR == nil {
		return nil
	}
	return c.stdinR
}

func (c *containerIO) write(stream int, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now().UTC()
	data := append(c.partial[stream], b...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		c.logLine(stream, data[:i+1], now)
		data = data[i+1:]
	}
	c.partial[stream] = append([]byte(nil), data...)
	for s := range c.subs {
		if !s.streams[stream] {
			continue
		}
		if err := s.w(stream, b); err != nil {
			delete(c.subs, s)
			s.end()
		}
	}
}

func (c *containerIO) logLine(stream int, line []byte, t time.Time) {
	data, _ := json.Marshal(logEntry{Log: string(line), Stream: streamNames[stream], Time: t})
	c.log.Write(append(data, '\n'))
}

// subscribe attaches w to the streams asked for until the output ends or
// w fails; the channel is closed then.
func (c *containerIO) subscribe(streams [3]bool, w func(stream int, b []byte) error) (*subscriber, <-chan struct{}) {
	s := &subscriber{streams: streams, w: w, gone: make(chan struct{})}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		s.end()
		return s, s.gone
	}
	c.subs[s] = struct{}{}
	return s, s.gone
}

func (c *containerIO) unsubscribe(s *subscriber) {
	c.mu.Lock()
	delete(c.subs, s)
	c.mu.Unlock()
	s.end()
}

// close ends the output: the last partial lines are logged, the attached
// clients see their streams end.
func (c *containerIO) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	now := time.Now().UTC()
	for stream, p := range c.partial {
		if len(p) > 0 {
			c.logLine(stream, p, now)
		}
	}
	c.log.Close()
	for s := range c.subs {
		s.end()
	}
	c.subs = nil
	if c.stdinW != nil {
		c.stdinW.Close()
	}
	close(c.done)
}

// readLog calls f for each entry of the log at path, from the tail-th last
// one (all when tail < 0).
func readLog(path string, tail int, f func(logEntry) error) error {
	file, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	defer file.Close()
	var entries []logEntry
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var e logEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			entries = append(entries, e)
		}
	}
	if tail >= 0 && tail < len(entries) {
		entries = entries[len(entries)-tail:]
	}
	for _, e := range entries {
		if err := f(e); err != nil {
			return err
		}
	}
	return sc.Err()
}
