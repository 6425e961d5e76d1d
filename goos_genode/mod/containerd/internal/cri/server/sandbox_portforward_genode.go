//go:build genode

package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// portForward on Genode: a pod has no network namespace to enter, its
// components share the pod's address on the pods' domain, which the node
// reaches through the NIC router (on the model, the node's address in the
// pods' subnet). So the stream is joined to a connection to the pod's
// address and port, where Linux dials localhost inside the pod's namespace:
// a port a component of the pod binds on its loopback alone is not reached.
func (c *criService) portForward(ctx context.Context, id string, port int32, stream io.ReadWriteCloser) error {
	defer stream.Close()
	s, err := c.sandboxStore.Get(id)
	if err != nil {
		return fmt.Errorf("failed to find sandbox %q in store: %w", id, err)
	}
	if s.IP == "" {
		return fmt.Errorf("port forward to sandbox %q: the pod has no address", id)
	}
	addr := net.JoinHostPort(s.IP, strconv.Itoa(int(port)))
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := d.DialContext(dctx, "tcp4", addr)
	cancel()
	if err != nil {
		return fmt.Errorf("port forward to sandbox %q: %w", id, err)
	}
	defer conn.Close()

	errCh := make(chan error, 2)
	go func() {
		_, err := io.Copy(stream, conn)
		errCh <- err
	}()
	go func() {
		_, err := io.Copy(conn, stream)
		if tc, ok := conn.(*net.TCPConn); ok {
			// the client's end of input is the pod's
			tc.CloseWrite()
		}
		errCh <- err
	}()
	var errFwd error
	select {
	case errFwd = <-errCh:
	case <-ctx.Done():
		return ctx.Err()
	}
	// the other direction gets a moment to deliver what it holds
	select {
	case e := <-errCh:
		errFwd = errors.Join(errFwd, e)
	case <-time.After(time.Second):
	case <-ctx.Done():
		errFwd = ctx.Err()
	}
	if errFwd != nil {
		return fmt.Errorf("port forward to %s of sandbox %q: %w", addr, id, errFwd)
	}
	return nil
}
