// Command genode-init is a host model of Genode's dynamic init.
//
//	genode-init -config FILE [-state FILE] [-rom DIR] [-launcher exec|genode-run|PATH] [-ram 4G] [-caps 20000]
//
// It reads its configuration (HID or XML) from FILE and re-reads it
// whenever the file changes, starts, restarts and kills children by init's
// rules, and writes init's state report to the state file on every change
// (HID, or XML with <config generate_xml="yes">). See sandbox/README.md.
//
// Children are started by a launcher, the model's test hook:
//   - exec (default): the binary ROM, resolved through the child's ROM
//     route (a <parent label="/host/path"/> rewrite, or the file of that
//     name in -rom), is run as a plain Linux executable with the argv and
//     environment of the child's <config>;
//   - genode-run, or a path to it: host/cmd/genode-run runs the binary on
//     the Linux model of Genode's libc with the start node as its config.
//
// Exit status: 0 on SIGINT/SIGTERM; the exit value of a child with
// <exit propagate="yes">.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"genodego/host/initmodel"
	"genodego/sandbox/initcfg"
)

func main() {
	config := flag.String("config", "", "init's config file (required)")
	state := flag.String("state", "", "file for init's state report")
	rom := flag.String("rom", "", "directory in which binary ROM names are looked up")
	run := flag.String("run", "", "directory for per-child run directories (default: temporary)")
	launcher := flag.String("launcher", "exec", "exec, genode-run, or the path of a genode-run executable")
	ram := flag.String("ram", "4G", "init's own RAM quota (reported with init_ram)")
	caps := flag.Uint64("caps", 20000, "init's own capability quota (reported with init_caps)")
	flag.Parse()
	if *config == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	q, err := initcfg.ParseBytes(*ram)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genode-init: -ram:", err)
		os.Exit(2)
	}
	o := initmodel.Options{ConfigPath: *config, StatePath: *state, ROMDir: *rom, RunDir: *run, RAM: q, Caps: *caps, Log: os.Stderr}
	switch *launcher {
	case "exec":
		o.Launcher = initmodel.Exec{}
	default:
		path := *launcher
		if path == "genode-run" {
			if p, err := exec.LookPath("genode-run"); err == nil {
				path = p
			}
		}
		o.Launcher = initmodel.GenodeRun{Path: path}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := initmodel.New(o).Run(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genode-init:", err)
		os.Exit(1)
	}
	os.Exit(code)
}
