//go:build genode

package main

import rspec "github.com/opencontainers/runtime-spec/specs-go"

// validateRootfsPropagation: Genode has no mounts to propagate. A component's VFS is fixed by its
// <config>; it cannot mount or bind anything at run time. Only the Linux validations call this, and they
// do not run on genode; should they, the check is skipped with that reason.
func (c *complianceTester) validateRootfsPropagation(spec *rspec.Spec) error {
	if spec.Linux == nil || spec.Linux.RootfsPropagation == "" {
		c.harness.Skip(1, "linux.rootfsPropagation not set")
		return nil
	}
	c.harness.Skip(1, "linux.rootfsPropagation: Genode has no mount propagation (a component's VFS is fixed by its config)")
	return nil
}
