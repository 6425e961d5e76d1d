package container

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
)

// The hosting dynamic init lives next to the containers' state: runc writes
// init's config to <root>/init.config (served to init as its config ROM,
// fs_rom over the same file system) and reads init's state report from
// <root>/init.state (written by a report server, e.g. fs_report). Both are
// files, so `runc list`, which loads every directory under root, passes
// them over.
const (
	InitConfig = "init.config"
	InitState  = "init.state"
	lockName   = "init.lock"
)

// Warn reports what the package does on its own account, such as taking
// over a stale lock: on stderr, unless a program whose output is a protocol
// (the shim's start, whose output containerd reads as its address) sets
// another before it calls the package.
var Warn = func(msg string) { fmt.Fprintln(os.Stderr, msg) }

// staleLock is how old a lock file may grow before a later runc takes it
// over: runc holds it only while it edits init's config, never across a
// wait for a container.
const staleLock = 10 * time.Second

// parentProvides are the services the hosting init gets from its parent and
// routes to children. A translated start node routes only what its view
// needs among them.
var parentProvides = []string{"ROM", "PD", "CPU", "LOG", "RM", "Timer", "Rtc", "Terminal", "File_system", "Report", "Nic"}

// host is one open session with the hosting init, under the lock.
type host struct {
	root string
	drv  *driver.Driver
	lock *rootLock
}

func baseConfig() *initcfg.Config {
	return &initcfg.Config{
		ParentProvides: parentProvides,
		Report: &initcfg.Report{IDs: true, Requested: true, ChildRAM: true, ChildCaps: true, InitRAM: true,
			DelayMs: 50, Buffer: 64 * initcfg.KiB},
	}
}

// rootLock is a held lock: its file and what its holder wrote into it.
type rootLock struct {
	path, token string
}

// lockRoot takes the root's lock. Creating a file with O_EXCL is the one
// primitive every file-system server offers; Genode's libc has no working
// flock across components.
func lockRoot(root string) (*rootLock, error) {
	p := filepath.Join(root, lockName)
	deadline := time.Now().Add(2 * staleLock)
	var firstSeen time.Time
	tookOver := false
	for {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			var nonce [8]byte
			rand.Read(nonce[:])
			l := &rootLock{path: p, token: fmt.Sprintf("%d %d %x\n", os.Getpid(), time.Now().UnixNano(), nonce)}
			f.WriteString(l.token)
			f.Close()
			if !tookOver {
				return l, nil
			}
			// Another waiter that judged the same lock stale may remove
			// this one yet: hold it only if it is still there a moment
			// later.
			time.Sleep(takeoverSettle)
			if data, err := os.ReadFile(p); err == nil && string(data) == l.token {
				return l, nil
			}
			tookOver = false
			continue
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", p, err)
		}
		if held, stale := lockStale(p, &firstSeen); stale {
			// a holder that ended while it held the lock; removed only if
			// it is still the lock judged stale
			if now, err := os.ReadFile(p); err == nil && string(now) == string(held) {
				Warn(fmt.Sprintf("sandbox: taking over %s, held since %v (%q)", p, heldSince(held), held))
				os.Remove(p)
				tookOver = true
			}
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("lock %s: held for longer than %v", p, 2*staleLock)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// takeoverSettle is how long a waiter that took a stale lock over waits
// before it trusts that no other waiter removed its new lock.
const takeoverSettle = 50 * time.Millisecond

// unlock removes the lock file if it is still this holder's: one held past
// staleLock may have been taken over, and the new holder's stays.
func (l *rootLock) unlock() {
	if data, err := os.ReadFile(l.path); err == nil && string(data) == l.token {
		os.Remove(l.path)
	}
}

// heldSince is the age of the lock its content names, or "?".
func heldSince(data []byte) string {
	var pid int
	var ns int64
	if n, _ := fmt.Sscan(string(data), &pid, &ns); n == 2 {
		return time.Since(time.Unix(0, ns)).Round(time.Millisecond).String()
	}
	return "?"
}

// lockStale judges a lock by the time its holder wrote into it, not by the
// file's modification time, which a Genode file system need not keep (the
// model reported none, and every waiter took every lock for stale). A lock
// without that content yet is stale only once this runc has seen it so,
// without a lock with content in between, for staleLock.
func lockStale(p string, firstSeen *time.Time) ([]byte, bool) {
	data, err := os.ReadFile(p)
	if err != nil {
		*firstSeen = time.Time{}
		return nil, false
	}
	var pid int
	var ns int64
	if n, _ := fmt.Sscan(string(data), &pid, &ns); n == 2 {
		*firstSeen = time.Time{}
		return data, time.Since(time.Unix(0, ns)) > staleLock
	}
	if firstSeen.IsZero() {
		*firstSeen = time.Now()
		return data, false
	}
	return data, time.Since(*firstSeen) > staleLock
}

// openHost locks root and opens the hosting init's config. It creates root
// and a base config when there is none.
func openHost(root string) (*host, error) {
	if err := os.MkdirAll(root, 0o711); err != nil {
		return nil, err
	}
	l, err := lockRoot(root)
	if err != nil {
		return nil, err
	}
	d, err := driver.Open(filepath.Join(root, InitConfig), filepath.Join(root, InitState), baseConfig())
	if err != nil {
		l.unlock()
		return nil, err
	}
	return &host{root: root, drv: d, lock: l}, nil
}

func (h *host) close() {
	if h.lock != nil {
		h.lock.unlock()
		h.lock = nil
	}
}

// readConfig reads init's config without the lock (a consistent file: the
// driver replaces it atomically).
func readConfig(root string) (*initcfg.Config, error) {
	data, err := os.ReadFile(filepath.Join(root, InitConfig))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return &initcfg.Config{}, nil
		}
		return nil, err
	}
	return cached(&configs, root, data, initcfg.Decode)
}

