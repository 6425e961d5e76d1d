package server

import (
	"fmt"
	"os"
	"path"
	"path/filepath"

	imagespec "github.com/opencontainers/image-spec/specs-go/v1"
	runtimespec "github.com/opencontainers/runtime-spec/specs-go"
	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"

	"github.com/containerd/containerd/v2/internal/cri/annotations"
	criconfig "github.com/containerd/containerd/v2/internal/cri/config"
	customopts "github.com/containerd/containerd/v2/internal/cri/opts"
	"github.com/containerd/containerd/v2/internal/cri/server/podsandbox"
	"github.com/containerd/containerd/v2/internal/cri/util"
	"github.com/containerd/containerd/v2/pkg/oci"
)

func init() { buildGenodeSpec = genodeSpec }

// genodeSpec is the spec of a container of a genode image: a component whose
// view is its rootfs and mounts, on its pod's socket stack. What the CRI asks
// of it that Genode has no equivalent for is refused by name.
func genodeSpec(
	c *criService,
	sandboxID string,
	containerName string,
	imageName string,
	config *runtime.ContainerConfig,
	sandboxConfig *runtime.PodSandboxConfig,
	imageConfig *imagespec.ImageConfig,
	extraMounts []*runtime.Mount,
	ociRuntime criconfig.Runtime,
) ([]oci.SpecOpts, error) {
	specOpts := []oci.SpecOpts{customopts.WithProcessArgs(config, imageConfig)}
	if config.GetWorkingDir() != "" {
		specOpts = append(specOpts, oci.WithProcessCwd(config.GetWorkingDir()))
	} else if imageConfig.WorkingDir != "" {
		specOpts = append(specOpts, oci.WithProcessCwd(imageConfig.WorkingDir))
	}
	if config.GetTty() {
		specOpts = append(specOpts, oci.WithTTY)
	}

	sandboxDir := c.getSandboxRootDir(sandboxID)
	hostname := sandboxConfig.GetHostname()
	if b, err := os.ReadFile(filepath.Join(sandboxDir, "hostname")); err == nil {
		hostname = string(b[:len(b)-min(len(b), 1)])
	}
	env := append([]string{}, imageConfig.Env...)
	if hostname != "" {
		env = append(env, "HOSTNAME="+hostname)
	}
	for _, e := range config.GetEnvs() {
		env = append(env, e.GetKey()+"="+string(e.GetValue()))
	}
	specOpts = append(specOpts, oci.WithEnv(env))

	mounts, err := genodeMounts(sandboxDir, append(append([]*runtime.Mount{}, config.GetMounts()...), extraMounts...))
	if err != nil {
		return nil, err
	}
	specOpts = append(specOpts, oci.WithMounts(mounts))

	sb, err := c.sandboxStore.Get(sandboxID)
	if err != nil {
		return nil, fmt.Errorf("pod %s: %w", sandboxID, err)
	}
	specOpts = append(specOpts, customopts.WithAnnotation(podsandbox.AnnPodOf, sandboxID))
	if sb.IP != "" {
		// the pod's one stack, served in the pod's sub-init
		specOpts = append(specOpts, customopts.WithAnnotation(podsandbox.AnnNetworkOf, sandboxID))
	}
	if limit := config.GetLinux().GetResources().GetMemoryLimitInBytes(); limit > 0 {
		// the component's RAM quota
		specOpts = append(specOpts, oci.WithMemoryLimit(uint64(limit)))
	}

	for k, v := range util.GetPassthroughAnnotations(sandboxConfig.Annotations, ociRuntime.PodAnnotations) {
		specOpts = append(specOpts, customopts.WithAnnotation(k, v))
	}
	for k, v := range util.GetPassthroughAnnotations(config.Annotations, ociRuntime.ContainerAnnotations) {
		specOpts = append(specOpts, customopts.WithAnnotation(k, v))
	}
	return append(specOpts, annotations.DefaultCRIAnnotations(sandboxID, containerName, imageName, sandboxConfig, false)...), nil
}

// genodeMounts are the container's mounts as bind mounts of its view, and
// the pod's hostname, hosts and resolv.conf (those the sandbox has) as
// read-only files of /etc, unless the container mounts its own.
func genodeMounts(sandboxDir string, ms []*runtime.Mount) ([]runtimespec.Mount, error) {
	var out []runtimespec.Mount
	taken := map[string]bool{}
	for i, m := range ms {
		if m.GetPropagation() != runtime.MountPropagation_PROPAGATION_PRIVATE {
			return nil, fmt.Errorf("mounts[%d] (%s): propagation %s: a Genode file-system session has no mount events to propagate", i, m.GetContainerPath(), m.GetPropagation())
		}
		// selinux_relabel asks nothing of a system without SELinux labels,
		// as on a Linux host with SELinux disabled
		if len(m.GetUidMappings()) > 0 || len(m.GetGidMappings()) > 0 {
			return nil, fmt.Errorf("mounts[%d] (%s): uid/gid mappings: Genode's file systems have no owners", i, m.GetContainerPath())
		}
		if m.GetImage() != nil && m.GetHostPath() == "" {
			// mutateMounts gives an image volume its host path (the
			// snapshot's directory, container_image_mount_genode.go)
			return nil, fmt.Errorf("mounts[%d] (%s): image volume %q has no directory", i, m.GetContainerPath(), m.GetImage().GetImage())
		}
		opt := "rw"
		if m.GetReadonly() {
			opt = "ro"
		}
		dst := path.Clean(m.GetContainerPath())
		taken[dst] = true
		out = append(out, runtimespec.Mount{Destination: dst, Type: "bind", Source: m.GetHostPath(), Options: []string{"rbind", opt}})
	}
	for _, f := range []string{"hostname", "hosts", "resolv.conf"} {
		src := filepath.Join(sandboxDir, f)
		if _, err := os.Stat(src); err != nil || taken["/etc/"+f] {
			continue
		}
		out = append(out, runtimespec.Mount{Destination: "/etc/" + f, Type: "bind", Source: src, Options: []string{"rbind", "ro"}})
	}
	return out, nil
}
