// Command crashdb writes a bbolt database in a way that can be checked after
// a crash at any point (test/e2e/bbolt_test.go kills it with SIGKILL).
//
//	crashdb write PATH [nofreelistsync]
//	crashdb verify PATH
//
// Transaction i applies ops(i), a deterministic set of puts and deletes in
// bucket "data", and sets "n" in bucket "meta" to i. write continues from the
// database's n forever, printing "committed: i" after each commit returned.
// verify checks the database (tx.Check), replays ops(1..n) in memory and
// compares the bucket with it: a transaction is in the file entirely or not
// at all. It prints "verified: n" and exits 0, or names the difference and
// exits 1.
package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	dataB = []byte("data")
	metaB = []byte("meta")
	nKey  = []byte("n")
)

type op struct {
	key string
	val []byte // nil: delete
}

// ops returns transaction i's changes.
func ops(i uint64) []op {
	rng := rand.New(rand.NewSource(int64(i)))
	out := make([]op, 1+rng.Intn(60))
	for j := range out {
		k := fmt.Sprintf("k%05d", rng.Intn(4000))
		if rng.Intn(5) == 0 {
			out[j] = op{key: k}
			continue
		}
		n := rng.Intn(3000)
		if rng.Intn(100) == 0 {
			n = 20000 + rng.Intn(100000) // overflow pages
		}
		pat := []byte(fmt.Sprintf("%d:%s;", i, k))
		out[j] = op{key: k, val: bytes.Repeat(pat, n/len(pat)+1)[:n]}
	}
	return out
}

func counter(tx *bolt.Tx) uint64 {
	b := tx.Bucket(metaB)
	if b == nil {
		return 0
	}
	n, _ := strconv.ParseUint(string(b.Get(nKey)), 10, 64)
	return n
}

func fail(format string, args ...any) {
	fmt.Printf("error: "+format+"\n", args...)
	os.Exit(1)
}

func write(path string, noFreelistSync bool) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 10 * time.Second, NoFreelistSync: noFreelistSync})
	if err != nil {
		fail("open: %v", err)
	}
	var n uint64
	db.View(func(tx *bolt.Tx) error { n = counter(tx); return nil })
	fmt.Printf("start: %d\n", n)
	for i := n + 1; ; i++ {
		err := db.Update(func(tx *bolt.Tx) error {
			d, err := tx.CreateBucketIfNotExists(dataB)
			if err != nil {
				return err
			}
			for _, o := range ops(i) {
				if o.val == nil {
					err = d.Delete([]byte(o.key))
				} else {
					err = d.Put([]byte(o.key), o.val)
				}
				if err != nil {
					return err
				}
			}
			m, err := tx.CreateBucketIfNotExists(metaB)
			if err != nil {
				return err
			}
			return m.Put(nKey, []byte(strconv.FormatUint(i, 10)))
		})
		if err != nil {
			fail("transaction %d: %v", i, err)
		}
		fmt.Printf("committed: %d\n", i)
	}
}

func verify(path string) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 10 * time.Second})
	if err != nil {
		fail("open: %v", err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			return fmt.Errorf("check: %v", e)
		}
		n := counter(tx)
		want := map[string][]byte{}
		for i := uint64(1); i <= n; i++ {
			for _, o := range ops(i) {
				if o.val == nil {
					delete(want, o.key)
				} else {
					want[o.key] = o.val
				}
			}
		}
		d := tx.Bucket(dataB)
		got := 0
		if d != nil {
			if err := d.ForEach(func(k, v []byte) error {
				got++
				w, ok := want[string(k)]
				if !ok {
					return fmt.Errorf("key %s is in the database but not in transactions 1..%d", k, n)
				}
				if !bytes.Equal(v, w) {
					return fmt.Errorf("key %s: %d bytes differ from transactions 1..%d", k, len(v), n)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		if got != len(want) {
			return fmt.Errorf("%d keys, transactions 1..%d give %d", got, n, len(want))
		}
		fmt.Printf("verified: %d\n", n)
		fmt.Printf("keys: %d\n", got)
		return nil
	})
	if err != nil {
		fail("%v", err)
	}
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: crashdb write|verify PATH [nofreelistsync]")
	}
	switch os.Args[1] {
	case "write":
		write(os.Args[2], len(os.Args) > 3 && os.Args[3] == "nofreelistsync")
	case "verify":
		verify(os.Args[2])
	default:
		fail("unknown mode %q", os.Args[1])
	}
}
