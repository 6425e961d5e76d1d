package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"genodego/engine/daemon"
	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
)

// fuzzBackend accepts every call of the routes the fuzz targets drive and
// records what it was given: the decoding under test happens before it.
// The embedded interfaces are nil, so a route calling a method not written
// here panics, which the fuzzer reports.
type fuzzBackend struct {
	ContainerBackend
	ImageBackend

	called  string // the method called, "" for none
	name    string
	cfg     *container.Config
	hc      *container.HostConfig
	exec    container.ExecCreateRequest
	filters map[string][]string
	all     bool
	force   bool
	timeout *int
	signal  string
	h, w    int
	logs    daemon.LogsOptions
	cond    container.WaitCondition
	attach  daemon.AttachOptions
	target  string
}

func (b *fuzzBackend) call(m, name string) { b.called, b.name = m, name }

func (b *fuzzBackend) CreateContainer(_ context.Context, name string, cfg *container.Config, hc *container.HostConfig) (container.CreateResponse, error) {
	b.call("CreateContainer", name)
	b.cfg, b.hc = cfg, hc
	return container.CreateResponse{ID: strings.Repeat("c", 64), Warnings: []string{}}, nil
}
func (b *fuzzBackend) ExecCreate(_ context.Context, name string, req container.ExecCreateRequest) (string, error) {
	b.call("ExecCreate", name)
	b.exec = req
	return strings.Repeat("e", 64), nil
}
func (b *fuzzBackend) Containers(_ context.Context, all bool, f map[string][]string) ([]container.Summary, error) {
	b.call("Containers", "")
	b.all, b.filters = all, f
	return []container.Summary{{ID: "1"}, {ID: "2"}, {ID: "3"}}, nil
}
func (b *fuzzBackend) ContainersPrune(_ context.Context, f map[string][]string) (container.PruneReport, error) {
	b.call("ContainersPrune", "")
	b.filters = f
	return container.PruneReport{ContainersDeleted: []string{}}, nil
}
func (b *fuzzBackend) InspectContainer(_ context.Context, name string) (container.InspectResponse, error) {
	if b.called == "" {
		b.call("InspectContainer", name)
	}
	return container.InspectResponse{ID: name, Config: &container.Config{}}, nil
}
func (b *fuzzBackend) StopContainer(_ context.Context, name string, t *int) error {
	b.call("StopContainer", name)
	b.timeout = t
	return nil
}
func (b *fuzzBackend) RestartContainer(_ context.Context, name string, t *int) error {
	b.call("RestartContainer", name)
	b.timeout = t
	return nil
}
func (b *fuzzBackend) KillContainer(_ context.Context, name, signal string) error {
	b.call("KillContainer", name)
	b.signal = signal
	return nil
}
func (b *fuzzBackend) RemoveContainer(_ context.Context, name string, force bool) error {
	b.call("RemoveContainer", name)
	b.force = force
	return nil
}
func (b *fuzzBackend) ResizeContainer(_ context.Context, name string, h, w int) error {
	b.call("ResizeContainer", name)
	b.h, b.w = h, w
	return nil
}
func (b *fuzzBackend) WaitContainer(_ context.Context, name string, cond container.WaitCondition) (int, error) {
	b.call("WaitContainer", name)
	b.cond = cond
	return 0, nil
}
func (b *fuzzBackend) Logs(_ context.Context, name string, o daemon.LogsOptions, w func(int, []byte) error) error {
	b.call("Logs", name)
	b.logs = o
	return w(1, []byte("log\n"))
}
func (b *fuzzBackend) Attach(_ context.Context, name string, o daemon.AttachOptions, _ io.Reader, _ func(int, []byte) error, _ func(bool) error) error {
	b.call("Attach", name)
	b.attach = o
	return nil // not taking the connection over: a recorder cannot be
}
func (b *fuzzBackend) Images(context.Context) ([]image.Summary, error) {
	b.call("Images", "")
	return []image.Summary{}, nil
}
func (b *fuzzBackend) ImagesPrune(_ context.Context, all bool) (image.PruneReport, error) {
	b.call("ImagesPrune", "")
	b.all = all
	return image.PruneReport{ImagesDeleted: []image.DeleteResponse{}}, nil
}
func (b *fuzzBackend) ImageDelete(_ context.Context, ref string, force bool) ([]image.DeleteResponse, error) {
	b.call("ImageDelete", ref)
	b.force = force
	return []image.DeleteResponse{}, nil
}
func (b *fuzzBackend) TagImage(_ context.Context, source, target string) error {
	b.call("TagImage", source)
	b.target = target
	return nil
}
func (b *fuzzBackend) SubscribeEvents(time.Time) ([]events.Message, <-chan events.Message, func()) {
	b.call("SubscribeEvents", "")
	return nil, nil, func() {}
}

