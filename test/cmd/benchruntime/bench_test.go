package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

const nativeOut = `goos: linux
goarch: amd64
pkg: runtime
BenchmarkChanSync-2     	 1000000	       100.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkChanSync-2     	 1000000	       120.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkChanSync-2     	 1000000	       110.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCreateGoroutines-2	 5000000	       200 ns/op
BenchmarkOnlyNative-2   	     100	      1000 ns/op
PASS
ok  	runtime	3.1s
`

const genodeOut = `goos: genode
BenchmarkChanSync-2     	 1000000	       130.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkChanSync-2     	 1000000	       121.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCreateGoroutines-2	 5000000	       300 ns/op	  12.00 MB/s
BenchmarkFileRead1MiB-2 	    3104	    106936 ns/op	9805.66 MB/s
[runtime] fatal error: something
`

func TestParseBench(t *testing.T) {
	names, ns := ParseBench(strings.NewReader(nativeOut))
	if strings.Join(names, " ") != "BenchmarkChanSync-2 BenchmarkCreateGoroutines-2 BenchmarkOnlyNative-2" {
		t.Errorf("names %q", names)
	}
	if len(ns["BenchmarkChanSync-2"]) != 3 || median(ns["BenchmarkChanSync-2"]) != 110 {
		t.Errorf("ChanSync %v", ns["BenchmarkChanSync-2"])
	}
	if median([]float64{1, 4, 2, 3}) != 2.5 || !math.IsNaN(median(nil)) {
		t.Error("median")
	}
}

func TestCompareTable(t *testing.T) {
	ls := Compare(goroutines, strings.NewReader(nativeOut), strings.NewReader(genodeOut))
	if len(ls) != 4 {
		t.Fatalf("lines %+v", ls)
	}
	if r := ls[0].Ratio(); math.Abs(r-125.5/110) > 1e-9 {
		t.Errorf("ChanSync ratio %v", r)
	}
	if ls[1].Ratio() != 1.5 || !math.IsNaN(ls[2].Ratio()) || ls[3].Name != "BenchmarkFileRead1MiB-2" || !math.IsNaN(ls[3].Ratio()) {
		t.Errorf("lines %+v", ls)
	}
	ls = append(ls, Compare(compute, strings.NewReader("BenchmarkX-2 10 100 ns/op\n"), strings.NewReader("BenchmarkX-2 10 104 ns/op\n"))...)
	var b bytes.Buffer
	misses := WriteTable(&b, ls)
	out := b.String()
	for _, want := range []string{
		"BenchmarkChanSync-2",
		"110.0ns",
		"1.14x",
		"1.50x  1.20x  MISS",
		"BenchmarkOnlyNative-2        goroutines+channels        1.00µs            –        –  1.20x  no result",
		"BenchmarkX-2                 compute                   100.0ns      104.0ns    1.04x  1.05x  met",
		"compute                 1.04x  1.05x  met",
		"goroutines+channels     1.31x  1.20x  MISS (some without result)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if misses != 1 {
		t.Errorf("misses = %d\n%s", misses, out)
	}
}
