//go:build genode

package server

import (
	"testing"

	imagespec "github.com/opencontainers/image-spec/specs-go/v1"
	runtimespec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"

	"github.com/containerd/containerd/v2/internal/cri/annotations"
	"github.com/containerd/containerd/v2/internal/cri/server/podsandbox"
)

// getCreateContainerTestData is genode's data for container_create_test.go
// (upstream's file for other platforms leaves genode out): what the spec of
// a genode container holds (container_create_genode.go). The shared tests
// pass the pod's annotation c=d through and add to both annotation maps.
func getCreateContainerTestData() (*runtime.ContainerConfig, *runtime.PodSandboxConfig,
	*imagespec.ImageConfig, func(*testing.T, string, string, uint32, *runtimespec.Spec)) {
	config := &runtime.ContainerConfig{
		Metadata:   &runtime.ContainerMetadata{Name: "web", Attempt: 1},
		Image:      &runtime.ImageSpec{Image: "genode/server"},
		Command:    []string{"/bin/server"},
		Args:       []string{"-port", "8080"},
		WorkingDir: "/srv",
		Envs: []*runtime.KeyValue{
			{Key: "MODE", Value: []byte("cri")},
			{Key: "PAIR", Value: []byte("a=b")},
		},
		Annotations: map[string]string{"role": "front"},
		Mounts: []*runtime.Mount{
			{ContainerPath: "/data", HostPath: "/host/data"},
			{ContainerPath: "/conf/", HostPath: "/host/conf", Readonly: true},
		},
		Linux: &runtime.LinuxContainerConfig{
			Resources: &runtime.LinuxContainerResources{MemoryLimitInBytes: 64 << 20},
		},
	}
	sandboxConfig := &runtime.PodSandboxConfig{
		Metadata:    &runtime.PodSandboxMetadata{Name: "pod", Uid: "pod-uid", Namespace: "pod-ns", Attempt: 1},
		Hostname:    "pod-host",
		Annotations: map[string]string{"c": "d"},
	}
	imageConfig := &imagespec.ImageConfig{
		Env:        []string{"PATH=/bin", "LANG=C"},
		Entrypoint: []string{"/bin/entry"},
		Cmd:        []string{"serve"},
		WorkingDir: "/",
	}
	specCheck := func(t *testing.T, id, sandboxID string, _ uint32, spec *runtimespec.Spec) {
		assert.Equal(t, []string{"/bin/server", "-port", "8080"}, spec.Process.Args)
		assert.Equal(t, "/srv", spec.Process.Cwd)
		// the image's variables, the CRI's, and the pod's hostname (a
		// component has no UTS name)
		for _, e := range []string{"PATH=/bin", "LANG=C", "MODE=cri", "PAIR=a=b", "HOSTNAME=pod-host"} {
			assert.Contains(t, spec.Process.Env, e)
		}
		assert.Empty(t, spec.Hostname)

		// mounts are bind mounts of the component's view, nothing else
		assert.Equal(t, []runtimespec.Mount{
			{Destination: "/data", Type: "bind", Source: "/host/data", Options: []string{"rbind", "rw"}},
			{Destination: "/conf", Type: "bind", Source: "/host/conf", Options: []string{"rbind", "ro"}},
		}, spec.Mounts)

		// the memory limit is the component's RAM quota
		if assert.NotNil(t, spec.Linux.Resources) && assert.NotNil(t, spec.Linux.Resources.Memory) {
			assert.EqualValues(t, 64<<20, *spec.Linux.Resources.Memory.Limit)
		}
		assert.Empty(t, spec.Linux.Namespaces)

		for k, v := range map[string]string{
			annotations.SandboxID:        sandboxID,
			annotations.ContainerType:    annotations.ContainerTypeContainer,
			annotations.SandboxNamespace: "pod-ns",
			annotations.SandboxUID:       "pod-uid",
			annotations.SandboxName:      "pod",
			annotations.ImageName:        testImageName,
			podsandbox.AnnPodOf:          sandboxID, // runc starts it in the pod's sub-init
			podsandbox.AnnNetworkOf:      sandboxID, // the stored pod has an address: its stack
		} {
			assert.Equal(t, v, spec.Annotations[k], k)
		}
	}
	return config, sandboxConfig, imageConfig, specCheck
}
