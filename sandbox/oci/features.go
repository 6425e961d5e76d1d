package oci

import "sort"

// MountOptions lists the mount options a bind or tmpfs mount may carry:
// those the translation honours and those it accepts as no-ops. It is what
// `runc features` reports.
func MountOptions() []string {
	l := []string{"ro", "rw", "rro", "rrw"}
	for o := range noopMountOptions {
		l = append(l, o)
	}
	sort.Strings(l)
	return l
}
