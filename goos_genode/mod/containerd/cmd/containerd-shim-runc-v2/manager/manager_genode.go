//go:build genode

// The shim manager on Genode. On Linux `start` forks the long-lived shim and
// the shim makes itself a subreaper's child, so that it outlives containerd.
// A Genode component's forked child ends with its parent (libc fork.cc), so
// here `start` asks a dynamic init, a sibling of containerd, to start the
// shim: it adds a <start> node to the shims' init config and waits until the
// shim serves its socket. The shim then lives as long as that init, whatever
// becomes of containerd. An ended shim's node stays until `start` or `delete`
// (Stop) sweeps the nodes of exited shims. What the shim may see (its VFS, routes, quota) is
// the system integrator's: the node is made from <shims>/shim.start, a
// <start> template, to which `start` adds the name, arguments, environment
// and working directory. <shims> is the directory "shims" beside the
// runtime's task directory, the init's config and report there as runc has
// them (init.config, init.state).
package manager

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	bootapi "github.com/containerd/containerd/api/runtime/bootstrap/v1"
	"github.com/containerd/containerd/api/types"
	"github.com/containerd/containerd/api/types/runc/options"
	"github.com/containerd/containerd/v2/defaults"
	"github.com/containerd/containerd/v2/pkg/namespaces"
	"github.com/containerd/containerd/v2/pkg/shim"
	"github.com/containerd/containerd/v2/version"
	"github.com/containerd/errdefs"
	runcC "github.com/containerd/go-runc"
	"github.com/containerd/log"
	"github.com/containerd/typeurl/v2"
	"github.com/opencontainers/runtime-spec/specs-go/features"

	"genodego/sandbox/container"
	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// NewShimManager returns the shim manager.
func NewShimManager(name string) shim.Shim {
	return &manager{name: name}
}

var groupLabels = []string{
	"io.containerd.runc.v2.group",
	"io.kubernetes.cri.sandbox-id",
}

type manager struct {
	name string
}

func (m manager) Name() string { return m.name }

// shimsDir is the shims' init directory for the bundle in cwd
// (<state>/io.containerd.runtime.v2.task/<ns>/<id>).
func shimsDir(bundle string) string {
	return filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(bundle))), "shims")
}

// TemplateFile is the name of the <start> template in the shims' directory.
const TemplateFile = "shim.start"

// childName is the init's name of the shim of a group: init's names are
// labels, so only a safe alphabet is kept.
func childName(ns, grouping string) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
				return r
			}
			return '_'
		}, s)
	}
	n := "shim." + clean(ns) + "." + clean(grouping)
	if len(n) > initcfg.MaxName {
		// init keeps 63 characters of a name: the rest becomes a digest
		sum := sha256.Sum256([]byte(n))
		n = n[:initcfg.MaxName-16] + "-" + hex.EncodeToString(sum[:])[:15]
	}
	return n
}

func (m manager) Start(ctx context.Context, opts *bootapi.BootstrapParams) (_ *bootapi.BootstrapResult, retErr error) {
	// containerd takes the start's combined output for the shim's address:
	// a warning goes with the error, and without one it is dropped
	var warnings []string
	container.Warn = func(msg string) { warnings = append(warnings, msg) }
	defer func() {
		if retErr != nil && len(warnings) > 0 {
			retErr = fmt.Errorf("%w (%s)", retErr, strings.Join(warnings, "; "))
		}
	}()
	params := &bootapi.BootstrapResult{Version: 3, Protocol: "ttrpc"}
	ns, err := namespaces.NamespaceRequired(ctx)
	if err != nil {
		return nil, err
	}
	id := opts.GetInstanceID()
	bundle, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	group := grouping(bundle, id)
	socketDir := opts.GetSocketDir()
	if socketDir == "" {
		socketDir = filepath.Join(defaults.DefaultStateDir, "s")
	}
	address, err := shim.CreateSocketAddress(ctx, socketDir, opts.GetContainerdGrpcAddress(), group, false)
	if err != nil {
		return nil, err
	}
	if shim.CanConnect(address) {
		params.Address = address
		return params, nil
	}
	socketPath := strings.TrimPrefix(address, "unix://")
	os.Remove(socketPath)

	dir := shimsDir(bundle)
	start, err := shimStart(dir, childName(ns, group), bundle, []string{
		"containerd-shim-runc-v2",
		"-namespace", ns,
		"-id", id,
		"-address", opts.GetContainerdGrpcAddress(),
		"-socket", socketPath,
	}, opts.GetLogLevel() <= bootapi.LogLevel_LOG_LEVEL_DEBUG)
	if err != nil {
		return nil, err
	}
	// Shims of groups that ended are removed first, so that the init's
	// config does not grow with every container ever run.
	if err := container.RemoveExited(dir, "shim."); err != nil {
		container.Warn("removing ended shims: " + err.Error())
	}
	if err := container.AddStart(dir, start); err != nil {
		return nil, fmt.Errorf("starting the shim as a child of the shims' init (%s): %w", dir, err)
	}
	defer func() {
		if retErr != nil {
			container.RemoveStart(dir, start.Name)
		}
	}()
	// ten containers started at once on two cores take their shims' starts
	// past half a minute on the model
	const serveTimeout = 60 * time.Second
	deadline := time.Now().Add(serveTimeout)
	for !shim.CanConnect(address) {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the shim %s did not serve %s within %v (is the shims' init running? %s)",
				start.Name, address, serveTimeout, filepath.Join(dir, container.InitState))
		}
		time.Sleep(10 * time.Millisecond)
	}
	params.Address = address
	return params, nil
}

