//go:build genode

package fsnotify

import "testing"

// TestGenodeNoWatcher: genode gets backend_other.go, not the kqueue backend: Genode's kqueue serves only
// EVFILT_READ and EVFILT_WRITE and asserts on any other filter (repos/libports/src/lib/libc/kqueue.cc), so an
// EVFILT_VNODE watch would stop the component. Creating a watcher fails with an error instead.
func TestGenodeNoWatcher(t *testing.T) {
	if w, err := NewWatcher(); err == nil {
		w.Close()
		t.Fatal("NewWatcher succeeded")
	} else {
		t.Logf("NewWatcher: %v", err)
	}
	if w, err := NewBufferedWatcher(16); err == nil {
		w.Close()
		t.Fatal("NewBufferedWatcher succeeded")
	}
}
