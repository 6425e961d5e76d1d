package daemon

import (
	"context"
	"fmt"
	"io"

	containerd "github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/core/images/archive"
)

// SaveImages is docker save: the images' OCI archive (with Docker's
// manifest.json), for this engine's platform; the content of other
// platforms, which a pull does not fetch, is left out.
func (d *Daemon) SaveImages(ctx context.Context, refs []string, w io.Writer) error {
	ctx = d.ctx(ctx)
	opts := []archive.ExportOpt{archive.WithPlatform(d.platform), archive.WithSkipMissing(d.client.ContentStore())}
	for _, ref := range refs {
		imgs, _, err := d.findImage(ctx, ref)
		if err != nil {
			return err
		}
		opts = append(opts, archive.WithImages(imgs))
	}
	if err := d.client.Export(ctx, w, opts...); err != nil {
		return err
	}
	for _, ref := range refs {
		d.events.publish("image", "save", ref, map[string]string{"name": ref})
	}
	return nil
}

// LoadImages is docker load: the images of an OCI or Docker archive, for
// this engine's platform, unpacked for its containers. It returns their
// names.
func (d *Daemon) LoadImages(ctx context.Context, r io.Reader) ([]string, error) {
	ctx = d.ctx(ctx)
	imgs, err := d.client.Import(ctx, r, containerd.WithImportPlatform(d.platform), containerd.WithSkipMissing())
	if err != nil {
		return nil, invalid(fmt.Errorf("loading the archive: %w", err))
	}
	if len(imgs) == 0 {
		return nil, invalid(fmt.Errorf("the archive names no image (an image the engine keeps has a name)"))
	}
	var names []string
	for _, img := range imgs {
		ci := containerd.NewImageWithPlatform(d.client, img, d.platform)
		if err := ci.Unpack(ctx, d.cfg.Snapshotter); err != nil {
			return names, fmt.Errorf("unpacking %s: %w", familiar(img.Name), err)
		}
		names = append(names, familiar(img.Name))
		d.events.publish("image", "load", img.Name, map[string]string{"name": familiar(img.Name)})
	}
	return names, nil
}
