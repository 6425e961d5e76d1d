package main

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genodego/build/internal/elftest"
)

const table = "write\timplemented\trepos/libports/src/lib/libc/vfs_plugin.cc\truntime\tssize_t write(int fd, const void *buf, size_t nbytes)\t\n" +
	"exit\timplemented\trepos/libports/src/lib/libc/exit.cc\truntime\tvoid exit(int status)\t\n"

func files(t *testing.T) (dir, tab, good, bad, notELF string) {
	dir = t.TempDir()
	tab = filepath.Join(dir, "table.tsv")
	good = filepath.Join(dir, "good")
	bad = filepath.Join(dir, "bad")
	notELF = filepath.Join(dir, "notelf")
	s := elftest.Good(elf.EM_X86_64)
	os.WriteFile(tab, []byte(table), 0o644)
	os.WriteFile(good, s.Build(), 0o755)
	s.Interp = "/lib/ld.so"
	s.Text = []byte{0x0f, 0x05, 0xc3}
	os.WriteFile(bad, s.Build(), 0o755)
	os.WriteFile(notELF, []byte("#!/bin/sh\n"), 0o755)
	return
}

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCommand(t *testing.T) {
	_, tab, good, bad, notELF := files(t)

	code, out, _ := runCmd("-table", tab, good)
	if code != 0 || out != "ok "+good+"\n" {
		t.Errorf("good: exit %d, output %q", code, out)
	}
	code, out, _ = runCmd("-q", "-table", tab, good)
	if code != 0 || out != "" {
		t.Errorf("good -q: exit %d, output %q", code, out)
	}
	code, out, _ = runCmd("-table", tab, bad)
	if code != 1 || !strings.Contains(out, "INTERP ") || !strings.Contains(out, "INSN .text ") {
		t.Errorf("bad: exit %d, output %q", code, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if f := strings.Fields(line); len(f) < 4 || !strings.HasPrefix(f[2], "0x") || !strings.HasSuffix(f[2], ":") {
			t.Errorf("line %q is not RULE where addr: message", line)
		}
	}
	code, _, errs := runCmd("-table", tab, notELF)
	if code != 2 || !strings.Contains(errs, notELF+": not an ELF file") {
		t.Errorf("not ELF: exit %d, stderr %q", code, errs)
	}
	code, out, _ = runCmd("-table", tab, good, bad)
	if code != 1 || !strings.Contains(out, "ok "+good) || !strings.Contains(out, bad+": INTERP ") {
		t.Errorf("two files: exit %d, output %q", code, out)
	}
	if code, _, _ = runCmd("-table", tab, good, notELF, bad); code != 2 {
		t.Errorf("bad input among files: exit %d, want 2", code)
	}
	if code, _, _ = runCmd(); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
	if code, _, _ = runCmd("-nosuchflag", good); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
	if code, _, _ = runCmd("-table", filepath.Join(t.TempDir(), "none.tsv"), good); code != 2 {
		t.Errorf("missing table: exit %d, want 2", code)
	}
}

func TestJSON(t *testing.T) {
	_, tab, good, bad, notELF := files(t)
	code, out, _ := runCmd("-json", "-table", tab, good, bad, notELF)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	var res []fileResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res) != 3 || !res[0].OK || res[1].OK || len(res[1].Violations) == 0 || res[2].Error == "" {
		t.Errorf("results %+v", res)
	}
}

// The default table is the one built into genodego/syscalls.
func TestDefaultTable(t *testing.T) {
	_, _, good, _, _ := files(t)
	code, out, errs := runCmd(good)
	if code == 2 {
		t.Fatalf("exit 2: %s", errs)
	}
	t.Logf("exit %d: %s", code, out)
}
