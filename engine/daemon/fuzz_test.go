package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	containerd "github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// noImages is an image store without images: a create that passes the
// engine's checks ends at its image lookup, before containerd is needed.
type noImages struct{}

func (noImages) Get(context.Context, string) (images.Image, error) {
	return images.Image{}, errdefs.ErrNotFound
}
func (noImages) List(context.Context, ...string) ([]images.Image, error) { return nil, nil }
func (noImages) Create(context.Context, images.Image) (images.Image, error) {
	return images.Image{}, errdefs.ErrNotImplemented
}
func (noImages) Update(context.Context, images.Image, ...string) (images.Image, error) {
	return images.Image{}, errdefs.ErrNotImplemented
}
func (noImages) Delete(context.Context, string, ...images.DeleteOpt) error {
	return errdefs.ErrNotImplemented
}

var noContainerd struct {
	once   sync.Once
	client *containerd.Client
	err    error
}

// fuzzDaemon is a daemon without containerd (its client has only
// noImages) keeping three containers: "web" runs (unless none may),
// "old" exited with 3, "new" was created. Calls that would reach
// containerd for a running container must not be made on it.
func fuzzDaemon(t *testing.T, running bool) *Daemon {
	noContainerd.once.Do(func() {
		noContainerd.client, noContainerd.err = containerd.New("", containerd.WithServices(containerd.WithImageStore(noImages{})))
	})
	if noContainerd.err != nil {
		t.Fatal(noContainerd.err)
	}
	d := &Daemon{client: noContainerd.client, containers: map[string]*Container{}, events: newEventHub()}
	now := time.Now().UTC()
	for i, c := range []struct {
		name, image string
		labels      map[string]string
		state       container.State
	}{
		{"web", "docker.io/library/img:latest", map[string]string{"a": "b", "tier": "front"},
			container.State{Status: container.StateRunning, Running: true, StartedAt: now.Format(time.RFC3339Nano)}},
		{"old", "127.0.0.1:5000/genode/x:v1", map[string]string{"a": "c"},
			container.State{Status: container.StateExited, ExitCode: 3, FinishedAt: now.Format(time.RFC3339Nano)}},
		{"new", "img", nil, container.State{Status: container.StateCreated}},
	} {
		if !running && c.state.Running {
			c.state = container.State{Status: container.StateExited}
		}
		id := strings.Repeat(string(rune('a'+i)), 2) + strings.Repeat("0", 62)
		d.containers[id] = &Container{ID: id, Name: "/" + c.name, Created: now.Add(time.Duration(i) * time.Second),
			Image: c.image, ImageID: "sha256:" + strings.Repeat(strconv.Itoa(i), 64), Path: "cmd",
			Config:     &container.Config{Image: c.image, Labels: c.labels},
			HostConfig: &container.HostConfig{Binds: []string{"/h:/c:ro"}}, State: c.state,
			dir: "/nonexistent/" + id, changed: make(chan struct{})}
	}
	return d
}

// checkClass fails unless err is one of the classes allowed (by their
// status: 400, 404, 409, 501) with a message.
func checkClass(t *testing.T, what string, err error, allowed ...int) int {
	t.Helper()
	var status int
	switch {
	case err == nil:
		status = 200
	case errdefs.IsInvalidArgument(err):
		status = 400
	case errdefs.IsNotFound(err):
		status = 404
	case errdefs.IsConflict(err):
		status = 409
	case errdefs.IsNotImplemented(err):
		status = 501
	default:
		t.Fatalf("%s: %v: of no class the API answers but with a 500", what, err)
	}
	if !slices.Contains(allowed, status) {
		t.Fatalf("%s: %d %v, want one of %v", what, status, err, allowed)
	}
	if err != nil && err.Error() == "" {
		t.Fatalf("%s: %d without a message", what, status)
	}
	return status
}