var fuzzed struct {
	once sync.Once
	s    *Server
	b    *fuzzBackend
}

// fuzzServer is the server over a fuzzBackend, its records cleared. One
// is made per process: a fuzz target's calls in a process are sequential.
func fuzzServer() (*Server, *fuzzBackend) {
	fuzzed.once.Do(func() {
		fuzzed.b = &fuzzBackend{}
		fuzzed.s = New("0.0-fuzz")
		fuzzed.s.AddSystemRoutes(fakeSystem{})
		fuzzed.s.AddImageRoutes(fuzzed.b)
		fuzzed.s.AddContainerRoutes(fuzzed.b)
		fuzzed.s.AddEventsRoutes(fuzzed.b)
	})
	*fuzzed.b = fuzzBackend{}
	return fuzzed.s, fuzzed.b
}

// serve answers one request; its context is done already, so that a
// streaming answer (events) ends after its headers.
func serve(s *Server, method, path, rawQuery string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/", bytes.NewReader(body))
	r.URL.Path, r.URL.RawQuery = path, rawQuery
	ctx, cancel := context.WithCancel(r.Context())
	cancel()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, r.WithContext(ctx))
	return rec
}

// checkAnswer fails unless rec is one of the statuses allowed, and an
// error answer is JSON with a message.
func checkAnswer(t *testing.T, what string, rec *httptest.ResponseRecorder, allowed ...int) string {
	t.Helper()
	if !slices.Contains(allowed, rec.Code) {
		t.Fatalf("%s: status %d %q, want one of %v", what, rec.Code, rec.Body, allowed)
	}
	if rec.Code < 400 {
		return ""
	}
	var m struct{ Message *string }
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || m.Message == nil || *m.Message == "" {
		t.Fatalf("%s: %d with %q, want a JSON message (%v)", what, rec.Code, rec.Body, err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: %d error as %q", what, rec.Code, ct)
	}
	return *m.Message
}

// reencode is v as JSON, decoded into a new *T and encoded again: equal
// bytes mean what the engine decoded survives its own encoding (inspect
// answers and the saved config are that encoding).
func reencode[T any](t *testing.T, v *T) {
	t.Helper()
	b1, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding the decoded %T: %v", v, err)
	}
	var w T
	if err := json.Unmarshal(b1, &w); err != nil {
		t.Fatalf("decoding %s again: %v", b1, err)
	}
	b2, _ := json.Marshal(&w)
	if !bytes.Equal(b1, b2) {
		t.Fatalf("%T does not round-trip:\n%s\n%s", v, b1, b2)
	}
}

