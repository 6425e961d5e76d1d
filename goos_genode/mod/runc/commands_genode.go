//go:build genode

package main

// The commands whose Linux implementations rest on CRIU, cgroups, seccomp or
// the host's ps: on genode each says what it can do from init's config and
// state report, or why Genode cannot do it.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/docker/go-units"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"
	"github.com/urfave/cli"

	"genodego/sandbox/container"
	"genodego/sandbox/initcfg"
)

func unsupportedCommand(name, usage, why string) cli.Command {
	return cli.Command{
		Name:            name,
		Usage:           usage,
		SkipFlagParsing: true,
		Action: func(*cli.Context) error {
			return fmt.Errorf("%s is not supported on Genode: %s", name, why)
		},
	}
}

var checkpointCommand = unsupportedCommand("checkpoint", "checkpoint a running container",
	"there is no CRIU; a component's state lives in its protection domain and its sessions with servers, which init can neither save nor rebuild")

var restoreCommand = unsupportedCommand("restore", "restore a container from a previous checkpoint",
	"Genode has no checkpoint to restore from (see checkpoint)")

var psCommand = cli.Command{
	Name:      "ps",
	Usage:     "ps displays the processes running inside a container",
	ArgsUsage: `<container-id> [ps options]`,
	Description: `On Genode each process of a container is a child of the hosting init;
the table lists them with init's ids and RAM figures. ps options are not taken.`,
	Flags: []cli.Flag{
		cli.StringFlag{Name: "format, f", Value: "table", Usage: `select one of: ` + formatOptions},
	},
	Action: func(context *cli.Context) error {
		if err := checkArgs(context, 1, minArgs); err != nil {
			return err
		}
		if context.NArg() > 1 {
			return errors.New("ps options cannot be taken: Genode has no ps; the table comes from init's state report")
		}
		c, err := getContainer(context)
		if err != nil {
			return err
		}
		pids, err := c.Processes()
		if err != nil {
			return err
		}
		switch context.String("format") {
		case "table":
		case "json":
			if pids == nil {
				pids = []int{}
			}
			return json.NewEncoder(os.Stdout).Encode(pids)
		default:
			return errors.New("invalid format option")
		}
		st, err := c.ReportedChildren()
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(os.Stdout, 8, 1, 3, ' ', 0)
		fmt.Fprint(w, "PID\tNAME\tBINARY\tRAM USED\tRAM QUOTA\n")
		for _, ch := range st {
			var used, quota uint64
			if ch.RAM != nil {
				used, quota = ch.RAM.Used, ch.RAM.Quota
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", ch.ID, ch.Name, ch.Binary,
				units.BytesSize(float64(used)), units.BytesSize(float64(quota)))
		}
		return w.Flush()
	},
}

// event is runc's events JSON (types.Event), with the memory figures init
// reports and Genode's capability quota.
type event struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Data any    `json:"data,omitempty"`
}

type memoryEntry struct {
	Limit   uint64 `json:"limit"`
	Usage   uint64 `json:"usage,omitempty"`
	Max     uint64 `json:"max,omitempty"`
	Failcnt uint64 `json:"failcnt"`
}

type stats struct {
	Memory struct {
		Usage memoryEntry       `json:"usage,omitempty"`
		Raw   map[string]uint64 `json:"raw,omitempty"`
	} `json:"memory"`
	Genode struct {
		Caps capsEntry `json:"caps"`
	} `json:"genode"`
}

// capsEntry is the capability quota init reports of the container's
// children, in the JSON names of init's report.
type capsEntry struct {
	Assigned uint64 `json:"assigned"`
	Quota    uint64 `json:"quota"`
	Used     uint64 `json:"used"`
	Avail    uint64 `json:"avail"`
}

func toStats(s *container.Stats) *stats {
	var out stats
	out.Memory.Usage = memoryEntry{Limit: s.RAM.Quota, Usage: s.RAM.Used}
	out.Memory.Raw = map[string]uint64{"quota": s.RAM.Quota, "used": s.RAM.Used, "avail": s.RAM.Avail,
		"requested": s.RAM.Requested}
	out.Genode.Caps = capsEntry{Assigned: s.Caps.Assigned, Quota: s.Caps.Quota, Used: s.Caps.Used, Avail: s.Caps.Avail}
	return &out
}

