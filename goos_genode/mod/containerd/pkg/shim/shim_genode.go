//go:build genode

package shim

import "github.com/containerd/ttrpc"

func newServer(opts ...ttrpc.ServerOpt) (*ttrpc.Server, error) {
	return ttrpc.NewServer(opts...)
}

// Genode has no subreaper: a shim is a child of a dynamic init, not of
// containerd, and its containers are children of another init.
func subreaper() error {
	return nil
}
