package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"

	"github.com/containerd/go-cni"

	"github.com/containerd/containerd/v2/internal/cri/server/podsandbox"
)

// podNetwork is the CRI's network plugin on Genode, where CNI (plugins run
// in a network namespace) does not exist: it gives a pod an address of
// podsandbox.PodSubnet, which the pod's socket stack takes (its components'
// org.genode.network annotation). Addresses are kept as files named after
// the address and holding the pod's id, as CNI's host-local IPAM keeps them,
// so that a restarted containerd neither loses nor reuses one.
type podNetwork struct {
	dir string
	mu  sync.Mutex
}

var _ cni.CNI = (*podNetwork)(nil)

func newPodNetwork(dir string) (*podNetwork, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pod network: %w", err)
	}
	return &podNetwork{dir: dir}, nil
}

// held returns the address that id holds, if any.
func (p *podNetwork) held(id string) (netip.Addr, error) {
	es, err := os.ReadDir(p.dir)
	if err != nil {
		return netip.Addr{}, err
	}
	for _, e := range es {
		a, err := netip.ParseAddr(e.Name())
		if err != nil {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(p.dir, e.Name())); err == nil && string(bytes.TrimSpace(b)) == id {
			return a, nil
		}
	}
	return netip.Addr{}, nil
}

// Setup gives the pod id an address (the one it holds already, after a
// restart).
func (p *podNetwork) Setup(ctx context.Context, id string, path string, opts ...cni.NamespaceOpts) (*cni.Result, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, err := p.held(id)
	if err != nil {
		return nil, err
	}
	if !a.IsValid() {
		gw := podsandbox.PodGateway()
		for c := gw.Next(); c.Less(podsandbox.PodNode()); c = c.Next() {
			f, err := os.OpenFile(filepath.Join(p.dir, c.String()), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
			if errors.Is(err, os.ErrExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			_, err = f.WriteString(id + "\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(f.Name())
				return nil, err
			}
			a = c
			break
		}
		if !a.IsValid() {
			return nil, fmt.Errorf("pod network: no address of %s is free", podsandbox.PodSubnet)
		}
	}
	return &cni.Result{Interfaces: map[string]*cni.Config{
		defaultIfName: {
			IPConfigs: []*cni.IPConfig{{IP: net.IP(a.AsSlice()), Gateway: net.IP(podsandbox.PodGateway().AsSlice())}},
			Sandbox:   path,
		},
	}}, nil
}

func (p *podNetwork) SetupSerially(ctx context.Context, id string, path string, opts ...cni.NamespaceOpts) (*cni.Result, error) {
	return p.Setup(ctx, id, path, opts...)
}

// Remove frees the pod's address and its host ports; a pod without them is
// no error.
func (p *podNetwork) Remove(ctx context.Context, id string, path string, opts ...cni.NamespaceOpts) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := podsandbox.UnpublishPorts(p.dir, id); err != nil {
		return err
	}
	a, err := p.held(id)
	if err != nil || !a.IsValid() {
		return err
	}
	if err := os.Remove(filepath.Join(p.dir, a.String())); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func (p *podNetwork) Check(ctx context.Context, id string, path string, opts ...cni.NamespaceOpts) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, err := p.held(id)
	if err == nil && !a.IsValid() {
		err = fmt.Errorf("pod %s has no address", id)
	}
	return err
}

func (p *podNetwork) Load(opts ...cni.Opt) error { return nil }

func (p *podNetwork) Status() error { return nil }

func (p *podNetwork) GetConfig() *cni.ConfigResult {
	return &cni.ConfigResult{Prefix: "eth", Networks: []*cni.ConfNetwork{{IFName: defaultIfName}}}
}
