package container

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genodego/sandbox/oci"
)

// checkPod places a container by its annotations: in its own pod as a
// sandbox or with a stack of its own (served by socket_fs), in another's
// pod, or in the containers' init; and refuses what cannot be.
func TestCheckPod(t *testing.T) {
	root := t.TempDir()
	record := func(id string, st State) {
		os.MkdirAll(filepath.Join(root, id), 0o700)
		data, _ := json.Marshal(st)
		os.WriteFile(filepath.Join(root, id, "state.json"), data, 0o600)
	}
	record("sb", State{Pod: "sb", StackServer: stackServerName})
	record("plain", State{})
	stack := "lxip | ip_addr: 10.88.0.2 | netmask: 255.255.0.0"
	for _, c := range []struct {
		id                string
		ann               map[string]string
		pod, server, fail string
	}{
		{id: "a", ann: nil},
		{id: "sb2", ann: map[string]string{oci.AnnPod: "yes"}, pod: "sb2"},
		{id: "sb3", ann: map[string]string{oci.AnnPod: "yes", oci.AnnNetwork: stack}, pod: "sb3", server: stackServerName},
		{id: "web", ann: map[string]string{oci.AnnNetwork: stack}, pod: "web", server: stackServerName},
		{id: "srv", ann: map[string]string{oci.AnnNetwork: stack, oci.AnnNetworkServer: "yes"}},
		{id: "m", ann: map[string]string{oci.AnnPodOf: "sb", oci.AnnNetworkOf: "sb"}, pod: "sb", server: stackServerName},
		{id: "m", ann: map[string]string{oci.AnnPodOf: "none"}, fail: `no pod's sandbox "none" here`},
		{id: "m", ann: map[string]string{oci.AnnPodOf: "plain"}, fail: `container "plain" is not a pod's sandbox`},
		{id: "m", ann: map[string]string{oci.AnnPodOf: "sb", oci.AnnNetwork: stack}, fail: "shares the pod's socket stack"},
		{id: "m", ann: map[string]string{oci.AnnNetworkOf: "sb"}, fail: "serves its socket stack in pod sb, not in this container's the containers' init"},
		{id: "m", ann: map[string]string{oci.AnnNetworkOf: "none"}, fail: `no container "none" serves its socket stack here`},
		{id: stackServerName, ann: map[string]string{oci.AnnNetwork: stack}, fail: "the name of the socket stack's server"},
	} {
		pod, server, err := checkPod(root, c.id, c.ann)
		switch {
		case c.fail != "":
			var ref *oci.RefusedError
			if err == nil || !strings.Contains(err.Error(), c.fail) || !errors.As(err, &ref) && !errors.Is(err, ErrInvalidID) {
				t.Errorf("%s %v: %v, want a refusal with %q", c.id, c.ann, err, c.fail)
			}
		case err != nil:
			t.Errorf("%s %v: %v", c.id, c.ann, err)
		case pod != c.pod || server != c.server:
			t.Errorf("%s %v: pod %q, server %q; want %q, %q", c.id, c.ann, pod, server, c.pod, c.server)
		}
	}
}
