package oci

import (
	"fmt"
	"sort"
	"strings"
)

// Refusal is one field of the runtime spec that Genode cannot honour.
type Refusal struct {
	Field  string // JSON path, e.g. "linux.resources.cpu.quota"
	Reason string
}

// RefusedError lists every field of a spec that Genode cannot honour.
type RefusedError struct{ Refusals []Refusal }

func (e *RefusedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the container configuration has %d field(s) Genode cannot honour:", len(e.Refusals))
	for _, r := range e.Refusals {
		fmt.Fprintf(&b, "\n  %s: %s", r.Field, r.Reason)
	}
	return b.String()
}

type collector struct {
	refused []Refusal
	noops   []string
}

func (c *collector) refuse(field, format string, args ...any) {
	c.refused = append(c.refused, Refusal{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (c *collector) noop(field string) { c.noops = append(c.noops, field) }

func (c *collector) err() error {
	if len(c.refused) == 0 {
		return nil
	}
	r := append([]Refusal(nil), c.refused...)
	sort.SliceStable(r, func(i, j int) bool { return r[i].Field < r[j].Field })
	return &RefusedError{Refusals: r}
}

// member is one field of an object refused as a whole.
type member struct {
	name   string // JSON name
	set    bool
	reason string
}

// refuseObject refuses each set member by its own name, or the object by
// its name when none is set (an empty object still asks for the feature).
// yesNo reads an annotation of "yes" or "no"; anything else is refused.
func (c *collector) yesNo(field, v string) bool {
	switch v {
	case "yes":
		return true
	case "no":
	default:
		c.refuse(field, "expected yes or no, got %q", v)
	}
	return false
}

// containerID reads an annotation naming a container (what, for the
// refusal): not empty, and usable as a directory name and a label.
func (c *collector) containerID(field, v, what string) string {
	if v == "" || strings.ContainsAny(v, "/\"\n|") {
		c.refuse(field, "expected %s, got %q", what, v)
		return ""
	}
	return v
}

func (c *collector) refuseObject(object, reason string, members ...member) {
	named := false
	for _, m := range members {
		if m.set {
			c.refuse(object+"."+m.name, "%s", m.reason)
			named = true
		}
	}
	if !named {
		c.refuse(object, "%s", reason)
	}
}
