//go:build genode

// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package bbolt

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	berrors "go.etcd.io/bbolt/errors"
)

// The premise of bolt_genode.go: a private file mapping does not see later
// writes to the file, and a shared one is refused. If this fails, Genode's
// libc (or the model) changed and bolt_genode.go should be revisited.
func TestGenodeFileMappingIsACopy(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte("abcd"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := syscall.Mmap(int(f.Fd()), 0, 4096, syscall.PROT_READ, syscall.MAP_SHARED); err != syscall.ENODEV {
		t.Errorf("MAP_SHARED of a file: %v, want ENODEV", err)
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(m)
	if _, err := f.WriteAt([]byte("X"), 0); err != nil {
		t.Fatal(err)
	}
	if string(m[:4]) != "abcd" {
		t.Errorf("the private mapping saw a later write: %q", m[:4])
	}
}

// After every commit the mapping equals the file wherever it covers it,
// through growth (remaps), deletes (page reuse) and reopening.
func TestGenodeMappingFollowsWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 3; round++ {
		db, err := Open(path, 0600, &Options{NoFreelistSync: round == 1})
		if err != nil {
			t.Fatal(err)
		}
		remaps := 0
		last := db.datasz
		for i := 0; i < 150; i++ {
			err := db.Update(func(tx *Tx) error {
				b, err := tx.CreateBucketIfNotExists([]byte(fmt.Sprintf("b%d", rng.Intn(3))))
				if err != nil {
					return err
				}
				for j := 0; j < 1+rng.Intn(40); j++ {
					k := fmt.Sprintf("k%05d", rng.Intn(3000))
					if rng.Intn(4) == 0 {
						if err := b.Delete([]byte(k)); err != nil {
							return err
						}
						continue
					}
					v := make([]byte, rng.Intn(2000))
					rng.Read(v)
					if err := b.Put([]byte(k), v); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if db.datasz != last {
				remaps++
				last = db.datasz
			}
			checkMappingIsFile(t, db)
		}
		if round == 0 && remaps == 0 {
			t.Errorf("the test never grew the mapping")
		}
		if err := db.View(func(tx *Tx) error {
			for e := range tx.Check() {
				return e
			}
			return nil
		}); err != nil {
			t.Fatalf("round %d: check: %v", round, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func checkMappingIsFile(t *testing.T, db *DB) {
	t.Helper()
	file, err := os.ReadFile(db.path)
	if err != nil {
		t.Fatal(err)
	}
	n := min(len(file), len(db.dataref))
	if !bytes.Equal(file[:n], db.dataref[:n]) {
		for i := 0; i < n; i++ {
			if file[i] != db.dataref[i] {
				t.Fatalf("mapping differs from the file at byte %d (page %d)", i, i/db.pageSize)
			}
		}
	}
}

// Within the component, Open excludes as flock does: one writer, or readers.
func TestGenodeFlockWithinComponent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	short := &Options{Timeout: 200 * time.Millisecond}
	shortRO := &Options{Timeout: 200 * time.Millisecond, ReadOnly: true}

	w, err := Open(path, 0600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, 0600, short); !errors.Is(err, berrors.ErrTimeout) {
		t.Errorf("second writer: %v, want ErrTimeout", err)
	}
	if _, err := Open(path, 0600, shortRO); !errors.Is(err, berrors.ErrTimeout) {
		t.Errorf("reader beside a writer: %v, want ErrTimeout", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	r1, err := Open(path, 0600, shortRO)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Open(path, 0600, shortRO)
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	if _, err := Open(path, 0600, short); !errors.Is(err, berrors.ErrTimeout) {
		t.Errorf("writer beside readers: %v, want ErrTimeout", err)
	}
	// bbolt does not funlock a read-only DB: closing its file releases the lock.
	r1.Close()
	r2.Close()
	w, err = Open(path, 0600, short)
	if err != nil {
		t.Fatalf("writer after the readers closed: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(flocks.m) != 0 {
		t.Errorf("locks left: %d", len(flocks.m))
	}
}

// A second writer that waits gets the file when the first closes.
func TestGenodeFlockWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	w, err := Open(path, 0600, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error)
	go func() {
		w2, err := Open(path, 0600, &Options{Timeout: 5 * time.Second})
		if err == nil {
			err = w2.Close()
		}
		got <- err
	}()
	time.Sleep(150 * time.Millisecond)
	w.Close()
	if err := <-got; err != nil {
		t.Errorf("waiting writer: %v", err)
	}
}

func TestGenodeMlockRefused(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "db"), 0600, &Options{Mlock: true})
	if !errors.Is(err, errNoMlock) {
		t.Errorf("Open with Mlock: %v, want %v", err, errNoMlock)
	}
}
