package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// A point is one TAP test point.
type point struct {
	n     int
	ok    bool
	skip  bool
	todo  bool
	desc  string
	yaml  []string // the YAML block after it, if any
	lines []string // "# " diagnostics after it
}

// A tapRun is what one validation program printed.
type tapRun struct {
	header    bool // "TAP version 13"
	plan      int  // -1: none
	planSkip  string
	points    []point
	looseYAML [][]string // YAML blocks before the first point (the programs that report only failures)
	notTAP    []string   // lines that are not TAP
}

// parseTAP reads the TAP 13 that mndrix/tap-go writes (validation programs and, copied into their
// output, runtimetest's report from inside the container).
func parseTAP(out string) *tapRun {
	r := &tapRun{plan: -1}
	var yaml *[]string
	inYAML := false
	for _, line := range strings.Split(out, "\n") {
		if inYAML {
			if strings.TrimSpace(line) == "..." {
				inYAML = false
				continue
			}
			*yaml = append(*yaml, strings.TrimPrefix(line, "  "))
			continue
		}
		t := strings.TrimRight(line, "\r")
		switch {
		case t == "":
		case strings.HasPrefix(t, "TAP version"):
			r.header = true
		case strings.HasPrefix(t, "1.."):
			spec, dir, _ := strings.Cut(t[3:], "#")
			if n, err := strconv.Atoi(strings.TrimSpace(spec)); err == nil {
				r.plan = n
			}
			if d := strings.TrimSpace(dir); strings.HasPrefix(strings.ToUpper(d), "SKIP") {
				r.planSkip = strings.TrimSpace(d[4:])
			}
		case strings.HasPrefix(t, "ok") || strings.HasPrefix(t, "not ok"):
			p := point{ok: strings.HasPrefix(t, "ok")}
			rest := strings.TrimPrefix(strings.TrimPrefix(t, "not ok"), "ok")
			rest = strings.TrimSpace(rest)
			num := rest
			if i := strings.IndexAny(rest, " #-"); i >= 0 {
				num = rest[:i]
				rest = rest[i:]
			} else {
				rest = ""
			}
			p.n, _ = strconv.Atoi(num)
			desc, dir, hasDir := strings.Cut(rest, "#")
			if hasDir {
				d := strings.TrimSpace(dir)
				switch {
				case strings.HasPrefix(strings.ToUpper(d), "SKIP"):
					p.skip = true
					desc = strings.TrimSpace(d[4:])
				case strings.HasPrefix(strings.ToUpper(d), "TODO"):
					p.todo = true
					desc = strings.TrimSpace(d[4:])
				default:
					desc = rest
				}
			}
			p.desc = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(desc), "-"))
			r.points = append(r.points, p)
		case strings.TrimSpace(t) == "---":
			inYAML = true
			if len(r.points) > 0 {
				yaml = &r.points[len(r.points)-1].yaml
				if len(*yaml) > 0 {
					*yaml = append(*yaml, "---")
				}
			} else {
				r.looseYAML = append(r.looseYAML, nil)
				yaml = &r.looseYAML[len(r.looseYAML)-1]
			}
		case strings.HasPrefix(t, "#"):
			if len(r.points) > 0 {
				p := &r.points[len(r.points)-1]
				p.lines = append(p.lines, strings.TrimSpace(t[1:]))
			}
		default:
			r.notTAP = append(r.notTAP, t)
		}
	}
	return r
}

// Results of one program.
const (
	resPass = "pass"
	resFail = "fail"
	resSkip = "skip"
)

type verdict struct {
	result string
	reason string // for fail and skip: why; for pass: a note, if any
	counts string // "3 ok, 1 not ok, 2 skipped"
}

// judge classifies a program's run. Most programs report test points; a few (prestart, poststart,
// poststop and their _fail variants, hooks) report nothing when all is well and only a YAML block with
// the error otherwise, so "no points and no YAML" with a plan is a pass, and "no points but YAML" a failure.
// A program that reports nothing at all (no plan), or exits non-zero, failed.
func judge(r *tapRun, exit int, stderrTail string) verdict {
	var ok, notOK, skip, todo int
	var fails []string
	var skips []string
	for _, p := range r.points {
		switch {
		case p.todo:
			todo++
		case p.skip:
			skip++
			skips = append(skips, p.desc)
		case p.ok:
			ok++
		default:
			notOK++
			fails = append(fails, describe(p))
		}
	}
	parts := []string{fmt.Sprintf("%d ok", ok)}
	if notOK > 0 {
		parts = append(parts, fmt.Sprintf("%d not ok", notOK))
	}
	if skip > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", skip))
	}
	if todo > 0 {
		parts = append(parts, fmt.Sprintf("%d todo", todo))
	}
	v := verdict{counts: strings.Join(parts, ", ")}
	switch {
	case notOK > 0:
		v.result, v.reason = resFail, strings.Join(fails, "; ")
	case exit != 0:
		v.result = resFail
		v.reason = fmt.Sprintf("exit status %d", exit)
		if exit == 124 {
			v.reason = "timed out"
		}
		if stderrTail != "" {
			v.reason += ": " + stderrTail
		}
	case len(r.points) == 0 && len(r.looseYAML) > 0:
		v.result = resFail
		var msgs []string
		for _, y := range r.looseYAML {
			msgs = append(msgs, yamlSummary(y))
		}
		v.reason = strings.Join(msgs, "; ")
	case r.plan < 0:
		v.result = resFail
		v.reason = "no TAP plan (the program's report is missing or incomplete)"
		if len(r.notTAP) > 0 {
			v.reason += ": " + clip(strings.Join(r.notTAP, " "), 300)
		} else if stderrTail != "" {
			v.reason += ": " + stderrTail
		}
	case r.planSkip != "" || (len(r.points) > 0 && skip == len(r.points)):
		v.result = resSkip
		v.reason = r.planSkip
		if v.reason == "" {
			v.reason = strings.Join(uniq(skips), "; ")
		}
	case len(r.points) == 0:
		v.result = resPass
		v.reason = "reports only failures; none reported"
	default:
		v.result = resPass
		if skip > 0 {
			v.reason = "skipped inside: " + strings.Join(uniq(skips), "; ")
		}
	}
	return v
}

func describe(p point) string {
	s := p.desc
	if y := yamlSummary(p.yaml); y != "" {
		s += " (" + y + ")"
	}
	return s
}

// yamlSummary picks the telling keys of a YAML diagnostic: error, stderr, expected/actual. tap-go writes
// its YAML blocks as JSON, which YAML includes; a block that is not JSON is read as "key: value" lines.
func yamlSummary(y []string) string {
	var keep []string
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.Join(y, "\n")), &m); err == nil {
		for _, k := range []string{"error", "stderr", "expected", "actual"} {
			if v, ok := m[k]; ok {
				keep = append(keep, k+": "+strings.TrimSpace(fmt.Sprint(v)))
			}
		}
		return clip(strings.Join(keep, "; "), 400)
	}
	var cur string
	flush := func() {
		if cur != "" {
			keep = append(keep, cur)
		}
		cur = ""
	}
	for _, l := range y {
		key, val, ok := strings.Cut(l, ":")
		if ok && !strings.HasPrefix(l, " ") {
			flush()
			switch strings.TrimSpace(key) {
			case "error", "stderr", "expected", "actual":
				cur = strings.TrimSpace(key) + ": " + strings.Trim(strings.TrimSpace(val), `"|`)
			}
			continue
		}
		if cur != "" {
			cur += " " + strings.TrimSpace(l)
		}
	}
	flush()
	return clip(strings.Join(keep, "; "), 400)
}

func uniq(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
