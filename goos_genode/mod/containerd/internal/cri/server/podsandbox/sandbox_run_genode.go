package podsandbox

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"

	imagespec "github.com/opencontainers/image-spec/specs-go/v1"
	runtimespec "github.com/opencontainers/runtime-spec/specs-go"
	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"

	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/containerd/containerd/v2/internal/cri/annotations"
	customopts "github.com/containerd/containerd/v2/internal/cri/opts"
	ctrdutil "github.com/containerd/containerd/v2/internal/cri/util"
	"github.com/containerd/containerd/v2/pkg/oci"
)

// sandboxContainerSpec is the spec of a pod's sandbox container on Genode: a
// component that holds the pod's socket stack and serves it to the pod's
// containers as a File_system session (on Genode the sandbox image's program
// is a vfs server; the genode pause image's does nothing, and the model
// gives the pod's containers the stack the session names), so that the pod
// has an address as long as it runs. The pod's host ports are forwarded to
// that address.
func (c *Controller) sandboxContainerSpec(id string, config *runtime.PodSandboxConfig, imageConfig *imagespec.ImageConfig, nsPath string, runtimePodAnnotations []string) (*runtimespec.Spec, error) {
	args := append(append([]string{}, imageConfig.Entrypoint...), imageConfig.Cmd...)
	if len(args) == 0 {
		return nil, fmt.Errorf("sandbox image %q has no command", c.getSandboxImageName())
	}
	opts := []oci.SpecOpts{
		oci.WithProcessArgs(args...),
		oci.WithEnv(imageConfig.Env),
		// the pod is a sub-init that the sandbox starts and its
		// containers join: one quota, ended as a whole
		customopts.WithAnnotation(AnnPod, "yes"),
	}
	if imageConfig.WorkingDir != "" {
		opts = append(opts, oci.WithProcessCwd(imageConfig.WorkingDir))
	}
	if nsPath == "" {
		return nil, fmt.Errorf("namespace_options.network NODE: a Genode component has no host stack to share (each component's IP stack is its own); a pod gets an address of the pods' network %s", PodSubnet)
	}
	net, err := c.podNetworkAnnotation(id)
	if err != nil {
		return nil, err
	}
	// the pod's one stack: runc has it served in the pod's sub-init, to
	// the sandbox and the pod's containers
	opts = append(opts, customopts.WithAnnotation(AnnNetwork, net))
	// the pod network plugin cannot see the port mappings (go-cni keeps a
	// namespace's capabilities to itself): they are forwarded here, and
	// dropped with the pod's address
	ip, _ := netip.ParseAddr(c.store.Get(id).Metadata.IP)
	if err := PublishPorts(PodNetworkDir(c.config.RootDir), id, ip, config.GetPortMappings()); err != nil {
		return nil, err
	}
	for k, v := range ctrdutil.GetPassthroughAnnotations(config.Annotations, runtimePodAnnotations) {
		opts = append(opts, customopts.WithAnnotation(k, v))
	}
	opts = append(opts, annotations.DefaultCRIAnnotations(id, "", c.getSandboxImageName(), config, true)...)
	return c.runtimeSpec(id, opts...)
}

// podNetworkAnnotation is the socket stack of the pod id, at the address the
// pod network gave it.
func (c *Controller) podNetworkAnnotation(id string) (string, error) {
	sb := c.store.Get(id)
	if sb == nil || sb.Metadata.IP == "" {
		return "", fmt.Errorf("pod %s has no address of the pod network", id)
	}
	return NetworkAnnotation(sb.Metadata.IP)
}

func (c *Controller) sandboxContainerSpecOpts(config *runtime.PodSandboxConfig, imageConfig *imagespec.ImageConfig) ([]oci.SpecOpts, error) {
	return []oci.SpecOpts{}, nil
}

// setupSandboxFiles writes the pod's hostname, hosts and resolv.conf into
// the sandbox's root directory; each container of the pod sees them as
// read-only files of its /etc (ROM modules on Genode). There is no host
// resolv.conf to copy: without a DNS config the pod has none.
func (c *Controller) setupSandboxFiles(id string, config *runtime.PodSandboxConfig) error {
	dir := c.getSandboxRootDir(id)
	hostname := config.GetHostname()
	if hostname == "" {
		hostname = config.GetMetadata().GetName()
	}
	if err := c.os.WriteFile(filepath.Join(dir, "hostname"), []byte(hostname+"\n"), 0o644); err != nil {
		return fmt.Errorf("failed to write the pod's hostname: %w", err)
	}
	hosts := "127.0.0.1\tlocalhost\n"
	if sb := c.store.Get(id); sb != nil && sb.Metadata.IP != "" {
		hosts += sb.Metadata.IP + "\t" + hostname + "\n"
	}
	if err := c.os.WriteFile(filepath.Join(dir, "hosts"), []byte(hosts), 0o644); err != nil {
		return fmt.Errorf("failed to write the pod's hosts: %w", err)
	}
	if dns := config.GetDnsConfig(); dns != nil {
		var b strings.Builder
		if len(dns.Searches) > 0 {
			fmt.Fprintf(&b, "search %s\n", strings.Join(dns.Searches, " "))
		}
		for _, s := range dns.Servers {
			fmt.Fprintf(&b, "nameserver %s\n", s)
		}
		if len(dns.Options) > 0 {
			fmt.Fprintf(&b, "options %s\n", strings.Join(dns.Options, " "))
		}
		if err := c.os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte(b.String()), 0o644); err != nil {
			return fmt.Errorf("failed to write the pod's resolv.conf: %w", err)
		}
	}
	return nil
}

// cleanupSandboxFiles: the files go with the sandbox's root directory.
func (c *Controller) cleanupSandboxFiles(id string, config *runtime.PodSandboxConfig) error {
	return nil
}

func sandboxSnapshotterOpts(config *runtime.PodSandboxConfig) ([]snapshots.Opt, error) {
	return []snapshots.Opt{}, nil
}
