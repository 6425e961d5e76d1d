//go:build genode

package server

import (
	"testing"

	"github.com/containerd/containerd/v2/core/mount"
)

func TestVolumeDir(t *testing.T) {
	for _, c := range []struct {
		mounts []mount.Mount
		want   string
	}{
		{[]mount.Mount{{Type: "bind", Source: "/s/2/fs"}}, "/s/2/fs"},
		{[]mount.Mount{{Type: "bind", Source: "/s/2/fs"}, {Type: "bind", Source: "/s/1/fs/bin", Target: "bin"},
			{Type: "bind", Source: "/s/1/fs/usr/bin", Target: "usr/bin"}}, "/s/1/fs"},
		{[]mount.Mount{{Type: "bind", Source: "/s/2/fs"}, {Type: "bind", Source: "/s/1/fs/bin", Target: "sbin"}}, ""},
		{[]mount.Mount{{Type: "bind", Source: "/s/2/fs"}, {Type: "bind", Source: "/s/1/fs/bin", Target: "bin"},
			{Type: "bind", Source: "/s/3/fs/lib", Target: "lib"}}, ""},
		{[]mount.Mount{{Type: "overlay", Source: "overlay"}}, ""},
		{nil, ""},
	} {
		got, err := volumeDir(c.mounts)
		if got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("volumeDir(%v) = %q, %v; want %q", c.mounts, got, err, c.want)
		}
	}
}
