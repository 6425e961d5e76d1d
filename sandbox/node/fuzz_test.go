package node

import (
	"os"
	"path/filepath"
	"testing"
)

func seedAll(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"a\n-\n", "<a/>", "a | b: c\n+ d e\n  : f\n-\n", "<a><b>c</b></a>", "x\n+ a | + b\n      + c\n-\n"} {
		f.Add([]byte(s))
	}
}

func fuzzRound(t *testing.T, data []byte) {
	n, err := Parse(data)
	lax := ParseLax(data)
	if lax == nil {
		t.Fatal("lax nil")
	}
	if err != nil {
		if _, ok := err.(*Error); !ok {
			t.Fatalf("error type %T", err)
		}
		return
	}
	if n.CheckHID() == nil {
		m, err := ParseHID(n.EncodeHID())
		if err != nil {
			t.Fatalf("HID re-parse: %v\n%q", err, n.EncodeHID())
		}
		if !Equal(n, m) {
			t.Fatalf("HID round trip differs\n%q", n.EncodeHID())
		}
	}
	if n.CheckXML() == nil {
		m, err := ParseXML(n.EncodeXML())
		if err != nil {
			t.Fatalf("XML re-parse: %v\n%q", err, n.EncodeXML())
		}
		if !Equal(n, m) {
			t.Fatalf("XML round trip differs\n%q", n.EncodeXML())
		}
	}
}

func FuzzParseHID(f *testing.F) {
	seedAll(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if isXML(data) {
			return
		}
		fuzzRound(t, data)
	})
}

func FuzzParseXML(f *testing.F) {
	seedAll(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if !isXML(data) {
			return
		}
		fuzzRound(t, data)
	})
}
