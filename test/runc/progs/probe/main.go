// Command probe is the program the runc tests put in a container's rootfs
// (and run as a hook). Its arguments are a script of steps, executed in
// order:
//
//	print TEXT         TEXT and a newline on stdout
//	eprint TEXT        TEXT and a newline on stderr
//	args               "args=" and the JSON array of the whole argv
//	env NAME           "NAME=value", or "NAME unset"
//	environ            every environment entry, one a line
//	cwd                "cwd=" and the working directory
//	fds                "fds:" then "fd N: dir|file|other" for each descriptor from 3
//	                   to 64 that fstat accepts (what the component holds beyond stdio)
//	ls DIR             "ls DIR:" then the names in DIR, sorted, one a line
//	write FILE TEXT    FILE holds TEXT and a newline (created or truncated)
//	append FILE TEXT   TEXT and a newline appended to FILE (created if missing)
//	read FILE          "read FILE:" then FILE's content
//	gowrite FILE TEXT  as write, with os.WriteFile (an os.File by name: the
//	                   runtime's netpoller, which needs <libc pipe>)
//	stat PATH          "stat PATH: dir", "stat PATH: file N" (N bytes), "stat PATH: other"
//	                   or "stat PATH: missing"
//	mkdir DIR          DIR created (with its parents)
//	rm PATH            PATH removed (with everything below it)
//	symlink OLD NEW    NEW made a symbolic link to OLD
//	cat                stdin copied to stdout until its end
//	savein FILE        stdin appended to FILE until its end (a hook saving its state)
//	sleep MS           sleep MS milliseconds (nanosleep: no timer of the runtime)
//	gosleep MS         sleep MS milliseconds with time.Sleep (the runtime's timers
//	                   need its netpoller, which needs <libc pipe>)
//	forever            sleep until killed (nanosleep)
//	exit N             exit with N
//
// Running off the end exits with 0. A step that fails prints
// "probe: STEP: error" on stderr and exits with 99, as does a malformed
// script.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"syscall"
	"time"
)

func fail(step string, err any) {
	fmt.Fprintf(os.Stderr, "probe: %s: %v\n", step, err)
	os.Exit(99)
}

// writeFile and readFile use the libc's descriptors directly, as do the
// other steps but gowrite: an os.File opened by name registers with the
// runtime's netpoller, whose wake-up pipe needs a pipe file system in the
// component's VFS. The probe works in any view; gowrite and gosleep test that
// a container's view lets ordinary Go code run.
func writeFile(name string, flag int, data []byte) error {
	fd, err := syscall.Open(name, flag, 0o644)
	if err != nil {
		return err
	}
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if err != nil {
			syscall.Close(fd)
			return err
		}
		data = data[n:]
	}
	return syscall.Close(fd)
}

func readFile(name string) ([]byte, error) {
	fd, err := syscall.Open(name, syscall.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	var out []byte
	buf := make([]byte, 32*1024)
	for {
		n, err := syscall.Read(fd, buf)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return out, nil
		}
		out = append(out, buf[:n]...)
	}
}

// nanosleep sleeps in the libc, so that the steps that only wait work in
// any view: the runtime's timers (time.Sleep) start its netpoller, whose
// wake-up pipe needs a pipe file system in the component's VFS.
func nanosleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for {
		var left syscall.Timespec
		err := syscall.Nanosleep(&ts, &left)
		if err != syscall.EINTR {
			return
		}
		ts = left
	}
}

