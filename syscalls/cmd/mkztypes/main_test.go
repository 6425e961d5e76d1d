package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"genodego/syscalls/internal/genfiles"
)

// TestUpToDate regenerates the files and compares them with the checked-in
// ones, so that a changed filter or a new Go release is noticed.
func TestUpToDate(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	version, err := pinnedVersion(root, runtime.GOROOT())
	if err != nil {
		t.Skip(err)
	}
	want, err := generate(runtime.GOROOT(), version)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 4 {
		t.Errorf("%d files, want 4 (zerrors and ztypes, amd64 and arm64)", len(want))
	}
	diffs, err := genfiles.Update(root, want, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("%s: run %s", d, command)
	}
}

func TestPinnedVersion(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "third_party"), 0o755)
	os.WriteFile(filepath.Join(dir, "third_party", "go.pin"), []byte("# pin\nversion=go1.2.3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "VERSION"), []byte("go1.2.3\ntime 2020\n"), 0o644)
	if v, err := pinnedVersion(dir, dir); v != "go1.2.3" || err != nil {
		t.Errorf("pinnedVersion = %q, %v", v, err)
	}
	os.WriteFile(filepath.Join(dir, "VERSION"), []byte("go1.2.4\n"), 0o644)
	if _, err := pinnedVersion(dir, dir); err == nil || !strings.Contains(err.Error(), "is go1.2.4, but the generated files come from go1.2.3") {
		t.Errorf("another version: %v", err)
	}
}

// TestFilter checks that facilities Genode lacks are dropped and that the
// names package syscall's generic code needs are kept.
func TestFilter(t *testing.T) {
	for _, n := range []string{"RTM_ADD", "BIOCFLUSH", "Kevent_t", "IfMsghdr", "SizeofBpfHdr", "EVFILT_READ", "IFF_UP"} {
		if keepName(n) {
			t.Errorf("keepName(%q) = true, want false", n)
		}
	}
	for _, n := range []string{"AF_INET6", "EAGAIN", "O_CLOEXEC", "SOL_SOCKET", "TCP_KEEPIDLE", "Stat_t", "Dirent", "SIGSTOP", "FD_CLOEXEC", "TIOCSPGRP"} {
		if !keepName(n) {
			t.Errorf("keepName(%q) = false, want true", n)
		}
	}
}
