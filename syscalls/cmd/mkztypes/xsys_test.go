package main

import (
	"path/filepath"
	"strings"
	"testing"

	"genodego/syscalls/internal/genfiles"
)

// TestXsysUpToDate regenerates x/sys/unix's genode zerrors and ztypes from the
// pinned module (skipped when make modules has not put it in the module
// cache) and compares them with the checked-in files.
func TestXsysUpToDate(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := xsysModule(root); err != nil {
		t.Skip(err)
	}
	want, err := generateXsys(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 4 {
		t.Errorf("%d files, want 4", len(want))
	}
	for name, data := range want {
		s := string(data)
		// Genode's kqueue: READ and WRITE only, no EV_CLEAR (ignored) or EV_EOF.
		for _, bad := range []string{"EVFILT_VNODE", "EV_CLEAR", "EV_EOF", "NOTE_", "PT_TRACE_ME", "CAP_READ", "BIOCFLUSH", "type Reg struct", "RTM_ADD"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s has %s", name, bad)
			}
		}
	}
	for _, need := range []string{"EVFILT_READ", "EV_ADD", "TIOCGWINSZ", "ENOATTR", "MNT_WAIT", "EXTATTR_NAMESPACE_USER", "SCM_RIGHTS"} {
		if !strings.Contains(string(want["goos_genode/mod/x-sys/unix/zerrors_genode_amd64.go"]), need) {
			t.Errorf("zerrors_genode_amd64.go lacks %s", need)
		}
	}
	for _, need := range []string{"type Stat_t struct", "type Kevent_t struct", "type Termios struct", "type Winsize struct", "type Statfs_t struct", "type Flock_t struct", "type Msghdr struct"} {
		if !strings.Contains(string(want["goos_genode/mod/x-sys/unix/ztypes_genode_arm64.go"]), need) {
			t.Errorf("ztypes_genode_arm64.go lacks %s", need)
		}
	}
	diffs, err := genfiles.Update(root, want, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("%s: run %s", d, command)
	}
}