// checkCreateClass is checkClass for docker create: a 501 refusal names
// the option it refuses ("--privileged: ...", "-v ...").
func checkCreateClass(t *testing.T, what string, err error, allowed ...int) int {
	t.Helper()
	status := checkClass(t, what, err, allowed...)
	if status == 501 && !strings.HasPrefix(err.Error(), "-") {
		t.Fatalf("%s: a refusal that names no option: %v", what, err)
	}
	return status
}

// bindModes are the modes Docker knows for -v: any other is a mistake.
var bindModes = []string{"ro", "rw", "z", "Z", "shared", "rshared", "slave", "rslave", "private",
	"rprivate", "nocopy", "consistent", "cached", "delegated"}

// volumeName is Docker's rule for a volume's name (a -v source that is not
// a path).
var volumeName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

var mountTypes = []mount.Type{mount.TypeBind, mount.TypeVolume, mount.TypeTmpfs, mount.TypeNamedPipe, mount.TypeCluster, mount.TypeImage}

// FuzzCreateContainer: docker create's checks of a decoded create
// request and name, then of its binds and mounts. The checks end in a
// 400 or a refusal (501) naming the option; a request that passes them
// all is looked up as an image (404 here). A malformed -v is a 400.
func FuzzCreateContainer(f *testing.F) {
	for _, s := range []struct{ body, name string }{
		{`{"Image":"img","Cmd":["cmd"],"Env":["A=B"],"AttachStdout":true,"AttachStderr":true,"Volumes":{},"Labels":{},"HostConfig":{"Binds":["/h:/c:ro"],"LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"ConsoleSize":[0,0],"Dns":[],"DnsOptions":[],"DnsSearch":[],"Memory":67108864,"MemorySwappiness":-1,"OomKillDisable":false},"NetworkingConfig":{"EndpointsConfig":{"default":{}}}}`, "xy"},
		{`{"Image":"img","Tty":true,"OpenStdin":true,"StopSignal":"SIGTERM","StopTimeout":10,"HostConfig":{"AutoRemove":true,"ConsoleSize":[24,80],"NetworkMode":"none"}}`, "/web2"},
		{`{"Image":"img","StopSignal":"9"}`, ""},
		{`{"Image":"img","StopSignal":"SIGFOO"}`, "xy"},
		{`{"Image":"img","StopSignal":"0"}`, "xy"},
		{`{"Image":"img","User":"33","HostConfig":{"Privileged":true}}`, "xy"},
		{`{"Image":"img","HostConfig":{"Mounts":[{"Type":"bind","Source":"/h","Target":"/c","ReadOnly":true}]}}`, "xy"},
		{`{"Image":"img","HostConfig":{"Mounts":[{"Type":"volume","Source":"v","Target":"/c"},{"Type":"","Target":"/d"}]}}`, "xy"},
		{`{"Image":"img","HostConfig":{"Binds":["named:/c","/h:/c:z","/h:/c:ro,rw"]}}`, "xy"},
		{`{"Image":"img","HostConfig":{"Binds":[":/c"]}}`, "xy"},
		{`{"Image":"img","HostConfig":{"Binds":["/h:/c:"]}}`, "xy"},
		{`{"Image":"img","HostConfig":{"Binds":["/h:/c:bogus"]}}`, "xy"},
		{`{"Image":"img","HostConfig":{"Binds":["./rel/x:/c"]}}`, "xy"},
		{`{"Image":"img","HostConfig":{"Binds":["/h:c","/h","/a:/b:/c:ro"]}}`, "xy"},
		{`{"Image":"img","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}}}`, "xy"},
		{`{"Image":"img","HostConfig":{"NetworkMode":"host"}}`, "xy"},
		{`{"Image":"img","HostConfig":{"NetworkMode":"container:web"}}`, "xy"},
		{`{"Image":"img","HostConfig":{"Memory":-1,"MemorySwap":-1,"PidsLimit":0}}`, "xy"},
		{`{"Image":"","Entrypoint":[""]}`, "a"},
		{`{"Image":"img"}`, "web"},
		{`{"Image":"img"}`, "x"},
		{`{"Image":"img"}`, "bad name!"},
	} {
		f.Add([]byte(s.body), s.name)
	}
	f.Fuzz(func(t *testing.T, body []byte, name string) {
		var req container.CreateRequest
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&req); err != nil || req.Config == nil {
			return // the server's 400
		}
		hc := req.HostConfig
		if hc == nil {
			hc = &container.HostConfig{}
		}
		d := fuzzDaemon(t, true)
		_, err := d.CreateContainer(context.Background(), name, req.Config, hc)
		what := "create " + strconv.Quote(name) + " " + string(body)
		if checkCreateClass(t, what, err, 400, 404, 501) != 404 {
			return
		}
		if !strings.HasPrefix(err.Error(), "No such image: ") {
			t.Fatalf("%s: %v", what, err)
		}
		// the checks have passed: what they let through
		if name != "" && !validName.MatchString(name) {
			t.Fatalf("%s: the name is taken", what)
		}
		if s := req.Config.StopSignal; s != "" {
			if _, err := parseSignal(s); err != nil {
				t.Fatalf("%s: the stop signal %q is kept, though docker stop cannot send it: %v", what, s, err)
			}
		}
		// each -v and --mount on its own: a malformed one is a 400
		for _, b := range hc.Binds {
			parts := strings.Split(b, ":")
			malformed := len(parts) < 2 || len(parts) > 3 || slices.Contains(parts, "") ||
				!strings.HasPrefix(parts[0], "/") && !volumeName.MatchString(parts[0])
			if len(parts) == 3 {
				for _, o := range strings.Split(parts[2], ",") {
					malformed = malformed || !slices.Contains(bindModes, o)
				}
			}
			_, err := bindMounts(&container.HostConfig{Binds: []string{b}})
			if checkCreateClass(t, what, err, 200, 400, 501) != 400 && malformed {
				t.Fatalf("%s: -v %q is malformed, answered %v", what, b, err)
			}
		}
		for _, m := range hc.Mounts {
			_, err := bindMounts(&container.HostConfig{Mounts: []mount.Mount{m}})
			if checkCreateClass(t, what, err, 200, 400, 501) != 400 && !slices.Contains(mountTypes, m.Type) {
				t.Fatalf("%s: --mount type=%q answered %v", what, m.Type, err)
			}
		}
		mounts, err := bindMounts(hc)
		if checkCreateClass(t, what, err, 200, 400, 501) != 200 {
			return
		}
		if len(mounts) != len(hc.Binds)+len(hc.Mounts) {
			t.Fatalf("%s: %d mounts", what, len(mounts))
		}
		for _, m := range mounts {
			if !strings.HasPrefix(m.Source, "/") || !strings.HasPrefix(m.Destination, "/") ||
				!slices.Equal(m.Options, []string{"rbind", "ro"}) && !slices.Equal(m.Options, []string{"rbind", "rw"}) {
				t.Fatalf("%s: mount %+v", what, m)
			}
		}
	})
}