// cliCreate is what docker run -e A=B -v /h:/c:ro -m 64m --name x img cmd
// sends (docker CLI v29): every field is there, the unset ones zero.
func cliCreate() container.CreateRequest {
	no := false
	swappiness := int64(-1)
	return container.CreateRequest{
		Config: &container.Config{
			AttachStdout: true, AttachStderr: true,
			Env: []string{"A=B"}, Cmd: []string{"cmd"}, Image: "img",
			Volumes: map[string]struct{}{}, Labels: map[string]string{},
		},
		HostConfig: &container.HostConfig{
			Binds:         []string{"/h:/c:ro"},
			LogConfig:     container.LogConfig{Config: map[string]string{}},
			NetworkMode:   "default",
			PortBindings:  network.PortMap{},
			RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyDisabled},
			DNS:           []netip.Addr{}, DNSOptions: []string{}, DNSSearch: []string{},
			Resources: container.Resources{
				Memory:            64 << 20,
				BlkioWeightDevice: []*blkiodev.WeightDevice{}, Devices: []container.DeviceMapping{},
				MemorySwappiness: &swappiness, OomKillDisable: &no, Ulimits: []*container.Ulimit{},
			},
		},
		NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{"default": {}}},
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// createSeeds are create bodies: docker CLI ones, refused ones (the
// backend refuses them; the server passes them on) and malformed ones.
func createSeeds() [][]byte {
	run := cliCreate()
	tty := cliCreate()
	tty.Config.Tty, tty.Config.OpenStdin, tty.Config.AttachStdin = true, true, true
	tty.HostConfig.ConsoleSize = [2]uint{24, 80}
	tty.HostConfig.AutoRemove = true
	tty.Config.Entrypoint = []string{""}
	tty.Config.StopSignal = "SIGTERM"
	ten := 10
	tty.Config.StopTimeout = &ten
	port := cliCreate()
	port.Config.ExposedPorts = network.PortSet{network.MustParsePort("80/tcp"): {}}
	port.HostConfig.PortBindings = network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "8080"}}}
	mnt := cliCreate()
	mnt.HostConfig.Binds = nil
	mnt.HostConfig.Mounts = []mount.Mount{{Type: mount.TypeBind, Source: "/h", Target: "/c", ReadOnly: true}}
	mnt.HostConfig.Privileged = true
	mnt.Config.Labels = map[string]string{"a": "b"}
	return [][]byte{
		mustJSON(run), mustJSON(tty), mustJSON(port), mustJSON(mnt),
		[]byte(`{"Image":"img","Cmd":["sh","-c","echo hi"],"HostConfig":{"Binds":["/h:/c"],"Memory":67108864}}`),
		[]byte(`{"image":"img","hostconfig":{"networkmode":"none"}}`),
		[]byte(`{"Image":"img"} trailing`),
		[]byte(`{"Image":"img","HostConfig":null,"NetworkingConfig":null}`),
		[]byte(`{"Image":"img","HostConfig":{"Binds":[":/c",":",""],"Mounts":[{"Type":"","Source":"","Target":""}]}}`),
		[]byte(`{"Image":"img","HostConfig":{"Dns":["1.1.1.1"],"PortBindings":{"80/udp":[{"HostIp":"::1","HostPort":"1"}]}}}`),
		[]byte(`{"Image":"img","ExposedPorts":{"80-90/tcp":{}},"NetworkingConfig":{"EndpointsConfig":{"default":{"MacAddress":"02:42:ac:11:00:02","IPAddress":"fe80::1%eth0"}}}}`),
		[]byte(`{"Image":"img","Healthcheck":{"Test":["CMD","true"],"Interval":1000000000}}`),
		[]byte(`{"Image":"img","StopSignal":"SIGFOO","StopTimeout":-1}`),
		[]byte(`{"Image":"img","ExposedPorts":{"http":{}}}`),
		[]byte(`{"Image":"img","HostConfig":{"Dns":["not-an-ip"]}}`),
		[]byte(`{"Image":"img","HostConfig":{"ConsoleSize":[-1,80]}}`),
		[]byte(`{"Image":"img","HostConfig":{"Memory":1e9}}`),
		[]byte(`{"Image":"img","HostConfig":{"BlkioWeight":70000}}`),
		[]byte(`{"Image":["img"]}`),
		[]byte(`{"Env":"A=B"}`),
		[]byte(`{}`), []byte(`null`), []byte(`[]`), []byte(`"img"`), []byte(``), []byte(`{`), []byte(`{"Image":"img",}`),
		[]byte(`{"Image":"\ud800\xff"}`),
	}
}

