// Command runc runs genode's runc on the Linux model of Genode, so that
// scripts written for runc work unchanged on a Linux host:
//
//	runc [global options] command [command options] [arguments...]
//
// It starts the genode runc binary (runc.genode-amd64 next to this command;
// runc.genode-arm64 on the arm64 model under qemu-user with GENODE_ARCH=arm64)
// as a component whose view holds what runc needs at the paths the caller
// uses: its --root, the bundle, the working directory, the --pid-file,
// --log and --process files and the programs the bundle's hooks name. The
// containers are children of the hosting init, which on a Linux host is the
// init model (genode-init, launching each child with genode-run). This
// command starts one per root when a container command needs it
// (<root>/init.pid, its log <root>/init.log) and stops it when the last
// container of the root is deleted.
//
// Arguments, stdin, stdout, stderr and the exit status pass through. Where
// a container's streams go is told to runc in RUNC_GENODE_STDIN, _STDOUT,
// _STDERR and _TERMINAL: a file or terminal this command has open is named
// by its path; a pipe cannot be named, so runc keeps that stream in the
// container's state directory (and `runc run` copies it to its own).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"genodego/host/launch"
)

const statusLauncher = 125

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "runc: "+format+"\n", args...)
	os.Exit(statusLauncher)
}

// args is what this command reads of runc's command line.
type args struct {
	root    string
	command string
	bundle  string
	id      string   // the first argument after the command
	files   []string // --pid-file, --log, --process, --resources
}

// Global options of runc that take a value.
var globalValue = map[string]bool{"--root": true, "--log": true, "--log-format": true, "--rootless": true,
	"--criu": true}

// Command options that take a value, of the commands this command reads.
var commandValue = map[string]bool{"--bundle": true, "-b": true, "--pid-file": true, "--console-socket": true,
	"--pidfd-socket": true, "--preserve-fds": true, "--process": true, "-p": true, "--resources": true,
	"-r": true, "--cwd": true, "--env": true, "-e": true, "--user": true, "-u": true, "--additional-gids": true,
	"-g": true, "--process-label": true, "--apparmor": true, "--cap": true, "-c": true, "--cgroup": true,
	"--format": true, "-f": true, "--interval": true, "--memory": true}

func parse(argv []string) args {
	a := args{root: "/run/runc"}
	i := 0
	value := func(opt string) (string, bool) {
		if k, v, ok := strings.Cut(argv[i], "="); ok && k == opt {
			return v, true
		}
		if argv[i] == opt && i+1 < len(argv) {
			i++
			return argv[i], true
		}
		return "", false
	}
	for ; i < len(argv); i++ {
		s := argv[i]
		if !strings.HasPrefix(s, "-") {
			a.command = s
			i++
			break
		}
		name, _, _ := strings.Cut(s, "=")
		name = "--" + strings.TrimLeft(name, "-")
		if name == "--root" {
			if v, ok := value(strings.SplitN(s, "=", 2)[0]); ok {
				a.root = v
			}
			continue
		}
		if name == "--log" {
			if v, ok := value(strings.SplitN(s, "=", 2)[0]); ok {
				a.files = append(a.files, v)
			}
			continue
		}
		if globalValue[name] && !strings.Contains(s, "=") {
			i++
		}
	}
	for ; i < len(argv); i++ {
		s := argv[i]
		if s == "--" || !strings.HasPrefix(s, "-") {
			if a.id == "" && s != "--" {
				a.id = s
			}
			if a.command == "exec" || a.command == "ps" {
				break // the rest is the process's
			}
			continue
		}
		opt := strings.SplitN(s, "=", 2)[0]
		switch opt {
		case "--bundle", "-b":
			if v, ok := value(opt); ok {
				a.bundle = v
			}
		case "--pid-file", "--process", "-p", "--resources", "-r":
			if v, ok := value(opt); ok && v != "-" {
				a.files = append(a.files, v)
			}
		default:
			if commandValue[opt] && !strings.Contains(s, "=") {
				i++
			}
		}
	}
	return a
}

