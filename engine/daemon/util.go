package daemon

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/containerd/containerd/v2/core/content"
	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/events"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// classed is err answered as class (an errdefs error), with err's message.
type classed struct{ err, class error }

func (c classed) Error() string   { return c.err.Error() }
func (c classed) Unwrap() []error { return []error{c.err, c.class} }

func notFound(err error) error       { return classed{err, errdefs.ErrNotFound} }
func invalid(err error) error        { return classed{err, errdefs.ErrInvalidArgument} }
func conflict(err error) error       { return classed{err, errdefs.ErrConflict} }
func notImplemented(err error) error { return classed{err, errdefs.ErrNotImplemented} }

// no refuses option, saying why Genode cannot honour it.
func no(option, why string) error { return notImplemented(fmt.Errorf("%s: %s", option, why)) }

func readContent(ctx context.Context, cs content.Provider, desc ocispec.Descriptor) ([]byte, error) {
	return content.ReadBlob(ctx, cs, desc)
}

func dockerConfig(img ocispec.Image) *dockerspec.DockerOCIImageConfig {
	return &dockerspec.DockerOCIImageConfig{ImageConfig: img.Config}
}

// eventHub passes the engine's events to docker events clients.
type eventHub struct {
	mu   sync.Mutex
	subs map[chan events.Message]struct{}
	past []events.Message // the recent ones, for --since
}

func newEventHub() *eventHub { return &eventHub{subs: map[chan events.Message]struct{}{}} }

const keptEvents = 256

func (h *eventHub) publish(typ, action, id string, attrs map[string]string) {
	now := time.Now()
	m := events.Message{Type: events.Type(typ), Action: events.Action(action), Scope: "local",
		Actor: events.Actor{ID: id, Attributes: attrs}, Time: now.Unix(), TimeNano: now.UnixNano()}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.past = append(h.past, m)
	if len(h.past) > keptEvents {
		h.past = h.past[len(h.past)-keptEvents:]
	}
	for c := range h.subs {
		select {
		case c <- m:
		default: // a client that does not read loses events rather than stopping the engine
		}
	}
}

// Subscribe returns the events kept since since (zero: none) and a channel of
// the ones to come; cancel ends it.
func (h *eventHub) subscribe(since time.Time) ([]events.Message, chan events.Message, func()) {
	c := make(chan events.Message, 64)
	h.mu.Lock()
	defer h.mu.Unlock()
	var past []events.Message
	if !since.IsZero() {
		for _, m := range h.past {
			if m.TimeNano >= since.UnixNano() {
				past = append(past, m)
			}
		}
	}
	h.subs[c] = struct{}{}
	return past, c, func() {
		h.mu.Lock()
		delete(h.subs, c)
		h.mu.Unlock()
	}
}

// SubscribeEvents is docker events: the kept events since since, and the
// ones to come until cancel.
func (d *Daemon) SubscribeEvents(since time.Time) ([]events.Message, <-chan events.Message, func()) {
	past, c, cancel := d.events.subscribe(since)
	return past, c, cancel
}