// FuzzCreate: POST /containers/create (and the exec create body, decoded
// the same way) with any body and query. A body that is not JSON of a
// create request is a 400 naming invalid JSON; a decoded one reaches the
// backend unchanged, with the name the query gives, and survives its
// encoding.
func FuzzCreate(f *testing.F) {
	for _, b := range createSeeds() {
		f.Add(b, "name=x")
	}
	f.Add(mustJSON(cliCreate()), "")
	f.Add(mustJSON(cliCreate()), "name=x&platform=linux%2Famd64")
	f.Add(mustJSON(cliCreate()), "name=x&platform=genode%2Famd64")
	f.Add(mustJSON(cliCreate()), "name=%zz&platform=genode")
	f.Add([]byte(`{"Cmd":["sh"],"Tty":true,"AttachStdin":true,"AttachStdout":true,"AttachStderr":true,"ConsoleSize":[24,80],"Env":["A=B"],"WorkingDir":"/"}`), "")
	f.Fuzz(func(t *testing.T, body []byte, query string) {
		s, b := fuzzServer()
		rec := serve(s, "POST", "/v1.51/containers/create", query, body)
		msg := checkAnswer(t, "create", rec, http.StatusCreated, http.StatusBadRequest)

		var want container.CreateRequest
		decErr := json.NewDecoder(bytes.NewReader(body)).Decode(&want)
		q, _ := url.ParseQuery(query)
		if q == nil {
			q = url.Values{}
		}
		p := q.Get("platform")
		switch {
		case decErr != nil:
			if rec.Code != 400 || !strings.HasPrefix(msg, "invalid JSON: ") {
				t.Fatalf("body %q (%v): %d %q, want 400 invalid JSON", body, decErr, rec.Code, msg)
			}
		case want.Config == nil:
			if rec.Code != 400 || !strings.Contains(msg, "config cannot be empty") {
				t.Fatalf("body %q without a config: %d %q", body, rec.Code, msg)
			}
		case p != "" && p != "genode" && !strings.HasPrefix(p, "genode/"):
			if rec.Code != 400 || !strings.Contains(msg, p) {
				t.Fatalf("platform %q: %d %q", p, rec.Code, msg)
			}
		default:
			if rec.Code != 201 || b.called != "CreateContainer" {
				t.Fatalf("body %q: %d %q, backend %q", body, rec.Code, rec.Body, b.called)
			}
			if b.name != q.Get("name") {
				t.Fatalf("name %q reached the backend as %q", q.Get("name"), b.name)
			}
			got := container.CreateRequest{Config: b.cfg, HostConfig: b.hc}
			want.NetworkingConfig = nil // not passed to the backend
			if !bytes.Equal(mustJSON(got), mustJSON(want)) {
				t.Fatalf("the backend got\n%s\nnot\n%s", mustJSON(got), mustJSON(want))
			}
			reencode(t, &got)
			var resp container.CreateResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp.ID != strings.Repeat("c", 64) {
				t.Fatalf("create answer %q: %v", rec.Body, err)
			}
		}

		s, b = fuzzServer()
		rec = serve(s, "POST", "/containers/x/exec", "", body)
		checkAnswer(t, "exec create", rec, http.StatusCreated, http.StatusBadRequest)
		var ex container.ExecCreateRequest
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&ex); (err == nil) != (rec.Code == 201) {
			t.Fatalf("exec body %q (%v): %d", body, err, rec.Code)
		} else if err == nil {
			if !reflect.DeepEqual(ex, b.exec) {
				t.Fatalf("exec: the backend got %+v, not %+v", b.exec, ex)
			}
			reencode(t, &b.exec)
		}
	})
}

// filterSeeds are filters as docker CLI v29 sends them, the old list form,
// and malformed ones.
var filterSeeds = []string{
	`{"label":{"a=b":true},"status":{"running":true}}`,
	`{"label":["a=b"],"status":["running"]}`,
	`{"label":{"a=b":true}}`,
	`{"dangling":{"false":true}}`,
	`{"dangling":["true"]}`,
	`{"type":{"container":true},"event":{"start":true,"die":true}}`,
	`{"until":{"24h":true}}`,
	`{"label":{"a":false}}`,
	`{"a":{},"b":[],"c":null}`,
	`{}`, `null`, ``, `[]`, `"label"`, `{"label":"a=b"}`, `{"label":{"a":"true"}}`,
	`{"label":["a",{"b":true}]}`, `{"label":{"a":true},"status":["running"]}`, `{`, `{"x":[1]}`,
}

// filterRoutes are the routes that read filters.
var filterRoutes = []struct{ method, path, backend string }{
	{"GET", "/containers/json", "Containers"},
	{"POST", "/containers/prune", "ContainersPrune"},
	{"GET", "/images/json", "Images"},
	{"POST", "/images/prune", "ImagesPrune"},
	{"GET", "/events", "SubscribeEvents"},
}

// normal is f with its values sorted and unique, keys without values left
// out: the meaning of a filter.
func normal(f map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, vs := range f {
		if len(vs) == 0 {
			continue
		}
		vs = slices.Clone(vs)
		slices.Sort(vs)
		out[k] = slices.Compact(vs)
	}
	return out
}