var eventsCommand = cli.Command{
	Name:  "events",
	Usage: "display container events such as OOM notifications, CPU, memory, and IO usage statistics",
	ArgsUsage: `<container-id>

Where "<container-id>" is the name for the instance of the container.`,
	Description: `The events command displays information about the container. By default the
information is displayed once every 5 seconds. On Genode the figures are the
RAM and capability quotas init reports; an "oom" event means the container
asked for more RAM than its quota (it blocks; Genode kills nothing).`,
	Flags: []cli.Flag{
		cli.DurationFlag{Name: "interval", Value: 5 * time.Second, Usage: "set the stats collection interval"},
		cli.BoolFlag{Name: "stats", Usage: "display the container's stats then exit"},
	},
	Action: func(context *cli.Context) error {
		if err := checkArgs(context, 1, exactArgs); err != nil {
			return err
		}
		c, err := getContainer(context)
		if err != nil {
			return err
		}
		d := context.Duration("interval")
		if d <= 0 {
			return errors.New("duration interval must be greater than 0")
		}
		status, err := c.Status()
		if err != nil {
			return err
		}
		if status == container.Stopped {
			return fmt.Errorf("container with id %s is not running", c.ID())
		}
		enc := json.NewEncoder(os.Stdout)
		if context.Bool("stats") {
			s, err := c.Stats()
			if err != nil {
				return err
			}
			return enc.Encode(event{Type: "stats", ID: c.ID(), Data: toStats(s)})
		}
		oom := false
		for {
			status, err := c.Status()
			if err != nil {
				return err
			}
			if status == container.Stopped {
				return nil
			}
			if s, err := c.Stats(); err == nil {
				if s.Requested && !oom {
					if err := enc.Encode(event{Type: "oom", ID: c.ID()}); err != nil {
						return err
					}
				}
				oom = s.Requested
				if err := enc.Encode(event{Type: "stats", ID: c.ID(), Data: toStats(s)}); err != nil {
					return err
				}
			}
			time.Sleep(d)
		}
	},
}

// The update flags runc has; on Genode only the memory limit (init's RAM
// quota of the child) can change.
var updateRefused = []string{"blkio-weight", "cpu-period", "cpu-quota", "cpu-burst", "cpu-share", "cpu-rt-period",
	"cpu-rt-runtime", "cpuset-cpus", "cpuset-mems", "kernel-memory", "kernel-memory-tcp", "cpu-idle",
	"memory-reservation", "memory-swap", "pids-limit", "l3-cache-schema", "mem-bw-schema"}

var updateCommand = cli.Command{
	Name:      "update",
	Usage:     "update container resource constraints",
	ArgsUsage: `<container-id>`,
	Description: `On Genode the one resource that can change is the memory limit, which is
the RAM quota init gives the container's process; init transfers it live.`,
	Flags: func() []cli.Flag {
		f := []cli.Flag{
			cli.StringFlag{Name: "resources, r", Usage: `path to a file with the resources to update (only memory.limit is taken), or "-" for stdin`},
			cli.StringFlag{Name: "memory", Usage: "memory limit (in bytes, or with a unit: 64M)"},
		}
		for _, n := range updateRefused {
			f = append(f, cli.StringFlag{Name: n, Usage: "not supported on Genode"})
		}
		return f
	}(),
	Action: func(context *cli.Context) error {
		if err := checkArgs(context, 1, exactArgs); err != nil {
			return err
		}
		c, err := getContainer(context)
		if err != nil {
			return err
		}
		var limit *int64
		if r := context.String("resources"); r != "" {
			var res specs.LinuxResources
			f := os.Stdin
			if r != "-" {
				if f, err = os.Open(r); err != nil {
					return err
				}
				defer f.Close()
			}
			if err := json.NewDecoder(f).Decode(&res); err != nil {
				return err
			}
			if err := refuseResources(&res); err != nil {
				return err
			}
			if res.Memory != nil {
				limit = res.Memory.Limit
			}
		}
		for _, n := range updateRefused {
			if context.IsSet(n) {
				return fmt.Errorf("--%s: Genode's init can change only a child's RAM (and capability) quota", n)
			}
		}
		if m := context.String("memory"); m != "" {
			v, err := units.RAMInBytes(m)
			if err != nil {
				return fmt.Errorf("invalid value for memory: %w", err)
			}
			limit = &v
		}
		if limit == nil {
			return nil
		}
		if *limit <= 0 {
			return fmt.Errorf("memory limit %d: Genode needs a positive RAM quota (there is no unlimited)", *limit)
		}
		return c.SetRAM(initcfg.Bytes(*limit))
	},
}

