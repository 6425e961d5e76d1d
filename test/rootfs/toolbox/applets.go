package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// echo [-n] [-e] ARG...: -e interprets \n \t \\ and \c.
func echoMain(p *proc, argv []string) int {
	args := argv[1:]
	newline, escapes := true, false
	for len(args) > 0 && (args[0] == "-n" || args[0] == "-e" || args[0] == "-ne" || args[0] == "-en") {
		newline = newline && !strings.Contains(args[0], "n")
		escapes = escapes || strings.Contains(args[0], "e")
		args = args[1:]
	}
	s := strings.Join(args, " ")
	if escapes {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] != '\\' || i+1 == len(s) {
				b.WriteByte(s[i])
				continue
			}
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '\\':
				b.WriteByte('\\')
			case 'c':
				fmt.Fprint(p.stdout, b.String())
				return 0
			default:
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
		}
		s = b.String()
	}
	if newline {
		s += "\n"
	}
	if _, err := io.WriteString(p.stdout, s); err != nil {
		fmt.Fprintf(p.stderr, "echo: %v\n", err)
		return 1
	}
	return 0
}

// cat [FILE...]: "-" or no file is stdin.
func catMain(p *proc, argv []string) int {
	files := argv[1:]
	if len(files) == 0 {
		files = []string{"-"}
	}
	st := 0
	for _, f := range files {
		var r io.Reader = p.stdin
		if f != "-" {
			fh, err := os.Open(f)
			if err != nil {
				fmt.Fprintf(p.stderr, "cat: %v\n", err)
				st = 1
				continue
			}
			r = fh
			defer fh.Close()
		}
		if _, err := io.Copy(p.stdout, r); err != nil {
			fmt.Fprintf(p.stderr, "cat: %s: %v\n", f, err)
			st = 1
		}
	}
	return st
}

// touch [-c] FILE...: creates missing files. Genode has no settable times (utimensat is not in its ABI),
// so an existing file's times are set only where the system can.
func touchMain(p *proc, argv []string) int {
	st := 0
	create := true
	for _, f := range argv[1:] {
		if f == "-c" {
			create = false
			continue
		}
		if _, err := os.Stat(f); err == nil {
			now := time.Now()
			os.Chtimes(f, now, now) // best effort: ENOSYS on Genode
			continue
		} else if !errors.Is(err, fs.ErrNotExist) || !create {
			if create {
				fmt.Fprintf(p.stderr, "touch: %v\n", err)
				st = 1
			}
			continue
		}
		fh, err := os.OpenFile(f, os.O_WRONLY|os.O_CREATE, 0o666)
		if err != nil {
			fmt.Fprintf(p.stderr, "touch: %v\n", err)
			st = 1
			continue
		}
		fh.Close()
	}
	return st
}

// sleep N[smhd]...: the sum of the durations; N may be a decimal fraction.
func sleepMain(p *proc, argv []string) int {
	if len(argv) < 2 {
		fmt.Fprintln(p.stderr, "sleep: missing operand")
		return 1
	}
	var total time.Duration
	for _, a := range argv[1:] {
		unit := time.Second
		switch {
		case strings.HasSuffix(a, "s"):
			a = strings.TrimSuffix(a, "s")
		case strings.HasSuffix(a, "m"):
			a, unit = strings.TrimSuffix(a, "m"), time.Minute
		case strings.HasSuffix(a, "h"):
			a, unit = strings.TrimSuffix(a, "h"), time.Hour
		case strings.HasSuffix(a, "d"):
			a, unit = strings.TrimSuffix(a, "d"), 24*time.Hour
		}
		f, err := strconv.ParseFloat(a, 64)
		if err != nil || f < 0 {
			fmt.Fprintf(p.stderr, "sleep: invalid time interval %q\n", a)
			return 1
		}
		// "inf" (and any sum past time's range) sleeps for good, as
		// busybox's and GNU sleep do
		if d := f * float64(unit); d >= float64(math.MaxInt64-total) {
			total = math.MaxInt64
			break
		} else {
			total += time.Duration(d)
		}
	}
	time.Sleep(total)
	return 0
}

