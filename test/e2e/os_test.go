package e2e

import (
	"os"
	"path/filepath"
	"testing"
)

// filesWant is what package os does on a Genode VFS, the same on a RAM file
// system and on a host directory (<fs>). DIR is replaced by the work
// directory.
var filesWant = [][2]string{
	{"getwd", "/ ok"}, // <libc cwd> unset: the VFS root
	{"mkdirall-base", "ok"},
	{"chdir", "ok"},
	{"getwd-after-chdir", "DIR ok"},
	// Genode components have no host name, and this VFS has no /etc/hostname
	// (TestHostnameFile); see goos_genode/src/os/sys_genode.go.
	{"hostname", "localhost ok"},
	// libc/sysctl.cc: the builtin CTL_KERN case falls through into CTL_HW,
	// where KERN_HOSTNAME (10) is HW_FLOATINGPT: the int 1 (4 bytes, the
	// last NUL cut as for a string).
	{"sysctl-kern.hostname", `"\x01\x00\x00"`},
	// No /proc, no KERN_PROC_PATHNAME: os.Executable goes by argv[0], which
	// must name the binary in the VFS (here /bin/files, a ROM).
	{"executable", "/bin/files ok"},
	{"pid", "0"},   // <libc pid> unset (internal/config.h)
	{"ppid", "-1"}, // dummies.cc: getppid returns -1
	{"uid", "0"},   // dummies.cc
	{"writefile", "ok"},
	{"readfile", "hello ok"},
	{"append", "ok"},
	{"readat", "world ok"},
	{"seek", "ok"},
	{"ftruncate", "ok"},
	{"fstat-size", "5"},
	{"fstat-mode", "MODE"}, // vfs_plugin.cc: owner bits from the file system's rwx
	{"fsync", "ok"},
	{"truncate-path", "enosys"}, // dummies.cc: truncate
	{"create-excl-existing", "exist"},
	{"open-missing", "not-exist"},
	{"readfile-dir", "error read .: is a directory"},
	{"chmod", "enosys"},              // dummies.cc
	{"link", "enosys"},               // dummies.cc
	{"chtimes", "ok"},                // dummies.cc: utimes returns 0 ...
	{"chtimes-took-effect", "false"}, // ... and changes nothing
	{"mkdir", "ok"},
	{"mkdir-existing", "exist"},
	{"readdir", "302 ok"}, // getdirentries, one entry per call (vfs_plugin.cc)
	{"dirent-types", "f001=---------- sub=d--------- ln=L---------"},
	{"readdirnames-batched", "302"},
	{"walkdir-files", "302"}, // a.txt, d/f000..f299, d/ln
	{"rename", "ok"},
	{"rename-old-gone", "not-exist"},
	{"rename-over", "ok"},
	{"rename-over-content", "hello"},
	{"rename-dir", "ok"},
	{"rename-dir-content", "ok"},
	{"remove-file", "ok"},
	{"remove-nonempty", "exist"}, // ENOTEMPTY
	{"remove-emptydir", "ok"},
	{"remove-missing", "not-exist"},
	{"mkdirall", "ok"},
	{"removeall-tree", "ok"}, // no unlinkat: removeall_noat.go
	{"removeall-gone", "not-exist"},
	{"removeall-big", "ok"},
	{"removeall-missing", "ok"},
	{"symlink", "ok"},
	{"readlink", "target.txt ok"},
	{"lstat-symlink", "true"},
	{"stat-through-link", "true 8"},
	{"read-through-link", "via link ok"},
	{"stat-dangling", "not-exist"},
	{"lstat-dangling", "ok"},
	{"symlink-existing", "exist"},
	// os.Root without the *at calls: root_genode.go walks with Lstat/Readlink.
	{"root-open", "ok"},
	{"root-writefile", "ok"},
	{"root-readfile-via-link", "rooted ok"},
	{"root-dotdot", "error openat ../outside.txt: path escapes from parent"},
	{"root-symlink-escape", "error openat escape: path escapes from parent"},
	{"root-absolute", "error openat /etc: path escapes from parent"},
	{"root-mkdir", "ok"},
	{"root-mkdirall", "ok"},
	{"root-rename", "ok"},
	{"root-stat", "6"},
	{"root-lstat-link", "true"},
	{"root-readlink", "inside ok"},
	{"root-symlink", "ok"},
	{"root-remove", "ok"},
	{"root-openroot", "ok"},
	{"root-sub-dotdot", "error openat ../inside: path escapes from parent"},
	{"root-removeall", "ok"},
	{"root-removeall-gone", "not-exist"},
	{"root-list", "escape,in,inside,m2"},
	{"outside-untouched", "secret"},
	{"pipe", "ok"}, // <libc pipe>: the pipe plugin
	{"pipe-read", "ping ok"},
	{"pipe-deadline", "true"},
	{"createtemp-dir", "/tmp"},
	{"done", "true"},
}

func filesComponent(t *testing.T, work string) component {
	bin := build(t, "files")
	c := base("files").withRtc().withRng()
	c.vfs += `<dir name="bin"><rom name="files" host="` + bin + `"/></dir>`
	c.argv0 = "/bin/files"
	c.env = [][2]string{{"TMPDIR", "/tmp"}}
	c.args = []string{work}
	return c
}

func checkFiles(t *testing.T, r result, work, mode string) {
	t.Helper()
	r.status0(t)
	want := make([][2]string, len(filesWant))
	for i, kv := range filesWant {
		switch kv[1] {
		case "DIR ok":
			kv[1] = work + " ok"
		case "MODE":
			kv[1] = mode
		}
		want[i] = kv
	}
	r.expectAll(t, want)
}

// os.Hostname answers the first line of /etc/hostname where the component's
// VFS has one, as a container runtime provides it.
func TestHostnameFile(t *testing.T) {
	c := filesComponent(t, "/tmp/work")
	c.vfs += `<dir name="tmp"><ram/></dir><dir name="etc"><inline name="hostname">pod-a
</inline></dir>`
	run(t, c).expect(t, "hostname", "pod-a ok")
}

// Package os on a RAM file system (<ram/> at /tmp).
func TestFilesRAM(t *testing.T) {
	c := filesComponent(t, "/tmp/work")
	c.vfs += `<dir name="tmp"><ram/></dir>`
	r := run(t, c)
	checkFiles(t, r, "/tmp/work", "-rwx------") // ram_file_system.h: every node rwx
}

// Package os on a host directory (<fs>, the model's stand-in for a file
// system session to a vfs server).
func TestFilesHostFS(t *testing.T) {
	host := t.TempDir()
	c := filesComponent(t, "/data")
	c.vfs += `<dir name="tmp"><ram/></dir><dir name="data"><fs host="` + host + `" writeable="yes"/></dir>`
	r := run(t, c)
	checkFiles(t, r, "/data", "-rw-------") // the server's answer: here the host file's bits (created 0600)
	// What the component did is visible on the host: the RemoveAll'd trees
	// are gone, the files it kept are there.
	for _, gone := range []string{"t", "e", "empty"} {
		if _, err := os.Lstat(filepath.Join(host, gone)); !os.IsNotExist(err) {
			t.Errorf("host %s: %v, want not-exist", gone, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(host, "link")); err != nil || string(b) != "via link" {
		t.Errorf("host link: %q %v", b, err)
	}
	if tgt, err := os.Readlink(filepath.Join(host, "r", "in")); err != nil || tgt != "inside" {
		t.Errorf("host r/in: %q %v", tgt, err)
	}
}
