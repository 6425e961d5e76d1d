//go:build genode

// On genode, libcontainer is a facade of the Genode backend
// (genodego/sandbox/container): a container is a child of a dynamic init,
// and runc's command files drive it through the same names they use on
// Linux.

package libcontainer

import (
	"genodego/sandbox/container"
)

// Container is a container under runc's root.
type Container = container.Container

// State is what state.json holds.
type State = container.State

// BaseState is the part of State that runc's commands print.
type BaseState = container.BaseState

// Status is a container's status.
type Status = container.Status

const (
	Created = container.Created
	Running = container.Running
	Pausing = container.Pausing
	Paused  = container.Paused
	Stopped = container.Stopped
)

var (
	ErrExist          = container.ErrExist
	ErrInvalidID      = container.ErrInvalidID
	ErrNotExist       = container.ErrNotExist
	ErrPaused         = container.ErrPaused
	ErrRunning        = container.ErrRunning
	ErrNotRunning     = container.ErrNotRunning
	ErrNotPaused      = container.ErrNotPaused
	ErrCgroupNotExist = container.ErrCgroupNotExist
)

// Load reads the container id under root.
func Load(root, id string) (*Container, error) { return container.Load(root, id) }