func readReport(root string) (*initcfg.State, error) {
	data, err := os.ReadFile(filepath.Join(root, InitState))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	return cached(&reports, root, data, initcfg.DecodeState)
}

// Waiters (a shim per container, each polling several times a second) read
// init's config and report far more often than they change; decoding them
// is most of a waiter's cost. The last decoding of each root's files is
// kept, keyed by their content: a Genode file system need not keep
// modification times. What readConfig and readReport return is shared:
// no caller may modify it.
type decoding[T any] struct {
	mu sync.Mutex
	m  map[string]decoded[T]
}

type decoded[T any] struct {
	data []byte
	v    T
}

var (
	configs decoding[*initcfg.Config]
	reports decoding[*initcfg.State]
)

func cached[T any](d *decoding[T], root string, data []byte, decode func([]byte) (T, error)) (T, error) {
	d.mu.Lock()
	e, ok := d.m[root]
	d.mu.Unlock()
	if ok && bytes.Equal(e.data, data) {
		return e.v, nil
	}
	v, err := decode(data)
	if err != nil {
		return v, err
	}
	d.mu.Lock()
	if d.m == nil {
		d.m = make(map[string]decoded[T])
	}
	d.m[root] = decoded[T]{data, v}
	d.mu.Unlock()
	return v, nil
}

func findStart(c *initcfg.Config, name string) *initcfg.Start {
	for _, s := range c.Starts {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// childStatus is what init says of one of its children.
type childStatus struct {
	inConfig bool
	status   driver.Status
	child    *initcfg.ChildState
}

func lookup(root, name string) (childStatus, error) {
	c, err := readConfig(root)
	if err != nil {
		return childStatus{}, err
	}
	s := findStart(c, name)
	if s == nil {
		return childStatus{}, nil
	}
	st, err := readReport(root)
	if err != nil {
		return childStatus{}, err
	}
	cs := childStatus{inConfig: true, status: driver.MapStatus(c.Version, s, st)}
	if st != nil {
		cs.child = st.Child(name)
	}
	return cs, nil
}

// waitReported waits until init's report shows child name in the current
// config generation: running, exited or incomplete.
func waitReported(root, name string, timeout time.Duration) (childStatus, error) {
	deadline := time.Now().Add(timeout)
	for {
		cs, err := lookup(root, name)
		if err != nil {
			return cs, err
		}
		if !cs.inConfig {
			return cs, fmt.Errorf("%s is no longer in init's config", name)
		}
		if cs.status.State != driver.Creating || (cs.child != nil && cs.child.Incomplete) {
			return cs, nil
		}
		if time.Now().After(deadline) {
			return cs, fmt.Errorf("init has not reported %s within %v: is the hosting init running (config %s, report %s)?",
				name, timeout, filepath.Join(root, InitConfig), filepath.Join(root, InitState))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// waitGone waits until init's report, of its config's generation, no
// longer shows child name.
func waitGone(root, name string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		cfg, err := readConfig(root)
		if err != nil {
			return err
		}
		st, err := readReport(root)
		if err != nil {
			return err
		}
		if st == nil || st.Version == cfg.Version && st.Child(name) == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("init has not reported %s gone within %v (report %s)", name, timeout, filepath.Join(root, InitState))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
