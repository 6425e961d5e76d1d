package registry

import "testing"

func TestRepoTag(t *testing.T) {
	for name, want := range map[string][2]string{
		"gcr.io/k8s-staging-cri-tools/test-image-tags:1": {"k8s-staging-cri-tools/test-image-tags", "1"},
		"registry.k8s.io/pause:3.10.2":                   {"pause", "3.10.2"},
		"127.0.0.1:5000/genode/hello:latest":             {"genode/hello", "latest"},
		"localhost/x:y":                                  {"x", "y"},
		"genode/hello:latest":                            {"genode/hello", "latest"},
	} {
		p, tag, err := repoTag(name)
		if err != nil || p != want[0] || tag != want[1] {
			t.Errorf("repoTag(%q) = %q, %q, %v; want %q, %q", name, p, tag, err, want[0], want[1])
		}
	}
	if _, _, err := repoTag("gcr.io/x/y"); err == nil {
		t.Errorf("repoTag of a name without a tag: no error")
	}
}