func main() {
	launch.KeepDescriptors()
	self, err := os.Executable()
	if err != nil {
		die("%v", err)
	}
	bin := filepath.Dir(self)
	if _, err := launch.TargetFor(""); err != nil {
		die("%v", err)
	}
	runcBin := filepath.Join(bin, "runc.genode-"+launch.Arch())
	if _, err := os.Stat(runcBin); err != nil {
		die("%s is missing (make runc)", runcBin)
	}
	a := parse(os.Args[1:])
	cwd, err := os.Getwd()
	if err != nil {
		die("%v", err)
	}
	root, err := filepath.Abs(a.root)
	if err != nil {
		die("%v", err)
	}

	var users *os.File
	switch a.command {
	case "", "spec", "features", "help", "h", "checkpoint", "restore":
	default:
		if err := os.MkdirAll(root, 0o711); err != nil {
			die("%v", err)
		}
		users = holdRoot(root)
		if err := ensureInit(root, bin); err != nil {
			die("starting the hosting init for %s: %v", root, err)
		}
	}

	view := []string{cwd}
	if a.command != "" && a.command != "spec" && a.command != "features" {
		view = append(view, root)
	}
	bundle := cwd
	if a.bundle != "" {
		bundle, _ = filepath.Abs(a.bundle)
		view = append(view, bundle)
	}
	for _, f := range a.files {
		p, _ := filepath.Abs(f)
		view = append(view, filepath.Dir(p))
	}
	// What the bundle's config names outside the bundle: hook programs, bind
	// sources, an absolute rootfs. create and run read config.json; the
	// commands on an existing container read the spec recorded in its
	// state.json, and runc exec changes to the container's bundle.
	var roDirs []string
	switch a.command {
	case "create", "run":
		if data, err := os.ReadFile(filepath.Join(bundle, "config.json")); err == nil {
			roDirs = specDirs(data, bundle)
		}
	case "", "spec", "features", "list":
	default:
		if a.id != "" && !strings.ContainsAny(a.id, "/") && a.id != "." && a.id != ".." {
			if data, err := os.ReadFile(filepath.Join(root, a.id, "state.json")); err == nil {
				var st struct {
					Bundle string          `json:"bundle"`
					Spec   json.RawMessage `json:"spec"`
				}
				if json.Unmarshal(data, &st) == nil && filepath.IsAbs(st.Bundle) {
					if dirExists(st.Bundle) {
						view = append(view, st.Bundle)
					}
					roDirs = specDirs(st.Spec, st.Bundle)
				}
			}
		}
	}

	env := []launch.KV{{Name: "RUNC_GENODE_FS", Value: "host"}}
	for _, e := range os.Environ() {
		k, v, _ := strings.Cut(e, "=")
		switch {
		case strings.HasPrefix(k, "RUNC_GENODE_"), k == "NOTIFY_SOCKET", k == "HOME", k == "TERM", k == "LANG",
			strings.HasPrefix(k, "LC_"), k == "GODEBUG", k == "GOTRACEBACK":
			if k != "RUNC_GENODE_FS" {
				env = append(env, launch.KV{Name: k, Value: v})
			}
		}
	}
	env = append(env, stdioEnv()...)

	status, err := launch.HostCommand{Name: "runc", Binary: runcBin, Argv: os.Args[1:], Cwd: cwd, RW: view, RO: roDirs,
		Env: env, Caps: "1000", RAM: "256M"}.Run(context.Background())
	if status < 0 {
		die("%v", err)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "runc: %v\n", err)
	}
	if users != nil && (a.command == "delete" || a.command == "run") {
		stopInitIfIdle(root, users)
	}
	os.Exit(status)
}

// stdioEnv names this command's stdio for runc, unless the caller did.
func stdioEnv() []launch.KV {
	var env []launch.KV
	name := func(fd int) (string, bool) {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return "", false
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG, unix.S_IFCHR:
			p, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
			if err != nil || !filepath.IsAbs(p) || strings.HasSuffix(p, " (deleted)") {
				return "", false
			}
			return p, true
		}
		return "", false
	}
	set := func(k string, fd int) {
		if _, ok := os.LookupEnv(k); ok {
			return
		}
		if p, ok := name(fd); ok {
			env = append(env, launch.KV{Name: k, Value: p})
		}
	}
	// A Terminal session has no end of file (terminal_file_system.h answers
	// READ_QUEUED), so a file or /dev/null as stdin would leave the container
	// waiting forever; only a terminal is named, and runc gives the
	// container /dev/null otherwise.
	if _, err := unix.IoctlGetTermios(0, unix.TCGETS); err == nil {
		set("RUNC_GENODE_STDIN", 0)
	}
	set("RUNC_GENODE_STDOUT", 1)
	set("RUNC_GENODE_STDERR", 2)
	if _, ok := os.LookupEnv("RUNC_GENODE_TERMINAL"); !ok {
		if _, err := unix.IoctlGetTermios(0, unix.TCGETS); err == nil {
			if p, ok := name(0); ok {
				env = append(env, launch.KV{Name: "RUNC_GENODE_TERMINAL", Value: p})
			}
		}
	}
	return env
}

