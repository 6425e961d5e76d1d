// Package registry runs Debian's docker-registry (distribution 2.8) on 127.0.0.1 for tests: a real
// OCI registry, no mock. Start writes its config into a directory of the caller (storage, config
// and log live there), starts `docker-registry serve`, and returns once GET /v2/ answers 200.
package registry

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Binary is the registry's command, found on PATH.
const Binary = "docker-registry"

// ErrMissing is returned by Start when docker-registry is not installed.
var ErrMissing = errors.New(Binary + " is not installed (apt-get install docker-registry)")

// Available says whether docker-registry is on PATH.
func Available() bool {
	_, err := exec.LookPath(Binary)
	return err == nil
}

// A Registry is one running docker-registry.
type Registry struct {
	dir, addr string
	cmd       *exec.Cmd
	log       *os.File
	exited    chan struct{}
	waitErr   error
}

// Start starts a registry on a free port of 127.0.0.1 with its storage, config and log in dir.
func Start(dir string) (*Registry, error) {
	var err error
	for range 3 { // the port is free when chosen; another process may take it before the registry binds
		var addr string
		if addr, err = freeAddr(); err != nil {
			return nil, err
		}
		var r *Registry
		if r, err = StartAt(dir, addr); err == nil {
			return r, nil
		}
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return nil, err
}

// StartAt is Start on a given address (host:port).
func StartAt(dir, addr string) (*Registry, error) {
	bin, err := exec.LookPath(Binary)
	if err != nil {
		return nil, ErrMissing
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "storage"), 0o755); err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfg, []byte(config(dir, addr)), 0o644); err != nil {
		return nil, err
	}
	log, err := os.OpenFile(filepath.Join(dir, "registry.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	r := &Registry{dir: dir, addr: addr, log: log, exited: make(chan struct{})}
	r.cmd = exec.Command(bin, "serve", cfg)
	r.cmd.Dir = dir
	r.cmd.Stdout, r.cmd.Stderr = log, log
	// Its own process group, and killed with its parent.
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	go func() {
		r.waitErr = r.cmd.Wait()
		close(r.exited)
	}()
	if err := r.wait(30 * time.Second); err != nil {
		r.Stop()
		return nil, fmt.Errorf("registry on %s: %w\n%s", addr, err, r.LogTail(20))
	}
	return r, nil
}

// config is the registry's configuration: filesystem storage under dir, no auth, deletes allowed.
func config(dir, addr string) string {
	return fmt.Sprintf(`version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: %s
  secret: genode-test-registry
`, filepath.Join(dir, "storage"), addr)
}

// wait polls GET /v2/ until it answers 200, the registry exits, or d passes.
func (r *Registry) wait(d time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(d)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-r.exited:
			return fmt.Errorf("exited: %v", r.waitErr)
		default:
		}
		resp, err := c.Get("http://" + r.addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /v2/: %s", resp.Status)
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %v: %v", d, last)
}

// Addr is the registry's host:port.
func (r *Registry) Addr() string { return r.addr }

// Pid is the registry process's id.
func (r *Registry) Pid() int { return r.cmd.Process.Pid }

// Dir is the directory holding config.yml, registry.log and storage/.
func (r *Registry) Dir() string { return r.dir }

// Exited is closed when the registry process has ended.
func (r *Registry) Exited() <-chan struct{} { return r.exited }

// LogTail is the last n lines of the registry's log.
func (r *Registry) LogTail(n int) string {
	data, err := os.ReadFile(filepath.Join(r.dir, "registry.log"))
	if err != nil {
		return err.Error()
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// Stop ends the registry (SIGTERM, SIGKILL after 5 s) and waits for it. It can be called again.
func (r *Registry) Stop() error {
	select {
	case <-r.exited:
	default:
		syscall.Kill(-r.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-r.exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
			<-r.exited
		}
	}
	return r.log.Close()
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
