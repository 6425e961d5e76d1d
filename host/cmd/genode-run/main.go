// Command genode-run runs a Genode component binary on the Linux model of
// Genode's libc, with exactly the view its configuration gives it.
//
//	genode-run [-model dir] [-binary file] [-timeout d] [-strict] [-v] component.config
//
// The configuration is a <start> node (HID or XML) as init would get it:
// ram and caps quotas, <binary>, and a <config> with <libc>, <vfs>, <arg> and
// <env>. See host/README.md. Exit status: the component's; 124 on timeout;
// 125 for a malformed configuration or a launcher failure; the model's own
// statuses as host/MODEL-CONFIG.md lists them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"genodego/host/launch"
)

func main() {
	modelDir := flag.String("model", "", "directory of libc.lib.so and posix.lib.so (default: $GENODE_MODEL_DIR, else _build/model of this repository)")
	binary := flag.String("binary", "", "host path of the binary, instead of <binary name> in the config's directory")
	timeout := flag.Duration("timeout", 0, "kill the component after this long (status 124); 0: no limit")
	strict := flag.Bool("strict", false, "end the run with status 3 on any Genode warning")
	verbose := flag.Bool("v", false, "print the flat model configuration before running")
	check := flag.Bool("n", false, "check and resolve the configuration, print the flat configuration, do not run")
	keep := flag.Bool("keep", false, "keep the run directory (flat config, inline files)")
	watchdog := flag.Int("watchdog-ms", 0, "the model's main-thread stall watchdog in ms (0: the model's default)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: genode-run [flags] component.config\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(launch.StatusLauncherError)
	}
	c, err := launch.LoadFile(flag.Arg(0), launch.Options{Binary: *binary, Strict: *strict, WatchdogMS: *watchdog})
	if err != nil {
		fmt.Fprintf(os.Stderr, "genode-run: %v\n", err)
		os.Exit(launch.StatusLauncherError)
	}
	if *check {
		for _, w := range c.Warnings {
			fmt.Fprintln(os.Stderr, w)
		}
		os.Stdout.Write(c.Flat("<run-dir>", c.ExecConfig))
		return
	}
	o := launch.RunOptions{ModelDir: *modelDir, Timeout: *timeout, KeepRun: *keep}
	if *verbose {
		o.Verbose = os.Stderr
	}
	status, err := c.Run(context.Background(), o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "genode-run: %v\n", err)
	}
	os.Exit(status)
}