// FuzzFilters: the filters parameter, read by Filters and by each route
// that takes it. Filters that are not JSON of either form are a 400 on
// every route; read ones mean the same written in either form, and reach
// the backend as read. A route answers its own refusals as 400 or 501.
func FuzzFilters(f *testing.F) {
	for _, s := range filterSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q := url.Values{"filters": {raw}}.Encode()
		r := httptest.NewRequest("GET", "/?"+q, nil)
		got, err := Filters(r)
		if err != nil {
			if StatusOf(err) != 400 || got != nil || !strings.Contains(err.Error(), "invalid filter") {
				t.Fatalf("Filters(%q): %v, %v (status %d)", raw, got, err, StatusOf(err))
			}
		} else {
			modern := map[string]map[string]bool{}
			for k, vs := range got {
				for _, v := range vs {
					if modern[k] == nil {
						modern[k] = map[string]bool{}
					}
					modern[k][v] = true
				}
			}
			for _, form := range []any{modern, got} {
				enc := string(mustJSON(form))
				again, err := Filters(httptest.NewRequest("GET", "/?"+url.Values{"filters": {enc}}.Encode(), nil))
				if err != nil || !reflect.DeepEqual(normal(again), normal(got)) {
					t.Fatalf("Filters(%q) = %v; written %s it reads %v, %v", raw, got, enc, again, err)
				}
			}
		}
		for _, rt := range filterRoutes {
			s, b := fuzzServer()
			rec := serve(s, rt.method, rt.path, q, nil)
			what := rt.method + " " + rt.path + " filters=" + strconv.Quote(raw)
			msg := checkAnswer(t, what, rec, 200, 400, 501)
			switch {
			case err != nil:
				if rec.Code != 400 || msg != err.Error() {
					t.Fatalf("%s: %d %q, want 400 %q", what, rec.Code, msg, err)
				}
			case rec.Code == 200:
				if b.called != rt.backend {
					t.Fatalf("%s: 200 with the backend's %q called", what, b.called)
				}
				if rt.backend == "Containers" || rt.backend == "ContainersPrune" {
					if !reflect.DeepEqual(normal(b.filters), normal(got)) || len(b.filters) != len(got) {
						t.Fatalf("%s: the backend got %v, not %v", what, b.filters, got)
					}
				}
			case b.called != "":
				t.Fatalf("%s: %d %q after the backend's %s", what, rec.Code, msg, b.called)
			}
		}
	})
}

// queryRoutes are routes whose query parameters the server reads.
var queryRoutes = []struct{ method, path string }{
	{"POST", "/containers/x/stop"},
	{"POST", "/containers/x/restart"},
	{"POST", "/containers/x/kill"},
	{"DELETE", "/containers/x"},
	{"POST", "/containers/x/resize"},
	{"POST", "/containers/x/wait"},
	{"GET", "/containers/x/logs"},
	{"GET", "/containers/json"},
	{"DELETE", "/images/127.0.0.1:5000/genode/x:v1"},
	{"POST", "/images/x/tag"},
	{"GET", "/events"},
	{"POST", "/containers/x/attach"},
}