func refuseResources(r *specs.LinuxResources) error {
	var bad []string
	if len(r.Devices) > 0 {
		bad = append(bad, "devices")
	}
	if m := r.Memory; m != nil {
		if m.Reservation != nil || m.Swap != nil || m.Kernel != nil || m.KernelTCP != nil || m.Swappiness != nil ||
			m.DisableOOMKiller != nil || m.UseHierarchy != nil || m.CheckBeforeUpdate != nil {
			bad = append(bad, "memory (other than limit)")
		}
	}
	if r.CPU != nil {
		bad = append(bad, "cpu")
	}
	if r.Pids != nil {
		bad = append(bad, "pids")
	}
	if r.BlockIO != nil {
		bad = append(bad, "blockIO")
	}
	if len(r.HugepageLimits) > 0 {
		bad = append(bad, "hugepageLimits")
	}
	if r.Network != nil {
		bad = append(bad, "network")
	}
	if len(r.Rdma) > 0 {
		bad = append(bad, "rdma")
	}
	if len(r.Unified) > 0 {
		bad = append(bad, "unified")
	}
	if len(bad) > 0 {
		return fmt.Errorf("resources %s: Genode's init can change only a child's RAM quota (memory.limit)", strings.Join(bad, ", "))
	}
	return nil
}

var featuresCommand = cli.Command{
	Name:      "features",
	Usage:     "show the enabled features",
	ArgsUsage: "",
	Description: `Show the enabled features.
   The result is parsable as a JSON.
   See https://github.com/opencontainers/runtime-spec/blob/main/features.md .`,
	Action: func(context *cli.Context) error {
		if err := checkArgs(context, 0, exactArgs); err != nil {
			return err
		}
		no := false
		feat := features.Features{
			OCIVersionMin: "1.0.0",
			OCIVersionMax: specs.Version,
			Hooks:         []string{"prestart", "createRuntime", "poststart", "poststop"},
			MountOptions:  container.MountOptions(),
			Linux: &features.Linux{
				Namespaces:      []string{"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"},
				Capabilities:    []string{},
				Cgroup:          &features.Cgroup{V1: &no, V2: &no, Systemd: &no, SystemdUser: &no, Rdma: &no},
				Seccomp:         &features.Seccomp{Enabled: &no},
				Apparmor:        &features.Apparmor{Enabled: &no},
				Selinux:         &features.Selinux{Enabled: &no},
				IntelRdt:        &features.IntelRdt{Enabled: &no},
				MountExtensions: &features.MountExtensions{IDMap: &features.IDMap{Enabled: &no}},
			},
			Annotations: map[string]string{
				"org.opencontainers.runc.version": strings.TrimSpace(version),
				"org.genode.runtime":              "children of a dynamic init; namespaces are accepted without a path because every Genode component is isolated",
			},
		}
		enc := json.NewEncoder(context.App.Writer)
		enc.SetIndent("", "    ")
		return enc.Encode(feat)
	},
}

var specCommand = cli.Command{
	Name:      "spec",
	Usage:     "create a new specification file",
	ArgsUsage: "",
	Description: `The spec command creates the new specification file named "` + specConfig + `" for
the bundle: a starter that genode's runc accepts. The rootfs must hold Genode
binaries; args[0] "sh" needs a shell built for Genode.`,
	Flags: []cli.Flag{
		cli.StringFlag{Name: "bundle, b", Value: "", Usage: "path to the root of the bundle directory"},
		cli.BoolFlag{Name: "rootless", Usage: "generate a configuration for a rootless container (the same on Genode: there are no users)"},
	},
	Action: func(context *cli.Context) error {
		if err := checkArgs(context, 0, exactArgs); err != nil {
			return err
		}
		spec := container.Example()
		if bundle := context.String("bundle"); bundle != "" {
			if err := os.Chdir(bundle); err != nil {
				return err
			}
		}
		if _, err := os.Stat(specConfig); err == nil {
			return fmt.Errorf("File %s exists. Remove it first", specConfig)
		} else if !os.IsNotExist(err) {
			return err
		}
		data, err := json.MarshalIndent(spec, "", "\t")
		if err != nil {
			return err
		}
		return os.WriteFile(specConfig, data, 0o666)
	},
}

// loadSpec loads the specification from the provided path.
func loadSpec(cPath string) (spec *specs.Spec, err error) {
	cf, err := os.Open(cPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("JSON specification file %s not found", cPath)
		}
		return nil, err
	}
	defer cf.Close()
	if err = json.NewDecoder(cf).Decode(&spec); err != nil {
		return nil, err
	}
	if spec == nil {
		return nil, errors.New("config cannot be null")
	}
	return spec, validateProcessSpec(spec.Process)
}

// notifySocket: sd_notify is refused before a container is created
// (refuseLinuxIO), so start never has one to wait for.
type notifySocket struct{}

func notifySocketStart(context *cli.Context, path, id string) (*notifySocket, error) {
	if path != "" {
		return nil, errors.New("NOTIFY_SOCKET: sd_notify needs AF_UNIX datagram sockets, which Genode does not have")
	}
	return nil, nil
}

func (*notifySocket) waitForContainer(*container.Container) error { return nil }
