package skips

import (
	"regexp"
	"strings"
	"testing"
)

const sample = `# comment

net	TestIPv6	no AF_INET6
net	TestDial/unix	no AF_UNIX sockets
runtime	TestSegv	no SIGSEGV delivery
`

func TestParse(t *testing.T) {
	l, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 3 || l.Entries[1].Test != "TestDial/unix" || l.Entries[2].Line != 5 {
		t.Fatalf("entries %+v", l.Entries)
	}
	if got := strings.Join(l.Packages(), ","); got != "net,runtime" {
		t.Errorf("Packages = %s", got)
	}
	if got, want := l.Pattern("net"), `^TestIPv6$|^TestDial$/^unix$`; got != want {
		t.Errorf("Pattern = %s, want %s", got, want)
	}
	if l.Pattern("os") != "" {
		t.Errorf("Pattern for an unlisted package is not empty")
	}
}

func TestParseErrors(t *testing.T) {
	for _, bad := range []string{
		"net\tTestX\n",               // no reason
		"net\tTestX\t \n",            // blank reason
		"net\tTestX\ta\tb\n",         // four fields
		"\tTestX\tno AF_INET6\n",     // no package
		"net\t\tno AF_INET6\n",       // no test
		"net\tTestX/\tno AF_INET6\n", // malformed
		"net\tTestX\tno AF_INET6\nnet\tTestX\tno AF_UNIX\n", // duplicate
	} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

// The pattern must select exactly the listed names under testing's
// alternation-then-slash splitting; emulate that here.
func skipped(pat, name string) bool {
	for _, alt := range strings.Split(pat, "|") {
		els := strings.Split(alt, "/")
		parts := strings.Split(name, "/")
		if len(parts) < len(els) {
			continue
		}
		ok := true
		for i, el := range els {
			if !regexp.MustCompile(el).MatchString(parts[i]) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func TestPatternSelects(t *testing.T) {
	l, _ := Parse(strings.NewReader(sample))
	pat := l.Pattern("net")
	for name, want := range map[string]bool{
		"TestIPv6": true, "TestIPv6/x": true, "TestIPv6X": false, "XTestIPv6": false,
		"TestDial": false, "TestDial/unix": true, "TestDial/tcp": false, "TestDial/unixgram": false,
	} {
		if got := skipped(pat, name); got != want {
			t.Errorf("%s skipped = %v, want %v", name, got, want)
		}
	}
}

func TestTestArgs(t *testing.T) {
	l, _ := Parse(strings.NewReader(sample))
	const root = "/g"
	args := []string{"-test.v=test2json", "-test.timeout=1m"}
	got := l.TestArgs(root, "/g/src/net", "/tmp/go-build1/b001/net.test", args)
	if len(got) != 4 || got[2] != "-test.run=." || got[3] != `-test.skip=^TestIPv6$|^TestDial$/^unix$` {
		t.Errorf("TestArgs = %q", got)
	}
	// A -test.run of the caller stays the selection.
	got = l.TestArgs(root, "/g/src/net", "/tmp/b/net.test", []string{"-test.run=^TestX$"})
	if strings.Join(got, " ") != `-test.run=^TestX$ -test.skip=^TestIPv6$|^TestDial$/^unix$` {
		t.Errorf("TestArgs with -test.run = %q", got)
	}
	// Merges an existing -test.skip.
	got = l.TestArgs(root, "/g/src/net", "/tmp/b/net.test", []string{"-test.skip", "Foo", "-test.v"})
	if strings.Join(got, " ") != `-test.v -test.run=. -test.skip=Foo|^TestIPv6$|^TestDial$/^unix$` {
		t.Errorf("TestArgs merge = %q", got)
	}
	// Not a test binary of that package, not in GOROOT, nothing listed: unchanged.
	for _, c := range [][3]string{
		{root, "/g/src/net", "/tmp/b/main"},
		{root, "/elsewhere/net", "/tmp/b/net.test"},
		{root, "/g/src/os", "/tmp/b/os.test"},
		{root, "/g/src/net/http", "/tmp/b/http.test"},
	} {
		if got := l.TestArgs(c[0], c[1], c[2], args); len(got) != len(args) {
			t.Errorf("TestArgs%q = %q, want unchanged", c, got)
		}
	}
	if got := l.ApplyArgs("net", args); len(got) != 4 || !strings.HasPrefix(got[3], "-test.skip=^TestIPv6$") {
		t.Errorf("ApplyArgs = %q", got)
	}
	if got := l.ApplyArgs("net", []string{"x", "-v"}); len(got) != 2 {
		t.Errorf("ApplyArgs on a non-test = %q", got)
	}
	if StdPackage(root, "/g/src/net/http") != "net/http" || !IsTestBinary("x/http.test", "net/http") {
		t.Error("StdPackage/IsTestBinary")
	}
}