// shimStart makes the shim's <start> node from the template.
func shimStart(dir, name, cwd string, args []string, debug bool) (*initcfg.Start, error) {
	tmpl := filepath.Join(dir, TemplateFile)
	data, err := os.ReadFile(tmpl)
	if err != nil {
		return nil, fmt.Errorf("the shims' <start> template: %w", err)
	}
	n, err := node.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tmpl, err)
	}
	if n.Type != "start" {
		return nil, fmt.Errorf("%s: want a <start> node, not <%s>", tmpl, n.Type)
	}
	cfg, err := initcfg.FromNode(node.New("config").Add(n))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tmpl, err)
	}
	s := cfg.Starts[0]
	s.Name = name
	if s.Config == nil {
		s.Config = &initcfg.ChildConfig{}
	}
	if debug {
		args = append(args, "-debug")
	}
	s.Config.Args = args
	for _, e := range os.Environ() {
		k, v, _ := strings.Cut(e, "=")
		s.Config.Env = append(s.Config.Env, initcfg.EnvVar{Name: k, Value: v})
	}
	if s.Config.Libc == nil {
		s.Config.Libc = &initcfg.Libc{}
	}
	s.Config.Libc.Set("cwd", cwd)
	return s, nil
}

func (manager) Stop(ctx context.Context, id string) (shim.StopStatus, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return shim.StopStatus{}, err
	}
	path := filepath.Join(filepath.Dir(cwd), id)
	r := &runcC.Runc{Root: filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(path))), "runc")}
	if data, err := os.ReadFile(filepath.Join(path, "options.json")); err == nil {
		var o options.Options
		if json.Unmarshal(data, &o) == nil {
			if o.Root != "" {
				r.Root = o.Root
			}
			r.Command = o.BinaryName
		}
	}
	if err := r.Delete(ctx, id, &runcC.DeleteOpts{Force: true}); err != nil {
		log.G(ctx).WithError(err).Warn("failed to remove runc container")
	}
	sweepShims(ctx, path, id)
	return shim.StopStatus{ExitedAt: time.Now(), ExitStatus: 128 + 9}, nil
}

// sweepShims removes the <start> nodes of shims that have exited, once the
// shim of the container in bundle has: containerd runs Stop when a shim's
// connection closes, which is as the shim exits; init reports the exit a
// moment later.
func sweepShims(ctx context.Context, bundle, id string) {
	ns, err := namespaces.NamespaceRequired(ctx)
	if err != nil {
		return
	}
	dir := shimsDir(bundle)
	name := childName(ns, grouping(bundle, id))
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if st, err := container.ReadState(dir); err != nil || st.Child(name) == nil || st.Child(name).Exited != nil {
			break
		}
	}
	if err := container.RemoveExited(dir, "shim."); err != nil {
		log.G(ctx).WithError(err).Warn("removing ended shims")
	}
}

// grouping is the shim group of the container in bundle: the value of the
// first group label its config has, else its id.
func grouping(bundle, id string) string {
	data, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		return id
	}
	var s struct {
		Annotations map[string]string `json:"annotations"`
	}
	if json.Unmarshal(data, &s) == nil {
		for _, g := range groupLabels {
			if v, ok := s.Annotations[g]; ok {
				return v
			}
		}
	}
	return id
}

func (m manager) Info(ctx context.Context, optionsR io.Reader) (*types.RuntimeInfo, error) {
	info := &types.RuntimeInfo{
		Name:    m.name,
		Version: &types.RuntimeVersion{Version: version.Version, Revision: version.Revision},
	}
	binaryName := runcC.DefaultCommand
	opts, err := shim.ReadRuntimeOptions[*options.Options](optionsR)
	if err != nil && !errors.Is(err, errdefs.ErrNotFound) {
		return nil, fmt.Errorf("failed to read runtime options (*options.Options): %w", err)
	}
	if opts != nil {
		if info.Options, err = typeurl.MarshalAnyToProto(opts); err != nil {
			return nil, err
		}
		if opts.BinaryName != "" {
			binaryName = opts.BinaryName
		}
	}
	absBinary, err := exec.LookPath(binaryName)
	if err != nil {
		return nil, fmt.Errorf("failed to look up the path of %q: %w", binaryName, err)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, absBinary, "features")
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err == nil {
		var feat features.Features
		if json.Unmarshal(out, &feat) == nil {
			if info.Features, err = typeurl.MarshalAnyToProto(&feat); err != nil {
				return nil, err
			}
		}
	} else {
		log.G(ctx).WithError(err).Debugf("runc features: %s", stderr.String())
	}
	return info, nil
}
