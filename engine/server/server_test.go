package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
)

type fakeSystem struct{}

func (fakeSystem) SystemVersion(context.Context) (system.VersionResponse, error) {
	return system.VersionResponse{Version: "test", Os: "genode"}, nil
}
func (fakeSystem) SystemInfo(context.Context) (system.Info, error) {
	return system.Info{}, fmt.Errorf("no info: %w", errdefs.ErrUnavailable)
}
func (fakeSystem) DiskUsage(context.Context) (system.DiskUsage, error) {
	return system.DiskUsage{}, nil
}

func do(t *testing.T, h http.Handler, method, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func message(t *testing.T, body string) string {
	t.Helper()
	var m struct{ Message string }
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return m.Message
}

func TestVersions(t *testing.T) {
	s := New("0.0-test")
	s.AddSystemRoutes(fakeSystem{})
	var seen string
	s.Handle("GET /echo/{name}", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		seen = Version(ctx) + " " + r.PathValue("name")
		return nil
	})
	for _, c := range []struct {
		path, want string
	}{
		{"/echo/a", APIVersion + " a"},
		{"/v1.41/echo/b", "1.41 b"},
		{"/v" + APIVersion + "/echo/c", APIVersion + " c"},
	} {
		seen = ""
		res, body := do(t, s, "GET", c.path)
		if res.StatusCode != 200 || seen != c.want {
			t.Errorf("GET %s: %d %q, handler saw %q, want %q", c.path, res.StatusCode, body, seen, c.want)
		}
		if res.Header.Get("Api-Version") != APIVersion || res.Header.Get("Ostype") != "genode" {
			t.Errorf("GET %s: headers %v", c.path, res.Header)
		}
	}
	for _, c := range []struct {
		path string
		code int
		msg  string
	}{
		{"/v1.99/echo/x", 400, "client version 1.99 is too new. Maximum supported API version is " + APIVersion},
		{"/v1.12/echo/x", 400, "client version 1.12 is too old. Minimum supported API version is " + MinAPIVersion},
		{"/v1.41/nothing", 404, "page not found: GET /nothing"},
		{"/info", 503, "no info: unavailable"},
	} {
		res, body := do(t, s, "GET", c.path)
		if res.StatusCode != c.code || !strings.HasPrefix(message(t, body), c.msg) {
			t.Errorf("GET %s: %d %q, want %d %q...", c.path, res.StatusCode, body, c.code, c.msg)
		}
	}
}

func TestPingAndVersion(t *testing.T) {
	s := New("0.0-test")
	s.AddSystemRoutes(fakeSystem{})
	res, body := do(t, s, "GET", "/_ping")
	if res.StatusCode != 200 || body != "OK" || res.Header.Get("Swarm") != "inactive" {
		t.Errorf("GET /_ping: %d %q %v", res.StatusCode, body, res.Header)
	}
	res, body = do(t, s, "HEAD", "/_ping")
	if res.StatusCode != 200 || body != "" || res.Header.Get("Api-Version") != APIVersion {
		t.Errorf("HEAD /_ping: %d %q %v", res.StatusCode, body, res.Header)
	}
	res, body = do(t, s, "GET", "/v1.44/version")
	var v system.VersionResponse
	if err := json.Unmarshal([]byte(body), &v); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /version: %d %q %v", res.StatusCode, body, err)
	}
	if v.APIVersion != APIVersion || v.MinAPIVersion != MinAPIVersion || v.Os != "genode" {
		t.Errorf("GET /version: %+v", v)
	}
}

func TestStatusOf(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
	}{
		{errdefs.ErrNotFound, 404},
		{fmt.Errorf("x: %w", errdefs.ErrAlreadyExists), 409},
		{InvalidParameter(errors.New("bad")), 400},
		{NotImplemented(errors.New("Genode cannot")), 501},
		{errors.New("plain"), 500},
	} {
		if got := StatusOf(c.err); got != c.code {
			t.Errorf("StatusOf(%v) = %d, want %d", c.err, got, c.code)
		}
	}
	if m := NotImplemented(errors.New("Genode cannot")).Error(); m != "Genode cannot" {
		t.Errorf("NotImplemented's message: %q", m)
	}
}

// Every route registers without a conflict among the patterns.
func TestRoutesRegister(t *testing.T) {
	s := New("0.0-test")
	s.AddSystemRoutes(fakeSystem{})
	s.AddImageRoutes(nil)
	s.AddContainerRoutes(nil)
	s.AddEventsRoutes(nil)
	for _, c := range []struct{ method, path, pattern string }{
		{"GET", "/images/json", "GET /images/json"},
		{"GET", "/images/127.0.0.1:5000/genode/hello:latest/json", "GET /images/{rest...}"},
		{"GET", "/images/get", "GET /images/get"},
		{"GET", "/images/hello/get", "GET /images/{name}/get"},
		{"DELETE", "/images/127.0.0.1:5000/genode/hello", "DELETE /images/{name...}"},
		{"POST", "/containers/abc/start", "POST /containers/{name}/start"},
		{"POST", "/exec/abc/start", "POST /exec/{id}/start"},
	} {
		if _, p := s.mux.Handler(httptest.NewRequest(c.method, c.path, nil)); p != c.pattern {
			t.Errorf("%s %s routes to %q, want %q", c.method, c.path, p, c.pattern)
		}
	}
}

func TestFilterImages(t *testing.T) {
	list := []image.Summary{
		{ID: "sha256:aaaa1111", Created: 30, RepoTags: []string{"127.0.0.1:5000/genode/hello:latest", "hello:v1"}, Labels: map[string]string{"k": "v"}},
		{ID: "sha256:bbbb2222", Created: 20, RepoTags: []string{"toolbox:latest"}},
		{ID: "sha256:cccc3333", Created: 10, RepoTags: []string{}},
	}
	ids := func(l []image.Summary) string {
		var out []string
		for _, s := range l {
			out = append(out, s.ID[7:11])
		}
		return strings.Join(out, ",")
	}
	for _, c := range []struct {
		f    map[string][]string
		want string
	}{
		{map[string][]string{"dangling": {"true"}}, "cccc"},
		{map[string][]string{"dangling": {"false"}}, "aaaa,bbbb"},
		{map[string][]string{"reference": {"hello"}}, "aaaa"},
		{map[string][]string{"reference": {"*/genode/*"}}, "aaaa"},
		{map[string][]string{"reference": {"toolbox:latest"}}, "bbbb"},
		{map[string][]string{"label": {"k=v"}}, "aaaa"},
		{map[string][]string{"label": {"k=w"}}, ""},
		{map[string][]string{"before": {"toolbox"}}, "cccc"},
		{map[string][]string{"since": {"bbbb2222"}}, "aaaa"},
	} {
		got, err := filterImages(list, c.f)
		if err != nil || ids(got) != c.want {
			t.Errorf("%v: %s %v, want %s", c.f, ids(got), err, c.want)
		}
		if c.f["reference"] != nil && c.f["reference"][0] == "hello" && (len(got) != 1 || len(got[0].RepoTags) != 1 || got[0].RepoTags[0] != "hello:v1") {
			t.Errorf("reference=hello: tags %v, want only the matching hello:v1", got)
		}
	}
	for _, bad := range []map[string][]string{{"dangling": {"maybe"}}, {"before": {"nosuch"}}, {"reference": {"["}}} {
		if _, err := filterImages(list, bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
