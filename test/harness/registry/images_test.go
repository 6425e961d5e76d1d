package registry

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The images genode-images makes, pushed to a real registry: every tag is there, the indexes hold
// the platforms they should with configs that say so, and a second build gives the same digests.
func TestImagesPushed(t *testing.T) {
	need(t)
	top, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"_build/goroot/bin/go", "_build/bin/genode-elfcheck"} {
		if _, err := os.Stat(filepath.Join(top, f)); err != nil {
			t.Fatalf("%s is missing: make toolchain elfcheck (make images builds both)", f)
		}
	}
	tmp := t.TempDir()
	tool := filepath.Join(tmp, "genode-images")
	build := exec.Command("go", "build", "-o", tool, "genodego/build/cmd/genode-images")
	build.Dir = top
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building genode-images: %v\n%s", err, out)
	}
	r, err := Start(filepath.Join(tmp, "registry"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := r.Stop(); err != nil {
			t.Error(err)
		}
		gone(t, r)
	}()

	first := images(t, tool, top, "-out", filepath.Join(tmp, "1"), "-push", r.Addr())
	second := images(t, tool, top, "-out", filepath.Join(tmp, "2"))
	names := []string{"hello", "server", "toolbox", "mixed", "linux-only"}
	for _, n := range names {
		if first[n] == "" || first[n] != second[n] {
			t.Errorf("%s: digests %q and %q, want one, the same twice", n, first[n], second[n])
		}
	}

	var catalog struct{ Repositories []string }
	get(t, r, "/v2/_catalog", "", &catalog)
	for _, n := range names {
		if !slices.Contains(catalog.Repositories, "genode/"+n) {
			t.Errorf("catalog %v lacks genode/%s", catalog.Repositories, n)
		}
		var tags struct{ Tags []string }
		get(t, r, "/v2/genode/"+n+"/tags/list", "", &tags)
		if !slices.Contains(tags.Tags, "latest") {
			t.Errorf("genode/%s: tags %v, want latest", n, tags.Tags)
		}
	}

	want := map[string][]string{
		"hello":      {"genode/amd64", "genode/arm64"},
		"server":     {"genode/amd64", "genode/arm64"},
		"toolbox":    {"genode/amd64", "genode/arm64"},
		"mixed":      {"linux/amd64", "genode/amd64", "genode/arm64"},
		"linux-only": {"linux/amd64"},
	}
	for _, n := range names {
		var idx index
		d := get(t, r, "/v2/genode/"+n+"/manifests/latest", mediaIndex, &idx)
		if d != first[n] {
			t.Errorf("%s: registry has %s, genode-images printed %s", n, d, first[n])
		}
		var plats []string
		for _, m := range idx.Manifests {
			p := m.Platform.OS + "/" + m.Platform.Architecture
			plats = append(plats, p)
			if m.MediaType != mediaManifest {
				t.Errorf("%s %s: media type %s", n, p, m.MediaType)
			}
			var mf manifest
			get(t, r, "/v2/genode/"+n+"/manifests/"+m.Digest, mediaManifest, &mf)
			var cfg imageConfig
			get(t, r, "/v2/genode/"+n+"/blobs/"+mf.Config.Digest, "", &cfg)
			if cfg.OS+"/"+cfg.Architecture != p {
				t.Errorf("%s %s: config says %s/%s", n, p, cfg.OS, cfg.Architecture)
			}
			if !slices.Equal(cfg.Config.Env, []string{"PATH=/bin"}) {
				t.Errorf("%s %s: Env %v", n, p, cfg.Config.Env)
			}
			if n == "hello" {
				if !slices.Equal(cfg.Config.Cmd, []string{"/bin/hello"}) {
					t.Errorf("hello %s: Cmd %v", p, cfg.Config.Cmd)
				}
				if typ := member(t, r, n, mf.Layers[0].Digest, "bin/hello"); typ != tar.TypeReg {
					t.Errorf("hello %s: bin/hello has type %q, want a regular file", p, typ)
				}
			}
		}
		if !slices.Equal(plats, want[n]) {
			t.Errorf("%s: platforms %v, want %v", n, plats, want[n])
		}
	}
}

const (
	mediaIndex    = "application/vnd.oci.image.index.v1+json"
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
)

type descriptor struct {
	MediaType string
	Digest    string
	Platform  struct {
		OS           string
		Architecture string
	}
}

type index struct{ Manifests []descriptor }

type manifest struct {
	Config descriptor
	Layers []descriptor
}

type imageConfig struct {
	OS           string
	Architecture string
	Config       struct{ Env, Cmd, Entrypoint []string }
}

// images runs genode-images and returns each image's index digest from its lines.
func images(t *testing.T, tool, top string, args ...string) map[string]string {
	t.Helper()
	cmd := exec.Command(tool, append([]string{"-top", top}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("genode-images %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
	}
	t.Logf("genode-images %s:\n%s", strings.Join(args, " "), out)
	d := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(l); len(f) >= 2 {
			d[f[0]] = f[1]
		}
	}
	return d
}

// get fetches path from the registry (Accept: accept), decodes JSON into v and returns the
// Docker-Content-Digest header.
func get(t *testing.T, r *Registry, path, accept string, v any) string {
	t.Helper()
	resp := fetch(t, r, path, accept)
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.Header.Get("Docker-Content-Digest")
}

func fetch(t *testing.T, r *Registry, path, accept string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+r.Addr()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("GET %s: %s\n%s", path, resp.Status, body)
	}
	return resp
}

// member returns the tar type of name in the gzip layer blob d of repository genode/n.
func member(t *testing.T, r *Registry, n, d, name string) byte {
	t.Helper()
	resp := fetch(t, r, "/v2/genode/"+n+"/blobs/"+d, "")
	defer resp.Body.Close()
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			t.Fatal(fmt.Errorf("layer %s has no %s", d, name))
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Name == name {
			return h.Typeflag
		}
	}
}