var unixTime = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]*)?$`)

// truthy is how the API reads a boolean parameter that is set.
var truthy = map[string]bool{"1": true, "true": true, "True": true, "yes": true, "on": true,
	"0": false, "false": false, "FALSE": false, "no": false, "none": false, "": false}

// FuzzQuery: any API version prefix and query on the routes that read
// parameters. Nothing is a 5xx but a 501 refusal; a 400 names the
// parameter's problem; what reaches the backend is what the query says.
func FuzzQuery(f *testing.F) {
	for i, q := range []string{
		"t=10", "t=-1", "signal=SIGTERM", "force=1&v=0&link=0", "h=24&w=80",
		"condition=next-exit", "stdout=1&stderr=1&tail=all&follow=1&timestamps=0&since=0",
		"all=1&limit=3&filters=%7B%22status%22%3A%7B%22running%22%3Atrue%7D%7D",
		"force=0&noprune=0", "repo=reg%2Fx&tag=v1", "since=1700000000.000000001&until=1700000001",
		"stdin=1&stdout=1&stderr=1&stream=1&detachKeys=ctrl-p",
	} {
		f.Add(uint8(i), "1.51", q)
	}
	for _, c := range []struct{ v, q string }{
		{"", "t=abc"}, {"1.99", "t=1"}, {"1.12", ""}, {"x", "force=%zz"}, {"1.41", "h=-1&w=1"},
		{"1.57", "tail=ten&stdout=1"}, {"1.44", "condition=bogus"}, {"1.44", "since=a.b"},
		{"1.44", "limit=-1&all=yes"}, {"1.44", "stdout=0&stderr=0"}, {"1.44", "until=1.-5"},
	} {
		for i := range queryRoutes {
			f.Add(uint8(i), c.v, c.q)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, version, query string) {
		rt := queryRoutes[int(route)%len(queryRoutes)]
		path := rt.path
		if version != "" {
			path = "/v" + version + path
		}
		s, b := fuzzServer()
		rec := serve(s, rt.method, path, query, nil)
		what := rt.method + " " + path + "?" + query
		msg := checkAnswer(t, what, rec, 200, 201, 204, 400, 404, 501)
		if rec.Code == 404 && !strings.HasPrefix(msg, "page not found") {
			t.Fatalf("%s: 404 %q", what, msg)
		}
		q, _ := url.ParseQuery(query)
		if q == nil {
			q = url.Values{}
		}
		if rt.path == "/events" {
			// since and until are Unix times, a fraction unsigned
			for _, k := range []string{"since", "until"} {
				v := q.Get(k)
				_, err := strconv.ParseInt(strings.Split(v, ".")[0], 10, 64)
				good := v == "" || unixTime.MatchString(v) && err == nil
				if rec.Code == 200 && !good {
					t.Fatalf("%s: %s=%q taken", what, k, v)
				}
			}
			if rec.Code == 400 && !strings.HasPrefix(msg, "client version") && !strings.Contains(msg, "filter") &&
				!strings.Contains(msg, "since") && !strings.Contains(msg, "until") {
				t.Fatalf("%s: 400 %q names no parameter", what, msg)
			}
		}
		if rec.Code >= 400 {
			return
		}
		isInt := func(k string) (int, bool) { n, err := strconv.Atoi(q.Get(k)); return n, err == nil }
		checkBool := func(k string, got bool) {
			if want, ok := truthy[q.Get(k)]; ok && got != want {
				t.Fatalf("%s: %s=%q reached the backend as %v", what, k, q.Get(k), got)
			}
		}
		switch b.called {
		case "StopContainer", "RestartContainer":
			n, ok := isInt("t")
			if q.Get("t") == "" && b.timeout != nil || q.Get("t") != "" && (!ok || b.timeout == nil || *b.timeout != n) {
				t.Fatalf("%s: t=%q reached the backend as %v", what, q.Get("t"), b.timeout)
			}
		case "KillContainer":
			if b.signal != q.Get("signal") {
				t.Fatalf("%s: signal %q", what, b.signal)
			}
		case "RemoveContainer", "ImageDelete":
			checkBool("force", b.force)
		case "ResizeContainer":
			h, ok1 := isInt("h")
			w, ok2 := isInt("w")
			if !ok1 || !ok2 || h != b.h || w != b.w || h < 0 || w < 0 {
				t.Fatalf("%s: resized to %dx%d", what, b.h, b.w)
			}
		case "WaitContainer":
			switch b.cond {
			case "", container.WaitConditionNotRunning, container.WaitConditionNextExit, container.WaitConditionRemoved:
			default:
				t.Fatalf("%s: %d, the backend waits for condition %q", what, rec.Code, b.cond)
			}
		case "Logs":
			checkBool("stdout", b.logs.Stdout)
			checkBool("stderr", b.logs.Stderr)
			checkBool("follow", b.logs.Follow)
			if !b.logs.Stdout && !b.logs.Stderr {
				t.Fatalf("%s: logs of no stream", what)
			}
			if n, ok := isInt("tail"); ok && b.logs.Tail != n || !ok && b.logs.Tail != -1 {
				t.Fatalf("%s: tail %d", what, b.logs.Tail)
			}
		case "Containers":
			checkBool("all", b.all)
		case "TagImage":
			if q.Get("repo") == "" || !strings.HasPrefix(b.target, q.Get("repo")) {
				t.Fatalf("%s: tagged %q", what, b.target)
			}
		case "Attach":
			checkBool("stdin", b.attach.Stdin)
			checkBool("stream", b.attach.Stream)
			if q.Get("detachKeys") != "" {
				t.Fatalf("%s: attached with detach keys", what)
			}
		case "SubscribeEvents", "InspectContainer":
		default:
			t.Fatalf("%s: %d with the backend's %q called", what, rec.Code, b.called)
		}
	})
}
