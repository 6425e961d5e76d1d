package container

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A lock is judged by the time its holder wrote into it, never by the
// file's modification time.
func TestLockStale(t *testing.T) {
	p := filepath.Join(t.TempDir(), lockName)
	var seen time.Time
	os.WriteFile(p, []byte(fmt.Sprintf("1 %d\n", time.Now().UnixNano())), 0o600)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p, old, old) // a file system that keeps no times
	if stale(p, &seen) {
		t.Fatal("a fresh lock with an old modification time counts as stale")
	}
	os.WriteFile(p, []byte(fmt.Sprintf("1 %d\n", time.Now().Add(-2*staleLock).UnixNano())), 0o600)
	if !stale(p, &seen) {
		t.Fatal("a lock written 2*staleLock ago is not stale")
	}
	os.WriteFile(p, nil, 0o600)
	seen = time.Time{}
	if stale(p, &seen) || seen.IsZero() {
		t.Fatal("an empty lock seen for the first time counts as stale")
	}
	seen = time.Now().Add(-2 * staleLock)
	if !stale(p, &seen) {
		t.Fatal("an empty lock seen for 2*staleLock is not stale")
	}
	// a lock with content in between: the next empty one is new
	os.WriteFile(p, []byte(fmt.Sprintf("1 %d\n", time.Now().UnixNano())), 0o600)
	if stale(p, &seen) || !seen.IsZero() {
		t.Fatal("a fresh lock did not end the empty lock's time")
	}
	os.WriteFile(p, nil, 0o600)
	if stale(p, &seen) {
		t.Fatal("an empty lock after a fresh one counts as stale at once")
	}
}

// Two holders never overlap, whatever the lock file's times.
func TestLockExclusive(t *testing.T) {
	root := t.TempDir()
	in := make(chan int, 8)
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func() {
			for j := 0; j < 20; j++ {
				l, err := lockRoot(root)
				if err != nil {
					t.Error(err)
					break
				}
				old := time.Unix(0, 0)
				os.Chtimes(l.path, old, old)
				in <- 1
				if len(in) > 1 {
					t.Error("two holders at once")
				}
				time.Sleep(time.Millisecond)
				<-in
				l.unlock()
			}
			done <- true
		}()
	}
	for i := 0; i < 4; i++ {
		<-done
	}
}

// A holder whose lock was taken over as stale leaves the new holder's lock
// in place when it lets go.
func TestUnlockTakenOver(t *testing.T) {
	root := t.TempDir()
	l, err := lockRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(l.path, []byte(fmt.Sprintf("2 %d\n", time.Now().UnixNano())), 0o600)
	l.unlock()
	if _, err := os.Stat(l.path); err != nil {
		t.Fatal("unlock removed a lock another holder took over")
	}
	os.Remove(l.path)
	l, err = lockRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	l.unlock()
	if _, err := os.Stat(l.path); err == nil {
		t.Fatal("unlock left the holder's own lock")
	}
}

func stale(p string, seen *time.Time) bool {
	_, ok := lockStale(p, seen)
	return ok
}

// Waiters that find a stale lock at once take it over one at a time.
func TestLockTakeover(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, lockName)
	os.WriteFile(p, []byte(fmt.Sprintf("1 %d\n", time.Now().Add(-2*staleLock).UnixNano())), 0o600)
	in := make(chan int, 8)
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func() {
			l, err := lockRoot(root)
			if err != nil {
				t.Error(err)
			} else {
				in <- 1
				if len(in) > 1 {
					t.Error("two holders at once after a takeover")
				}
				time.Sleep(20 * time.Millisecond)
				<-in
				l.unlock()
			}
			done <- true
		}()
	}
	for i := 0; i < 4; i++ {
		<-done
	}
}
