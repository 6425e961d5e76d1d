package daemon

import (
	"context"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
)

// ContainersPrune is docker container prune: every container that does not
// run is removed.
func (d *Daemon) ContainersPrune(ctx context.Context, filters map[string][]string) (container.PruneReport, error) {
	if err := onlyLabelFilters(filters); err != nil {
		return container.PruneReport{}, err
	}
	list, err := d.Containers(ctx, true, filters)
	if err != nil {
		return container.PruneReport{}, err
	}
	r := container.PruneReport{ContainersDeleted: []string{}}
	for _, s := range list {
		if s.State == container.StateRunning {
			continue
		}
		if err := d.RemoveContainer(ctx, s.ID, false); err != nil {
			if errdefs.IsNotFound(err) || errdefs.IsConflict(err) {
				continue
			}
			return r, err
		}
		r.ContainersDeleted = append(r.ContainersDeleted, s.ID)
	}
	d.events.publish("container", "prune", "", nil)
	return r, nil
}

func onlyLabelFilters(f map[string][]string) error {
	for k := range f {
		if k != "label" {
			return notImplemented(errInvalidFilterName(k))
		}
	}
	return nil
}

type errInvalidFilterName string

func (e errInvalidFilterName) Error() string {
	return "prune filter '" + string(e) + "': the engine prunes by label only"
}

// ImagesPrune is docker image prune. Every image the engine has carries a
// name (containerd keeps none without), so none is dangling; with all
// (dangling=false) the images no container was created from are removed.
func (d *Daemon) ImagesPrune(ctx context.Context, all bool) (image.PruneReport, error) {
	r := image.PruneReport{ImagesDeleted: []image.DeleteResponse{}}
	if !all {
		return r, nil
	}
	list, err := d.Images(ctx)
	if err != nil {
		return r, err
	}
	used := map[string]bool{}
	d.mu.Lock()
	for _, c := range d.containers {
		used[c.ImageID] = true
	}
	d.mu.Unlock()
	for _, img := range list {
		if used[img.ID] {
			continue
		}
		del, err := d.ImageDelete(ctx, img.ID, true)
		if err != nil && !errdefs.IsNotFound(err) {
			return r, err
		}
		r.ImagesDeleted = append(r.ImagesDeleted, del...)
		r.SpaceReclaimed += uint64(img.Size)
	}
	d.events.publish("image", "prune", "", nil)
	return r, nil
}

// DiskUsage is docker system df: images and containers; the engine has no
// volumes and no build cache.
func (d *Daemon) DiskUsage(ctx context.Context) (system.DiskUsage, error) {
	imgs, err := d.Images(ctx)
	if err != nil {
		return system.DiskUsage{}, err
	}
	cs, err := d.Containers(ctx, true, nil)
	if err != nil {
		return system.DiskUsage{}, err
	}
	used := map[string]bool{}
	var running int64
	for _, c := range cs {
		used[c.ImageID] = true
		if c.State == container.StateRunning {
			running++
		}
	}
	iu := &image.DiskUsage{TotalCount: int64(len(imgs)), Items: imgs}
	for i, img := range imgs {
		iu.TotalSize += img.Size
		if used[img.ID] {
			iu.ActiveCount++
			imgs[i].Containers = 1
		} else {
			iu.Reclaimable += img.Size
			imgs[i].Containers = 0
		}
	}
	cu := &container.DiskUsage{TotalCount: int64(len(cs)), ActiveCount: running, Items: cs}
	return system.DiskUsage{ImageUsage: iu, ContainerUsage: cu}, nil
}
