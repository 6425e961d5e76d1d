package containerd_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Containers of one image share its binaries. On Genode a binary is a ROM module that a caching ROM
// service hands as one dataspace to every component loading the same file; the model maps the same
// host file. The native snapshotter on genode copies the image into a container's snapshot except
// its binary directories (here /bin), which every container of the image sees read-only from the
// committed layer: so both containers' programs are one host file (one inode), the containers write
// new files and directories anywhere else, and cannot change the image's binaries (Genode has no
// copy-on-write). A snapshot prepared from the layer and committed is whole again.
func TestContainersShareImageBinaries(t *testing.T) {
	needStack(t)
	const ns = "e2e-share"
	importImage(t, ns, "toolbox")

	ids := []string{"e2e-share1", "e2e-share2"}
	var files []mappedFile
	for _, id := range ids {
		ctr(t, ns, "run", "-d", toolboxRef, id, "sleep", "600")
		waitTask(t, ns, id, "RUNNING")
		f := programOf(t, id)
		if !strings.HasSuffix(f.path, "/bin/toolbox") {
			t.Fatalf("%s maps its program from %s, want the image's bin/toolbox", id, f.path)
		}
		files = append(files, f)
	}
	if files[0].inode != files[1].inode || files[0].dev != files[1].dev {
		t.Errorf("two containers of one image load two copies of its binary: %v and %v", files[0], files[1])
	}
	for _, id := range ids {
		ctr(t, ns, "task", "kill", "-s", "KILL", id)
		waitTask(t, ns, id, "STOPPED")
		removeTask(t, ns, id)
		ctr(t, ns, "container", "rm", id)
	}

	script := "mkdir /new && echo x > /new/f && cat /new/f && echo y > /etc/y && cat /etc/y && ls /; echo z > /bin/z"
	r := ctrTry(t, ns, "run", "--rm", toolboxRef, "e2e-share-w", "sh", "-c", script)
	out := lines(r.stdout)
	if len(out) < 2 || out[0] != "x" || out[1] != "y" {
		t.Errorf("want new files written outside the image's binaries\n%s", r)
	}
	seen := map[string]int{}
	for _, n := range out[min(2, len(out)):] {
		seen[n]++
	}
	for _, n := range []string{"bin", "etc", "new"} {
		if seen[n] != 1 {
			t.Errorf("ls / lists %s %d times, want once\n%s", n, seen[n], r)
		}
	}
	if r.code == 0 || !strings.Contains(r.stderr, "/bin/z") {
		t.Errorf("want the write into the image's /bin refused (non-zero exit, an error naming /bin/z)\n%s", r)
	}

	layers := column(ctr(t, ns, "snapshot", "ls"), 0)
	var layer string
	for _, k := range layers {
		if strings.HasPrefix(k, "sha256:") {
			layer = k
		}
	}
	if layer == "" {
		t.Fatalf("no committed layer snapshot in %q", layers)
	}
	var prepared []mountJSON
	if err := json.Unmarshal([]byte(ctr(t, ns, "snapshot", "prepare", "--mounts", "e2e-share-p", layer)), &prepared); err != nil {
		t.Fatal(err)
	}
	if len(prepared) != 2 || prepared[1].Target != "bin" || !strings.HasSuffix(prepared[1].Source, "/bin") || !slices.Contains(prepared[1].Options, "ro") {
		t.Errorf("a prepared snapshot's mounts: %+v, want its directory and the layer's bin read-only at bin", prepared)
	}
	if _, err := os.Lstat(filepath.Join(prepared[0].Source, "bin")); !os.IsNotExist(err) {
		t.Errorf("the prepared snapshot has its own bin (%v): the layer's binaries were copied", err)
	}
	ctr(t, ns, "snapshot", "commit", "e2e-share-c", "e2e-share-p")
	var viewed []mountJSON
	if err := json.Unmarshal([]byte(ctr(t, ns, "snapshot", "view", "--mounts", "e2e-share-v", "e2e-share-c")), &viewed); err != nil {
		t.Fatal(err)
	}
	if len(viewed) != 1 {
		t.Errorf("a view of a committed snapshot: %+v, want one mount", viewed)
	} else if _, err := os.Stat(filepath.Join(viewed[0].Source, "bin", "toolbox")); err != nil {
		t.Errorf("the committed snapshot lacks the layer's binaries: %v", err)
	}
	ctr(t, ns, "snapshot", "rm", "e2e-share-v")
	ctr(t, ns, "snapshot", "rm", "e2e-share-c")
	checkNoContainers(t, ns)
}

type mountJSON struct {
	Type, Source, Target string
	Options              []string
}

type mappedFile struct {
	path       string
	dev, inode string
}

// programOf is the file the container id's host process maps as its program: genode-run names the
// container's config (DIR/run/runc/children/ID.N/ID.config) and starts the program under the host's
// dynamic linker as its child.
func programOf(t *testing.T, id string) mappedFile {
	t.Helper()
	var launcher int
	for _, p := range processesWith("/children/" + id + ".") {
		if strings.Contains(p.cmdline, "genode-run") {
			launcher = p.pid
		}
	}
	if launcher == 0 {
		t.Fatalf("no genode-run process for %s", id)
	}
	for _, p := range processesWith("--library-path") {
		if p.ppid != launcher {
			continue
		}
		f, err := os.Open("/proc/" + strconv.Itoa(p.pid) + "/maps")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		s := bufio.NewScanner(f)
		for s.Scan() {
			fs := strings.Fields(s.Text())
			// address perms offset dev inode path: the program's text
			// (qemu-user maps a guest's text without PROT_EXEC: it runs
			// its translation)
			if len(fs) == 6 && (strings.Contains(fs[1], "x") || genodeArch() != "amd64") && fs[5] == lastArg(p.cmdline) {
				return mappedFile{path: fs[5], dev: fs[3], inode: fs[4]}
			}
		}
		t.Fatalf("%s (%s): no mapping of its program's text", id, p)
	}
	t.Fatalf("no process started by genode-run %d for %s", launcher, id)
	return mappedFile{}
}

func lastArg(cmdline string) string {
	f := strings.Fields(cmdline)
	return f[len(f)-1]
}
