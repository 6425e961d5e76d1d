package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	containerd "github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/containerd/v2/core/remotes/docker"
	"github.com/containerd/errdefs"
	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/image"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// NormalizeRef is Docker's full name of ref: "hello" is
// "docker.io/library/hello:latest", a name without tag or digest gets
// ":latest".
func NormalizeRef(ref string) (string, error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", invalid(fmt.Errorf("invalid reference format: %q: %w", ref, err))
	}
	return reference.TagNameOnly(named).String(), nil
}

// familiar is the name as Docker shows it ("hello:latest").
func familiar(name string) string {
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return name
	}
	return reference.FamiliarString(named)
}

// imageConfig is an image's config for this engine's platform.
func (d *Daemon) imageConfig(ctx context.Context, img images.Image) (ocispec.Descriptor, ocispec.Image, error) {
	cs := d.client.ContentStore()
	desc, err := images.Config(ctx, cs, img.Target, d.platform)
	if err != nil {
		if errdefs.IsNotFound(err) {
			return desc, ocispec.Image{}, notFound(fmt.Errorf("image %s has no manifest for %s: %w", familiar(img.Name), platforms.Format(platforms.DefaultSpec()), err))
		}
		return desc, ocispec.Image{}, err
	}
	data, err := readContent(ctx, cs, desc)
	if err != nil {
		return desc, ocispec.Image{}, err
	}
	var cfg ocispec.Image
	if err := json.Unmarshal(data, &cfg); err != nil {
		return desc, cfg, err
	}
	return desc, cfg, nil
}

// findImage is the image ref names: a name (normalized), an image ID
// ("sha256:..." or a prefix of its hex) or a digest reference.
func (d *Daemon) findImage(ctx context.Context, ref string) ([]images.Image, string, error) {
	is := d.client.ImageService()
	if name, err := NormalizeRef(ref); err == nil {
		if img, err := is.Get(ctx, name); err == nil {
			desc, _, err := d.imageConfig(ctx, img)
			if err != nil {
				return nil, "", err
			}
			return []images.Image{img}, desc.Digest.String(), nil
		}
	}
	id := strings.TrimPrefix(ref, "sha256:")
	if len(id) >= 3 && isHex(id) {
		all, err := is.List(ctx)
		if err != nil {
			return nil, "", err
		}
		var found []images.Image
		var foundID string
		for _, img := range all {
			desc, _, err := d.imageConfig(ctx, img)
			if err != nil {
				continue
			}
			if strings.HasPrefix(desc.Digest.Encoded(), id) {
				if foundID != "" && foundID != desc.Digest.String() {
					return nil, "", invalid(fmt.Errorf("image ID prefix %s is ambiguous", ref))
				}
				found, foundID = append(found, img), desc.Digest.String()
			}
		}
		if len(found) > 0 {
			return found, foundID, nil
		}
	}
	return nil, "", notFound(fmt.Errorf("No such image: %s", ref))
}

