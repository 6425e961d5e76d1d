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
	"github.com/containerd/containerd/v2/core/remotes"
	"github.com/containerd/containerd/v2/core/remotes/docker"
	"github.com/containerd/errdefs"
	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/registry"
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
	Status string      `json:"status,omitempty"`
	ID     string      `json:"id,omitempty"`
	Aux    *PushResult `json:"aux,omitempty"`
}

// PushResult is the aux record docker push reads for each tag it pushed.
type PushResult struct {
	Tag    string
	Digest string
	Size   int64
}

// resolver speaks to registries on the loopback over plain HTTP, as
// Docker's default insecure registries (127.0.0.0/8) are, with the
// client's credentials when it sent any.
func resolver(auth *registry.AuthConfig) remotes.Resolver {
	opts := []docker.RegistryOpt{docker.WithPlainHTTP(docker.MatchLocalhost)}
	if auth != nil && (auth.Username != "" || auth.Password != "" || auth.IdentityToken != "") {
		opts = append(opts, docker.WithAuthorizer(docker.NewDockerAuthorizer(
			docker.WithAuthCreds(func(string) (string, string, error) {
				if auth.IdentityToken != "" {
					return "", auth.IdentityToken, nil
				}
				return auth.Username, auth.Password, nil
			}))))
	}
	return docker.NewResolver(docker.ResolverOptions{Hosts: docker.ConfigureDefaultRegistries(opts...)})
}

// PullImage is docker pull: ref from its registry, for this engine's
// platform, unpacked for the containers. Registries on the loopback are
// spoken to over plain HTTP, as Docker's default insecure registries
// (127.0.0.0/8) are.
func (d *Daemon) PullImage(ctx context.Context, ref string, auth *registry.AuthConfig, progress func(PullProgress)) error {
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
	img, err := d.client.Pull(ctx, name,
		containerd.WithResolver(resolver(auth)),
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

// PushImage is docker push: repository ref at tag, or every tag of the
// repository when tag is empty, to its registry. Only the content of this
// engine's platform is in its store, so only that is pushed.
func (d *Daemon) PushImage(ctx context.Context, ref, tag string, auth *registry.AuthConfig, progress func(PullProgress)) error {
	ctx = d.ctx(ctx)
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return invalid(fmt.Errorf("invalid reference format: %w", err))
	}
	if _, ok := named.(reference.Digested); ok {
		return invalid(fmt.Errorf("docker push %s: a digest is not a tag to push", ref))
	}
	repo := reference.TrimNamed(named)
	if t, ok := named.(reference.Tagged); ok && tag == "" {
		tag = t.Tag()
	}
	var names []string
	if tag != "" {
		t, err := reference.WithTag(repo, tag)
		if err != nil {
			return invalid(err)
		}
		names = []string{t.String()}
	} else {
		all, err := d.client.ImageService().List(ctx)
		if err != nil {
			return err
		}
		for _, img := range all {
			if n, err := reference.ParseNormalizedNamed(img.Name); err == nil && reference.TrimNamed(n).String() == repo.String() {
				if _, ok := n.(reference.Tagged); ok {
					names = append(names, img.Name)
				}
			}
		}
		sort.Strings(names)
	}
	if len(names) == 0 {
		return notFound(fmt.Errorf("An image does not exist locally with the tag: %s", reference.FamiliarString(repo)))
	}
	progress(PullProgress{Status: "The push refers to repository [" + repo.String() + "]"})
	for _, name := range names {
		img, err := d.client.ImageService().Get(ctx, name)
		if err != nil {
			if errdefs.IsNotFound(err) {
				return notFound(fmt.Errorf("An image does not exist locally with the tag: %s", familiar(name)))
			}
			return err
		}
		var layers []string
		walk := images.HandlerFunc(func(_ context.Context, desc ocispec.Descriptor) ([]ocispec.Descriptor, error) {
			if images.IsLayerType(desc.MediaType) {
				layers = append(layers, desc.Digest.Encoded())
			}
			return nil, nil
		})
		target, err := d.pushTarget(ctx, img.Target)
		if err != nil {
			return err
		}
		if err := d.client.Push(ctx, name, target,
			containerd.WithResolver(resolver(auth)),
			containerd.WithPlatformMatcher(d.platform),
			containerd.WithImageHandler(walk)); err != nil {
			return err
		}
		for _, l := range layers {
			progress(PullProgress{Status: "Pushed", ID: short(l)})
		}
		t := "latest"
		if n, err := reference.ParseNormalizedNamed(name); err == nil {
			if tg, ok := n.(reference.Tagged); ok {
				t = tg.Tag()
			}
		}
		progress(PullProgress{Status: fmt.Sprintf("%s: digest: %s size: %d", t, target.Digest, target.Size)})
		progress(PullProgress{Aux: &PushResult{Tag: t, Digest: target.Digest.String(), Size: target.Size}})
		d.events.publish("image", "push", familiar(name), map[string]string{"name": familiar(name)})
	}
	return nil
}

// pushTarget is what a push of target sends: the image itself, or, when it
// is an index of which the store lacks other platforms' content (a pull
// fetches only this engine's), this platform's manifest alone; a registry
// refuses an index whose manifests it does not have.
func (d *Daemon) pushTarget(ctx context.Context, target ocispec.Descriptor) (ocispec.Descriptor, error) {
	if !images.IsIndexType(target.MediaType) {
		return target, nil
	}
	cs := d.client.ContentStore()
	missing := false
	walk := images.HandlerFunc(func(ctx context.Context, desc ocispec.Descriptor) ([]ocispec.Descriptor, error) {
		if _, err := cs.Info(ctx, desc.Digest); err != nil {
			if errdefs.IsNotFound(err) {
				missing = true
				return nil, nil
			}
			return nil, err
		}
		return images.Children(ctx, cs, desc)
	})
	if err := images.Walk(ctx, walk, target); err != nil || !missing {
		return target, err
	}
	children, err := images.Children(ctx, cs, target)
	if err != nil {
		return target, err
	}
	for _, c := range children {
		if images.IsManifestType(c.MediaType) && c.Platform != nil && d.platform.Match(*c.Platform) {
			return c, nil
		}
	}
	return target, notFound(fmt.Errorf("the image has no manifest for %s to push", platforms.Format(platforms.DefaultSpec())))
}