// ls [-a] [-A] [-l] [-1] [-d] [-R] [FILE...]: -R lists each directory's subdirectories after it, depth
// first, every directory under a "DIR:" header.
func lsMain(p *proc, argv []string) int {
	var all, almost, long, dirOnly, recursive bool
	var names []string
	for _, a := range argv[1:] {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			for _, c := range a[1:] {
				switch c {
				case 'a':
					all = true
				case 'A':
					almost = true
				case 'l':
					long = true
				case 'd':
					dirOnly = true
				case 'R':
					recursive = true
				case '1':
				default:
					fmt.Fprintf(p.stderr, "ls: invalid option -- '%c'\n", c)
					return 2
				}
			}
			continue
		}
		names = append(names, a)
	}
	if len(names) == 0 {
		names = []string{"."}
	}
	st := 0
	show := func(name string, fi fs.FileInfo) {
		if !long {
			fmt.Fprintln(p.stdout, name)
			return
		}
		target := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			if t, err := os.Readlink(name); err == nil {
				target = " -> " + t
			}
		}
		fmt.Fprintf(p.stdout, "%s %10d %s %s%s\n", fi.Mode(), fi.Size(), fi.ModTime().Format("Jan _2 15:04"), name, target)
	}
	var files []string
	var dirs []string
	for _, n := range names {
		fi, err := os.Lstat(n)
		if err != nil {
			fmt.Fprintf(p.stderr, "ls: cannot access '%s': %v\n", n, errors.Unwrap(err))
			st = 2
			continue
		}
		if fi.IsDir() && !dirOnly {
			dirs = append(dirs, n)
		} else {
			files = append(files, n)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		fi, _ := os.Lstat(f)
		show(f, fi)
	}
	headers := len(names) > 1 || recursive
	first := len(files) == 0
	var list func(d string)
	list = func(d string) {
		if headers {
			if !first {
				fmt.Fprintln(p.stdout)
			}
			fmt.Fprintf(p.stdout, "%s:\n", d)
		}
		first = false
		ents, err := os.ReadDir(d)
		if err != nil {
			fmt.Fprintf(p.stderr, "ls: cannot open directory '%s': %v\n", d, errors.Unwrap(err))
			st = 2
			return
		}
		if all {
			for _, dot := range []string{".", ".."} {
				if fi, err := os.Lstat(d + "/" + dot); err == nil {
					if long {
						show(dot, fi)
					} else {
						fmt.Fprintln(p.stdout, dot)
					}
				}
			}
		}
		var subdirs []string
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") && !all && !almost {
				continue
			}
			if e.IsDir() && recursive {
				subdirs = append(subdirs, strings.TrimSuffix(d, "/")+"/"+e.Name())
			}
			if !long {
				fmt.Fprintln(p.stdout, e.Name())
				continue
			}
			fi, err := os.Lstat(d + "/" + e.Name())
			if err != nil {
				fmt.Fprintf(p.stderr, "ls: %v\n", err)
				st = 1
				continue
			}
			if fi.Mode()&fs.ModeSymlink != 0 {
				t, _ := os.Readlink(d + "/" + e.Name())
				fmt.Fprintf(p.stdout, "%s %10d %s %s -> %s\n", fi.Mode(), fi.Size(), fi.ModTime().Format("Jan _2 15:04"), e.Name(), t)
				continue
			}
			fmt.Fprintf(p.stdout, "%s %10d %s %s\n", fi.Mode(), fi.Size(), fi.ModTime().Format("Jan _2 15:04"), e.Name())
		}
		for _, sub := range subdirs {
			list(sub)
		}
	}
	for _, d := range dirs {
		list(d)
	}
	return st
}

