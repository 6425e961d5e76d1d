package container

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
	"genodego/sandbox/oci"
)

// StartProcess starts another process in the running container's view
// (`runc exec`): a second child of init, translated from the container's
// spec with p as its process, so it sees exactly the container's rootfs and
// mounts. It returns the child's start name and where its streams go.
func (c *Container) StartProcess(p *specs.Process, stdio oci.Stdio) (string, oci.Stdio, error) {
	s, err := c.Status()
	if err != nil {
		return "", stdio, err
	}
	if s != Running {
		return "", stdio, fmt.Errorf("cannot exec in a %s container", s)
	}
	if c.st.Spec == nil {
		return "", stdio, errors.New("the container's spec was not recorded")
	}
	spec := *c.st.Spec
	spec.Process = p
	spec.Hooks = nil
	hs, err := c.openHosts()
	if err != nil {
		return "", stdio, err
	}
	defer hs.close()
	if err := c.reload(); err != nil {
		return "", stdio, err
	}
	if hs.own() == nil {
		return "", stdio, fmt.Errorf("cannot exec in %s: its pod %s is gone: %w", c.id, c.st.Pod, ErrNotRunning)
	}
	name := ""
	cfg := hs.own().drv.Config()
	for n := 1; ; n++ {
		name = c.name() + ".exec" + strconv.Itoa(n)
		if findStart(cfg, name) == nil {
			break
		}
	}
	if len(name) > initcfg.MaxName {
		return "", stdio, fmt.Errorf("exec process name %q is longer than init's %d characters", name, initcfg.MaxName)
	}
	if !p.Terminal {
		if stdio.Stdout == "" {
			stdio.Stdout = StdioFile(c.root, c.id, name+".stdout")
		}
		if stdio.Stderr == "" {
			stdio.Stderr = StdioFile(c.root, c.id, name+".stderr")
		}
	}
	res, err := oci.Translate(&spec, nil, oci.Options{ID: name, Bundle: c.st.Bundle, Mode: c.st.Mode, Stdio: stdio, ChildName: childName,
		StackServer: c.st.StackServer})
	if err != nil {
		return "", stdio, err
	}
	err = hs.update(func(cfg *initcfg.Config) error {
		if findStart(cfg, res.Start.Name) != nil {
			return fmt.Errorf("%w: %s", driver.ErrExists, res.Start.Name)
		}
		cfg.Starts = append(cfg.Starts, res.Start)
		return nil
	})
	if err != nil {
		return "", stdio, err
	}
	c.st.Execs = append(c.st.Execs, name)
	if err := c.save(); err != nil {
		return "", stdio, err
	}
	return name, stdio, nil
}

// ProcessID waits until init reports the exec process name (started,
// exited or unable to start) and returns the id init gave it, its pid; 0 if
// init reports none.
func (c *Container) ProcessID(name string) (int, error) {
	cs, err := c.waitChild(name, 30*time.Second)
	if err != nil {
		return 0, err
	}
	if cs.child != nil && cs.child.HasID {
		return int(cs.child.ID), nil
	}
	return 0, nil
}

// EndProcess removes an exec process from init's config and the state.
func (c *Container) EndProcess(name string) error {
	hs, err := c.openHosts()
	if err != nil {
		return err
	}
	defer hs.close()
	if err := c.reload(); err != nil {
		return err
	}
	if err := hs.update(func(cfg *initcfg.Config) error {
		cfg.Starts = without(cfg.Starts, []string{name})
		return nil
	}); err != nil {
		return err
	}
	var keep []string
	for _, e := range c.st.Execs {
		if e != name {
			keep = append(keep, e)
		}
	}
	c.st.Execs = keep
	return c.save()
}

// Stats are the figures init reports of a container's children.
type Stats struct {
	RAM  initcfg.Quota // summed over the container's children
	Caps initcfg.Quota
	// Requested is set when a child asked for more RAM than it has: on
	// Genode it blocks rather than being killed (the OOM analogue).
	Requested bool
}

// Stats reads init's report (for a created container, its start node).
func (c *Container) Stats() (*Stats, error) {
	st, err := readReport(c.hostDir())
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, fmt.Errorf("init has not reported yet (%s)", InitState)
	}
	var s Stats
	found := false
	for _, n := range append([]string{c.name()}, c.st.Execs...) {
		ch := st.Child(n)
		if ch == nil {
			continue
		}
		found = true
		if q := ch.RAM; q != nil {
			add(&s.RAM, q)
			if q.HasRequested && q.Requested > 0 {
				s.Requested = true
			}
		}
		if q := ch.Caps; q != nil {
			add(&s.Caps, q)
		}
	}
	if !found {
		// A created container is not in init yet: its quotas are those of
		// its recorded start node, nothing used (0 where init's default
		// applies).
		if !c.st.Started && c.st.Exited == nil {
			if start, err := c.start(); err == nil {
				s.RAM.Quota, s.RAM.Avail = uint64(start.RAM), uint64(start.RAM)
				s.Caps.Quota, s.Caps.Avail = start.Caps, start.Caps
				return &s, nil
			}
		}
		return nil, ErrNotRunning
	}
	return &s, nil
}

func add(a, b *initcfg.Quota) {
	a.Assigned += b.Assigned
	a.Quota += b.Quota
	a.Used += b.Used
	a.Avail += b.Avail
	a.Requested += b.Requested
}

// SetRAM changes the RAM quota of the container's process (`runc update
// --memory`). Init transfers the difference live; a shrink below what the
// child uses is a yield request the child may not honour.
func (c *Container) SetRAM(ram initcfg.Bytes) error {
	s, err := c.Status()
	if err != nil {
		return err
	}
	if s == Stopped {
		return ErrNotRunning
	}
	if s == Created {
		// not in init yet: change the recorded start node
		start, err := c.start()
		if err != nil {
			return err
		}
		start.RAM = ram
		c.st.Start = startHID(start)
		return c.save()
	}
	hs, err := c.openHosts()
	if err != nil {
		return err
	}
	defer hs.close()
	err = hs.update(func(cfg *initcfg.Config) error {
		s := findStart(cfg, c.name())
		if s == nil {
			return fmt.Errorf("%w: %s", driver.ErrNotFound, c.name())
		}
		s.RAM = ram
		return nil
	})
	if err != nil {
		return err
	}
	start, err := c.start()
	if err == nil {
		start.RAM = ram
		c.st.Start = startHID(start)
	}
	return c.save()
}

// Names of runc's labels ("key=value").
func labelValue(labels []string, key string) (string, bool) {
	for _, l := range labels {
		if k, v, ok := strings.Cut(l, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}
