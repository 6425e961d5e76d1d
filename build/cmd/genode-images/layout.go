package main

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Annotations of the index.json entry: containerd's import takes the image's name from the
// first and falls back to the second (core/images/archive, client/import.go).
const (
	annotationImageName = "io.containerd.image.name"
	annotationRefName   = "org.opencontainers.image.ref.name"
)

// writeLayout writes idx as an OCI image layout in a tar archive at path, its index.json naming it
// by each of refs (one entry per name, all of the one index), and returns the archive's size. Members
// are sorted and carry fixed times.
func writeLayout(path string, refs []string, idx v1.ImageIndex) (int64, error) {
	blobs := map[string][]byte{}
	if err := collect(idx, blobs); err != nil {
		return 0, err
	}
	raw, err := idx.RawManifest()
	if err != nil {
		return 0, err
	}
	d, err := idx.Digest()
	if err != nil {
		return 0, err
	}
	var named []v1.Descriptor
	for _, ref := range refs {
		tag := ref[strings.LastIndex(ref, ":")+1:]
		named = append(named, v1.Descriptor{
			MediaType:   types.OCIImageIndex,
			Digest:      d,
			Size:        int64(len(raw)),
			Annotations: map[string]string{annotationImageName: ref, annotationRefName: tag},
		})
	}
	top, err := json.Marshal(v1.IndexManifest{
		SchemaVersion: 2,
		MediaType:     types.OCIImageIndex,
		Manifests:     named,
	})
	if err != nil {
		return 0, err
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return 0, err
	}
	defer os.Remove(path + ".tmp")
	defer f.Close()
	tw := tar.NewWriter(f)
	file := func(n string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: n, Mode: 0o644, Size: int64(len(data)), ModTime: epoch}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	dir := func(n string) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: n, Mode: 0o755, ModTime: epoch})
	}
	if err := file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return 0, err
	}
	if err := file("index.json", top); err != nil {
		return 0, err
	}
	if err := dir("blobs/"); err != nil {
		return 0, err
	}
	if err := dir("blobs/sha256/"); err != nil {
		return 0, err
	}
	keys := make([]string, 0, len(blobs))
	for k := range blobs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := file("blobs/sha256/"+k, blobs[k]); err != nil {
			return 0, err
		}
	}
	if err := tw.Close(); err != nil {
		return 0, err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	return size, os.Rename(path+".tmp", path)
}

// collect adds idx's manifest and everything it references to blobs (sha256 hex -> bytes).
func collect(idx v1.ImageIndex, blobs map[string][]byte) error {
	raw, err := idx.RawManifest()
	if err != nil {
		return err
	}
	if err := put(blobs, raw); err != nil {
		return err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, desc := range m.Manifests {
		if !desc.MediaType.IsImage() {
			return fmt.Errorf("index entry %s: media type %s, want an image", desc.Digest, desc.MediaType)
		}
		img, err := idx.Image(desc.Digest)
		if err != nil {
			return err
		}
		for _, get := range []func() ([]byte, error){img.RawManifest, img.RawConfigFile} {
			b, err := get()
			if err != nil {
				return err
			}
			if err := put(blobs, b); err != nil {
				return err
			}
		}
		layers, err := img.Layers()
		if err != nil {
			return err
		}
		for _, l := range layers {
			rc, err := l.Compressed()
			if err != nil {
				return err
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return err
			}
			if err := put(blobs, b); err != nil {
				return err
			}
		}
	}
	return nil
}

func put(blobs map[string][]byte, b []byte) error {
	h, _, err := v1.SHA256(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	blobs[h.Hex] = b
	return nil
}