// mkdir [-p] DIR...
func mkdirMain(p *proc, argv []string) int {
	parents := false
	st := 0
	for _, a := range argv[1:] {
		if a == "-p" {
			parents = true
			continue
		}
		var err error
		if parents {
			err = os.MkdirAll(a, 0o777)
		} else {
			err = os.Mkdir(a, 0o777)
		}
		if err != nil {
			fmt.Fprintf(p.stderr, "mkdir: %v\n", err)
			st = 1
		}
	}
	return st
}

// rm [-r] [-f] FILE...
func rmMain(p *proc, argv []string) int {
	var recursive, force bool
	st := 0
	for _, a := range argv[1:] {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			recursive = recursive || strings.ContainsAny(a, "rR")
			force = force || strings.Contains(a, "f")
			continue
		}
		var err error
		if recursive {
			if _, e := os.Lstat(a); e != nil {
				err = e
			} else {
				err = os.RemoveAll(a)
			}
		} else {
			err = os.Remove(a)
		}
		if err != nil && !(force && errors.Is(err, fs.ErrNotExist)) {
			fmt.Fprintf(p.stderr, "rm: %v\n", err)
			st = 1
		}
	}
	return st
}

func pwdMain(p *proc, argv []string) int {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(p.stderr, "pwd: %v\n", err)
		return 1
	}
	fmt.Fprintln(p.stdout, wd)
	return 0
}

// env: prints the environment (no command form).
func envMain(p *proc, argv []string) int {
	if len(argv) > 1 {
		fmt.Fprintln(p.stderr, "env: only printing the environment is supported")
		return 125
	}
	for _, kv := range p.env {
		fmt.Fprintln(p.stdout, kv)
	}
	return 0
}

// stty: prints standard input's terminal size ("size", or without arguments). Setting modes is refused: a
// Genode Terminal session has no line discipline to set them in.
func sttyMain(p *proc, argv []string) int {
	f, ok := p.stdin.(*os.File)
	if !ok {
		fmt.Fprintln(p.stderr, "stty: standard input: not a terminal")
		return 1
	}
	if len(argv) > 2 || len(argv) == 2 && argv[1] != "size" {
		fmt.Fprintf(p.stderr, "stty: %q: only \"size\" is supported (a Genode Terminal session has no modes to set)\n", argv[1])
		return 1
	}
	rows, cols, err := winsize(int(f.Fd()))
	if err != nil {
		fmt.Fprintf(p.stderr, "stty: standard input: %v\n", err)
		return 1
	}
	if len(argv) == 2 {
		fmt.Fprintf(p.stdout, "%d %d\n", rows, cols)
	} else {
		fmt.Fprintf(p.stdout, "rows %d; columns %d;\n", rows, cols)
	}
	return 0
}

// seq: prints the numbers from FIRST (1) to LAST, one per line or separated by -s SEP.
func seqMain(p *proc, argv []string) int {
	sep := "\n"
	args := argv[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-s") {
		if args[0] != "-s" {
			sep, args = args[0][2:], args[1:]
		} else if len(args) > 1 {
			sep, args = args[1], args[2:]
		} else {
			fmt.Fprintln(p.stderr, "seq: -s needs a separator")
			return 1
		}
	}
	if len(args) < 1 || len(args) > 2 {
		fmt.Fprintln(p.stderr, "usage: seq [-s SEP] [FIRST] LAST")
		return 1
	}
	nums := make([]int64, len(args))
	for i, a := range args {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			fmt.Fprintf(p.stderr, "seq: invalid number %q\n", a)
			return 1
		}
		nums[i] = n
	}
	first, last := int64(1), nums[0]
	if len(nums) == 2 {
		first, last = nums[0], nums[1]
	}
	w := bufio.NewWriterSize(p.stdout, 32<<10)
	for n := first; n <= last; n++ {
		if n > first {
			w.WriteString(sep)
		}
		w.WriteString(strconv.FormatInt(n, 10))
	}
	if first <= last {
		w.WriteString("\n")
	}
	if err := w.Flush(); err != nil {
		return 1
	}
	return 0
}

