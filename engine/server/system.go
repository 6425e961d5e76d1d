package server

import (
	"context"
	"net/http"

	"github.com/moby/moby/api/types/system"
)

// SystemBackend answers the system routes.
type SystemBackend interface {
	SystemVersion(ctx context.Context) (system.VersionResponse, error)
	SystemInfo(ctx context.Context) (system.Info, error)
	DiskUsage(ctx context.Context) (system.DiskUsage, error)
}

// AddSystemRoutes adds /_ping, /version and /info.
func (s *Server) AddSystemRoutes(b SystemBackend) {
	ping := func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		h := w.Header()
		h.Set("Cache-Control", "no-cache, no-store, must-revalidate")
		h.Set("Pragma", "no-cache")
		h.Set("Docker-Experimental", "false")
		// no swarm, no BuildKit: the CLI then neither offers nor tries them
		h.Set("Swarm", "inactive")
		h.Set("Builder-Version", "1")
		h.Set("Content-Type", "text/plain; charset=utf-8")
		if r.Method == http.MethodHead {
			h.Set("Content-Length", "0")
			return nil
		}
		_, err := w.Write([]byte("OK"))
		return err
	}
	s.Handle("GET /_ping", ping)
	s.Handle("HEAD /_ping", ping)
	s.Handle("GET /version", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		v, err := b.SystemVersion(ctx)
		if err != nil {
			return err
		}
		v.APIVersion, v.MinAPIVersion = APIVersion, MinAPIVersion
		for i, c := range v.Components {
			if c.Name == "Engine" {
				if c.Details == nil {
					c.Details = map[string]string{}
				}
				c.Details["ApiVersion"], c.Details["MinAPIVersion"] = APIVersion, MinAPIVersion
				c.Details["Experimental"] = "false"
				v.Components[i] = c
			}
		}
		return WriteJSON(w, http.StatusOK, v)
	})
	s.Handle("GET /system/df", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		du, err := b.DiskUsage(ctx)
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusOK, du)
	})
	s.Handle("GET /info", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		info, err := b.SystemInfo(ctx)
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusOK, info)
	})
}
