package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// selfCheck validates every piece that does not need the runtime (-prepare): the toolbox runs on the
// model and unpacks the rootfs; runtimetest runs on the model as a container's process would, in a view
// whose root is an unpacked rootfs, and reports TAP without a failure; a validation program runs as a
// component, unpacks its bundle and execs a runtime (here the toolbox's "false", so every step that needs
// a container fails, as it must); and the init model starts for a run's root and stops cleanly.
func selfCheck(runtimePath string) error {
	s, err := newSuite("")
	if err != nil {
		return err
	}
	defer os.RemoveAll(s.dir)

	// 1. the toolbox: tar, sh, the applets through their links
	r, err := s.newRun("toolbox")
	if err != nil {
		return err
	}
	script := "set -e; mkdir b; tar -xf rootfs-amd64.tar.gz -C b; ls b/bin > list; b/bin/sh -c 'echo \"$0 ok\" >> out' sh; " +
		"trap 'touch got-usr1' USR1; sleep 0.2 & wait $!; cat out"
	out, err := s.component(r, "toolbox", filepath.Join(buildDir, "rootfs", "toolbox"), []string{"sh", "-c", script}, r.cwd, 60*time.Second)
	if err != nil {
		return fmt.Errorf("toolbox on the model: %v\n%s", err, out)
	}
	if !strings.Contains(out, "sh ok") {
		return fmt.Errorf("toolbox on the model: want \"sh ok\", got:\n%s", out)
	}
	list, _ := os.ReadFile(filepath.Join(r.cwd, "list"))
	if !strings.Contains(string(list), "toolbox") || !strings.Contains(string(list), "sh") {
		return fmt.Errorf("toolbox on the model: the unpacked rootfs has no bin/toolbox or bin/sh: %q", list)
	}
	log("self-check: the toolbox runs on the model and unpacks the rootfs")

	// 2. runtimetest as a container's process: "/" is an unpacked rootfs with config.json and runtimetest.
	r, err = s.newRun("runtimetest")
	if err != nil {
		return err
	}
	rootDir := filepath.Join(r.dir, "rootfs")
	os.MkdirAll(rootDir, 0o755)
	if b, err := exec.Command("tar", "-xzf", filepath.Join(r.cwd, "rootfs-amd64.tar.gz"), "-C", rootDir).CombinedOutput(); err != nil {
		return fmt.Errorf("tar: %v\n%s", err, b)
	}
	copyFile(filepath.Join(buildDir, "bin", "runtimetest"), filepath.Join(rootDir, "runtimetest"), 0o755)
	spec := map[string]any{
		"ociVersion": "1.3.0",
		"root":       map[string]any{"path": "."},
		"process": map[string]any{"args": []string{"/runtimetest", "--path=/"}, "cwd": "/",
			"env":     []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"},
			"user":    map[string]any{"uid": 0, "gid": 0},
			"rlimits": []map[string]any{{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}}},
	}
	js, _ := json.Marshal(spec)
	os.WriteFile(filepath.Join(rootDir, "config.json"), js, 0o644)
	out, err = s.containerLike(r, rootDir, []string{"/runtimetest", "--path=/"}, 60*time.Second)
	if err != nil {
		return fmt.Errorf("runtimetest on the model: %v\n%s", err, out)
	}
	v := judge(parseTAP(out), 0, "")
	if v.result != resPass {
		return fmt.Errorf("runtimetest on the model: %s: %s\n%s", v.result, v.reason, out)
	}
	log("self-check: runtimetest runs on the model as a container's process: %s (%s)", v.result, v.counts)

	// 3. a validation program as a component, with a runtime that always fails
	s.runtime = filepath.Join(s.dir, "bin", "false")
	v, logs := s.runOne("create", 3*time.Minute, false)
	tap, _ := os.ReadFile(filepath.Join(logs, "tap.txt"))
	if !strings.Contains(string(tap), "TAP version 13") || !strings.Contains(string(tap), "not ok") {
		return fmt.Errorf("validation/create with RUNTIME=false: want TAP with failures, got %s (%s); logs in %s", v.result, v.reason, logs)
	}
	log("self-check: validation/create runs as a component, unpacks its bundle and execs RUNTIME (false): %s, %s", v.result, v.counts)

	// 4. the init model for a run's root starts and stops cleanly (runOne did it too; here on its own)
	r, err = s.newRun("init")
	if err != nil {
		return err
	}
	im, err := startInit(r)
	if err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond)
	if err := im.stop(); err != nil {
		return err
	}
	log("self-check: the init model starts for a run's root and stops cleanly")
	if _, err := os.Stat(runtimePath); err == nil {
		log("self-check: the runtime %s exists", runtimePath)
	} else {
		log("self-check: the runtime %s does not exist yet (make runc)", runtimePath)
	}
	return nil
}

