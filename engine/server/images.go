package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"genodego/engine/daemon"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/registry"
)

// ImageBackend answers the image routes.
type ImageBackend interface {
	Images(ctx context.Context) ([]image.Summary, error)
	ImageInspect(ctx context.Context, ref string) (image.InspectResponse, error)
	TagImage(ctx context.Context, source, target string) error
	ImageDelete(ctx context.Context, ref string, force bool) ([]image.DeleteResponse, error)
	PullImage(ctx context.Context, ref string, auth *registry.AuthConfig, progress func(daemon.PullProgress)) error
	PushImage(ctx context.Context, ref, tag string, auth *registry.AuthConfig, progress func(daemon.PullProgress)) error
	ImagesPrune(ctx context.Context, all bool) (image.PruneReport, error)
	SaveImages(ctx context.Context, refs []string, w io.Writer) error
	LoadImages(ctx context.Context, r io.Reader) ([]string, error)
}

// AddImageRoutes adds /images/....
func (s *Server) AddImageRoutes(b ImageBackend) {
	s.Handle("GET /images/json", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		f, err := Filters(r)
		if err != nil {
			return err
		}
		for k := range f {
			switch k {
			case "dangling", "reference", "label", "before", "since":
			default:
				return InvalidParameter(fmt.Errorf("invalid filter '%s'", k))
			}
		}
		list, err := b.Images(ctx)
		if err != nil {
			return err
		}
		if len(f) > 0 {
			if list, err = filterImages(list, f); err != nil {
				return err
			}
		}
		return WriteJSON(w, http.StatusOK, list)
	})
	s.Handle("POST /images/create", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		if q.Get("fromSrc") != "" {
			return NotImplemented(errors.New("docker import: not offered by the engine yet"))
		}
		ref := q.Get("fromImage")
		if ref == "" {
			return InvalidParameter(errors.New("fromImage is missing"))
		}
		if tag := q.Get("tag"); tag != "" {
			if strings.HasPrefix(tag, "sha256:") {
				ref += "@" + tag
			} else {
				ref += ":" + tag
			}
		}
		if p := q.Get("platform"); p != "" && !strings.HasPrefix(p, "genode") {
			return InvalidParameter(fmt.Errorf("platform %s: containers on Genode run genode binaries (genode/amd64, genode/arm64)", p))
		}
		auth, err := registryAuth(r)
		if err != nil {
			return err
		}
		return progressStream(w, func(progress func(daemon.PullProgress)) error {
			return b.PullImage(ctx, ref, auth, progress)
		})
	})
	s.Handle("GET /images/get", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		names := r.URL.Query()["names"]
		if len(names) == 0 {
			return InvalidParameter(errors.New("docker save: no image named"))
		}
		if p := r.URL.Query().Get("platform"); p != "" {
			return NotImplemented(errors.New("docker save --platform: the engine saves its own platform's images"))
		}
		// the first write sends the headers: an error before it is an answer
		w.Header().Set("Content-Type", "application/x-tar")
		return b.SaveImages(ctx, names, w)
	})
	s.Handle("GET /images/{name}/get", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/x-tar")
		return b.SaveImages(ctx, []string{r.PathValue("name")}, w)
	})
	s.Handle("POST /images/load", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		names, err := b.LoadImages(ctx, r.Body)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		enc := json.NewEncoder(w)
		for _, n := range names {
			enc.Encode(map[string]string{"stream": "Loaded image: " + n + "\n"})
		}
		return nil
	})
	s.Handle("POST /images/prune", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		f, err := Filters(r)
		if err != nil {
			return err
		}
		all := false
		for k, vs := range f {
			if k != "dangling" {
				return NotImplemented(fmt.Errorf("image prune filter '%s': the engine prunes by dangling only", k))
			}
			for _, v := range vs {
				all = all || v == "false" || v == "0"
			}
		}
		rep, err := b.ImagesPrune(ctx, all)
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusOK, rep)
	})
	s.Handle("GET /images/{rest...}", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		name, ok := strings.CutSuffix(r.PathValue("rest"), "/json")
		if !ok {
			return errNotFoundPage{r.Method, r.URL.Path}
		}
		img, err := b.ImageInspect(ctx, name)
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusOK, img)
	})
	s.Handle("POST /images/{rest...}", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		rest := r.PathValue("rest")
		switch {
		case strings.HasSuffix(rest, "/tag"):
			repo, tag := r.URL.Query().Get("repo"), r.URL.Query().Get("tag")
			if repo == "" {
				return InvalidParameter(errors.New("repository name (repo) is missing"))
			}
			if tag != "" {
				repo += ":" + tag
			}
			if err := b.TagImage(ctx, strings.TrimSuffix(rest, "/tag"), repo); err != nil {
				return err
			}
			w.WriteHeader(http.StatusCreated)
			return nil
		case strings.HasSuffix(rest, "/push"):
			if p := r.URL.Query().Get("platform"); p != "" {
				return NotImplemented(errors.New("docker push --platform: the engine pushes its own platform's content"))
			}
			auth, err := registryAuth(r)
			if err != nil {
				return err
			}
			name, tag := strings.TrimSuffix(rest, "/push"), r.URL.Query().Get("tag")
			return progressStream(w, func(progress func(daemon.PullProgress)) error {
				return b.PushImage(ctx, name, tag, auth, progress)
			})
		}
		return errNotFoundPage{r.Method, r.URL.Path}
	})
	s.Handle("DELETE /images/{name...}", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		list, err := b.ImageDelete(ctx, r.PathValue("name"), BoolValue(r, "force"))
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusOK, list)
	})
}

