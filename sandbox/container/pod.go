package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/oci"
)

// A pod is a sub-init of the containers' init: the pod's sandbox container
// (annotation org.genode.pod "yes") and the containers that join it
// (org.genode.pod-of, the sandbox's id) are its children, so that the pod
// has one RAM and capability quota in the containers' init, the sum of its
// children's and the sub-init's own, and ends as a whole. runc writes the
// sub-init's config to <root>/<sandbox id>/init.config and reads its
// report from init.state there, as it does the containers' init's at root;
// the pod's start node routes its ROM "config" and Report "state" to those
// files. The pod grows before a child joins its config and shrinks after
// one leaves, as init transfers quota.

// The sub-init's own needs: its heap (a start node, a child's metadata and
// session objects per child) and the capabilities of its own sessions. An
// estimate: Genode's run scripts give a small init a few MiB.
const (
	podInitRAM  = 4 * initcfg.MiB
	podInitCaps = 300
)

// maxLabel is the length of the longest Genode session label
// (base/session_label.h: String<160>, its last byte the terminating zero).
const maxLabel = 159

// podDir is the directory of the pod's sub-init: its sandbox's state
// directory.
func podDir(root, pod string) string { return filepath.Join(root, pod) }

// hostDir is the directory of the init that hosts the container's children.
func (c *Container) hostDir() string {
	if c.st.Pod == "" {
		return c.root
	}
	return podDir(c.root, c.st.Pod)
}

// podStart is the pod's start node in the containers' init.
func podStart(root, pod string, ram initcfg.Bytes, caps uint64) (*initcfg.Start, error) {
	abs, err := filepath.Abs(podDir(root, pod))
	if err != nil {
		return nil, err
	}
	if l := filepath.Join(abs, InitConfig); len(l) > maxLabel {
		// Session_label is a String<160>: a longer label would be cut
		return nil, fmt.Errorf("pod %s: the label of its sub-init's config, %s, is longer than a Genode session label's %d characters: use a shorter root", pod, l, maxLabel)
	}
	return &initcfg.Start{Name: childName(pod), RAM: ram, Caps: caps, Binary: "init",
		Route: &initcfg.Route{Rules: []initcfg.Rule{
			{Service: "ROM", Label: "config", Targets: []initcfg.Target{{Kind: initcfg.Parent, Label: filepath.Join(abs, InitConfig)}}},
			{Service: "Report", Label: "state", Targets: []initcfg.Target{{Kind: initcfg.Parent, Label: filepath.Join(abs, InitState)}}},
			{Any: true, Targets: []initcfg.Target{{Kind: initcfg.Parent}}},
		}}}, nil
}

// podQuota is what the pod's sub-init needs for its children and itself.
func podQuota(cfg *initcfg.Config) (initcfg.Bytes, uint64) {
	ram, caps := podInitRAM, uint64(podInitCaps)
	for _, s := range cfg.Starts {
		ram += s.RAM
		caps += s.Caps
	}
	return ram, caps
}

// hosts are the inits a change of the container goes to. A container
// outside a pod holds the containers' init's lock throughout; a pod's
// container holds its pod's sub-init's lock throughout and takes the
// containers' init's only while it changes the pod's node there (pod, then
// containers' init: one order, so no two commands wait for each other).
type hosts struct {
	root  string
	outer *host // locked throughout: not a pod's container
	pod   *host // nil: not a pod's container, or the pod is gone
	name  string
	gone  bool // a pod's container whose pod has been removed
}

func (c *Container) openHosts() (*hosts, error) {
	hs := &hosts{root: c.root}
	if c.st.Pod == "" {
		outer, err := openHost(c.root)
		if err != nil {
			return nil, err
		}
		hs.outer = outer
		return hs, nil
	}
	hs.name = childName(c.st.Pod)
	dir := podDir(c.root, c.st.Pod)
	if _, err := os.Stat(dir); err != nil {
		// the sandbox was deleted: its sub-init with it
		hs.gone = true
		return hs, nil
	}
	pod, err := openHost(dir)
	if err != nil {
		return nil, err
	}
	hs.pod = pod
	return hs, nil
}

