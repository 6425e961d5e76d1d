package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// fake is a builder whose programs are already "built", so no toolchain is needed.
func fake() *builder {
	b := &builder{built: map[string][]byte{}}
	for _, p := range []v1.Platform{genodeAmd64, genodeArm64, linuxAmd64} {
		for _, dir := range []string{"test/hello", "test/images/server", "test/rootfs/toolbox"} {
			b.built[dir+" "+p.OS+"/"+p.Architecture] = []byte("\x7fELF " + dir + " " + p.OS + "/" + p.Architecture)
		}
	}
	return b
}

func TestIndexes(t *testing.T) {
	for _, n := range names() {
		idx, err := catalog[n](fake())
		if err != nil {
			t.Fatal(n, err)
		}
		again, err := catalog[n](fake())
		if err != nil {
			t.Fatal(n, err)
		}
		d1, _ := idx.Digest()
		d2, _ := again.Digest()
		if d1 != d2 {
			t.Errorf("%s: two builds give %s and %s", n, d1, d2)
		}
		m, err := idx.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		if m.MediaType != types.OCIImageIndex {
			t.Errorf("%s: index media type %s", n, m.MediaType)
		}
		var plats []string
		for _, desc := range m.Manifests {
			plats = append(plats, desc.Platform.OS+"/"+desc.Platform.Architecture)
			img, err := idx.Image(desc.Digest)
			if err != nil {
				t.Fatal(err)
			}
			cf, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			if cf.OS != desc.Platform.OS || cf.Architecture != desc.Platform.Architecture {
				t.Errorf("%s: config %s/%s under %s/%s", n, cf.OS, cf.Architecture, desc.Platform.OS, desc.Platform.Architecture)
			}
			if !slices.Equal(cf.Config.Env, []string{"PATH=/bin"}) || len(cf.Config.Cmd)+len(cf.Config.Entrypoint) == 0 {
				t.Errorf("%s: config %+v", n, cf.Config)
			}
			mf, _ := img.Manifest()
			if mf.MediaType != types.OCIManifestSchema1 || mf.Config.MediaType != types.OCIConfigJSON || mf.Layers[0].MediaType != types.OCILayer {
				t.Errorf("%s: media types %s %s %s", n, mf.MediaType, mf.Config.MediaType, mf.Layers[0].MediaType)
			}
			checkLayer(t, n, img)
		}
		want := map[string][]string{
			"mixed":      {"linux/amd64", "genode/amd64", "genode/arm64"},
			"linux-only": {"linux/amd64"},
		}[n]
		if want == nil {
			want = []string{"genode/amd64", "genode/arm64"}
		}
		if !slices.Equal(plats, want) {
			t.Errorf("%s: platforms %v, want %v", n, plats, want)
		}
	}
}

// checkLayer: sorted names, fixed time, owner 0, the program a regular file under bin/.
func checkLayer(t *testing.T, n string, img v1.Image) {
	t.Helper()
	ls, err := img.Layers()
	if err != nil || len(ls) != 1 {
		t.Fatalf("%s: layers %d, %v", n, len(ls), err)
	}
	rc, err := ls[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	var prev string
	regular := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Name < prev {
			t.Errorf("%s: %s after %s", n, h.Name, prev)
		}
		prev = h.Name
		if !h.ModTime.Equal(epoch) || h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s: %s: mtime %v owner %d:%d", n, h.Name, h.ModTime, h.Uid, h.Gid)
		}
		if h.Typeflag == tar.TypeReg && filepath.Dir(h.Name) == "bin" {
			regular++
		}
	}
	if regular != 1 {
		t.Errorf("%s: %d regular files in bin/, want the program", n, regular)
	}
}

func TestLayout(t *testing.T) {
	dir := t.TempDir()
	idx, err := catalog["mixed"](fake())
	if err != nil {
		t.Fatal(err)
	}
	p1, p2 := filepath.Join(dir, "1.tar"), filepath.Join(dir, "2.tar")
	if _, err := writeLayout(p1, LocalName("mixed"), idx); err != nil {
		t.Fatal(err)
	}
	if _, err := writeLayout(p2, LocalName("mixed"), idx); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(p1)
	b, _ := os.ReadFile(p2)
	if !bytes.Equal(a, b) {
		t.Error("two archives of one index differ")
	}
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(a))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		if h.Typeflag == tar.TypeReg {
			files[h.Name] = data
		}
	}
	if string(files["oci-layout"]) != `{"imageLayoutVersion":"1.0.0"}` {
		t.Errorf("oci-layout %q", files["oci-layout"])
	}
	for n, data := range files {
		if hexd, ok := strings.CutPrefix(n, "blobs/sha256/"); ok {
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) != hexd {
				t.Errorf("%s holds another digest", n)
			}
		}
	}
	var top v1.IndexManifest
	if err := json.Unmarshal(files["index.json"], &top); err != nil {
		t.Fatal(err)
	}
	d, _ := idx.Digest()
	if len(top.Manifests) != 1 || top.Manifests[0].Digest != d ||
		top.Manifests[0].Annotations[annotationImageName] != "genode.local/mixed:latest" ||
		top.Manifests[0].Annotations[annotationRefName] != "latest" {
		t.Fatalf("index.json %s", files["index.json"])
	}
	// Every blob the index reaches is in the archive: index, 3 manifests, 3 configs, 3 layers.
	if n := len(files) - 2; n != 10 {
		t.Errorf("%d blobs, want 10", n)
	}
	var gz []byte
	m, _ := idx.IndexManifest()
	img, _ := idx.Image(m.Manifests[0].Digest)
	mf, _ := img.Manifest()
	gz = files["blobs/sha256/"+mf.Layers[0].Digest.Hex]
	if _, err := gzip.NewReader(bytes.NewReader(gz)); err != nil {
		t.Errorf("layer: %v", err)
	}
}

func TestPushRef(t *testing.T) {
	for reg, scheme := range map[string]string{"127.0.0.1:5000": "http", "localhost:5000": "http", "registry.example:443": "https"} {
		ref, err := PushRef(reg, "hello")
		if err != nil {
			t.Fatal(err)
		}
		if ref.String() != reg+"/genode/hello:latest" || ref.Context().Registry.Scheme() != scheme {
			t.Errorf("%s: %s over %s", reg, ref, ref.Context().Registry.Scheme())
		}
	}
}
