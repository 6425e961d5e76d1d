package daemon

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
)

// Container is what the engine keeps of a Docker container beyond
// containerd's container: its name and configuration as the client gave them,
// and its run state, which outlives the containerd task.
type Container struct {
	ID         string
	Name       string // with its leading "/"
	Created    time.Time
	Image      string // the reference the client named
	ImageID    string // the image's config digest
	Config     *container.Config
	HostConfig *container.HostConfig
	State      container.State
	Path       string
	Args       []string
	Net        *Netstate `json:",omitempty"` // nil: --network none

	dir   string
	mu    sync.Mutex
	netMu sync.Mutex // Net.Ports, which other containers' starts read
	// changed is closed and renewed at each change of State.
	changed chan struct{}
	io      *containerIO
	removed bool
	exits   int // exits seen, for wait's next-exit
}

// cid is the container's ID in containerd: the first half of Docker's. The
// container is a child of Genode's init by that name, and an exec's name
// there is the container's with a suffix: init's names are at most 63
// characters (Child_policy::Name).
func (c *Container) cid() string { return c.ID[:32] }

func newID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

const stateFile = "container.json"

func (c *Container) save() error {
	data, err := json.MarshalIndent(c, "", "\t")
	if err != nil {
		return err
	}
	tmp := filepath.Join(c.dir, stateFile+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(c.dir, stateFile))
}

func loadContainer(dir string) (*Container, error) {
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, err
	}
	c := &Container{dir: dir, changed: make(chan struct{})}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return c, nil
}

// setState changes the state under c.mu, saves it and wakes the waiters.
func (c *Container) setState(f func(s *container.State)) {
	f(&c.State)
	if err := c.save(); err != nil && !c.removed {
		fmt.Fprintf(os.Stderr, "engine: saving the state of %s: %v\n", c.ID, err)
	}
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *Container) isRunning() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.State.Running
}

func (c *Container) logPath() string { return filepath.Join(c.dir, "json.log") }

func (c *Container) summaryStatus() string {
	s := c.State
	switch s.Status {
	case container.StateRunning:
		if t, err := time.Parse(time.RFC3339Nano, s.StartedAt); err == nil {
			return "Up " + humanDuration(time.Since(t))
		}
		return "Up"
	case container.StateExited:
		if t, err := time.Parse(time.RFC3339Nano, s.FinishedAt); err == nil {
			return fmt.Sprintf("Exited (%d) %s ago", s.ExitCode, humanDuration(time.Since(t)))
		}
		return fmt.Sprintf("Exited (%d)", s.ExitCode)
	case container.StateCreated:
		return "Created"
	}
	return string(s.Status)
}

// humanDuration is Docker's coarse "About a minute", "5 seconds".
func humanDuration(d time.Duration) string {
	switch s := int(d.Seconds()); {
	case s < 1:
		return "Less than a second"
	case s == 1:
		return "1 second"
	case s < 60:
		return fmt.Sprintf("%d seconds", s)
	}
	switch m := int(d.Minutes()); {
	case m == 1:
		return "About a minute"
	case m < 60:
		return fmt.Sprintf("%d minutes", m)
	}
	switch h := int(d.Round(time.Hour).Hours()); {
	case h == 1:
		return "About an hour"
	case h < 48:
		return fmt.Sprintf("%d hours", h)
	default:
		return fmt.Sprintf("%d days", h/24)
	}
}

func (c *Container) command() string {
	return strings.Join(append([]string{c.Path}, c.Args...), " ")
}
