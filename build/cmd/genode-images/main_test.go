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
		for _, dir := range []string{"test/hello", "test/images/server", "test/rootfs/toolbox", "test/images/pause"} {
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
	if _, err := writeLayout(p1, []string{LocalName("mixed")}, idx); err != nil {
		t.Fatal(err)
	}
	if _, err := writeLayout(p2, []string{LocalName("mixed")}, idx); err != nil {
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

// criBuilt is the -cri set built with fake programs: each mirror path's index.
func criBuilt(t *testing.T) map[string]v1.ImageIndex {
	t.Helper()
	b := fake()
	built := map[string]v1.ImageIndex{}
	for _, c := range criSet {
		idx, err := c.build(b)
		if err != nil {
			t.Fatal(c.names, err)
		}
		for _, m := range c.mirrors() {
			if built[m] != nil {
				t.Errorf("%s: two images", m)
			}
			built[m] = idx
		}
	}
	return built
}

// configs are an index's per-platform config files by platform and its image ids (config digests,
// which containerd's CRI reports as the image's id), in index order.
func configs(t *testing.T, idx v1.ImageIndex) (map[string]*v1.ConfigFile, []v1.Hash) {
	t.Helper()
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	cfs := map[string]*v1.ConfigFile{}
	var ids []v1.Hash
	for _, desc := range m.Manifests {
		img, err := idx.Image(desc.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		id, err := img.ConfigName()
		if err != nil {
			t.Fatal(err)
		}
		cfs[desc.Platform.OS+"/"+desc.Platform.Architecture] = cf
		ids = append(ids, id)
	}
	return cfs, ids
}

// layerFile is the content of file n in image's only layer, and whether it is there.
func layerFile(t *testing.T, idx v1.ImageIndex, n string) (string, bool) {
	t.Helper()
	m, _ := idx.IndexManifest()
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := img.Layers()
	rc, err := ls[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err != nil {
			return "", false
		}
		if h.Name == n {
			b, _ := io.ReadAll(tr)
			return string(b), true
		}
	}
}

// The names critest pulls map to the mirror paths containerd asks the one registry for.
func TestCRINames(t *testing.T) {
	for full, want := range map[string]string{
		"gcr.io/k8s-staging-cri-tools/test-image-tags:1":   "k8s-staging-cri-tools/test-image-tags:1",
		"registry.k8s.io/pause:3.9":                        "pause:3.9",
		"k8s.gcr.io/pause:3.9":                             "pause:3.9",
		"registry.k8s.io/e2e-test-images/busybox:1.29-2":   "e2e-test-images/busybox:1.29-2",
		"gcr.io/k8s-staging-cri-tools/test-image-tag:test": "k8s-staging-cri-tools/test-image-tag:test",
	} {
		if got := Mirror(full); got != want {
			t.Errorf("Mirror(%s) = %s, want %s", full, got, want)
		}
	}
	built := criBuilt(t)
	for _, want := range []string{
		"k8s-staging-cri-tools/test-image-latest:latest", "k8s-staging-cri-tools/test-image-digest:latest",
		"k8s-staging-cri-tools/test-image-tag:test", "k8s-staging-cri-tools/test-image-tag:all",
		"k8s-staging-cri-tools/test-image-1:latest", "k8s-staging-cri-tools/test-image-2:latest",
		"k8s-staging-cri-tools/test-image-3:latest", "k8s-staging-cri-tools/test-image-tags:1",
		"k8s-staging-cri-tools/test-image-tags:2", "k8s-staging-cri-tools/test-image-tags:3",
		"k8s-staging-cri-tools/test-image-user-uid:latest", "k8s-staging-cri-tools/test-image-user-username:latest",
		"k8s-staging-cri-tools/test-image-user-uid-group:latest", "k8s-staging-cri-tools/test-image-user-username-group:latest",
		"k8s-staging-cri-tools/test-image-predefined-group:latest", "pause:3.9", "pause:3.10.2",
		"e2e-test-images/busybox:1.29-2", "e2e-test-images/nginx:1.14-2",
	} {
		if built[want] == nil {
			t.Errorf("no image %s", want)
		}
	}
	if len(built) != 19 {
		t.Errorf("%d mirror paths, want 19", len(built))
	}
	files := map[string]bool{}
	for _, c := range criSet {
		if files[c.file()] {
			t.Errorf("two images in archive %s", c.file())
		}
		files[c.file()] = true
	}
}

// What critest's image specs compare: different images (different ids), one image under several
// tags (one index digest), the users; and every image a deterministic genode index.
func TestCRIImages(t *testing.T) {
	built := criBuilt(t)
	again := criBuilt(t)
	for m, idx := range built {
		d1, _ := idx.Digest()
		d2, _ := again[m].Digest()
		if d1 != d2 {
			t.Errorf("%s: two builds give %s and %s", m, d1, d2)
		}
		cfs, _ := configs(t, idx)
		if len(cfs) != 2 || cfs["genode/amd64"] == nil || cfs["genode/arm64"] == nil {
			t.Errorf("%s: platforms %v", m, cfs)
		}
		for _, cf := range cfs {
			if len(cf.Config.Cmd)+len(cf.Config.Entrypoint) == 0 {
				t.Errorf("%s: no command", m)
			}
		}
	}
	digest := func(m string) v1.Hash {
		d, err := built[m].Digest()
		if err != nil {
			t.Fatal(m, err)
		}
		return d
	}
	const reg = "k8s-staging-cri-tools/"
	// listImage should get exactly 3 image, status of all kinds of references, ...: pairwise different
	// images, and so different ids on every platform.
	different := []string{reg + "test-image-1:latest", reg + "test-image-2:latest", reg + "test-image-3:latest",
		reg + "test-image-latest:latest", reg + "test-image-digest:latest", reg + "test-image-tag:test",
		reg + "test-image-tag:all", reg + "test-image-tags:1", "pause:3.9", "pause:3.10.2"}
	ids := map[v1.Hash]string{}
	for _, m := range different {
		_, is := configs(t, built[m])
		for _, id := range is {
			if other, ok := ids[id]; ok {
				t.Errorf("%s and %s share the image id %s", m, other, id)
			}
			ids[id] = m
		}
	}
	// listImage should get exactly 3 repoTags in the result image: one image.
	if d1, d2, d3 := digest(reg+"test-image-tags:1"), digest(reg+"test-image-tags:2"), digest(reg+"test-image-tags:3"); d1 != d2 || d1 != d3 {
		t.Errorf("test-image-tags: %s %s %s, want one image", d1, d2, d3)
	}
	// image status get image fields should not have Uid|Username empty.
	for m, user := range map[string]string{
		reg + "test-image-user-uid:latest":            "1002",
		reg + "test-image-user-username:latest":       "www-data",
		reg + "test-image-user-uid-group:latest":      "1003:1004",
		reg + "test-image-user-username-group:latest": "www-data:1004",
		reg + "test-image-predefined-group:latest":    "1000",
	} {
		cfs, _ := configs(t, built[m])
		for plat, cf := range cfs {
			if cf.Config.User != user {
				t.Errorf("%s %s: User %q, want %q", m, plat, cf.Config.User, user)
			}
		}
	}
	if pw, _ := layerFile(t, built[reg+"test-image-user-username:latest"], "etc/passwd"); !strings.Contains(pw, "\nwww-data:x:33:33:") {
		t.Errorf("test-image-user-username's /etc/passwd has no www-data:\n%s", pw)
	}
	pw, _ := layerFile(t, built[reg+"test-image-predefined-group:latest"], "etc/passwd")
	gr, _ := layerFile(t, built[reg+"test-image-predefined-group:latest"], "etc/group")
	if !strings.Contains(pw, "\ndefault-user:x:1000:1000:") || !strings.Contains(gr, "\ngroup-defined-in-image:x:50000:default-user\n") {
		t.Errorf("test-image-predefined-group: passwd\n%sgroup\n%s", pw, gr)
	}
	if _, ok := layerFile(t, built[reg+"test-image-tag:test"], "test"); !ok {
		t.Error("test-image-tag:test has no /test")
	}
	// critest's default image is the toolbox; its web server serves on port 80.
	toolbox, err := catalog["toolbox"](fake())
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := toolbox.Digest(); d != digest("e2e-test-images/busybox:1.29-2") {
		t.Error("e2e-test-images/busybox is not the toolbox image")
	}
	cfs, _ := configs(t, built["e2e-test-images/nginx:1.14-2"])
	for plat, cf := range cfs {
		if !slices.Equal(cf.Config.Cmd, []string{"-addr", ":80"}) || cf.Config.Entrypoint[0] != "/bin/server" {
			t.Errorf("nginx %s: %v %v", plat, cf.Config.Entrypoint, cf.Config.Cmd)
		}
	}
	cfs, _ = configs(t, built["pause:3.9"])
	if cf := cfs["genode/amd64"]; !slices.Equal(cf.Config.Entrypoint, []string{"/bin/pause"}) {
		t.Errorf("pause: entrypoint %v", cf.Config.Entrypoint)
	}
}

// An image with several names is one archive whose index.json names the one index once per name.
func TestCRILayout(t *testing.T) {
	var tags criImage
	for _, c := range criSet {
		if len(c.names) == 3 {
			tags = c
		}
	}
	idx, err := tags.build(fake())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), tags.file()+".oci.tar")
	if _, err := writeLayout(path, tags.names, idx); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var top v1.IndexManifest
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatal("no index.json", err)
		}
		if h.Name == "index.json" {
			if err := json.NewDecoder(tr).Decode(&top); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	d, _ := idx.Digest()
	var names []string
	for _, m := range top.Manifests {
		if m.Digest != d {
			t.Errorf("%s names %s", m.Annotations[annotationImageName], m.Digest)
		}
		names = append(names, m.Annotations[annotationImageName]+" "+m.Annotations[annotationRefName])
	}
	want := []string{"gcr.io/k8s-staging-cri-tools/test-image-tags:1 1", "gcr.io/k8s-staging-cri-tools/test-image-tags:2 2",
		"gcr.io/k8s-staging-cri-tools/test-image-tags:3 3"}
	if !slices.Equal(names, want) {
		t.Errorf("index.json names %v, want %v", names, want)
	}
	if tags.file() != "k8s-staging-cri-tools_test-image-tags_1" {
		t.Errorf("archive %s", tags.file())
	}
	for reg, want := range map[string]string{"127.0.0.1:5000": "127.0.0.1:5000/pause:3.9", "localhost:5000": "localhost:5000/pause:3.9"} {
		ref, err := registryRef(reg, "pause:3.9")
		if err != nil || ref.String() != want || ref.Context().Registry.Scheme() != "http" {
			t.Errorf("%s: %v %v", reg, ref, err)
		}
	}
}
