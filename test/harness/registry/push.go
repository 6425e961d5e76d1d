package registry

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// PushArchive puts the images of an OCI image layout archive (make images
// writes them) into the registry at addr under every name its index.json
// gives them (io.containerd.image.name), the name's registry host dropped:
// "gcr.io/k8s-staging-cri-tools/test-image-tags:1" is pushed as
// k8s-staging-cri-tools/test-image-tags:1, which a mirror of any registry on
// addr then serves. It pushes the blobs, every manifest and index by digest,
// then each name's tag, and returns the names pushed as HOST:PORT/PATH:TAG.
func PushArchive(addr, archive string) ([]string, error) {
	blobs, indexJSON, err := readLayout(archive)
	if err != nil {
		return nil, err
	}
	var layout struct {
		Manifests []struct {
			MediaType   string
			Digest      string
			Annotations map[string]string
		}
	}
	if err := json.Unmarshal(indexJSON, &layout); err != nil {
		return nil, fmt.Errorf("%s: index.json: %v", archive, err)
	}
	var pushed []string
	for _, m := range layout.Manifests {
		name := m.Annotations["io.containerd.image.name"]
		if name == "" {
			return nil, fmt.Errorf("%s: index.json entry %s has no io.containerd.image.name", archive, m.Digest)
		}
		path, tag, err := repoTag(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", archive, err)
		}
		repo := "http://" + addr + "/v2/" + path
		if err := pushTree(repo, blobs, m.Digest, m.MediaType); err != nil {
			return nil, fmt.Errorf("%s: %s: %v", archive, name, err)
		}
		if err := put(repo+"/manifests/"+tag, m.MediaType, blobs[m.Digest]); err != nil {
			return nil, err
		}
		pushed = append(pushed, addr+"/"+path+":"+tag)
	}
	return pushed, nil
}

// repoTag splits an image name into its path without the registry host and
// its tag.
func repoTag(name string) (string, string, error) {
	i := strings.LastIndex(name, ":")
	if i < 0 || i < strings.LastIndex(name, "/") || i == len(name)-1 {
		return "", "", fmt.Errorf("image name %q has no tag", name)
	}
	p, tag := name[:i], name[i+1:]
	if host, rest, found := strings.Cut(p, "/"); found && (strings.ContainsAny(host, ".:") || host == "localhost") {
		p = rest
	}
	return p, tag, nil
}

// pushTree pushes the index or manifest d and everything it refers to,
// children first.
func pushTree(repo string, blobs map[string][]byte, d, mediaType string) error {
	data, ok := blobs[d]
	if !ok {
		return fmt.Errorf("blob %s missing", d)
	}
	var doc struct {
		Manifests []struct{ MediaType, Digest string }
		Config    struct{ Digest string }
		Layers    []struct{ Digest string }
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %v", d, err)
	}
	for _, m := range doc.Manifests {
		if err := pushTree(repo, blobs, m.Digest, m.MediaType); err != nil {
			return err
		}
	}
	for _, b := range append([]struct{ Digest string }{doc.Config}, doc.Layers...) {
		if b.Digest == "" {
			continue
		}
		if err := pushBlob(repo, b.Digest, blobs[b.Digest]); err != nil {
			return err
		}
	}
	return put(repo+"/manifests/"+d, mediaType, data)
}

func readLayout(archive string) (map[string][]byte, []byte, error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	blobs := map[string][]byte{}
	var indexJSON []byte
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", archive, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, nil, err
		}
		if h.Name == "index.json" {
			indexJSON = data
		} else if d, ok := strings.CutPrefix(h.Name, "blobs/sha256/"); ok {
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != d {
				return nil, nil, fmt.Errorf("%s: blob %s does not match its digest", archive, d)
			}
			blobs["sha256:"+d] = data
		}
	}
	if indexJSON == nil {
		return nil, nil, fmt.Errorf("%s: no index.json", archive)
	}
	return blobs, indexJSON, nil
}

// PushBlob uploads blob d to repository URL repo (http://HOST:PORT/v2/PATH)
// unless the registry has it.
func PushBlob(repo, d string, data []byte) error { return pushBlob(repo, d, data) }

func pushBlob(repo, d string, data []byte) error {
	if data == nil {
		return fmt.Errorf("blob %s missing", d)
	}
	if resp, err := http.Head(repo + "/blobs/" + d); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
	}
	resp, err := http.Post(repo+"/blobs/uploads/", "", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("POST %s/blobs/uploads/: %s", repo, resp.Status)
	}
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil {
		return err
	}
	q := loc.Query()
	q.Set("digest", d)
	loc.RawQuery = q.Encode()
	return put(loc.String(), "application/octet-stream", data)
}

// Put puts data of mediaType at URL u (a manifest by digest or tag) and
// wants 201 Created.
func Put(u, mediaType string, data []byte) error { return put(u, mediaType, data) }

func put(u, mediaType string, data []byte) error {
	req, err := http.NewRequest(http.MethodPut, u, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", mediaType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		p, _ := url.Parse(u)
		return fmt.Errorf("PUT %s: %s: %s", p.Path, resp.Status, body)
	}
	return nil
}
