package io

import (
	"context"
	"io"
	"os"

	"github.com/containerd/containerd/v2/pkg/cio"
)

// openPipe opens one of a container's streams. Genode has no FIFOs: each is
// a "unix" socket the CRI listens on and the shim connects to (pkg/cio).
func openPipe(ctx context.Context, fn string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	return cio.OpenStream(ctx, fn)
}