func isHex(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// Images is docker images.
func (d *Daemon) Images(ctx context.Context) ([]image.Summary, error) {
	ctx = d.ctx(ctx)
	all, err := d.client.ImageService().List(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*image.Summary{}
	var order []string
	for _, img := range all {
		desc, cfg, err := d.imageConfig(ctx, img)
		if err != nil {
			continue // not for this platform
		}
		id := desc.Digest.String()
		s := byID[id]
		if s == nil {
			s = &image.Summary{ID: id, Containers: -1, Labels: cfg.Config.Labels, RepoTags: []string{}, RepoDigests: []string{}}
			if cfg.Created != nil {
				s.Created = cfg.Created.Unix()
			}
			ci := containerd.NewImageWithPlatform(d.client, img, d.platform)
			if size, err := ci.Size(ctx); err == nil {
				s.Size = size
			}
			target := img.Target
			s.Descriptor = &target
			byID[id] = s
			order = append(order, id)
		}
		if named, err := reference.ParseNormalizedNamed(img.Name); err == nil {
			if _, ok := named.(reference.Digested); ok {
				s.RepoDigests = append(s.RepoDigests, named.String())
				continue
			}
			s.RepoTags = append(s.RepoTags, reference.FamiliarString(named))
			s.RepoDigests = append(s.RepoDigests, reference.FamiliarName(named)+"@"+img.Target.Digest.String())
		}
	}
	out := make([]image.Summary, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created > out[j].Created })
	return out, nil
}

// ImageInspect is docker image inspect.
func (d *Daemon) ImageInspect(ctx context.Context, ref string) (image.InspectResponse, error) {
	ctx = d.ctx(ctx)
	imgs, id, err := d.findImage(ctx, ref)
	if err != nil {
		return image.InspectResponse{}, err
	}
	_, cfg, err := d.imageConfig(ctx, imgs[0])
	if err != nil {
		return image.InspectResponse{}, err
	}
	r := image.InspectResponse{ID: id, RepoTags: []string{}, RepoDigests: []string{}, Architecture: cfg.Architecture,
		Os: cfg.OS, Variant: cfg.Variant, Author: cfg.Author}
	if cfg.Created != nil {
		r.Created = cfg.Created.Format(time.RFC3339Nano)
	}
	r.Config = dockerConfig(cfg)
	r.RootFS = image.RootFS{Type: cfg.RootFS.Type}
	for _, l := range cfg.RootFS.DiffIDs {
		r.RootFS.Layers = append(r.RootFS.Layers, l.String())
	}
	all, _ := d.client.ImageService().List(ctx)
	for _, img := range all {
		desc, _, err := d.imageConfig(ctx, img)
		if err != nil || desc.Digest.String() != id {
			continue
		}
		if named, err := reference.ParseNormalizedNamed(img.Name); err == nil {
			if _, ok := named.(reference.Digested); !ok {
				r.RepoTags = append(r.RepoTags, reference.FamiliarString(named))
			}
			r.RepoDigests = append(r.RepoDigests, reference.FamiliarName(named)+"@"+img.Target.Digest.String())
		}
		if r.Size == 0 {
			if size, err := containerd.NewImageWithPlatform(d.client, img, d.platform).Size(ctx); err == nil {
				r.Size = size
			}
		}
		target := img.Target
		r.Descriptor = &target
	}
	return r, nil
}

// TagImage is docker tag: target names the image source names.
func (d *Daemon) TagImage(ctx context.Context, source, target string) error {
	ctx = d.ctx(ctx)
	imgs, _, err := d.findImage(ctx, source)
	if err != nil {
		return err
	}
	name, err := NormalizeRef(target)
	if err != nil {
		return err
	}
	is := d.client.ImageService()
	img := images.Image{Name: name, Target: imgs[0].Target, Labels: imgs[0].Labels}
	if _, err := is.Create(ctx, img); err != nil {
		if !errdefs.IsAlreadyExists(err) {
			return err
		}
		if _, err := is.Update(ctx, img, "target"); err != nil {
			return err
		}
	}
	d.events.publish("image", "tag", name, map[string]string{"name": familiar(name)})
	return nil
}

// ImageDelete is docker rmi: a name is untagged, and the image deleted once
// no name is left; an ID deletes every name (force needed for more than
// one). An image a container was created from is kept unless forced.
func (d *Daemon) ImageDelete(ctx context.Context, ref string, force bool) ([]image.DeleteResponse, error) {
	ctx = d.ctx(ctx)
	imgs, id, err := d.findImage(ctx, ref)
	if err != nil {
		return nil, err
	}
	byName := false
	if name, err := NormalizeRef(ref); err == nil && len(imgs) == 1 && imgs[0].Name == name {
		byName = true
	}
	all, err := d.client.ImageService().List(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, img := range all {
		if desc, _, err := d.imageConfig(ctx, img); err == nil && desc.Digest.String() == id {
			names = append(names, img.Name)
		}
	}
	if !byName && len(names) > 1 && !force {
		return nil, conflict(fmt.Errorf("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", short(id)))
	}
	last := !byName || len(names) == 1
	if last && !force {
		d.mu.Lock()
		for _, c := range d.containers {
			if c.ImageID == id {
				d.mu.Unlock()
				return nil, conflict(fmt.Errorf("conflict: unable to delete %s (must be forced) - image is being used by container %s", strings.TrimPrefix(ref, "sha256:"), short(c.ID)))
			}
		}
		d.mu.Unlock()
	}
	del := names
	if byName {
		del = []string{imgs[0].Name}
	}
	var out []image.DeleteResponse
	for i, n := range del {
		var opts []images.DeleteOpt
		if last && i == len(del)-1 {
			opts = append(opts, images.SynchronousDelete())
		}
		if err := d.client.ImageService().Delete(ctx, n, opts...); err != nil && !errdefs.IsNotFound(err) {
			return out, err
		}
		out = append(out, image.DeleteResponse{Untagged: familiar(n)})
		d.events.publish("image", "untag", id, map[string]string{"name": familiar(n)})
	}
	if last {
		out = append(out, image.DeleteResponse{Deleted: id})
		d.events.publish("image", "delete", id, map[string]string{"name": familiar(del[0])})
	}
	return out, nil
}

func short(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// PullProgress is one line of a pull's progress, as docker pull prints it.
type PullProgress struct {
	Status string `json:"status,omitempty"`
	ID     string `json:"id,omitempty"`
}

// PullImage is docker pull: ref from its registry, for this engine's
// platform, unpacked for the containers. Registries on the loopback are
// spoken to over plain HTTP, as Docker's default insecure registries
// (127.0.0.0/8) are.
func (d *Daemon) PullImage(ctx context.Context, ref string, progress func(PullProgress)) error {
	ctx = d.ctx(ctx)
	name, err := NormalizeRef(ref)
	if err != nil {
		return err
	}
	named, _ := reference.ParseNormalizedNamed(name)
	tag := "latest"
	if t, ok := named.(reference.Tagged); ok {
		tag = t.Tag()
	}
	if dg, ok := named.(reference.Digested); ok {
		tag = dg.Digest().String()
	}
	progress(PullProgress{Status: "Pulling from " + reference.FamiliarName(named), ID: tag})
	resolver := docker.NewResolver(docker.ResolverOptions{Hosts: docker.ConfigureDefaultRegistries(
		docker.WithPlainHTTP(docker.MatchLocalhost))})
	img, err := d.client.Pull(ctx, name,
		containerd.WithResolver(resolver),
		containerd.WithPlatformMatcher(d.platform),
		containerd.WithPullUnpack,
		containerd.WithPullSnapshotter(d.cfg.Snapshotter))
	if err != nil {
		if errors.Is(err, images.ErrEmptyWalk) || strings.Contains(err.Error(), "no match for platform") {
			return notFound(fmt.Errorf("no matching manifest for %s in the manifest list entries: %w", platforms.Format(platforms.DefaultSpec()), err))
		}
		return err
	}
	progress(PullProgress{Status: "Digest: " + img.Target().Digest.String()})
	progress(PullProgress{Status: "Status: Downloaded newer image for " + familiar(name)})
	d.events.publish("image", "pull", familiar(name), map[string]string{"name": familiar(name)})
	return nil
}
