package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/moby/moby/api/types/network"
)

// NetworkBackend answers the network routes.
type NetworkBackend interface {
	Networks() []network.Summary
	NetworkInspect(name string) (network.Inspect, error)
}

// AddNetworkRoutes adds /networks: the bridge and none are listed and
// inspected; making, removing and connecting networks is refused.
func (s *Server) AddNetworkRoutes(b NetworkBackend) {
	s.Handle("GET /networks", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		f, err := Filters(r)
		if err != nil {
			return err
		}
		out := []network.Summary{}
		for _, n := range b.Networks() {
			if networkMatches(f, n.Network) {
				out = append(out, n)
			}
		}
		return WriteJSON(w, http.StatusOK, out)
	})
	s.Handle("GET /networks/{id}", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		n, err := b.NetworkInspect(r.PathValue("id"))
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusOK, n)
	})
	refuse := func(what string) HandlerFunc {
		return func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
			return NotImplemented(fmt.Errorf("docker network %s: the engine has the bridge (a NIC router domain) and none; further networks would be further router domains, not offered yet", what))
		}
	}
	s.Handle("POST /networks/create", refuse("create"))
	s.Handle("DELETE /networks/{id}", refuse("rm"))
	s.Handle("POST /networks/{id}/connect", refuse("connect"))
	s.Handle("POST /networks/{id}/disconnect", refuse("disconnect"))
	s.Handle("POST /networks/prune", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		return WriteJSON(w, http.StatusOK, network.PruneReport{NetworksDeleted: []string{}})
	})
}

// networkMatches is docker network ls --filter: name, id, driver, type.
func networkMatches(f map[string][]string, n network.Network) bool {
	for k, vs := range f {
		ok := false
		for _, v := range vs {
			switch k {
			case "name":
				ok = ok || strings.Contains(n.Name, v)
			case "id":
				ok = ok || strings.HasPrefix(n.ID, v)
			case "driver":
				ok = ok || v == n.Driver
			case "type":
				ok = ok || v == "builtin"
			default:
				return false
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
