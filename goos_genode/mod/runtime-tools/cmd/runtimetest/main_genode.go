//go:build genode

package main

// What runtimetest checks inside a container on Genode, after the default validations (root file system,
// hostname, process). Genode's libc is FreeBSD's POSIX API, so the POSIX validations apply, except where
// Genode cannot answer the question: genodeValidations replaces the two of them that would fail for lack
// of a libc function rather than for a wrong container.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	rspec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/specerror"
)

func init() {
	platformValidations["genode"] = func(c *complianceTester) []validator {
		return []validator{c.validateGenodeMounts, c.validateGenodeUser, c.validateRlimits}
	}
}

// validateGenodeMounts stands in for validatePosixMounts. A component cannot list its file systems: its
// VFS is fixed by its <config>, and getfsstat is an ENOSYS stub (libc/dummies.cc), so moby/sys/mountinfo
// answers "not implemented" and neither a mount's type nor the order of mounts is observable. What is
// observable: each destination is a directory of the view, and a tmpfs (a <ram/> file system) can be
// written. Bind mounts get upstream's TODO, as on Linux.
func (c *complianceTester) validateGenodeMounts(spec *rspec.Spec) error {
	if spec.Mounts == nil {
		c.harness.Skip(1, "mounts not set")
		return nil
	}
	for i, m := range spec.Mounts {
		if m.Type == "bind" || m.Type == "rbind" {
			c.harness.Todo().Fail("we need an (r)bind spec to test against")
			continue
		}
		fi, err := os.Stat(m.Destination)
		found := err == nil && fi.IsDir()
		if found && m.Type == "tmpfs" {
			found, err = writableDir(m.Destination)
		}
		rfcError, e := c.Ok(found, specerror.MountsInOrder, spec.Version,
			fmt.Sprintf("mounts[%d] (%s) found (Genode: present in the view; type and order are not observable)", i, m.Destination))
		if e != nil {
			return e
		}
		diag := map[string]any{"level": rfcError.Level.String(), "reference": rfcError.Reference, "config": m}
		if err != nil {
			diag["error"] = err.Error()
		}
		_ = c.harness.YAML(diag)
	}
	return nil
}

func writableDir(dir string) (bool, error) {
	f, err := os.CreateTemp(dir, "Test")
	if err != nil {
		return false, err
	}
	f.Close()
	return true, os.Remove(filepath.Join(dir, filepath.Base(f.Name())))
}

// validateGenodeUser stands in for validatePosixUser, which fails as a whole when getgroups fails: on
// Genode getgroups is an ENOSYS stub (libc/dummies.cc) and getuid/getgid silently return 0, so the ids are
// checked and additional groups are skipped with that reason.
func (c *complianceTester) validateGenodeUser(spec *rspec.Spec) error {
	if spec.Process == nil {
		return nil
	}
	uid := uint32(os.Getuid())
	c.harness.Ok(uid == spec.Process.User.UID, "has expected user ID")
	_ = c.harness.YAML(map[string]uint32{"expected": spec.Process.User.UID, "actual": uid})
	gid := uint32(os.Getgid())
	c.harness.Ok(gid == spec.Process.User.GID, "has expected group ID")
	_ = c.harness.YAML(map[string]uint32{"expected": spec.Process.User.GID, "actual": gid})
	if len(spec.Process.User.AdditionalGids) > 0 {
		_, err := os.Getgroups()
		if err == nil {
			err = errors.New("getgroups answered")
		}
		c.harness.Skip(len(spec.Process.User.AdditionalGids),
			fmt.Sprintf("additional group IDs: Genode's getgroups is an ENOSYS stub (%v)", err))
	}
	return nil
}
