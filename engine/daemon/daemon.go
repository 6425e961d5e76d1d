// Package daemon is the engine's backend: Docker's images and containers
// kept by containerd (in one namespace, "moby" by default), and the state
// Docker has that containerd does not (a container's name, its run state and
// exit code, its log) in the engine's root directory.
package daemon

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	containerd "github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/pkg/namespaces"
	"github.com/containerd/platforms"
	"github.com/moby/moby/api/types/system"
)

// Config is how the engine reaches containerd and where it keeps its state.
type Config struct {
	Containerd  string // containerd's gRPC address ("unix" socket file)
	Namespace   string // containerd namespace of Docker's objects
	Root        string // the engine's own state
	Version     string // the engine's version
	Runtime     string // containerd runtime of the containers
	Snapshotter string
	// Bridge is the default network's subnet (a NIC router domain),
	// default 172.17.0.0/16; the router has its first address.
	Bridge string
	// RouterConfig is the NIC router's config file the engine writes
	// (its forwards of published ports); "": ports cannot be published.
	RouterConfig string
}

// Daemon serves the Engine API's backends over containerd.
type Daemon struct {
	cfg      Config
	client   *containerd.Client
	platform platforms.MatchComparer
	started  time.Time

	mu         sync.Mutex
	containers map[string]*Container // by ID
	execs      execs
	events     *eventHub

	bridge   netip.Prefix
	routerMu sync.Mutex // the router's config and the host ports in it
}

// New connects to containerd and loads the containers the engine knows.
func New(ctx context.Context, cfg Config) (*Daemon, error) {
	if cfg.Namespace == "" {
		cfg.Namespace = "moby"
	}
	if cfg.Runtime == "" {
		cfg.Runtime = "io.containerd.runc.v2"
	}
	if cfg.Snapshotter == "" {
		cfg.Snapshotter = "native"
	}
	for _, d := range []string{cfg.Root, filepath.Join(cfg.Root, "containers")} {
		if err := os.MkdirAll(d, 0o711); err != nil {
			return nil, err
		}
	}
	if cfg.Bridge == "" {
		cfg.Bridge = "172.17.0.0/16"
	}
	bridge, err := netip.ParsePrefix(cfg.Bridge)
	if err != nil || !bridge.Addr().Is4() || bridge.Bits() < 8 || bridge.Bits() > 30 {
		return nil, fmt.Errorf("bridge subnet %q: expected an IPv4 prefix from /8 to /30", cfg.Bridge)
	}
	client, err := containerd.New(cfg.Containerd, containerd.WithDefaultNamespace(cfg.Namespace),
		containerd.WithTimeout(30*time.Second))
	if err != nil {
		return nil, fmt.Errorf("connecting to containerd at %s: %w", cfg.Containerd, err)
	}
	d := &Daemon{
		cfg:        cfg,
		client:     client,
		platform:   platforms.Only(platforms.DefaultSpec()),
		started:    time.Now(),
		containers: map[string]*Container{},
		events:     newEventHub(),
		bridge:     bridge.Masked(),
	}
	if err := d.restore(d.ctx(ctx)); err != nil {
		client.Close()
		return nil, err
	}
	d.routerMu.Lock()
	err = d.writeRouterConfig()
	d.routerMu.Unlock()
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("the NIC router's config: %w", err)
	}
	return d, nil
}

// Close lets go of containerd; the containers run on.
func (d *Daemon) Close() error { return d.client.Close() }

func (d *Daemon) ctx(ctx context.Context) context.Context {
	return namespaces.WithNamespace(ctx, d.cfg.Namespace)
}

// SystemVersion is docker version's server part.
func (d *Daemon) SystemVersion(ctx context.Context) (system.VersionResponse, error) {
	v := system.VersionResponse{
		Platform:  system.PlatformInfo{Name: "Genode container engine"},
		Version:   d.cfg.Version,
		Os:        runtime.GOOS,
		Arch:      runtime.GOARCH,
		GoVersion: runtime.Version(),
		Components: []system.ComponentVersion{
			{Name: "Engine", Version: d.cfg.Version, Details: map[string]string{
				"Os": runtime.GOOS, "Arch": runtime.GOARCH, "GoVersion": runtime.Version()}},
		},
	}
	if cv, err := d.client.Version(d.ctx(ctx)); err == nil {
		v.Components = append(v.Components, system.ComponentVersion{Name: "containerd", Version: cv.Version,
			Details: map[string]string{"GitCommit": cv.Revision}})
	}
	return v, nil
}

// SystemInfo is docker info's server part.
func (d *Daemon) SystemInfo(ctx context.Context) (system.Info, error) {
	ctx = d.ctx(ctx)
	imgs, err := d.client.ImageService().List(ctx)
	if err != nil {
		return system.Info{}, err
	}
	info := system.Info{
		ID:                 "genode-engine",
		Images:             len(imgs),
		Driver:             d.cfg.Snapshotter,
		OperatingSystem:    "Genode",
		OSType:             runtime.GOOS,
		Architecture:       runtime.GOARCH,
		NCPU:               runtime.NumCPU(),
		ServerVersion:      d.cfg.Version,
		DockerRootDir:      d.cfg.Root,
		LoggingDriver:      "json-file",
		CgroupDriver:       "none",
		DefaultRuntime:     "runc",
		Runtimes:           map[string]system.RuntimeWithStatus{"runc": {Runtime: system.Runtime{Type: d.cfg.Runtime}}},
		Name:               "genode",
		SystemTime:         time.Now().Format(time.RFC3339Nano),
		IndexServerAddress: "https://index.docker.io/v1/",
		Containerd:         &system.ContainerdInfo{Address: d.cfg.Containerd, Namespaces: system.ContainerdNamespaces{Containers: d.cfg.Namespace, Plugins: d.cfg.Namespace}},
	}
	d.mu.Lock()
	for _, c := range d.containers {
		info.Containers++
		switch c.State.Status {
		case "running":
			info.ContainersRunning++
		case "paused":
			info.ContainersPaused++
		default:
			info.ContainersStopped++
		}
	}
	d.mu.Unlock()
	return info, nil
}