// FuzzContainersFilters: docker ps and docker container prune by any
// filters (as the server reads them). A key or value docker ps does not
// know is a 400 naming it; the answer is the containers the filters match.
func FuzzContainersFilters(f *testing.F) {
	for _, s := range []string{
		`{"label":["a=b"],"status":["running"]}`, `{"label":["a"]}`, `{"label":["a=c","tier"]}`,
		`{"status":["exited","created"]}`, `{"exited":["3"]}`, `{"exited":["x"]}`, `{"status":["runnin"]}`,
		`{"name":["we","/old"]}`, `{"id":["aa","bb0"]}`, `{"ancestor":["img","sha256:1111"]}`,
		`{"ancestor":["127.0.0.1:5000/genode/x:v1","NOT A REF"]}`, `{"until":["24h"]}`, `{"bogus":[]}`,
		`{"label!":["a"]}`, `{}`, `{"status":[]}`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, all bool) {
		var filters map[string][]string
		if json.Unmarshal([]byte(raw), &filters) != nil {
			return
		}
		d := fuzzDaemon(t, true)
		what := "ps " + raw
		list, err := d.Containers(context.Background(), all, filters)
		if checkClass(t, what, err, 200, 400) == 400 {
			if !strings.Contains(err.Error(), "invalid filter") {
				t.Fatalf("%s: %v", what, err)
			}
		} else {
			for k, vs := range filters {
				switch k {
				case "status", "name", "id", "label", "exited", "ancestor":
				default:
					t.Fatalf("%s: filter %q taken", what, k)
				}
				for _, v := range vs {
					switch k {
					case "status":
						if container.ValidateContainerState(container.ContainerState(v)) != nil {
							t.Fatalf("%s: status %q taken", what, v)
						}
					case "exited":
						if _, err := strconv.Atoi(v); err != nil {
							t.Fatalf("%s: exited %q taken", what, v)
						}
					}
				}
			}
			seen := map[string]bool{}
			for _, s := range list {
				if seen[s.ID] || d.containers[s.ID] == nil {
					t.Fatalf("%s: %s twice or unknown", what, s.ID)
				}
				seen[s.ID] = true
				if st := filters["status"]; len(st) > 0 && !slices.Contains(st, string(s.State)) {
					t.Fatalf("%s: %s is %s", what, s.Names, s.State)
				}
				if !all && len(filters["status"]) == 0 && len(filters["exited"]) == 0 && s.State != container.StateRunning {
					t.Fatalf("%s: %s is %s, listed without all", what, s.Names, s.State)
				}
				if !allLabels(filters["label"], s.Labels) {
					t.Fatalf("%s: labels %v", what, s.Labels)
				}
			}
		}

		// prune takes labels only; the running container stays (removing
		// the others would need containerd)
		for id, c := range d.containers {
			if !c.State.Running {
				delete(d.containers, id)
			}
		}
		rep, err := d.ContainersPrune(context.Background(), filters)
		if checkClass(t, "prune "+raw, err, 200, 400, 501) == 200 && len(rep.ContainersDeleted) > 0 {
			t.Fatalf("prune %s: a running container removed: %v", raw, rep.ContainersDeleted)
		}
	})
}

