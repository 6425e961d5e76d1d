package docker_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Debian's docker client (20.10, API 1.41; make debian-docker extracts it
// from the package into _build/debian-docker, nothing is installed) on the
// host reaches the Genode engine over its loopback TCP address, as a stock
// client reaches dockerd -H tcp://.
func TestDebianClient(t *testing.T) {
	needStack(t)
	client := filepath.Join(top, "_build", "debian-docker", "usr", "bin", "docker")
	if _, err := os.Stat(client); err != nil {
		if os.Getenv("GENODE_MODEL_REQUIRED") != "" {
			t.Fatalf("%s: %v (make debian-docker)", client, err)
		}
		t.Skipf("%s missing: make debian-docker", client)
	}
	run := func(args ...string) (string, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		c := exec.CommandContext(ctx, client, args...)
		c.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + scratch, "DOCKER_HOST=tcp://" + engineTCP,
			"DOCKER_CONFIG=" + filepath.Join(scratch, "debian-docker-config")}
		var out, errb bytes.Buffer
		c.Stdout, c.Stderr = &out, &errb
		err := c.Run()
		return out.String(), errb.String(), err
	}
	out, stderr, err := run("version", "--format", "{{.Client.APIVersion}} {{.Server.Os}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}}")
	if err != nil || !strings.HasPrefix(out, "1.41 genode 1.57 1.40") {
		t.Fatalf("docker 20.10 version against the engine: %q %v\n%s", out, err, stderr)
	}
	if _, stderr, err := run("pull", ref("hello")); err != nil {
		t.Fatalf("docker 20.10 pull: %v\n%s", err, stderr)
	}
	out, stderr, err = run("run", "--rm", ref("hello"))
	if err != nil || !strings.Contains(out, "hello from genode") {
		t.Errorf("docker 20.10 run --rm: %q %v\n%s", out, err, stderr)
	}
	out, stderr, err = run("run", "-d", "--name", "e2e-debian", ref("toolbox"), "sleep", "30")
	if err != nil {
		t.Fatalf("docker 20.10 run -d: %v\n%s", err, stderr)
	}
	if out, _, _ := run("ps", "--format", "{{.Names}} {{.Status}}"); !strings.Contains(out, "e2e-debian Up") {
		t.Errorf("docker 20.10 ps: %q", out)
	}
	if _, stderr, err := run("rm", "-f", "e2e-debian"); err != nil {
		t.Errorf("docker 20.10 rm -f: %v\n%s", err, stderr)
	}
	if _, stderr, err := run("run", "--rm", "--privileged", ref("toolbox"), "true"); err == nil || !strings.Contains(stderr, "--privileged") {
		t.Errorf("docker 20.10 run --privileged: %v\n%s", err, stderr)
	}
}