// Filters is the request's filters parameter: {"key": {"value": true}}
// (or the old {"key": ["value"]}).
func Filters(r *http.Request) (map[string][]string, error) {
	raw := r.URL.Query().Get("filters")
	if raw == "" {
		return nil, nil
	}
	out := map[string][]string{}
	var m map[string]map[string]bool
	if err := json.Unmarshal([]byte(raw), &m); err == nil {
		for k, vs := range m {
			for v, on := range vs {
				if on {
					out[k] = append(out[k], v)
				}
			}
		}
		return out, nil
	}
	var l map[string][]string
	if err := json.Unmarshal([]byte(raw), &l); err != nil {
		return nil, InvalidParameter(fmt.Errorf("invalid filter: %q is not a JSON map of filters", raw))
	}
	return l, nil
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// BoolValue is a query parameter as the API reads booleans: anything but
// "", "0", "no", "false" and "none" is true.
func BoolValue(r *http.Request, k string) bool {
	switch strings.ToLower(strings.TrimSpace(r.URL.Query().Get(k))) {
	case "", "0", "no", "false", "none":
		return false
	}
	return true
}

// progressStream answers with run's progress, a stream of JSON messages. An
// error before the first message is the answer; after it, a message too, as
// docker pull and push expect.
func progressStream(w http.ResponseWriter, run func(func(daemon.PullProgress)) error) error {
	w.Header().Set("Content-Type", "application/json")
	started := false
	enc := json.NewEncoder(w)
	err := run(func(p daemon.PullProgress) {
		if !started {
			w.WriteHeader(http.StatusOK)
			started = true
		}
		enc.Encode(p)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	})
	if err != nil && !started {
		return err
	}
	if err != nil {
		enc.Encode(map[string]any{"errorDetail": map[string]string{"message": err.Error()}, "error": err.Error()})
	}
	return nil
}

// registryAuth is the X-Registry-Auth header: base64url of a JSON
// AuthConfig (padded or not), or nothing.
func registryAuth(r *http.Request) (*registry.AuthConfig, error) {
	h := r.Header.Get("X-Registry-Auth")
	if h == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(h, "="))
	if err != nil {
		return nil, InvalidParameter(fmt.Errorf("X-Registry-Auth: not base64url: %v", err))
	}
	var a registry.AuthConfig
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, InvalidParameter(fmt.Errorf("X-Registry-Auth: not a JSON AuthConfig: %v", err))
	}
	return &a, nil
}

// filterImages is docker images --filter: dangling, reference (a glob
// on NAME or NAME:TAG), label (KEY or KEY=VALUE), before and since (an
// image by name or ID; by creation time).
func filterImages(list []image.Summary, f map[string][]string) ([]image.Summary, error) {
	created := func(ref string) (int64, error) {
		for _, s := range list {
			if strings.HasPrefix(strings.TrimPrefix(s.ID, "sha256:"), strings.TrimPrefix(ref, "sha256:")) && len(ref) >= 4 {
				return s.Created, nil
			}
			for _, t := range s.RepoTags {
				if t == ref || t == ref+":latest" {
					return s.Created, nil
				}
			}
		}
		return 0, InvalidParameter(fmt.Errorf("no such image: %s", ref))
	}
	var before, since []int64
	for _, v := range f["before"] {
		c, err := created(v)
		if err != nil {
			return nil, err
		}
		before = append(before, c)
	}
	for _, v := range f["since"] {
		c, err := created(v)
		if err != nil {
			return nil, err
		}
		since = append(since, c)
	}
	for _, v := range f["dangling"] {
		if _, err := strconv.ParseBool(v); err != nil {
			return nil, InvalidParameter(fmt.Errorf("invalid filter 'dangling=%s'", v))
		}
	}
	for _, v := range f["reference"] {
		if _, err := path.Match(v, ""); err != nil {
			return nil, InvalidParameter(fmt.Errorf("invalid filter 'reference=%s': %v", v, err))
		}
	}
	out := []image.Summary{}
	for _, s := range list {
		ok := true
		for _, v := range f["dangling"] {
			d, _ := strconv.ParseBool(v)
			ok = ok && d == (len(s.RepoTags) == 0)
		}
		if refs := f["reference"]; len(refs) > 0 {
			// only the tags that match are the image's in the answer
			var tags []string
			for _, t := range s.RepoTags {
				repo := t
				if i := strings.LastIndex(t, ":"); i > strings.LastIndex(t, "/") {
					repo = t[:i]
				}
				for _, p := range refs {
					m1, _ := path.Match(p, t)
					m2, _ := path.Match(p, repo)
					if m1 || m2 {
						tags = append(tags, t)
						break
					}
				}
			}
			ok = ok && len(tags) > 0
			// and the digests of those tags' repositories
			var digests []string
			for _, dg := range s.RepoDigests {
				repo, _, _ := strings.Cut(dg, "@")
				for _, t := range tags {
					if strings.HasPrefix(t, repo+":") {
						digests = append(digests, dg)
						break
					}
				}
			}
			s.RepoTags, s.RepoDigests = tags, digests
		}
		for _, l := range f["label"] {
			k, v, hasV := strings.Cut(l, "=")
			got, has := s.Labels[k]
			ok = ok && has && (!hasV || got == v)
		}
		for _, c := range before {
			ok = ok && s.Created < c
		}
		for _, c := range since {
			ok = ok && s.Created > c
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}