// specDirs are the directories outside the bundle that a config names and
// runc must see: those of the hook programs (which it runs), bind sources
// and an absolute rootfs (which it checks). Missing ones are left out, so
// that runc, not this command, says what is wrong.
func specDirs(config []byte, bundle string) []string {
	var s struct {
		Root *struct {
			Path string `json:"path"`
		} `json:"root"`
		Mounts []struct {
			Type    string   `json:"type"`
			Source  string   `json:"source"`
			Options []string `json:"options"`
		} `json:"mounts"`
		Hooks map[string][]struct {
			Path string `json:"path"`
		} `json:"hooks"`
	}
	if json.Unmarshal(config, &s) != nil {
		return nil
	}
	var dirs []string
	add := func(d string) {
		if !filepath.IsAbs(d) {
			d = filepath.Join(bundle, d)
		}
		if dirExists(d) {
			dirs = append(dirs, filepath.Clean(d))
		}
	}
	for _, l := range s.Hooks {
		for _, h := range l {
			if filepath.IsAbs(h.Path) {
				add(filepath.Dir(filepath.Clean(h.Path)))
			}
		}
	}
	// A bind source or rootfs that is, or passes through, a symbolic link is
	// mapped from the directory holding the first link: mapped itself, the
	// link would be followed here and runc would see a plain directory,
	// which it takes, while it refuses a container file system chosen by a
	// link (sandbox/oci: a link to / gave a container the host's root).
	viaLink := func(d string) string {
		if !filepath.IsAbs(d) {
			d = filepath.Join(bundle, d)
		}
		if l := firstLink(filepath.Clean(d)); l != "" {
			return filepath.Dir(l)
		}
		return d
	}
	for _, m := range s.Mounts {
		if m.Source == "" || !(m.Type == "bind" || m.Type == "" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind")) {
			continue
		}
		add(viaLink(m.Source))
	}
	if s.Root != nil && filepath.IsAbs(s.Root.Path) {
		add(viaLink(s.Root.Path))
	}
	return dirs
}

// firstLink is the first element of the absolute path p that is a symbolic
// link, "" if none is.
func firstLink(p string) string {
	cur := "/"
	for _, el := range strings.Split(strings.Trim(p, "/"), "/") {
		if el == "" {
			continue
		}
		cur = filepath.Join(cur, el)
		fi, err := os.Lstat(cur)
		if err != nil {
			return ""
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			return cur
		}
	}
	return ""
}

func dirExists(d string) bool {
	fi, err := os.Stat(d)
	return err == nil && fi.IsDir()
}

// holdRoot takes a shared lock that keeps the hosting init running while
// this command works.
func holdRoot(root string) *os.File {
	f, err := os.OpenFile(filepath.Join(root, "init.users"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		die("%v", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH); err != nil {
		die("%v", err)
	}
	return f
}

// ensureInit starts the init model for root unless it runs.
func ensureInit(root, bin string) error {
	l, err := os.OpenFile(filepath.Join(root, "init.start"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := unix.Flock(int(l.Fd()), unix.LOCK_EX); err != nil {
		return err
	}
	if launch.Init(root).PidOf() != 0 {
		return nil
	}
	_, err = launch.Init(root).StartInit(bin)
	return err
}

// stopInitIfIdle stops the hosting init when no container is left under
// root and no other runc command holds the root.
func stopInitIfIdle(root string, users *os.File) {
	if err := unix.Flock(int(users.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range ents {
		if e.IsDir() {
			return
		}
	}
	in := launch.Init(root)
	if in.PidOf() == 0 {
		return
	}
	in.StopInit()
	for _, f := range []string{in.Config, in.State} {
		os.Remove(f)
	}
}
