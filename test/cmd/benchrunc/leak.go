package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"genodego/sandbox/initcfg"
)

// snapshot is what a create/start/delete cycle could leave behind.
type snapshot struct {
	rootFiles  []string // every path under runc's --root (state directories, locks, temporary files)
	tmpFiles   []string // every path under the TMPDIR of runc, init and genode-run (their run directories)
	initFDs    []string // the init model's open descriptors, "N -> target"
	cfgStarts  []string // start nodes in init.config
	stateKids  []string // children in init.state
	modelProcs []string // genode-run and model-loader processes of this benchmark, "pid argv"
	otherModel int      // such processes on the machine that are not this benchmark's
}

// take records the state of the state root root, the directory tmp, the
// init model initPid and the model processes under work.
func take(root, tmp, work string, initPid int) snapshot {
	var s snapshot
	s.rootFiles = tree(root)
	s.tmpFiles = tree(tmp)
	if initPid > 0 {
		ents, _ := os.ReadDir("/proc/" + strconv.Itoa(initPid) + "/fd")
		for _, e := range ents {
			t, _ := os.Readlink("/proc/" + strconv.Itoa(initPid) + "/fd/" + e.Name())
			s.initFDs = append(s.initFDs, e.Name()+" -> "+t)
		}
		sort.Strings(s.initFDs)
	}
	if data, err := os.ReadFile(filepath.Join(root, "init.config")); err == nil {
		if cfg, err := initcfg.Decode(data); err == nil {
			for _, st := range cfg.Starts {
				s.cfgStarts = append(s.cfgStarts, st.Name)
			}
		} else {
			s.cfgStarts = append(s.cfgStarts, "(undecodable: "+err.Error()+")")
		}
	}
	if data, err := os.ReadFile(filepath.Join(root, "init.state")); err == nil {
		if st, err := initcfg.DecodeState(data); err == nil {
			for _, c := range st.Children {
				s.stateKids = append(s.stateKids, c.Name)
			}
		} else {
			s.stateKids = append(s.stateKids, "(undecodable: "+err.Error()+")")
		}
	}
	for _, p := range modelProcesses() {
		if p.ours(work, initPid) {
			s.modelProcs = append(s.modelProcs, fmt.Sprintf("%d %s", p.pid, strings.Join(p.argv, " ")))
		} else {
			s.otherModel++
		}
	}
	return s
}

// tree lists the paths under dir, relative to it.
func tree(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		r, _ := filepath.Rel(dir, p)
		out = append(out, r)
		return nil
	})
	sort.Strings(out)
	return out
}

// leaks compares two snapshots: one line per kind that differs.
func leaks(before, after snapshot) []string {
	var out []string
	cmp := func(what string, b, a []string) {
		added, removed := diff(b, a)
		if len(added) == 0 && len(removed) == 0 {
			return
		}
		msg := fmt.Sprintf("%s: %d before, %d after", what, len(b), len(a))
		if len(added) > 0 {
			msg += "; new: " + list(added)
		}
		if len(removed) > 0 {
			msg += "; gone: " + list(removed)
		}
		out = append(out, msg)
	}
	cmp("files under --root", before.rootFiles, after.rootFiles)
	cmp("files under TMPDIR", before.tmpFiles, after.tmpFiles)
	cmp("init model fds", before.initFDs, after.initFDs)
	cmp("children in init.config", before.cfgStarts, after.cfgStarts)
	cmp("children in init.state", before.stateKids, after.stateKids)
	cmp("model processes", before.modelProcs, after.modelProcs)
	return out
}

func diff(before, after []string) (added, removed []string) {
	in := func(l []string, s string) bool {
		for _, x := range l {
			if x == s {
				return true
			}
		}
		return false
	}
	for _, s := range after {
		if !in(before, s) {
			added = append(added, s)
		}
	}
	for _, s := range before {
		if !in(after, s) {
			removed = append(removed, s)
		}
	}
	return
}

func list(l []string) string {
	const max = 6
	if len(l) > max {
		return strings.Join(l[:max], ", ") + fmt.Sprintf(", … (%d more)", len(l)-max)
	}
	return strings.Join(l, ", ")
}

type proc struct {
	pid, ppid int
	argv      []string
	cwd       string
	ancestors []int
}

// ours: a descendant of the init model, or a process working in or naming
// the benchmark's work directory (runc's own components run from there).
func (p proc) ours(work string, initPid int) bool {
	for _, a := range p.ancestors {
		if initPid > 0 && a == initPid {
			return true
		}
	}
	if p.cwd == work || strings.HasPrefix(p.cwd, work+"/") {
		return true
	}
	for _, a := range p.argv {
		if strings.Contains(a, work) {
			return true
		}
	}
	return false
}

// isModel: genode-run, or the host's loader running a binary against the
// model's libraries (a component).
func isModel(argv []string) bool {
	if len(argv) == 0 {
		return false
	}
	if filepath.Base(argv[0]) == "genode-run" {
		return true
	}
	if strings.HasPrefix(filepath.Base(argv[0]), "ld-linux") {
		for _, a := range argv[1:] {
			if a == "--library-path" {
				return true
			}
		}
	}
	return false
}

func modelProcesses() []proc {
	ents, _ := os.ReadDir("/proc")
	parents := map[int]int{}
	var cands []proc
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid := readPPid(pid)
		parents[pid] = ppid
		data, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || len(data) == 0 {
			continue
		}
		argv := strings.Split(string(bytes.TrimRight(data, "\x00")), "\x00")
		if !isModel(argv) {
			continue
		}
		cwd, _ := os.Readlink("/proc/" + e.Name() + "/cwd")
		cands = append(cands, proc{pid: pid, ppid: ppid, argv: argv, cwd: cwd})
	}
	for i := range cands {
		for p, n := cands[i].ppid, 0; p > 1 && n < 64; p, n = parents[p], n+1 {
			cands[i].ancestors = append(cands[i].ancestors, p)
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].pid < cands[j].pid })
	return cands
}

// readPPid reads the parent's pid from /proc/PID/stat (after the command
// name, which may hold spaces and parentheses).
func readPPid(pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}
