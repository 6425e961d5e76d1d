// Package benchutil holds the small pieces the benchmark runners share:
// finding the project root and summarising durations.
package benchutil

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

// FindRoot returns root made absolute, or the project root above the
// working directory (the directory with go.work and test/genode-skips.txt).
func FindRoot(root string) (string, error) {
	if root != "" {
		return filepath.Abs(root)
	}
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		_, e1 := os.Stat(filepath.Join(d, "go.work"))
		_, e2 := os.Stat(filepath.Join(d, "test", "genode-skips.txt"))
		if e1 == nil && e2 == nil {
			return d, nil
		}
		p := filepath.Dir(d)
		if p == d {
			return "", fmt.Errorf("no project root above the working directory (use -root)")
		}
		d = p
	}
}

// Percentile is the p-th percentile (0..100) of ds, nearest rank; the median
// of an even count is the mean of the two middle values.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if p == 50 && len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

// Median is Percentile(ds, 50).
func Median(ds []time.Duration) time.Duration { return Percentile(ds, 50) }

// Mean is the arithmetic mean of ds.
func Mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var s time.Duration
	for _, d := range ds {
		s += d
	}
	return s / time.Duration(len(ds))
}

// Ms formats d in milliseconds with one decimal.
func Ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}
