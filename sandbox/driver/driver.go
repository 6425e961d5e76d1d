// Package driver drives a dynamic init: it owns init's configuration file,
// adds, removes and restarts children, always writing the whole
// configuration atomically, and reads init's state report back, mapping it
// to OCI container states.
package driver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"genodego/sandbox/initcfg"
)

// Driver owns one init's config file.
type Driver struct {
	ConfigPath string
	StatePath  string
	XML        bool // write XML (default HID, Genode 26.02's default)

	mu  sync.Mutex
	cfg *initcfg.Config
	gen uint64
	raw []byte // the file as last read or written
}

// Open takes ownership of configPath. An existing, valid config is adopted
// (its version continues the generation count); otherwise base is written.
// A <report> is added if base lacks one, because the driver needs the state.
func Open(configPath, statePath string, base *initcfg.Config) (*Driver, error) {
	d := &Driver{ConfigPath: configPath, StatePath: statePath}
	if data, err := os.ReadFile(configPath); err == nil && len(bytes.TrimSpace(data)) > 0 {
		c, err := initcfg.Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", configPath, err)
		}
		d.XML = bytes.HasPrefix(bytes.TrimLeft(data, " \t\n"), []byte("<"))
		d.cfg = c
		d.gen, _ = strconv.ParseUint(c.Version, 10, 64)
		d.raw = data
		return d, nil
	}
	if base == nil {
		base = &initcfg.Config{}
	}
	c := clone(base)
	if c.Report == nil {
		c.Report = &initcfg.Report{IDs: true, ChildRAM: true, ChildCaps: true, DelayMs: 100}
	}
	d.cfg = c
	return d, d.write(c)
}

func clone(c *initcfg.Config) *initcfg.Config {
	n, err := initcfg.FromNode(c.Node())
	if err != nil {
		panic("driver: config does not survive a copy: " + err.Error())
	}
	return n
}

// Config returns a copy of the current configuration.
func (d *Driver) Config() *initcfg.Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	return clone(d.cfg)
}

// Version is the generation written last; init echoes it as <state version>.
func (d *Driver) Version() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg.Version
}

func (d *Driver) write(c *initcfg.Config) error {
	d.gen++
	c.Version = strconv.FormatUint(d.gen, 10)
	data, err := Encode(c, d.XML)
	if err != nil {
		d.gen--
		return err
	}
	if err := WriteFileAtomic(d.ConfigPath, data); err != nil {
		d.gen--
		return err
	}
	d.cfg, d.raw = c, data
	return nil
}

// reload adopts the file when another writer replaced it since this driver
// read or wrote it; it reports whether it did.
func (d *Driver) reload() (bool, error) {
	data, err := os.ReadFile(d.ConfigPath)
	if err != nil || d.raw == nil || bytes.Equal(data, d.raw) || len(bytes.TrimSpace(data)) == 0 {
		return false, nil
	}
	c, err := initcfg.Decode(data)
	if err != nil {
		return false, fmt.Errorf("%s: %w", d.ConfigPath, err)
	}
	d.cfg, d.raw = c, data
	if g, _ := strconv.ParseUint(c.Version, 10, 64); g > d.gen {
		d.gen = g
	}
	return true, nil
}

// Update applies fn to a copy of the configuration and writes the result.
// If fn fails or the result is invalid, nothing is written.
//
// The callers' lock file serializes writers, but one that takes over a lock
// it judged stale may find its holder alive: an edit made on a config that
// another writer has replaced meanwhile is made again on the new one, so
// that no writer brings back what another removed.
func (d *Driver) Update(fn func(*initcfg.Config) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for try := 0; ; try++ {
		if _, err := d.reload(); err != nil {
			return err
		}
		c := clone(d.cfg)
		if err := fn(c); err != nil {
			return err
		}
		if _, err := initcfg.FromNode(c.Node()); err != nil {
			return err
		}
		if changed, err := d.reload(); err != nil {
			return err
		} else if changed && try < 10 {
			continue
		}
		return d.write(c)
	}
}

// ErrExists and ErrNotFound are returned for child names.
var (
	ErrExists   = errors.New("child exists")
	ErrNotFound = errors.New("no such child")
)

