package syscalls

import (
	"strings"
	"testing"
)

const goodRow = "open\timplemented\trepos/libports/src/lib/libc/file_operations.cc\truntime,syscall\tint open(const char *path, int flags, ...)\t\n"

func TestParseGood(t *testing.T) {
	in := "# comment\n\n" + goodRow +
		"pipe2\tmissing\trepos/libports/lib/symbols/libc\t-\tint pipe2(int fildes[2], int flags)\tnot exported\n" +
		"usleep\tpartial\trepos/libports/src/lib/libc/time.cc\truntime\tint usleep(useconds_t microseconds)\tms granularity" // no trailing tab, no newline
	tab, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Entries) != 3 {
		t.Fatalf("got %d entries", len(tab.Entries))
	}
	e, ok := tab.Lookup("open")
	if !ok || e.Line != 3 || e.Status != Implemented || len(e.Users) != 2 || e.Users[1] != "syscall" {
		t.Errorf("open: %+v %v", e, ok)
	}
	if e, _ := tab.Lookup("pipe2"); e.Users != nil || e.Importable() {
		t.Errorf("pipe2: %+v", e)
	}
	if e, _ := tab.Lookup("usleep"); e.Note != "ms granularity" || e.Line != 5 {
		t.Errorf("usleep: %+v", e)
	}
	if _, ok := tab.Lookup("nope"); ok {
		t.Error("found nope")
	}
	if got := tab.Users(); strings.Join(got, " ") != "runtime syscall" {
		t.Errorf("Users() = %v", got)
	}
	if got := tab.UsedBy("runtime"); len(got) != 2 || got[0].Name != "open" || got[1].Name != "usleep" {
		t.Errorf("UsedBy(runtime) = %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a\tb\n", "table.tsv:1: want 6 tab-separated columns"},
		{"# c\nopen\timplemented\tx\truntime\tint open(void)\tn\textra\n", "table.tsv:2: want 6"},
		{"open\tdone\tx\truntime\tint open(void)\t\n", "table.tsv:1: open: unknown status \"done\""},
		{goodRow + goodRow, "table.tsv:2: duplicate name \"open\" (first on line 1)"},
		{"open\timplemented\tx\truntime\t\t\n", "table.tsv:1: open: empty prototype"},
		{"open\timplemented\tx\truntime\tint close(int)\t\n", "does not declare open"},
		{"open\timplemented\tx\t\tint open(void)\t\n", "table.tsv:1: open: empty users column"},
		{"open\timplemented\tx\truntime,,syscall\tint open(void)\t\n", "bad user \"\""},
		{"open\timplemented\tx\truntime syscall\tint open(void)\t\n", "bad user \"runtime syscall\""},
		{"open\timplemented\tx\tRuntime\tint open(void)\t\n", "bad user \"Runtime\""},
		{"open\timplemented\tx\truntime,runtime\tint open(void)\t\n", "listed twice"},
		{"open\tmissing\tx\truntime\tint open(void)\t\n", "table.tsv:1: open: status missing but users runtime"},
		{"open\tstub\tx\truntime\tint open(void)\t\n", "open: status stub needs a note"},
		{"open\timplemented\t\truntime\tint open(void)\t\n", "empty Genode source"},
		{"open\timplemented\ta b\truntime\tint open(void)\t\n", "bad source path"},
		{"op-en\timplemented\tx\truntime\tint op-en(void)\t\n", "bad name"},
	} {
		_, err := Parse(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestDefault(t *testing.T) {
	tab, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tab.Lookup("__error"); !ok {
		t.Error("__error missing from the table")
	}
}
