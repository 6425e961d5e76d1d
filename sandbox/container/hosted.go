package container

import (
	"fmt"
	"strings"

	"genodego/sandbox/driver"
	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// Components that are not containers can share a hosting init with them, or
// have one of their own: containerd's shims on Genode are children of a
// shims' init, so that they outlive containerd as on Linux a subreaper's
// children do. AddStart and RemoveExited edit such an init's config at root
// under the same lock runc takes.

// AddStart adds s to the init at root. A child of the same name that has
// exited is replaced; one that has not is an error wrapping driver.ErrExists.
func AddStart(root string, s *initcfg.Start) error {
	h, err := openHost(root)
	if err != nil {
		return err
	}
	defer h.close()
	st, _ := readReport(root)
	return h.drv.Update(func(c *initcfg.Config) error {
		if i := indexOf(c, s.Name); i >= 0 {
			if !exited(st, s.Name) {
				return fmt.Errorf("%w: %s", driver.ErrExists, s.Name)
			}
			c.Starts = append(c.Starts[:i], c.Starts[i+1:]...)
		}
		n, err := initcfg.FromNode(withStart(s))
		if err != nil {
			return err
		}
		c.Starts = append(c.Starts, n.Starts[0])
		return nil
	})
}

// RemoveExited removes the children whose names begin with prefix and that
// have exited.
func RemoveExited(root, prefix string) error {
	h, err := openHost(root)
	if err != nil {
		return err
	}
	defer h.close()
	st, _ := readReport(root)
	return h.drv.Update(func(c *initcfg.Config) error {
		keep := c.Starts[:0]
		for _, s := range c.Starts {
			if strings.HasPrefix(s.Name, prefix) && exited(st, s.Name) {
				continue
			}
			keep = append(keep, s)
		}
		c.Starts = keep
		return nil
	})
}

// ReadState reads the state report of the init at root. The result is
// shared with other readers: the caller must not modify it.
func ReadState(root string) (*initcfg.State, error) { return readReport(root) }

// RemoveStart removes the child called name, if there is one.
func RemoveStart(root, name string) error {
	h, err := openHost(root)
	if err != nil {
		return err
	}
	defer h.close()
	return h.drv.Update(func(c *initcfg.Config) error {
		if i := indexOf(c, name); i >= 0 {
			c.Starts = append(c.Starts[:i], c.Starts[i+1:]...)
		}
		return nil
	})
}

func indexOf(c *initcfg.Config, name string) int {
	for i, s := range c.Starts {
		if s.Name == name {
			return i
		}
	}
	return -1
}

func exited(st *initcfg.State, name string) bool {
	if st == nil {
		return false
	}
	ch := st.Child(name)
	return ch != nil && (ch.Exited != nil || ch.Incomplete)
}

func withStart(s *initcfg.Start) *node.Node {
	c := &initcfg.Config{Starts: []*initcfg.Start{s}}
	return c.Node()
}
