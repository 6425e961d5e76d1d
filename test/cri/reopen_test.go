package cri_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"genodego/test/harness/genodeunix"
)

// criClient is the CRI's runtime service over containerd's "unix" socket, as
// a host program reaches it (test/harness/genodeunix).
func criClient(t *testing.T) runtimeapi.RuntimeServiceClient {
	t.Helper()
	dialSock, err := genodeunix.Dialer(filepath.Join(stackDir, "run", "containerd.sock"))
	if err != nil {
		t.Fatal(err)
	}
	dial := func(ctx context.Context, _ string) (net.Conn, error) { return dialSock(ctx) }
	conn, err := grpc.NewClient("passthrough:///containerd", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(dial))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return runtimeapi.NewRuntimeServiceClient(conn)
}

// A kubelet rotates a container's log by renaming the file and asking the
// runtime to reopen it (ReopenContainerLog): the output goes on into a new
// file, the renamed one keeps what was written before.
func TestReopenContainerLog(t *testing.T) {
	need(t)
	const image = "registry.k8s.io/e2e-test-images/busybox:1.29-2"
	pod, podCfg := runPod(t, "rotate", image)
	cfg := writeJSON(t, "rotate-c.json", map[string]any{
		"metadata": map[string]any{"name": "c"},
		"image":    map[string]any{"image": image},
		"command":  []string{"sh", "-c", "while true; do echo tick; sleep 1; done"},
		"log_path": "c.log",
	})
	c := strings.TrimSpace(crictl(t, "create", pod, cfg, podCfg))
	crictl(t, "start", c)
	log := filepath.Join(stackDir, "node", "log", "rotate", "c.log")
	waitFor(t, log, "tick")
	if err := os.Rename(log, log+".1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := criClient(t).ReopenContainerLog(ctx, &runtimeapi.ReopenContainerLogRequest{ContainerId: c}); err != nil {
		t.Fatalf("ReopenContainerLog: %v", err)
	}
	waitFor(t, log, "tick")
	old, _ := os.ReadFile(log + ".1")
	if !strings.Contains(string(old), "tick") {
		t.Errorf("the renamed log lost what was written before: %q", old)
	}
	crictl(t, "stop", c)
}

// waitFor waits up to 30 s until file holds s.
func waitFor(t *testing.T, file, s string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if b, err := os.ReadFile(file); err == nil && strings.Contains(string(b), s) {
			return
		}
	}
	b, err := os.ReadFile(file)
	t.Fatalf("%s never held %q (%v): %q", file, s, err, b)
}
