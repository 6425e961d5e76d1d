//go:build genode

package podsandbox

import (
	"testing"

	imagespec "github.com/opencontainers/image-spec/specs-go/v1"
	runtimespec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"

	"github.com/containerd/containerd/v2/internal/cri/annotations"
	criconfig "github.com/containerd/containerd/v2/internal/cri/config"
)

// getRunPodSandboxTestData is genode's data for sandbox_run_test.go
// (upstream's file for other platforms leaves genode out): what the spec of
// a pod's sandbox holds on genode (sandbox_run_genode.go). The sandbox image
// needs a command; the shared tests pass the pod's annotation c=d through.
func getRunPodSandboxTestData(_ criconfig.Config) (*runtime.PodSandboxConfig, *imagespec.ImageConfig, func(*testing.T, string, *runtimespec.Spec)) {
	config := &runtime.PodSandboxConfig{
		Metadata:     &runtime.PodSandboxMetadata{Name: "pod", Uid: "pod-uid", Namespace: "pod-ns", Attempt: 1},
		Hostname:     "pod-host",
		LogDirectory: "/logs/pod",
		Annotations:  map[string]string{"c": "d"},
	}
	imageConfig := &imagespec.ImageConfig{
		Env:        []string{"PATH=/bin"},
		Entrypoint: []string{"/bin/pause"},
		WorkingDir: "/",
	}
	specCheck := func(t *testing.T, id string, spec *runtimespec.Spec) {
		assert.Equal(t, []string{"/bin/pause"}, spec.Process.Args)
		assert.Contains(t, spec.Process.Env, "PATH=/bin")
		assert.Equal(t, "/", spec.Process.Cwd)
		// the pod's hostname is a file of its containers, not a UTS name
		assert.Empty(t, spec.Hostname)
		assert.Empty(t, spec.Mounts)

		for k, v := range map[string]string{
			annotations.SandboxID:        id,
			annotations.ContainerType:    annotations.ContainerTypeSandbox,
			annotations.SandboxNamespace: "pod-ns",
			annotations.SandboxUID:       "pod-uid",
			annotations.SandboxName:      "pod",
			annotations.SandboxLogDir:    "/logs/pod",
			AnnPod:                       "yes", // runc starts the pod's sub-init with it
		} {
			assert.Equal(t, v, spec.Annotations[k], k)
		}
		assert.NotEmpty(t, spec.Annotations[AnnNetwork], "the pod's socket stack")
	}
	return config, imageConfig, specCheck
}
