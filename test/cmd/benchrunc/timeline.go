package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	"genodego/sandbox/initcfg"
)

// event is one replacement of init's config or state report: runc's driver
// and the init model both write these files atomically (a rename), so each
// IN_MOVED_TO is one new version, read at once.
type event struct {
	at   time.Time
	file string // "init.config" or "init.state"
	data []byte
}

// watcher records the renames onto init.config and init.state in the
// state root, with the time this process saw each.
type watcher struct {
	f    *os.File
	dir  string
	mu   sync.Mutex
	evs  []event
	done chan struct{}
}

const inotifyHeader = 16 // struct inotify_event without its name

func watch(dir string) (*watcher, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("inotify: %w", err)
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_MOVED_TO); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("inotify %s: %w", dir, err)
	}
	// non-blocking, so the runtime poller owns it and Close ends the Read
	w := &watcher{f: os.NewFile(uintptr(fd), "inotify"), dir: dir, done: make(chan struct{})}
	go w.loop()
	return w, nil
}

func (w *watcher) loop() {
	defer close(w.done)
	buf := make([]byte, 64<<10)
	for {
		n, err := w.f.Read(buf)
		if err != nil {
			return
		}
		now := time.Now()
		for off := 0; off+inotifyHeader <= n; {
			l := int(binary.LittleEndian.Uint32(buf[off+12:]))
			name := buf[off+inotifyHeader : off+inotifyHeader+l]
			for len(name) > 0 && name[len(name)-1] == 0 {
				name = name[:len(name)-1]
			}
			off += inotifyHeader + l
			switch s := string(name); s {
			case "init.config", "init.state":
				data, _ := os.ReadFile(filepath.Join(w.dir, s))
				w.mu.Lock()
				w.evs = append(w.evs, event{at: now, file: s, data: data})
				w.mu.Unlock()
			}
		}
	}
}

// since returns the events seen at or after t.
func (w *watcher) since(t time.Time) []event {
	w.mu.Lock()
	defer w.mu.Unlock()
	i := sort.Search(len(w.evs), func(i int) bool { return !w.evs[i].at.Before(t) })
	return append([]event(nil), w.evs[i:]...)
}

// settle waits until no event has arrived for d (at most 2 s), so that the
// events of a finished command are all in.
func (w *watcher) settle(d time.Duration) {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		last := time.Time{}
		if len(w.evs) > 0 {
			last = w.evs[len(w.evs)-1].at
		}
		w.mu.Unlock()
		if time.Since(last) >= d {
			return
		}
		time.Sleep(d / 4)
	}
}

func (w *watcher) close() {
	w.f.Close()
	<-w.done
}

// split is one `runc run` taken apart along init's config and report.
type split struct {
	total  time.Duration
	runc   time.Duration // start of runc → config with the start node, and child exited → runc gone
	init   time.Duration // config with the start node → child in init's report
	launch time.Duration // child in the report → child exited (genode-run starts it, it runs, it exits)
}

// splitRun finds, in the events of one `runc run <id>` that ran from t0 to
// t5,
//
//	t1  the first config naming the child (runc's driver added the start node)
//	t2  the first report naming it (init applied the config and launched it)
//	t3  the first later report in which it exited
//
// A report read only after the next one replaced it shows the later
// content; when the first report naming the child already says it exited
// and no later one does, t3 = t2.
func splitRun(id string, t0, t5 time.Time, evs []event) (split, error) {
	s := split{total: t5.Sub(t0)}
	var t1, t2, t3 time.Time
	i2 := -1
	for i, e := range evs {
		if e.at.Before(t0) || e.at.After(t5) {
			continue
		}
		switch {
		case t1.IsZero():
			if e.file != "init.config" {
				continue
			}
			if cfg, err := initcfg.Decode(e.data); err == nil && hasStart(cfg, id) {
				t1 = e.at
			}
		case t2.IsZero():
			if e.file != "init.state" {
				continue
			}
			if st, err := initcfg.DecodeState(e.data); err == nil && st.Child(id) != nil {
				t2, i2 = e.at, i
				if st.Child(id).Exited != nil {
					t3 = e.at // unless a later report says so too
				}
			}
		default:
			if e.file != "init.state" {
				continue
			}
			if st, err := initcfg.DecodeState(e.data); err == nil {
				if c := st.Child(id); c != nil && c.Exited != nil && i > i2 {
					t3 = e.at
				}
			}
		}
		if !t3.IsZero() && i > i2 && i2 >= 0 {
			break
		}
	}
	switch {
	case t1.IsZero():
		return s, errors.New("no config with the start node was seen")
	case t2.IsZero():
		return s, errors.New("init never reported the child")
	case t3.IsZero():
		return s, errors.New("init never reported the child's exit")
	}
	s.runc = t1.Sub(t0) + t5.Sub(t3)
	s.init = t2.Sub(t1)
	s.launch = t3.Sub(t2)
	return s, nil
}

func hasStart(cfg *initcfg.Config, name string) bool {
	for _, s := range cfg.Starts {
		if s.Name == name {
			return true
		}
	}
	return false
}