// top [-b] [-d SECS] [-n COUNT]: critest's default container command ("top", "sh -c top"), which only has
// to run until it is ended. It prints its own line every SECS (5) seconds, COUNT times (default: until
// killed): a Genode component sees no other processes (pgrep).
func topMain(p *proc, argv []string) int {
	delay, count := 5*time.Second, -1
	args := argv[1:]
	for len(args) > 0 {
		a := args[0]
		args = args[1:]
		switch {
		case a == "-b":
		case a == "-d" || a == "-n":
			if len(args) == 0 {
				fmt.Fprintf(p.stderr, "top: %s needs a number\n", a)
				return 1
			}
			a += args[0]
			args = args[1:]
			fallthrough
		case strings.HasPrefix(a, "-d") || strings.HasPrefix(a, "-n"):
			f, err := strconv.ParseFloat(a[2:], 64)
			if err != nil || f < 0 {
				fmt.Fprintf(p.stderr, "top: bad number %q\n", a[2:])
				return 1
			}
			if a[1] == 'd' {
				delay = time.Duration(f * float64(time.Second))
			} else {
				count = int(f)
			}
		default:
			fmt.Fprintf(p.stderr, "top: unsupported option %q\n", a)
			return 1
		}
	}
	for i := 0; count < 0 || i < count; i++ {
		if i > 0 {
			time.Sleep(delay)
		}
		fmt.Fprintf(p.stdout, "top - %s: 1 task (a Genode component sees no other)\n  PID COMMAND\n%5d top\n",
			time.Now().Format("15:04:05"), os.Getpid())
	}
	return 0
}

// pgrep [-flx...] PATTERN: on Genode a component cannot see other processes (there is no /proc and no
// process table to read), and pgrep does not list itself, so it finds nothing: no output, status 1, as
// "no process matched". critest's "pgrep sleep || true" wants exactly that empty output after a timed-out
// exec ended its sleep. Without a pattern it is a usage error (2).
func pgrepMain(p *proc, argv []string) int {
	for _, a := range argv[1:] {
		if !strings.HasPrefix(a, "-") {
			return 1
		}
	}
	fmt.Fprintln(p.stderr, "pgrep: no matching criteria specified")
	return 2
}

// hostname: prints the host name: $HOSTNAME (containerd's CRI sets it in every container's environment),
// else the first line of /etc/hostname (the file the CRI gives the pod), else what the system says (on
// Genode libc's gethostname, which knows no pod). Setting the name is refused: a component has none to set.
func hostnameMain(p *proc, argv []string) int {
	if len(argv) > 1 {
		fmt.Fprintln(p.stderr, "hostname: setting the host name is not supported")
		return 1
	}
	for _, kv := range p.env {
		if v, ok := strings.CutPrefix(kv, "HOSTNAME="); ok && v != "" {
			fmt.Fprintln(p.stdout, v)
			return 0
		}
	}
	if b, err := os.ReadFile("/etc/hostname"); err == nil {
		if line, _, _ := strings.Cut(string(b), "\n"); strings.TrimSpace(line) != "" {
			fmt.Fprintln(p.stdout, strings.TrimSpace(line))
			return 0
		}
	}
	h, err := os.Hostname()
	if err != nil {
		fmt.Fprintf(p.stderr, "hostname: %v\n", err)
		return 1
	}
	fmt.Fprintln(p.stdout, h)
	return 0
}

// sync [FILE...]: flushes the named files, or with none all file systems (sync(2); libc's VFS on Genode).
func syncMain(p *proc, argv []string) int {
	if len(argv) == 1 {
		syscall.Sync()
		return 0
	}
	st := 0
	for _, n := range argv[1:] {
		f, err := os.Open(n)
		if err == nil {
			err = f.Sync()
			f.Close()
		}
		if err != nil {
			fmt.Fprintf(p.stderr, "sync: %v\n", err)
			st = 1
		}
	}
	return st
}
