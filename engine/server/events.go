package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/events"
)

// EventsBackend answers docker events.
type EventsBackend interface {
	SubscribeEvents(since time.Time) ([]events.Message, <-chan events.Message, func())
}

// AddEventsRoutes adds /events: a stream of JSON messages, filtered by
// type, event (action), container, image and label.
func (s *Server) AddEventsRoutes(b EventsBackend) {
	s.Handle("GET /events", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		f, err := Filters(r)
		if err != nil {
			return err
		}
		for k := range f {
			switch k {
			case "type", "event", "container", "image", "label":
			default:
				return InvalidParameter(errInvalidFilter(k))
			}
		}
		since, err := eventTime(r, "since")
		if err != nil {
			return err
		}
		until, err := eventTime(r, "until")
		if err != nil {
			return err
		}
		past, c, cancel := b.SubscribeEvents(since)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fl, _ := w.(http.Flusher)
		if fl != nil {
			fl.Flush()
		}
		enc := json.NewEncoder(w)
		send := func(m events.Message) error {
			if !until.IsZero() && m.TimeNano > until.UnixNano() {
				return nil
			}
			if !eventMatches(f, m) {
				return nil
			}
			if err := enc.Encode(m); err != nil {
				return err
			}
			if fl != nil {
				fl.Flush()
			}
			return nil
		}
		for _, m := range past {
			if send(m) != nil {
				return nil
			}
		}
		var end <-chan time.Time
		if !until.IsZero() {
			t := time.NewTimer(time.Until(until))
			defer t.Stop()
			end = t.C
		}
		for {
			select {
			case m := <-c:
				if send(m) != nil {
					return nil
				}
			case <-end:
				return nil
			case <-ctx.Done():
				return nil
			}
		}
	})
}

type errInvalidFilter string

func (e errInvalidFilter) Error() string { return "invalid filter '" + string(e) + "'" }

// eventTime reads since/until (param k): Unix seconds, with an optional
// fraction.
func eventTime(r *http.Request, k string) (time.Time, error) {
	v := r.URL.Query().Get(k)
	if v == "" {
		return time.Time{}, nil
	}
	bad := InvalidParameter(fmt.Errorf("invalid %s %q: not a Unix time (seconds[.fraction])", k, v))
	sec, frac, _ := strings.Cut(v, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, bad
	}
	var ns uint64
	if frac != "" {
		// nine digits: no sign, below a second
		frac = (frac + "000000000")[:9]
		if ns, err = strconv.ParseUint(frac, 10, 64); err != nil {
			return time.Time{}, bad
		}
	}
	return time.Unix(s, int64(ns)), nil
}

func eventMatches(f map[string][]string, m events.Message) bool {
	in := func(key, v string, also ...string) bool {
		vs := f[key]
		if len(vs) == 0 {
			return true
		}
		for _, w := range vs {
			if w == v {
				return true
			}
			for _, a := range also {
				if w == a || (a != "" && strings.HasPrefix(a, w) && len(w) >= 12) {
					return true
				}
			}
		}
		return false
	}
	attrs := m.Actor.Attributes
	if !in("type", string(m.Type)) || !in("event", string(m.Action)) {
		return false
	}
	if len(f["container"]) > 0 && (m.Type != events.ContainerEventType || !in("container", attrs["name"], m.Actor.ID)) {
		return false
	}
	if len(f["image"]) > 0 && !in("image", attrs["image"], attrs["name"], m.Actor.ID) {
		return false
	}
	for _, l := range f["label"] {
		k, v, hasValue := strings.Cut(l, "=")
		got, ok := attrs[k]
		if !ok || hasValue && got != v {
			return false
		}
	}
	return true
}
