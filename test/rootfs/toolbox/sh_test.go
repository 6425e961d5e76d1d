package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func runSh(t *testing.T, script string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	st := shMain(&proc{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, append([]string{"sh", "-c", script}, args...))
	return out.String(), errb.String(), st
}

func TestShell(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "output")
	cases := []struct {
		script, out string
		st          int
	}{
		{"echo 'process called' >> " + f + "; cat " + f, "process called\n", 0},
		{"echo 'second' >> " + f + "; cat < " + f, "process called\nsecond\n", 0},
		{"echo a > " + f + "; cat " + f + " | cat", "a\n", 0},
		{`x=1; echo "${x}2 $x" '$x' a\ b`, "12 1 $x a b\n", 0},
		{"false || echo or; true && echo and; false && echo no; echo $?", "or\nand\n1\n", 0},
		{"! false; echo $?", "0\n", 0},
		{`set -- a "b c"; echo $# $2`, "2 b c\n", 0},
		{"exit 3; echo no", "", 3},
		{"false", "", 1},
		{"touch " + f + "2; ls " + dir, "output\noutput2\n", 0},
		{"sleep 0.01 & wait $!; echo $?", "0\n", 0},
		{"nosuchcommand", "", 127},
		{`echo "$0" "$@" $2`, "n a b c b\n", 0},
		{"echo a;\necho b # comment\n", "a\nb\n", 0},
		{"echo x 1>&2", "", 0},
		{"echo ' one  two three ' > " + f + "; read x y < " + f + "; echo $y-$x", "two three-one\n", 0},
		{"read x < /dev/null; echo $? $x.", "1 .\n", 0},
	}
	for _, c := range cases {
		out, _, st := runSh(t, c.script, "n", "a", "b c")
		if c.script == `echo "$0" "$@" $2` {
			out, _, st = runSh(t, c.script, "n", "a", "b", "c")
			if out != "n a b c b\n" {
				t.Errorf("%q: got %q", c.script, out)
			}
			continue
		}
		if out != c.out || st != c.st {
			t.Errorf("%q: got %q status %d, want %q status %d", c.script, out, st, c.out, c.st)
		}
	}
}

// The killsig bundle's script: a trapped signal ends wait at once, then the action runs.
func TestTrapEndsWait(t *testing.T) {
	dir := t.TempDir()
	done := make(chan int)
	go func() {
		_, _, st := runSh(t, "trap 'touch "+dir+"/USR1' USR1; sleep 10 & wait $!")
		done <- st
	}()
	time.Sleep(200 * time.Millisecond)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case st := <-done:
		if st != 128+int(syscall.SIGUSR1) {
			t.Errorf("status %d", st)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("wait did not return on the trapped signal")
	}
	if _, err := os.Stat(dir + "/USR1"); err != nil {
		t.Error(err)
	}
}
