package runc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// FuzzCreate feeds config.json to `runc create`. Whatever the bytes, runc
// either creates the container (which `runc delete` then removes) or
// refuses with exit status 1 and a message; it never crashes (no Go panic
// or fatal error), and a refused or deleted container leaves no state
// directory and no child of init.
//
// `go test` runs the seeds: valid and broken configs, and mutations of the
// valid one drawn from a fixed seed, about 40 runs of runc. More:
//
//	go test -run '^$' -fuzz FuzzCreate -fuzztime 200x ./test/runc
func FuzzCreate(f *testing.F) {
	valid, err := json.Marshal(DefaultSpec("print", "hello"))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range fuzzSeeds(valid) {
		f.Add(seed)
	}
	root := NewRoot(f)
	b := NewBundle(f, "print", "hello")
	// a container that stays, so that the root's init is not stopped and
	// started again around every input
	if res := Runc(f, Opts{Dir: b.Dir}, "--root", root.Dir, "create", "keeper"); res.Code != 0 {
		f.Fatal(res)
	}
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, config []byte) {
		id := fmt.Sprintf("fz%d", n.Add(1))
		if err := os.WriteFile(filepath.Join(b.Dir, "config.json"), config, 0o644); err != nil {
			t.Fatal(err)
		}
		res := Runc(t, Opts{Dir: b.Dir}, "--root", root.Dir, "create", id)
		noPanic(t, res)
		switch res.Code {
		case 0:
			del := Runc(t, Opts{Dir: b.Dir}, "--root", root.Dir, "delete", "--force", id)
			noPanic(t, del)
			if del.Code != 0 {
				t.Errorf("created, but delete fails:\n%v", del)
			}
		case 1:
			if msg := strings.TrimSpace(res.Errors()); !strings.Contains(msg, "msg=") && !strings.Contains(msg, "runc") {
				t.Errorf("refused without a message:\n%v", res)
			}
		default:
			t.Errorf("exit status %d, want 0 or 1:\n%v", res.Code, res)
		}
		if _, err := os.Lstat(filepath.Join(root.Dir, id)); err == nil {
			t.Errorf("%s: state directory left behind", id)
		}
		for _, c := range root.Children() {
			if c == id {
				t.Errorf("%s: child left in init's config:\n%s", id, root.InitConfig())
			}
		}
		if t.Failed() {
			t.Logf("config.json:\n%s", config)
		}
	})
}

// fuzzSeeds are the seed corpus: the valid config, broken ones that each
// trip one check, and mutations of the valid one from a fixed seed.
func fuzzSeeds(valid []byte) [][]byte {
	set := func(path string, v any) []byte {
		var s Spec
		json.Unmarshal(valid, &s)
		s.Set(path, v)
		out, _ := json.Marshal(s)
		return out
	}
	seeds := [][]byte{
		valid,
		nil,
		[]byte("null"),
		[]byte("[]"),
		[]byte("{}"),
		[]byte(`{"ociVersion": "2.0.0"}`),
		[]byte("{\"ociVersion\": \"1.3.0\", \xff\xfe}"),
		[]byte(strings.Repeat("[", 100000)),
		set("process", nil),
		set("process.args", []any{}),
		set("process.args", []any{""}),
		set("process.args", []any{"/bin/../../../../probe"}),
		set("process.args", []any{strings.Repeat("a", 1<<20)}),
		set("process.cwd", "relative"),
		set("process.env", []any{"NOEQUALS", "A=\x00"}),
		set("root.path", "missing"),
		set("root.path", ""),
		set("mounts", []any{map[string]any{"destination": "", "type": "bind"}}),
		set("mounts", []any{map[string]any{"destination": "/x", "type": "bind", "source": "/nonexistent", "options": []any{"rbind"}}}),
		set("linux.resources.memory.limit", -1),
		set("linux.resources.memory.limit", 1e300),
		set("annotations", map[string]any{"org.genode.routes": "+ service | garbage\x01"}),
		set("hooks.prestart", []any{map[string]any{"path": "relative"}}),
		set("hooks.createRuntime", []any{map[string]any{"path": "/no/such/hook", "timeout": 0}}),
		set("hooks.createRuntime", []any{map[string]any{"path": "/no/such/hook"}}),
		set("hooks.prestart", []any{map[string]any{"path": "/proc/self/exe"}}),
		set("linux.namespaces", []any{map[string]any{"type": "network", "path": "/proc/1/ns/net"}}),
		set("unknownField", 1),
		set("process.terminal", true),
		set("linux.resources.cpu", map[string]any{"cpus": "99999999999999999999-1"}),
		set("annotations", map[string]any{"org.genode.caps": "18446744073709551616", "org.genode.routes": "<service name=\"Nic\"><child"}),
		set("mounts", []any{map[string]any{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": []any{"ro"}}}),
		set("process.user.uid", "zero"),
	}
	rng := rand.New(rand.NewPCG(5736, 21626))
	tokens := []string{`"`, `|`, "\x00", "..", "/", "{", "}", "[", "]", ",", ":", "-1", "1e400", `"\u0000"`, "null", "true", `"../../.."`}
	for i := 0; i < 14; i++ {
		m := bytes.Clone(valid)
		switch i % 4 {
		case 0: // flip a byte
			m[rng.IntN(len(m))] ^= byte(1 + rng.IntN(255))
		case 1: // cut a span
			a := rng.IntN(len(m))
			m = append(m[:a], m[min(len(m), a+1+rng.IntN(40)):]...)
		case 2: // insert a token
			a := rng.IntN(len(m))
			m = append(m[:a], append([]byte(tokens[rng.IntN(len(tokens))]), m[a:]...)...)
		case 3: // duplicate a span
			a := rng.IntN(len(m))
			e := min(len(m), a+1+rng.IntN(60))
			m = append(m[:e], append(bytes.Clone(m[a:e]), m[e:]...)...)
		}
		seeds = append(seeds, m)
	}
	return seeds
}
