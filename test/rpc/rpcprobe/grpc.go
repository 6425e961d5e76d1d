package main

import (
	"context"
	"io"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The Echo service for gRPC, as protoc-gen-go-grpc would describe it.
var grpcEcho = grpc.ServiceDesc{
	ServiceName: serviceName,
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{
		{MethodName: "Gen", Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			if err := dec(new(emptypb.Empty)); err != nil {
				return nil, err
			}
			return wrapperspb.Int64(srv.(*state).generation), nil
		}},
		{MethodName: "Quit", Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			if err := dec(new(emptypb.Empty)); err != nil {
				return nil, err
			}
			return wrapperspb.Int64(srv.(*state).quit()), nil
		}},
	},
	Streams: []grpc.StreamDesc{{
		StreamName:    "Echo",
		ServerStreams: true,
		ClientStreams: true,
		Handler: func(srv any, ss grpc.ServerStream) error {
			st := srv.(*state)
			st.streams.Add(1)
			for {
				var v wrapperspb.Int64Value
				if err := ss.RecvMsg(&v); err != nil {
					if err == io.EOF {
						return nil
					}
					return err
				}
				st.msgs.Add(1)
				if err := ss.SendMsg(wrapperspb.Int64(answer(v.Value))); err != nil {
					return err
				}
			}
		},
	}},
}

type grpcServer struct {
	s  *grpc.Server
	hs *health.Server
}

func newGRPCServer(st *state) server {
	s := grpc.NewServer()
	s.RegisterService(&grpcEcho, st)
	hs := health.NewServer()
	hs.SetServingStatus(serviceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(s, hs)
	return &grpcServer{s, hs}
}

func (g *grpcServer) serve(l net.Listener) error { return g.s.Serve(l) }

func (g *grpcServer) stop() {
	g.hs.Shutdown()
	g.s.GracefulStop()
}

type grpcClient struct {
	cc *grpc.ClientConn
}

// dialGRPC makes a channel to unix:///path. The channel connects when the first call needs it, and again
// after the connection broke, with containerd's client backoff (grpc's default, at most 3 s apart).
func dialGRPC(_ context.Context, addr string) (client, error) {
	bc := backoff.DefaultConfig
	bc.MaxDelay = 3 * time.Second
	cc, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithConnectParams(grpc.ConnectParams{Backoff: bc, MinConnectTimeout: 5 * time.Second}))
	if err != nil {
		return nil, err
	}
	return &grpcClient{cc}, nil
}

func (c *grpcClient) gen(ctx context.Context) (int64, error) {
	var v wrapperspb.Int64Value
	err := c.cc.Invoke(ctx, "/"+serviceName+"/Gen", &emptypb.Empty{}, &v, grpc.WaitForReady(true))
	return v.Value, err
}

func (c *grpcClient) quit(ctx context.Context) (int64, error) {
	var v wrapperspb.Int64Value
	err := c.cc.Invoke(ctx, "/"+serviceName+"/Quit", &emptypb.Empty{}, &v)
	return v.Value, err
}

func (c *grpcClient) echo(ctx context.Context, id, n int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, err := c.cc.NewStream(ctx, &grpcEcho.Streams[0], "/"+serviceName+"/Echo")
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

func (c *grpcClient) health(ctx context.Context, service string) (string, error) {
	r, err := healthpb.NewHealthClient(c.cc).Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		return "", status.Convert(err).Err()
	}
	return r.Status.String(), nil
}

func (c *grpcClient) broken() bool { return false }

func (c *grpcClient) close() error { return c.cc.Close() }
