package driver

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"genodego/sandbox/initcfg"
)

func TestOpenAddRemoveRestart(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(filepath.Join(dir, "init.config"), filepath.Join(dir, "state"), &initcfg.Config{ParentProvides: []string{"LOG", "PD", "CPU", "ROM"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Add(&initcfg.Start{Name: "a", RAM: initcfg.MiB}); err != nil {
		t.Fatal(err)
	}
	if err := d.Add(&initcfg.Start{Name: "a"}); err == nil {
		t.Fatal("duplicate accepted")
	}
	if err := d.Restart("a"); err != nil {
		t.Fatal(err)
	}
	if err := d.Restart("a"); err != nil {
		t.Fatal(err)
	}
	c := d.Config()
	if c.Starts[0].Version != "r2" || c.Version != "4" || c.Report == nil {
		t.Fatalf("%+v %s", c.Starts[0], c.Version)
	}
	data, _ := os.ReadFile(d.ConfigPath)
	if !strings.HasPrefix(string(data), "config | version: 4\n") || !strings.HasSuffix(string(data), "\n-\n") {
		t.Fatalf("%s", data)
	}
	// a second driver adopts the file and continues the generation count
	d2, err := Open(d.ConfigPath, d.StatePath, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d2.Remove("a"); err != nil {
		t.Fatal(err)
	}
	if d2.Version() != "5" {
		t.Fatal(d2.Version())
	}
	if err := d2.Remove("a"); err == nil {
		t.Fatal("removing a missing child")
	}
	// no temporary files are left behind
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Fatalf("left %s", e.Name())
		}
	}
	// XML output
	d2.XML = true
	if err := d2.Add(&initcfg.Start{Name: "b"}); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(d.ConfigPath)
	if !strings.HasPrefix(string(data), "<config version=\"6\">") {
		t.Fatalf("%s", data)
	}
}

func TestNextVersion(t *testing.T) {
	for in, want := range map[string]string{"": "r1", "r1": "r2", "2": "2.r1", "2.r1": "2.r2", "1.5": "1.5.r1", "r9": "r10"} {
		if got := nextVersion(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func exitedAt(n int) *int { return &n }

func TestMapStatus(t *testing.T) {
	s := &initcfg.Start{Name: "c", Version: "1"}
	cases := []struct {
		st   *initcfg.State
		want Status
	}{
		{nil, Status{State: Creating}},
		{&initcfg.State{Version: "6"}, Status{State: Creating}},
		{&initcfg.State{Version: "7"}, Status{State: Creating}},
		{&initcfg.State{Version: "7", Children: []*initcfg.ChildState{{Name: "c", Version: "0"}}}, Status{State: Creating}},
		{&initcfg.State{Version: "7", Children: []*initcfg.ChildState{{Name: "c", Version: "1", ID: 4, Incomplete: true}}}, Status{State: Creating, ID: 4}},
		{&initcfg.State{Version: "7", Children: []*initcfg.ChildState{{Name: "c", Version: "1", ID: 4}}}, Status{State: Running, ID: 4}},
		{&initcfg.State{Version: "7", Children: []*initcfg.ChildState{{Name: "c", Version: "1", ID: 4, Exited: exitedAt(2)}}}, Status{State: Stopped, ExitCode: 2, ID: 4}},
	}
	for i, c := range cases {
		if got := MapStatus("7", s, c.st); got != c.want {
			t.Errorf("%d: %+v, want %+v", i, got, c.want)
		}
	}
}

func TestWatch(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(filepath.Join(dir, "init.config"), filepath.Join(dir, "state"), nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Add(&initcfg.Start{Name: "c", Version: "1"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ch := d.Watch(ctx, 5*time.Millisecond)
	WriteFileAtomic(d.StatePath, []byte("state | version: 2\n+ child c | binary: c | version: 1 | id: 1\n-\n"))
	ev := <-ch
	if ev.Err != nil || ev.Status["c"].State != Running {
		t.Fatalf("%+v", ev)
	}
	WriteFileAtomic(d.StatePath, []byte("state | version: 2\n+ child c | binary: c | version: 1 | id: 1 | exited: 9\n-\n"))
	ev = <-ch
	if ev.Status["c"] != (Status{State: Stopped, ExitCode: 9, ID: 1}) {
		t.Fatalf("%+v", ev)
	}
	WriteFileAtomic(d.StatePath, []byte("state\n+ child\n"))
	if ev = <-ch; ev.Err == nil {
		t.Fatal("broken report accepted")
	}
}

// A driver whose file another writer replaced edits the new file: what the
// other removed does not come back.
func TestUpdateAfterAnotherWriter(t *testing.T) {
	p := filepath.Join(t.TempDir(), "init.config")
	a, err := Open(p, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Add(&initcfg.Start{Name: "x", RAM: initcfg.MiB}); err != nil {
		t.Fatal(err)
	}
	b, err := Open(p, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Remove("x"); err != nil {
		t.Fatal(err)
	}
	if err := a.Add(&initcfg.Start{Name: "y", RAM: initcfg.MiB}); err != nil {
		t.Fatal(err)
	}
	c, err := Open(p, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range c.Config().Starts {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "y" {
		t.Errorf("children after a's add on b's removal: %v, want [y]", names)
	}
	if v, _ := strconv.Atoi(c.Version()); v != 4 {
		t.Errorf("version %s, want 4 (the base and three edits)", c.Version())
	}
}
