package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestUpToDate regenerates the files and compares them with the checked-in
// ones, so that a changed filter or a new Go release is noticed.
func TestUpToDate(t *testing.T) {
	dir := t.TempDir()
	for _, arch := range []string{"amd64", "arm64"} {
		for _, kind := range []string{"zerrors", "ztypes"} {
			name := kind + "_genode_" + arch + ".go"
			src := filepath.Join(runtime.GOROOT(), "src", "syscall", kind+"_freebsd_"+arch+".go")
			if err := convert(src, filepath.Join(dir, name), kind, arch); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("..", "..", "goos_genode", "src", "syscall", name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale: run go run ./mkztypes in build/", name)
			}
		}
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
