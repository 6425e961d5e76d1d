package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/containerd/ttrpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The Echo service for ttrpc, as protoc-gen-go-ttrpc would register it.
func ttrpcEcho(st *state) *ttrpc.ServiceDesc {
	return &ttrpc.ServiceDesc{
		Methods: map[string]ttrpc.Method{
			"Gen": func(_ context.Context, unmarshal func(any) error) (any, error) {
				if err := unmarshal(new(emptypb.Empty)); err != nil {
					return nil, err
				}
				return wrapperspb.Int64(st.generation), nil
			},
			"Quit": func(_ context.Context, unmarshal func(any) error) (any, error) {
				if err := unmarshal(new(emptypb.Empty)); err != nil {
					return nil, err
				}
				return wrapperspb.Int64(st.quit()), nil
			},
		},
		Streams: map[string]ttrpc.Stream{
			"Echo": {
				StreamingClient: true,
				StreamingServer: true,
				Handler: func(_ context.Context, ss ttrpc.StreamServer) (any, error) {
					st.streams.Add(1)
					for {
						var v wrapperspb.Int64Value
						if err := ss.RecvMsg(&v); err != nil {
							if err == io.EOF {
								return nil, nil
							}
							return nil, err
						}
						st.msgs.Add(1)
						if err := ss.SendMsg(wrapperspb.Int64(answer(v.Value))); err != nil {
							return nil, err
						}
					}
				},
			},
		},
	}
}

type ttrpcServer struct {
	s *ttrpc.Server
}

func newTTRPCServer(st *state) server {
	s, err := ttrpc.NewServer()
	if err != nil {
		fail("ttrpc.NewServer", err)
	}
	s.RegisterService(serviceName, ttrpcEcho(st))
	return &ttrpcServer{s}
}

func (t *ttrpcServer) serve(l net.Listener) error {
	err := t.s.Serve(context.Background(), l)
	if errors.Is(err, ttrpc.ErrServerClosed) {
		return nil
	}
	return err
}

// stop is containerd's shim shutdown: stop accepting, wait for the connections to go idle, then close.
func (t *ttrpcServer) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := t.s.Shutdown(ctx); err != nil {
		t.s.Close()
	}
}

type ttrpcClient struct {
	c    *ttrpc.Client
	gone atomic.Bool
}

// dialTTRPC connects to unix:///path as containerd dials a shim (the unix:// prefix taken off), trying again
// until ctx ends while the server is not there yet.
func dialTTRPC(ctx context.Context, addr string) (client, error) {
	path := strings.TrimPrefix(addr, "unix://")
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "unix", path)
		if err == nil {
			c := &ttrpcClient{}
			c.c = ttrpc.NewClient(conn, ttrpc.WithOnClose(func() { c.gone.Store(true) }))
			return c, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (last dial error: %v)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (c *ttrpcClient) gen(ctx context.Context) (int64, error) {
	var v wrapperspb.Int64Value
	err := c.c.Call(ctx, serviceName, "Gen", &emptypb.Empty{}, &v)
	return v.Value, err
}

func (c *ttrpcClient) quit(ctx context.Context) (int64, error) {
	var v wrapperspb.Int64Value
	err := c.c.Call(ctx, serviceName, "Quit", &emptypb.Empty{}, &v)
	return v.Value, err
}

func (c *ttrpcClient) echo(ctx context.Context, id, n int) error {
	s, err := c.c.NewStream(ctx, &ttrpc.StreamDesc{StreamingClient: true, StreamingServer: true}, serviceName, "Echo", nil)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		v := msgValue(id, i)
		if err := s.SendMsg(wrapperspb.Int64(v)); err != nil {
			return err
		}
		var r wrapperspb.Int64Value
		if err := s.RecvMsg(&r); err != nil {
			return err
		}
		if r.Value != answer(v) {
			return wrongAnswer(i, v, r.Value)
		}
	}
	if err := s.CloseSend(); err != nil {
		return err
	}
	var r wrapperspb.Int64Value
	if err := s.RecvMsg(&r); err != io.EOF {
		return endOfStream(err)
	}
	return nil
}

func (c *ttrpcClient) health(context.Context, string) (string, error) {
	return "", errors.New("ttrpc has no health service")
}

func (c *ttrpcClient) broken() bool { return c.gone.Load() }

func (c *ttrpcClient) close() error { return c.c.Close() }

func wrongAnswer(i int, sent, got int64) error {
	return fmt.Errorf("message %d: sent %d, got %d, want %d", i, sent, got, answer(sent))
}

func endOfStream(err error) error {
	return fmt.Errorf("after CloseSend: got %v, want io.EOF", err)
}