func (hs *hosts) close() {
	if hs.pod != nil {
		hs.pod.close()
	}
	if hs.outer != nil {
		hs.outer.close()
	}
}

// own is the init of the container's children (nil: its pod is gone).
func (hs *hosts) own() *host {
	if hs.name == "" {
		return hs.outer
	}
	return hs.pod
}

// updateOuter changes the containers' init's config.
func (hs *hosts) updateOuter(fn func(*initcfg.Config) error) error {
	if hs.outer != nil {
		return hs.outer.drv.Update(fn)
	}
	h, err := openHost(hs.root)
	if err != nil {
		return err
	}
	defer h.close()
	return h.drv.Update(fn)
}

// update changes the config of the init of the container's children; a
// pod's quota grows before its sub-init's config changes and shrinks after.
func (hs *hosts) update(fn func(*initcfg.Config) error) error {
	h := hs.own()
	if h == nil {
		return nil
	}
	if hs.name == "" {
		return h.drv.Update(fn)
	}
	var ram initcfg.Bytes
	var caps uint64
	grown := false
	err := h.drv.Update(func(cfg *initcfg.Config) error {
		ram0, caps0 := podQuota(cfg)
		if err := fn(cfg); err != nil {
			return err
		}
		if ram, caps = podQuota(cfg); ram <= ram0 && caps <= caps0 || grown {
			return nil
		}
		// once: a retried edit (driver.Update) needs no second growth
		grown = true
		return hs.fit(ram, caps, true)
	})
	if err != nil {
		return err
	}
	return hs.fit(ram, caps, false)
}

// fit sets the pod's quota in the containers' init (only a growth if
// grow). A pod no longer there is an error only when it would grow: no
// child can join it; what leaves it has left.
func (hs *hosts) fit(ram initcfg.Bytes, caps uint64, grow bool) error {
	return hs.updateOuter(func(cfg *initcfg.Config) error {
		s := findStart(cfg, hs.name)
		if s == nil {
			if grow {
				return fmt.Errorf("pod %s is not running in the containers' init: %w", hs.name, ErrNotRunning)
			}
			return nil
		}
		if grow {
			s.RAM, s.Caps = max(s.RAM, ram), max(s.Caps, caps)
		} else {
			s.RAM, s.Caps = ram, caps
		}
		return nil
	})
}

// podRunning says whether the pod's sub-init runs: in the containers'
// init's config, neither exited nor incomplete.
func podRunning(root, pod string) (bool, error) {
	cs, err := lookup(root, childName(pod))
	if err != nil || !cs.inConfig {
		return false, err
	}
	if cs.child != nil && (cs.child.Exited != nil || cs.child.Incomplete) {
		return false, nil
	}
	return true, nil
}

// lookupChild is what the init of the container's children says of child
// name; nothing if the container's pod is not running.
func (c *Container) lookupChild(name string) (childStatus, error) {
	if c.st.Pod != "" {
		if ok, err := podRunning(c.root, c.st.Pod); err != nil || !ok {
			return childStatus{}, err
		}
	}
	return lookup(c.hostDir(), name)
}

