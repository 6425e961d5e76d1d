package launch

import (
	"os"
	"path/filepath"
	"strings"

	"genodego/host/skips"
)

// The skip list (test/genode-skips.txt, parsed by package genodego/host/skips)
// names the tests that cannot pass on Genode, each with its Genode reason.
// go_genode_$GOARCH_exec applies it to every test binary it runs (a run whose
// arguments hold a -test.* flag): the package's names become a -test.skip
// pattern, joined with a -test.skip the go command passed on, so `go test`
// honours the list without any test being edited.
// $GENODE_EXEC_SKIPS names another list; "off" disables it.

const envSkips = "GENODE_EXEC_SKIPS"

// applySkipList adds the skip list's pattern for the package in g.PkgDir.
func applySkipList(g *GoExec) error {
	f := FindSkipList()
	if f == "" {
		return nil
	}
	l, err := skips.Load(f)
	if err != nil {
		return err
	}
	g.Args = l.ApplyArgs(ImportPath(g.PkgDir, g.GOROOT), g.Args)
	return nil
}

// FindSkipList returns the skip list's path ("" when disabled or absent):
// $GENODE_EXEC_SKIPS, else test/genode-skips.txt of the repository holding
// the model directory.
func FindSkipList() string {
	if f := os.Getenv(envSkips); f != "" {
		if f == "off" {
			return ""
		}
		return f
	}
	m, err := FindModelDir()
	if err != nil {
		return ""
	}
	f := filepath.Join(filepath.Dir(filepath.Dir(m)), "test", "genode-skips.txt")
	if _, err := os.Stat(f); err != nil {
		return ""
	}
	return f
}

// ImportPath guesses the import path of the package in dir: relative to
// GOROOT/src for the standard library, else from the nearest go.mod.
func ImportPath(dir, goroot string) string {
	if goroot != "" {
		if rel, err := filepath.Rel(filepath.Join(goroot, "src"), dir); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	for d := dir; ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			for _, l := range strings.Split(string(data), "\n") {
				if f := strings.Fields(l); len(f) == 2 && f[0] == "module" {
					rel, _ := filepath.Rel(d, dir)
					return strings.TrimSuffix(f[1]+"/"+filepath.ToSlash(rel), "/.")
				}
			}
			return ""
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}
