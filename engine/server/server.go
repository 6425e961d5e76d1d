// Package server serves the Docker Engine API: the routes, the API version
// a request names, and errors as the API's JSON answers. What each route
// does is a Backend's.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/common"
)

// The API versions served: the types are those of github.com/moby/moby/api
// at APIVersion; older clients down to MinAPIVersion read the same answers.
const (
	APIVersion    = "1.57"
	MinAPIVersion = "1.40"
)

// Server is the Engine API over a backend.
type Server struct {
	mux     *http.ServeMux
	version string // the engine's own version, in the Server header
}

// New returns a server whose routes are added with Handle.
func New(version string) *Server {
	return &Server{mux: http.NewServeMux(), version: version}
}

// HandlerFunc is a route's handler: it writes its answer, or returns the
// error the server answers with.
type HandlerFunc func(ctx context.Context, w http.ResponseWriter, r *http.Request) error

// Handle adds a route: pattern is a method and a path as http.ServeMux has
// them ("POST /containers/{name}/start"), without the version prefix.
func (s *Server) Handle(pattern string, h HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(r.Context(), w, r); err != nil {
			WriteError(w, err)
		}
	})
}

type versionKey struct{}

// Version is the API version of the request ctx belongs to.
func Version(ctx context.Context) string {
	if v, ok := ctx.Value(versionKey{}).(string); ok {
		return v
	}
	return APIVersion
}

// ServeHTTP takes the version off the path ("/v1.45/containers/json"),
// refuses one outside the range served and routes the rest.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Api-Version", APIVersion)
	h.Set("Server", "Docker/"+s.version+" (genode)")
	h.Set("Ostype", "genode")
	version := APIVersion
	if rest, ok := strings.CutPrefix(r.URL.Path, "/v"); ok {
		v, path, _ := strings.Cut(rest, "/")
		if validVersion(v) {
			version = v
			r.URL.Path = "/" + path
			r.URL.RawPath = ""
		}
	}
	if compareVersions(version, APIVersion) > 0 {
		WriteError(w, InvalidParameter(fmt.Errorf("client version %s is too new. Maximum supported API version is %s", version, APIVersion)))
		return
	}
	if compareVersions(version, MinAPIVersion) < 0 {
		WriteError(w, InvalidParameter(fmt.Errorf("client version %s is too old. Minimum supported API version is %s, please upgrade your client to a newer version", version, MinAPIVersion)))
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), versionKey{}, version))
	if _, pattern := s.mux.Handler(r); pattern == "" {
		WriteError(w, errNotFoundPage{r.Method, r.URL.Path})
		return
	}
	s.mux.ServeHTTP(w, r)
}

type errNotFoundPage struct{ method, path string }

func (e errNotFoundPage) Error() string {
	return fmt.Sprintf("page not found: %s %s is not an Engine API route", e.method, e.path)
}
func (errNotFoundPage) NotFound() {}

func validVersion(v string) bool {
	major, minor, ok := strings.Cut(v, ".")
	if !ok {
		return false
	}
	_, err1 := strconv.Atoi(major)
	_, err2 := strconv.Atoi(minor)
	return err1 == nil && err2 == nil
}

// compareVersions compares API versions "MAJOR.MINOR".
func compareVersions(a, b string) int {
	am, an, _ := strings.Cut(a, ".")
	bm, bn, _ := strings.Cut(b, ".")
	x, _ := strconv.Atoi(am)
	y, _ := strconv.Atoi(bm)
	if x != y {
		return x - y
	}
	x, _ = strconv.Atoi(an)
	y, _ = strconv.Atoi(bn)
	return x - y
}

// VersionAtLeast reports whether the request ctx belongs to names API
// version v or a later one.
func VersionAtLeast(ctx context.Context, v string) bool {
	return compareVersions(Version(ctx), v) >= 0
}

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// WriteError answers with err's status and {"message": ...}.
func WriteError(w http.ResponseWriter, err error) {
	status := StatusOf(err)
	if status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(common.ErrorResponse{Message: err.Error()})
}

// StatusOf is the HTTP status of err by its errdefs class, as the Engine
// API gives it.
func StatusOf(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errdefs.IsNotModified(err):
		return http.StatusNotModified
	case errdefs.IsInvalidArgument(err):
		return http.StatusBadRequest
	case errdefs.IsNotFound(err):
		return http.StatusNotFound
	case errdefs.IsAlreadyExists(err), errdefs.IsConflict(err), errdefs.IsFailedPrecondition(err):
		return http.StatusConflict
	case errdefs.IsUnauthorized(err):
		return http.StatusUnauthorized
	case errdefs.IsPermissionDenied(err):
		return http.StatusForbidden
	case errdefs.IsNotImplemented(err):
		return http.StatusNotImplemented
	case errdefs.IsUnavailable(err):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled), errdefs.IsCanceled(err):
		return 499 // the client has gone
	}
	return http.StatusInternalServerError
}

// InvalidParameter marks err as a client's mistake (400).
func InvalidParameter(err error) error { return classed{err, errdefs.ErrInvalidArgument} }

// NotImplemented marks err as something the engine cannot do on Genode
// (501); the message says why.
func NotImplemented(err error) error { return classed{err, errdefs.ErrNotImplemented} }

// classed is err answered as class, with err's message alone.
type classed struct{ err, class error }

func (c classed) Error() string   { return c.err.Error() }
func (c classed) Unwrap() []error { return []error{c.err, c.class} }