// startPod adds the sandbox's pod to the containers' init with the quota
// of its sub-init's config, which holds the sandbox's start node: the
// config is there before the sub-init reads it.
func (c *Container) startPod(hs *hosts, start *initcfg.Start) error {
	if hs.pod == nil {
		return fmt.Errorf("%s: the pod's directory is gone", c.id)
	}
	starts := []*initcfg.Start{start}
	if c.st.Stack != "" {
		// the stack's server first: the pod's components use it
		ss, err := decodeStart(c.st.Stack)
		if err != nil {
			return fmt.Errorf("%s: the recorded stack server: %w", c.statePath(), err)
		}
		starts = append([]*initcfg.Start{ss}, starts...)
	}
	var ram initcfg.Bytes
	var caps uint64
	err := hs.pod.drv.Update(func(cfg *initcfg.Config) error {
		for _, s := range starts {
			cfg.Starts = append(without(cfg.Starts, []string{s.Name}), s)
		}
		ram, caps = podQuota(cfg)
		return nil
	})
	if err != nil {
		return err
	}
	ps, err := podStart(c.root, c.id, ram, caps)
	if err != nil {
		return err
	}
	return hs.updateOuter(func(cfg *initcfg.Config) error {
		cfg.Starts = append(without(cfg.Starts, []string{ps.Name}), ps)
		return nil
	})
}

// stackServerName is the child of a sub-init that serves the socket stack
// of its container or pod: Genode's vfs server, named as Genode's own
// scenarios name it.
const stackServerName = "socket_fs"

// checkPod validates the pod and network annotations of a container about
// to be created. It returns the pod the container belongs to ("" for none)
// and the child that serves the socket stack it uses ("" for none, or for
// a stack of the container's own that it serves itself).
//
// A container with a socket stack of its own is a pod of its own: on
// Genode a stack is the component's whose VFS holds it, so the processes
// runc execs in the container could not use it. The stack is held by a vfs
// server in the container's sub-init instead, which serves it to the
// container and its exec processes alike, as a pod's to the pod's
// containers.
func checkPod(root, id string, ann map[string]string) (string, string, error) {
	refuse := func(key, format string, args ...any) error {
		return &oci.RefusedError{Refusals: []oci.Refusal{{Field: "annotations." + key, Reason: fmt.Sprintf(format, args...)}}}
	}
	pod, server := "", ""
	if ann[oci.AnnPod] == "yes" {
		pod = id
	}
	// the container an annotation names, or a refusal of it
	named := func(key, missing string) (*Container, error) {
		c, err := Load(root, ann[key])
		if errors.Is(err, ErrNotExist) {
			return nil, refuse(key, missing, ann[key])
		}
		return c, err
	}
	if of := ann[oci.AnnPodOf]; of != "" {
		p, err := named(oci.AnnPodOf, "no pod's sandbox %q here")
		if err != nil {
			return "", "", err
		}
		if p.st.Pod != of {
			return "", "", refuse(oci.AnnPodOf, "container %q is not a pod's sandbox (%s)", of, oci.AnnPod)
		}
		pod = of
	}
	if ann[oci.AnnNetwork] != "" && ann[oci.AnnNetworkServer] != "yes" {
		if pod != "" && pod != id {
			return "", "", refuse(oci.AnnNetwork, "a pod's container shares the pod's socket stack (%s): it has none of its own", oci.AnnNetworkOf)
		}
		pod, server = id, stackServerName
	}
	// a socket stack is served within one init: its server must be a
	// child of the init the container is
	if of := ann[oci.AnnNetworkOf]; of != "" {
		s, err := named(oci.AnnNetworkOf, "no container %q serves its socket stack here")
		if err != nil {
			return "", "", err
		}
		if s.st.Pod != pod {
			return "", "", refuse(oci.AnnNetworkOf, "container %q serves its socket stack in %s, not in this container's %s",
				of, initOf(s.st.Pod), initOf(pod))
		}
		server = s.st.StackServer
	}
	if pod != "" && childName(id) == stackServerName {
		return "", "", fmt.Errorf("%w: %q is the name of the socket stack's server in the container's sub-init", ErrInvalidID, id)
	}
	return pod, server, nil
}

func initOf(pod string) string {
	if pod == "" {
		return "the containers' init"
	}
	return "pod " + pod
}

// waitChild waits until the init of the container's children reports
// child name.
func (c *Container) waitChild(name string, timeout time.Duration) (childStatus, error) {
	return waitReported(c.hostDir(), name, timeout)
}
