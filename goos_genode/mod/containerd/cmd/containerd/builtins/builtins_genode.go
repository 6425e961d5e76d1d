//go:build genode

package builtins

// The native snapshotter keeps each snapshot a plain directory, which a
// container's VFS can use as is; the other unix snapshotters need mount(2).
import (
	_ "github.com/containerd/containerd/v2/plugins/diff/walking/plugin"
	_ "github.com/containerd/containerd/v2/plugins/snapshots/native/plugin"
)