func main() {
	a := os.Args[1:]
	arg := func(step string) string {
		if len(a) == 0 {
			fail(step, "missing argument")
		}
		s := a[0]
		a = a[1:]
		return s
	}
	for len(a) > 0 {
		step := a[0]
		a = a[1:]
		switch step {
		case "print":
			fmt.Println(arg(step))
		case "eprint":
			fmt.Fprintln(os.Stderr, arg(step))
		case "args":
			b, _ := json.Marshal(os.Args)
			fmt.Printf("args=%s\n", b)
		case "env":
			n := arg(step)
			if v, ok := os.LookupEnv(n); ok {
				fmt.Printf("%s=%s\n", n, v)
			} else {
				fmt.Printf("%s unset\n", n)
			}
		case "environ":
			for _, e := range os.Environ() {
				fmt.Println(e)
			}
		case "cwd":
			d, err := os.Getwd()
			if err != nil {
				fail(step, err)
			}
			fmt.Printf("cwd=%s\n", d)
		case "fds":
			fmt.Println("fds:")
			for fd := 3; fd <= 64; fd++ {
				var st syscall.Stat_t
				if syscall.Fstat(fd, &st) != nil {
					continue
				}
				kind := "other"
				switch st.Mode & syscall.S_IFMT {
				case syscall.S_IFDIR:
					kind = "dir"
				case syscall.S_IFREG:
					kind = "file"
				}
				fmt.Printf("fd %d: %s\n", fd, kind)
			}
		case "ls":
			d := arg(step)
			ents, err := os.ReadDir(d)
			if err != nil {
				fail(step+" "+d, err)
			}
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			slices.Sort(names)
			fmt.Printf("ls %s:\n", d)
			for _, n := range names {
				fmt.Println(n)
			}
		case "write", "append":
			f, t := arg(step), arg(step)
			flag := syscall.O_WRONLY | syscall.O_CREAT | syscall.O_TRUNC
			if step == "append" {
				flag = syscall.O_WRONLY | syscall.O_CREAT | syscall.O_APPEND
			}
			if err := writeFile(f, flag, []byte(t+"\n")); err != nil {
				fail(step+" "+f, err)
			}
		case "read":
			f := arg(step)
			b, err := readFile(f)
			if err != nil {
				fail(step+" "+f, err)
			}
			fmt.Printf("read %s:\n%s", f, b)
		case "gowrite":
			f, t := arg(step), arg(step)
			if err := os.WriteFile(f, []byte(t+"\n"), 0o644); err != nil {
				fail(step+" "+f, err)
			}
		case "stat":
			p := arg(step)
			fi, err := os.Stat(p)
			switch {
			case err != nil && os.IsNotExist(err):
				fmt.Printf("stat %s: missing\n", p)
			case err != nil:
				fmt.Printf("stat %s: error %v\n", p, err)
			case fi.IsDir():
				fmt.Printf("stat %s: dir\n", p)
			case fi.Mode().IsRegular():
				fmt.Printf("stat %s: file %d\n", p, fi.Size())
			default:
				fmt.Printf("stat %s: other\n", p)
			}
		case "mkdir":
			d := arg(step)
			if err := os.MkdirAll(d, 0o755); err != nil {
				fail(step+" "+d, err)
			}
		case "rm":
			p := arg(step)
			if err := os.RemoveAll(p); err != nil {
				fail(step+" "+p, err)
			}
		case "symlink":
			o, n := arg(step), arg(step)
			if err := os.Symlink(o, n); err != nil {
				fail(step+" "+n, err)
			}
		case "cat":
			if _, err := io.Copy(os.Stdout, os.Stdin); err != nil {
				fail(step, err)
			}
		case "savein":
			f := arg(step)
			b, err := io.ReadAll(os.Stdin)
			if err == nil {
				err = writeFile(f, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_APPEND, b)
			}
			if err != nil {
				fail(step+" "+f, err)
			}
		case "sleep", "gosleep":
			ms, err := strconv.Atoi(arg(step))
			if err != nil {
				fail(step, err)
			}
			if step == "gosleep" {
				time.Sleep(time.Duration(ms) * time.Millisecond)
			} else {
				nanosleep(time.Duration(ms) * time.Millisecond)
			}
		case "forever":
			for {
				nanosleep(time.Hour)
			}
		case "exit":
			n, err := strconv.Atoi(arg(step))
			if err != nil {
				fail(step, err)
			}
			os.Exit(n)
		default:
			fail(step, "unknown step")
		}
	}
}