// FuzzKill: docker kill NAME -s SIGNAL on containers that do not run. A
// name that is none is a 404, a signal that is none a 400 naming it; a
// signal that is one is a number from 1 to 64, the same by name and
// number.
func FuzzKill(f *testing.F) {
	for _, s := range []struct{ name, sig string }{
		{"web", "SIGTERM"}, {"web", "KILL"}, {"/old", "9"}, {"aa", "term"}, {"aa0", "sigkill"},
		{"nope", "TERM"}, {"old", "0"}, {"old", "-9"}, {"old", "65"}, {"old", "4294967305"},
		{"old", "SIGRTMIN+3"}, {"old", "SIGFOO"}, {"old", "+15"}, {"", ""}, {"old", "SIG"},
	} {
		f.Add(s.name, s.sig)
	}
	f.Fuzz(func(t *testing.T, name, signal string) {
		d := fuzzDaemon(t, false)
		err := d.KillContainer(context.Background(), name, signal)
		what := "kill " + strconv.Quote(name) + " -s " + strconv.Quote(signal)
		status := checkClass(t, what, err, 400, 404, 409)
		sig, serr := parseSignal(signal)
		if serr != nil {
			checkClass(t, what, serr, 400)
			if !strings.Contains(serr.Error(), signal) {
				t.Fatalf("%s: %v names not the signal", what, serr)
			}
			if _, gerr := d.get(name); gerr == nil && signal != "" && status != 400 {
				t.Fatalf("%s: %d %v", what, status, err)
			}
			return
		}
		if sig < 1 || sig > 64 {
			t.Fatalf("%s: signal %d", what, sig)
		}
		if again, err := parseSignal(strconv.Itoa(int(sig))); err != nil || again != sig {
			t.Fatalf("%s: %d is %d, %v by number", what, sig, again, err)
		}
	})
}
