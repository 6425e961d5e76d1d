package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Class is a group of benchmarks with one goal for genode/native.
type Class struct {
	Name string
	Goal float64 // the ratio genode/native the port aims at
}

// Spec is one `go test -bench` run.
type Spec struct {
	Class Class
	Pkg   string // import path; "" for our module test/bench
	Bench string // -bench pattern
}

var (
	compute    = Class{"compute", 1.05}
	goroutines = Class{"goroutines+channels", 1.2}
	io_        = Class{"file+socket I/O", 2}
	clock      = Class{"clock (time.Now)", 1.5}
)

// specs is the fixed set. std's own benchmarks where they exist (strconv's
// live in internal/strconv since Go 1.26), ours in test/bench for the rest.
var specs = []Spec{
	{goroutines, "runtime", "^(BenchmarkCreateGoroutines|BenchmarkChanSync|BenchmarkSelectUncontended|BenchmarkSelectSyncContended|BenchmarkSelectNonblock)$"},
	{goroutines, "sync", "^BenchmarkMutex$"},
	{compute, "internal/strconv", "^(BenchmarkFormatInt|BenchmarkAppendInt|BenchmarkFormatUint|BenchmarkAtof64Decimal|BenchmarkAtof64Float|BenchmarkAtof64FloatExp)$"},
	{compute, "encoding/json", "^(BenchmarkCodeEncoder|BenchmarkCodeDecoder)$"},
	{io_, "", "^(BenchmarkFileWrite1MiB|BenchmarkFileRead1MiB|BenchmarkTCPLoopback|BenchmarkFileCycle|BenchmarkTCPPingPong64|BenchmarkUnixPingPong64)$"},
	{clock, "", "^BenchmarkTimeNow$"},
}

// ParseBench returns the ns/op values of each benchmark in go test -bench
// output, keyed by the full name (with the -N GOMAXPROCS suffix), in order
// of first appearance.
func ParseBench(r io.Reader) (names []string, ns map[string][]float64) {
	ns = map[string][]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			continue
		}
		for i := 2; i+1 < len(f); i += 2 {
			if f[i+1] != "ns/op" {
				continue
			}
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			if _, ok := ns[f[0]]; !ok {
				names = append(names, f[0])
			}
			ns[f[0]] = append(ns[f[0]], v)
		}
	}
	return names, ns
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Line is one benchmark's comparison.
type Line struct {
	Class          Class
	Name           string
	Native, Genode float64 // median ns/op; NaN when missing
}

// Ratio is genode/native, NaN when either is missing.
func (l Line) Ratio() float64 { return l.Genode / l.Native }

// Compare pairs the benchmarks of one spec's two outputs; names only in the
// native output get a NaN genode value.
func Compare(c Class, native, genode io.Reader) []Line {
	names, n := ParseBench(native)
	gnames, g := ParseBench(genode)
	for _, name := range gnames {
		if _, ok := n[name]; !ok {
			names = append(names, name)
		}
	}
	var ls []Line
	for _, name := range names {
		ls = append(ls, Line{c, name, median(n[name]), median(g[name])})
	}
	return ls
}

func geomean(v []float64) float64 {
	s, k := 0.0, 0
	for _, x := range v {
		if !math.IsNaN(x) && x > 0 {
			s += math.Log(x)
			k++
		}
	}
	if k == 0 {
		return math.NaN()
	}
	return math.Exp(s / float64(k))
}

func fmtNs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v >= 1e6:
		return fmt.Sprintf("%.2fms", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.2fµs", v/1e3)
	}
	return fmt.Sprintf("%.1fns", v)
}

func verdict(r, goal float64) string {
	switch {
	case math.IsNaN(r):
		return "no result"
	case r <= goal:
		return "met"
	}
	return "MISS"
}

// WriteTable prints the lines and the per-class geometric means with goals.
// It returns the number of classes that missed their goal or had no result.
func WriteTable(w io.Writer, lines []Line) int {
	width := len("benchmark")
	for _, l := range lines {
		width = max(width, len(l.Name))
	}
	fmt.Fprintf(w, "%-*s  %-20s %12s %12s %8s %6s  %s\n", width, "benchmark", "class", "native", "genode", "ratio", "goal", "")
	var classes []Class
	ratios := map[string][]float64{}
	for _, l := range lines {
		if _, ok := ratios[l.Class.Name]; !ok {
			classes = append(classes, l.Class)
		}
		r := l.Ratio()
		ratios[l.Class.Name] = append(ratios[l.Class.Name], r)
		fmt.Fprintf(w, "%-*s  %-20s %s %s %s %5.2fx  %s\n", width, l.Name, l.Class.Name,
			right(fmtNs(l.Native), 12), right(fmtNs(l.Genode), 12), right(fmtRatio(r), 8), l.Class.Goal, verdict(r, l.Class.Goal))
	}
	fmt.Fprintln(w)
	misses := 0
	fmt.Fprintf(w, "%-20s %8s %6s\n", "class (geomean)", "ratio", "goal")
	for _, c := range classes {
		g := geomean(ratios[c.Name])
		v := verdict(g, c.Goal)
		for _, r := range ratios[c.Name] {
			if math.IsNaN(r) {
				v += " (some without result)"
				break
			}
		}
		if v != "met" {
			misses++
		}
		fmt.Fprintf(w, "%-20s %s %5.2fx  %s\n", c.Name, right(fmtRatio(g), 8), c.Goal, v)
	}
	return misses
}

// right pads s on the left to w characters (runes, not bytes: µ and –).
func right(s string, w int) string {
	if n := utf8.RuneCountInString(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

func fmtRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2fx", r)
}