func find(c *initcfg.Config, name string) int {
	for i, s := range c.Starts {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// Add adds a child; init starts it as soon as it reads the config.
func (d *Driver) Add(s *initcfg.Start) error {
	return d.Update(func(c *initcfg.Config) error {
		if find(c, s.Name) >= 0 {
			return fmt.Errorf("%w: %s", ErrExists, s.Name)
		}
		n, err := initcfg.FromNode(initcfgWith(s))
		if err != nil {
			return err
		}
		c.Starts = append(c.Starts, n.Starts[0])
		return nil
	})
}

// Remove removes a child: init kills it and frees its resources.
func (d *Driver) Remove(name string) error {
	return d.Update(func(c *initcfg.Config) error {
		i := find(c, name)
		if i < 0 {
			return fmt.Errorf("%w: %s", ErrNotFound, name)
		}
		c.Starts = append(c.Starts[:i], c.Starts[i+1:]...)
		return nil
	})
}

// Restart makes init replace the child by a fresh instance by changing its
// version ("v" → "v.r1" → "v.r2" ...).
func (d *Driver) Restart(name string) error {
	return d.Update(func(c *initcfg.Config) error {
		i := find(c, name)
		if i < 0 {
			return fmt.Errorf("%w: %s", ErrNotFound, name)
		}
		c.Starts[i].Version = nextVersion(c.Starts[i].Version)
		return nil
	})
}

func nextVersion(v string) string {
	base, n := v, 0
	if i := strings.LastIndex(v, ".r"); i >= 0 {
		if k, err := strconv.Atoi(v[i+2:]); err == nil {
			base, n = v[:i], k
		}
	}
	if base == "" {
		return "r" + strconv.Itoa(n+1)
	}
	if strings.HasPrefix(v, "r") && !strings.Contains(v, ".") {
		if k, err := strconv.Atoi(v[1:]); err == nil {
			return "r" + strconv.Itoa(k+1)
		}
	}
	return base + ".r" + strconv.Itoa(n+1)
}

// SetRAM changes a child's RAM quota; init transfers it live.
func (d *Driver) SetRAM(name string, ram initcfg.Bytes) error {
	return d.Update(func(c *initcfg.Config) error {
		i := find(c, name)
		if i < 0 {
			return fmt.Errorf("%w: %s", ErrNotFound, name)
		}
		c.Starts[i].RAM = ram
		return nil
	})
}

func initcfgWith(s *initcfg.Start) *nodeT {
	return nodeNew("config").Add(s.Node())
}

// ReadState reads and decodes init's state report.
func (d *Driver) ReadState() (*initcfg.State, error) {
	data, err := os.ReadFile(d.StatePath)
	if err != nil {
		return nil, err
	}
	return initcfg.DecodeState(data)
}

// OCI states (runtime-spec "state").
const (
	Creating = "creating"
	Created  = "created"
	Running  = "running"
	Stopped  = "stopped"
)

// Status is a child's OCI state.
type Status struct {
	State    string
	ExitCode int    // valid if State == Stopped
	ID       uint64 // init's child id (with <report ids="yes">)
}

// MapStatus maps a start node and init's report to an OCI state:
//   - the report predates the config (version differs), the child is not
//     in it yet, it is an older instance (version differs) or it is
//     incomplete (a route is missing): creating
//   - exited="N": stopped with exit code N
//   - otherwise: running
//
// A container that is not in the config at all is "created" (runc create
// prepares it; start adds the start node) or gone; the caller knows which.
func MapStatus(cfgVersion string, s *initcfg.Start, st *initcfg.State) Status {
	if st == nil || st.Version != cfgVersion {
		return Status{State: Creating}
	}
	ch := st.Child(s.Name)
	if ch == nil || ch.Version != s.Version {
		return Status{State: Creating}
	}
	if ch.Exited != nil {
		return Status{State: Stopped, ExitCode: *ch.Exited, ID: ch.ID}
	}
	if ch.Incomplete {
		return Status{State: Creating, ID: ch.ID}
	}
	return Status{State: Running, ID: ch.ID}
}

// Status returns the OCI state of child name.
func (d *Driver) Status(name string) (Status, error) {
	d.mu.Lock()
	i := find(d.cfg, name)
	var s *initcfg.Start
	if i >= 0 {
		s = d.cfg.Starts[i]
	}
	v := d.cfg.Version
	d.mu.Unlock()
	if s == nil {
		return Status{}, fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	st, err := d.ReadState()
	if err != nil && !os.IsNotExist(err) {
		return Status{}, err
	}
	return MapStatus(v, s, st), nil
}

// Event is one observed change of the state report.
type Event struct {
	State  *initcfg.State
	Status map[string]Status // every child of the config
	Err    error             // a report that does not decode
}

// Watch polls the state report every interval and sends an event whenever
// its content changes. The channel is closed when ctx ends.
func (d *Driver) Watch(ctx context.Context, interval time.Duration) <-chan Event {
	ch := make(chan Event, 16)
	go func() {
		defer close(ch)
		var last []byte
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			data, err := os.ReadFile(d.StatePath)
			if err == nil && !bytes.Equal(data, last) {
				last = data
				ev := Event{}
				st, err := initcfg.DecodeState(data)
				if err != nil {
					ev.Err = err
				} else {
					ev.State = st
					ev.Status = map[string]Status{}
					d.mu.Lock()
					for _, s := range d.cfg.Starts {
						ev.Status[s.Name] = MapStatus(d.cfg.Version, s, st)
					}
					d.mu.Unlock()
				}
				select {
				case ch <- ev:
				case <-ctx.Done():
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return ch
}

// WaitFor waits until cond holds for the status of child name.
func (d *Driver) WaitFor(ctx context.Context, name string, cond func(Status) bool) (Status, error) {
	for {
		s, err := d.Status(name)
		if err == nil && cond(s) {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, fmt.Errorf("waiting for %s: %w (last state %q, err %v)", name, ctx.Err(), s.State, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
