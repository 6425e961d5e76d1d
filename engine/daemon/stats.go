package daemon

import (
	"context"
	"fmt"
	"runtime"
	"time"

	cgstats "github.com/containerd/cgroups/v3/cgroup2/stats"
	"github.com/containerd/typeurl/v2"
	"github.com/moby/moby/api/types/container"
)

// Stats is docker stats of one container: its RAM as its init reports it
// (the used part of its quota, and the quota as the limit); Genode's init
// reports no CPU time, block or network I/O.
func (d *Daemon) Stats(ctx context.Context, name string) (container.StatsResponse, error) {
	ctx = d.ctx(ctx)
	c, err := d.get(name)
	if err != nil {
		return container.StatsResponse{}, err
	}
	running := c.isRunning()
	r := container.StatsResponse{ID: c.ID, Name: c.Name, OSType: runtime.GOOS, Read: time.Now().UTC()}
	if !running {
		return r, nil
	}
	task, err := d.task(ctx, c)
	if err != nil {
		return r, err
	}
	m, err := task.Metrics(ctx)
	if err != nil {
		return r, err
	}
	v, err := typeurl.UnmarshalAny(m.Data)
	if err != nil {
		return r, err
	}
	cg, ok := v.(*cgstats.Metrics)
	if !ok {
		return r, fmt.Errorf("the shim's metrics are %T, not the cgroup v2 shape the engine reads", v)
	}
	if cg.Memory != nil {
		r.MemoryStats = container.MemoryStats{Usage: cg.Memory.Usage, Limit: cg.Memory.UsageLimit}
	}
	if cg.Pids != nil {
		r.PidsStats = container.PidsStats{Current: cg.Pids.Current}
	}
	return r, nil
}
