//go:build genode

// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package bbolt

// bbolt on Genode. Two facts of Genode's libc shape this file:
//
//  1. A file mapping is not coherent with the file. MAP_SHARED of a file on an
//     ordinary file system fails with ENODEV (the VFS plugin hands out no
//     dataspace); MAP_PRIVATE allocates memory and preads the file into it, a
//     copy taken at mmap time that later pwrites do not reach
//     (libc/vfs_plugin.cc). bbolt reads every page through its mapping and
//     writes with pwrite, so it maps MAP_PRIVATE here and every write of
//     db.ops.writeAt is copied into the mapping too (mirrorWrites, hooked in
//     db.go's Open). The mapping then equals the file wherever it covers it:
//     it starts as a copy of the file, every later change of the file's bytes
//     is a writeAt (truncate only grows the file, with zeros), and a remap
//     reads the file again. The copy costs RAM: the whole mapping (up to twice
//     the file size, InitialMmapSize if larger) is committed at once.
//
//  2. There are no file locks: flock is a stub that fails with ENOSYS and a
//     warning (libc/dummies.cc), fcntl locks always succeed. Within one
//     component the lock table below gives bbolt flock's semantics (one
//     exclusive or many shared holders per file, a lock held until funlock or
//     until its file is closed), so a second Open of a file that is open for
//     writing waits and times out as on Unix. Between components nothing
//     excludes a second opener, and a second opener would be wrong twice over:
//     two writers corrupt the file, and a reader's private copy never sees the
//     writer's commits. So a database file must be reachable by one component
//     only (give its directory to that component alone in the VFS policy), as
//     containerd's databases are.
//
// Mlock is refused: Genode's libc has no mlock.

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	berrors "go.etcd.io/bbolt/errors"
	"go.etcd.io/bbolt/internal/common"
)

func init() { mirrorWrites = mirrorWritesIntoMapping }

// mirrorWritesIntoMapping returns a writeAt that copies what writeAt wrote
// into the mapping. Only the writer calls ops.writeAt (holding db.rwlock), and
// only the writer (or Open and Close) replaces the mapping, so the mapping
// cannot change under the copy. Readers of other pages are unaffected: bbolt
// writes only pages no open transaction can reach, and the meta page last,
// exactly as a pwrite into a shared mapping would change them.
func mirrorWritesIntoMapping(db *DB, writeAt func([]byte, int64) (int, error)) func([]byte, int64) (int, error) {
	return func(b []byte, off int64) (int, error) {
		n, err := writeAt(b, off)
		if n > 0 && off >= 0 && off < int64(len(db.dataref)) {
			copy(db.dataref[off:], b[:n])
		}
		return n, err
	}
}

// mmap maps the DB's file as a private, writable copy (see 1. above). No
// madvise: the copy is RAM, and Genode's madvise warns and fails for any advice
// but MADV_DONTNEED.
func mmap(db *DB, sz int) error {
	b, err := syscall.Mmap(int(db.file.Fd()), 0, sz, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|db.MmapFlags)
	if err != nil {
		return err
	}
	db.dataref = b
	db.data = (*[common.MaxMapSize]byte)(unsafe.Pointer(&b[0]))
	db.datasz = sz
	return nil
}

// munmap gives the copy back.
func munmap(db *DB) error {
	if db.dataref == nil {
		return nil
	}
	err := syscall.Munmap(db.dataref)
	db.dataref = nil
	db.data = nil
	db.datasz = 0
	return err
}

var errNoMlock = errors.New("mlock: Genode's libc has no mlock")

func mlock(_ *DB, _ int) error   { return errNoMlock }
func munlock(_ *DB, _ int) error { return errNoMlock }

// The component's file locks (see 2. above), keyed by the file's identity.
type fileID struct{ dev, ino uint64 }

type fileLock struct {
	exclusive bool
	holders   []*os.File // the open files holding the lock (one if exclusive)
}

var flocks = struct {
	sync.Mutex
	m map[fileID]*fileLock
}{m: make(map[fileID]*fileLock)}

func identify(f *os.File) (fileID, error) {
	fi, err := f.Stat()
	if err != nil {
		return fileID{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, fmt.Errorf("flock: no stat of %s", f.Name())
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, nil
}

// closed tells whether f was closed (which releases its lock, as with flock).
func closed(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return true
	}
	return rc.Control(func(uintptr) {}) != nil
}

// tryLock takes the lock of f's file for f, or reports that another open file
// holds a conflicting one.
func tryLock(id fileID, f *os.File, exclusive bool) bool {
	flocks.Lock()
	defer flocks.Unlock()
	l := flocks.m[id]
	if l != nil {
		live := l.holders[:0]
		for _, h := range l.holders {
			if h != f && !closed(h) {
				live = append(live, h)
			}
		}
		l.holders = live
		if len(live) == 0 {
			l = nil
		}
	}
	switch {
	case l == nil:
		flocks.m[id] = &fileLock{exclusive: exclusive, holders: []*os.File{f}}
		return true
	case !exclusive && !l.exclusive:
		l.holders = append(l.holders, f)
		return true
	}
	return false
}

// flock acquires the component's lock of the DB's file, as bolt_unix.go's
// flock does with flock(2): retried every flockRetryTimeout until timeout
// (forever if 0).
func flock(db *DB, exclusive bool, timeout time.Duration) error {
	id, err := identify(db.file)
	if err != nil {
		return err
	}
	var t time.Time
	if timeout != 0 {
		t = time.Now()
	}
	for {
		if tryLock(id, db.file, exclusive) {
			return nil
		}
		if timeout != 0 && time.Since(t) > timeout-flockRetryTimeout {
			return berrors.ErrTimeout
		}
		time.Sleep(flockRetryTimeout)
	}
}

// funlock releases the lock the DB's file holds.
func funlock(db *DB) error {
	flocks.Lock()
	defer flocks.Unlock()
	for id, l := range flocks.m {
		for i, h := range l.holders {
			if h == db.file {
				l.holders = append(l.holders[:i], l.holders[i+1:]...)
				if len(l.holders) == 0 {
					delete(flocks.m, id)
				}
				return nil
			}
		}
	}
	return nil
}
