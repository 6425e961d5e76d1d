//go:build genode

package main

import "github.com/containerd/containerd/v2/pkg/shim"

// On Genode the shim's containers are children of an init, not of the shim:
// its only children are the runc commands, which go-runc waits for by pid.
// Reaping every child on SIGCHLD would take their exit statuses from it.
func init() {
	shimOpts = append(shimOpts, func(c *shim.Config) {
		c.NoReaper = true
		c.NoSubreaper = true
	})
}
