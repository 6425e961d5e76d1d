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
	if len(want) != 5 {
		t.Errorf("%d files, want 5", len(want))
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

func TestZgoos(t *testing.T) {
	f := filepath.Join(t.TempDir(), "syslist.go")
	os.WriteFile(f, []byte("package syslist\n\nvar KnownOS = map[string]bool{\n\t\"aix\": true,\n\t\"b\": true,\n\t\"c\": true,\n\t\"d\": true,\n\t\"e\": true,\n\t\"hurd\": true,\n\t\"i\": true,\n\t\"plan9\": true,\n\t\"zos\": true,\n}\n\nvar UnixOS = map[string]bool{\n\t\"x\": true,\n}\n"), 0o644)
	got, err := zgoos(f, "go1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"const GOOS = `genode`\n", "const IsE = 0\nconst IsGenode = 1\nconst IsHurd = 0\n", "const IsPlan9 = 0\n", "const IsZos = 0\n"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(string(got), "IsX") {
		t.Errorf("UnixOS read:\n%s", got)
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
