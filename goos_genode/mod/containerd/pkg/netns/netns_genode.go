package netns

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// On Genode a pod's network is not a kernel namespace but an IP stack of its
// own (a socket file system served to the pod's components) whose Nic
// session the NIC router attaches to a domain. What stands for the
// namespace here is a record file naming it, so that the CRI's life cycle
// (create, remove, closed) has something to follow; the pod network plugin
// (internal/cri/server) gives the record its address.

// NetNS is a pod network's record.
type NetNS struct {
	path string
}

// NewNetNS creates a record in baseDir.
func NewNetNS(baseDir string) (*NetNS, error) {
	if err := os.MkdirAll(baseDir, 0o755); err != nil {
		return nil, err
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	p := filepath.Join(baseDir, "genode-"+hex.EncodeToString(b))
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pod network record: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return &NetNS{path: p}, nil
}

// NewNetNSFromPID refuses: a Genode component has no network to join.
func NewNetNSFromPID(baseDir string, pid uint32) (*NetNS, error) {
	if pid == 0 {
		return NewNetNS(baseDir)
	}
	return nil, errors.New("a Genode component's IP stack is its own: there is no network of a process to join")
}

// LoadNetNS loads an existing record.
func LoadNetNS(path string) *NetNS {
	return &NetNS{path: path}
}

// Remove removes the record; removing a removed one is no error.
func (n *NetNS) Remove() error {
	if err := os.Remove(n.path); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// Closed reports whether the record is gone.
func (n *NetNS) Closed() (bool, error) {
	if _, err := os.Stat(n.path); err != nil {
		if os.IsNotExist(err) {
			return true, nil
		}
		return false, err
	}
	return false, nil
}

// GetPath returns the record's path.
func (n *NetNS) GetPath() string {
	return n.path
}
