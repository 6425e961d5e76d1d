package rootfs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The archive links exactly the applets the toolbox has (toolbox --list, built natively).
func TestAppletsMatchToolbox(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "toolbox")
	build := exec.Command("go", "build", "-o", bin, "./toolbox")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--list").Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Fields(string(out))
	if !slices.Equal(got, Applets) {
		t.Errorf("toolbox --list = %v, Applets = %v", got, Applets)
	}
}

func TestPackLayout(t *testing.T) {
	data, err := pack([]byte("\x7fELF"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	links := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeSymlink {
			links[h.Name] = h.Linkname
		}
	}
	for _, a := range Applets {
		if links["./bin/"+a] != "toolbox" {
			t.Errorf("./bin/%s -> %q, want the relative link toolbox", a, links["./bin/"+a])
		}
	}
}
