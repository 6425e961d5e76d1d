// Package modules requires the upstream modules that build for genode unchanged (not pinned in
// third_party/modules.pin), so that their own tests run in this workspace, on the model and natively.
package modules

import (
	_ "github.com/containerd/continuity/fs"
	_ "github.com/containerd/continuity/sysx"
	_ "github.com/moby/sys/mountinfo"
	_ "github.com/moby/sys/sequential"
	_ "github.com/moby/sys/signal"
	_ "github.com/moby/sys/symlink"
	_ "github.com/moby/sys/user"
	_ "github.com/moby/sys/userns"
)