// component runs a genode binary with the same view as a validation program and returns its output.
func (s *suite) component(r *run, name, bin string, args []string, cwd string, timeout time.Duration) (string, error) {
	cfg := s.config(r)
	n, err := node.Parse(cfg)
	if err != nil {
		return "", err
	}
	st, err := initcfg.Options{}.Start(n)
	if err != nil {
		return "", err
	}
	st.Name, st.Binary = name, name
	st.Config.Args = args
	st.Config.Libc.Set("cwd", cwd)
	return s.launch(r, st, bin, timeout)
}

// containerLike runs a genode binary in a view shaped like a container's: the rootfs at "/", /dev, and the
// pipe file system that every Go program on Genode needs (its netpoller's wake-up pipe: <libc pipe>).
func (s *suite) containerLike(r *run, rootDir string, args []string, timeout time.Duration) (string, error) {
	dev := initcfg.Dir("dev", initcfg.Plugin("log"), initcfg.Plugin("null"), initcfg.Plugin("zero"), initcfg.Plugin("rtc"),
		initcfg.Plugin("jitterentropy", "name", "random"), initcfg.Plugin("jitterentropy", "name", "urandom"))
	libc := &initcfg.Libc{}
	for _, kv := range [][2]string{{"stdin", "/dev/null"}, {"stdout", "/dev/log"}, {"stderr", "/dev/log"},
		{"rtc", "/dev/rtc"}, {"rng", "/dev/random"}, {"pipe", "/pipe"}, {"cwd", "/"}} {
		libc.Set(kv[0], kv[1])
	}
	// stdout goes to a file of the rootfs, as Genode's runc sends it to a file the runtime names; the libc
	// opens it without creating it, so it exists beforehand (as the validation programs' files do).
	libc.Set("stdout", "/stdout")
	os.WriteFile(filepath.Join(rootDir, "stdout"), nil, 0o644)
	st := &initcfg.Start{Name: "container", Caps: 300, RAM: 256 * initcfg.MiB, Binary: "runtimetest",
		Config: &initcfg.ChildConfig{VFS: node.New("vfs").Add(dev, initcfg.Dir("pipe", initcfg.Plugin("pipe")), initcfg.FSHost(rootDir, true)), Libc: libc, Args: args,
			Env: []initcfg.EnvVar{{Name: "PATH", Value: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, {Name: "TERM", Value: "xterm"}}}}
	out, err := s.launch(r, st, filepath.Join(rootDir, "runtimetest"), timeout)
	stdout, _ := os.ReadFile(filepath.Join(rootDir, "stdout"))
	if err != nil || len(stdout) == 0 {
		return out + string(stdout), err
	}
	return string(stdout), nil
}

func (s *suite) launch(r *run, st *initcfg.Start, bin string, timeout time.Duration) (string, error) {
	cfg := filepath.Join(r.dir, st.Name+".config")
	if err := os.WriteFile(cfg, st.Node().EncodeHID(), 0o644); err != nil {
		return "", err
	}
	cmd := exec.Command(genodeRun, "-model", modelDir, "-binary", bin, "-timeout", timeout.String(), cfg)
	cmd.Dir = r.dir
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return b.String(), fmt.Errorf("exit status %d", ee.ExitCode())
	}
	return b.String(), err
}
