package launch

// Terminal sessions. Genode's <terminal> VFS plugin (os/src/lib/vfs/
// terminal_file_system.h) opens one Terminal session per node, labelled with
// the node's label attribute; the parent prefixes the child's name
// (base/src/lib/base/child.cc: prefixed_label, so an unlabelled node's
// session is "NAME -> "), and init routes the request by the start node's
// <route>, else by its <default-route> (os/src/lib/sandbox/child.h,
// route_model.h, utils.h). The launcher stands for that init and for the
// parent behind it: a Terminal session routed to <parent/> is served by the
// launcher itself, either as its own stdin/stdout (the session label left as
// the child made it) or, when the target rewrites the label to an absolute
// host path (<parent label="/abs/path"/>, as sandbox/oci's host mode routes
// ROM modules), as that host file, opened by the launcher and handed to the
// component as a host fd (flat-config fields hostfd= and hostpath=). The
// paths /dev/stdout and /dev/stderr are the launcher's own descriptors.

import (
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"genodego/sandbox/node"
)

// TermMode is how the launcher opens a terminal's host file.
type TermMode int

const (
	// TermAppend: write-only, appending, created (0666 less the umask) if
	// missing: a regular file (or a new one) the component writes to.
	TermAppend TermMode = iota
	// TermRead: read-only: an existing regular file read as the component's
	// stdin and nothing else.
	TermRead
	// TermReadWrite: read and write: a character device (a tty) or a FIFO.
	TermReadWrite
	// TermServer: the file is the socket file of a "unix" listener (a Go
	// program's, goos_genode/src/net/unixsock_genode.go): the session is a
	// connection to it, the model of a Terminal session served by a
	// component (containerd's shim serves a container's terminal).
	TermServer
)

func (m TermMode) String() string {
	return [...]string{"append", "read", "read-write", "server"}[m]
}

func (m TermMode) flags() int {
	switch m {
	case TermRead:
		return syscall.O_RDONLY | syscall.O_NOCTTY | syscall.O_CLOEXEC
	case TermReadWrite:
		return syscall.O_RDWR | syscall.O_NOCTTY | syscall.O_CLOEXEC
	}
	return syscall.O_WRONLY | syscall.O_APPEND | syscall.O_CREAT | syscall.O_NOCTTY | syscall.O_CLOEXEC
}

// Terminal is the Terminal session of a <terminal> VFS node as the launcher
// serves it.
type Terminal struct {
	// Label is the session label init sees: "NAME -> " and the node's label.
	Label string
	// HostPath is the host file serving the session; "" for the launcher's
	// own stdin (read) and stdout (write).
	HostPath string
	Mode     TermMode // how HostPath is opened
	// Route names the rule and target that decided ("" without a route).
	Route string
}

// terminalLabelMax is the capacity of Vfs_terminal's Label (String<64>):
// a longer label attribute is cut to 63 bytes.
const terminalLabelMax = 63

// terminals resolves the Terminal session of every <terminal> node once the
// whole view is known (whether a node serves as stdin only depends on the
// <libc> paths and the view's symlinks). route is the start node's <route>,
// else the init config's <default-route>, else nil.
func (r *resolver) terminals(route *node.Node) error {
	for i := range r.comp.VFS {
		v := &r.comp.VFS[i]
		if v.Type != "terminal" {
			continue
		}
		n := v.src
		label, _ := n.Attr("label")
		if len(label) > terminalLabelMax {
			label = label[:terminalLabelMax]
		}
		t := &Terminal{Label: r.comp.Name + " -> " + label}
		v.Term = t
		if route == nil {
			// genode-run sees no init: without a <route> or <default-route>
			// it stands for the usual default route, every service to the
			// parent, which is the launcher.
			continue
		}
		target, desc, err := r.routeTerminal(n, route, t.Label)
		if err != nil {
			return err
		}
		t.Route = desc
		host, err := r.parentTerminal(n, target, t.Label, desc)
		if err != nil {
			return err
		}
		if host == "" {
			continue
		}
		t.HostPath = host
		mode, err := terminalMode(host, r.inputOnly(v.Path))
		if err != nil {
			return r.nodeErr(n, "Terminal session %q, routed by %s to host file %s: %v", t.Label, desc, host, err)
		}
		t.Mode = mode
	}
	return nil
}

// routeTerminal finds the target of the Terminal session label as init's
// Route_model does: the first rule that matches; its targets in order, a
// target that does not provide the service passing on to the next (a
// <service> rule whose targets all decline denies the session, an
// <any-service> rule passes on to the next rule).
func (r *resolver) routeTerminal(n, route *node.Node, label string) (*node.Node, string, error) {
	const service = "Terminal"
	for _, rule := range route.Children {
		if rule.Type != "service" && rule.Type != "any-service" {
			return nil, "", r.nodeErr(rule, "<%s> in <%s>: expected <service> or <any-service>", rule.Type, route.Type)
		}
		if !ruleMatches(rule, service, label, r.comp.Name) {
			continue
		}
		for _, t := range rule.Children {
			desc := fmt.Sprintf("<%s> (line %d) to <%s>", ruleText(rule), rule.Line, targetText(t))
			switch t.Type {
			case "parent":
				return t, desc, nil
			case "local":
				// init has no local services: the target declines
				continue
			case "child", "any-child":
				return nil, "", r.nodeErr(n, "Terminal session %q is routed by %s: the model serves Terminal sessions "+
					"only from the parent, <parent/> as the launcher's own stdin/stdout or <parent label=\"/abs/host/path\"/> "+
					"as a host file, never from another component", label, desc)
			default:
				return nil, "", r.nodeErr(t, "unknown route target <%s>", t.Type)
			}
		}
		if rule.Type == "service" {
			break
		}
	}
	return nil, "", r.nodeErr(n, "no route to service %q (label=%q) in <%s>: init denies the session, so the component's "+
		"VFS cannot be built", service, label, route.Type)
}

// parentTerminal is the host file a <parent> target names, "" for the
// launcher's own stdin/stdout.
func (r *resolver) parentTerminal(n, target *node.Node, label, desc string) (string, error) {
	rewritten := rewriteLabel(label, target)
	if rewritten == label {
		return "", nil
	}
	if !strings.HasPrefix(rewritten, "/") {
		return "", r.nodeErr(n, "Terminal session %q is routed by %s, which makes its label %q: the model's parent "+
			"serves a Terminal session as its own stdin/stdout (the label left as is) or as the host file an absolute "+
			"path names (<parent label=\"/abs/host/path\"/>)", label, desc, rewritten)
	}
	return filepath.Clean(rewritten), nil
}

// inputOnly reports whether the view path p is read as the component's
// input and never written by the libc's own descriptors: <libc stdin> or a
// read-only <libc><fd> names it, and neither <libc stdout>/<libc stderr>
// nor a writeable <fd> does.
func (r *resolver) inputOnly(p string) bool {
	in, out := false, false
	for _, kv := range r.comp.Libc {
		if kv.Name != "stdin" && kv.Name != "stdout" && kv.Name != "stderr" {
			continue
		}
		if r.viewPath(kv.Value) != p {
			continue
		}
		if kv.Name == "stdin" {
			in = true
		} else {
			out = true
		}
	}
	for _, fd := range r.comp.FDs {
		if !fd.HasPath || r.viewPath(fd.Path) != p {
			continue
		}
		if fd.Writeable {
			out = true
		} else if fd.Readable {
			in = true
		}
	}
	return in && !out
}

// viewPath is p made canonical, with the view's <symlink> nodes followed
// (as the libc resolves <libc stdin> and friends, file_operations.cc).
func (r *resolver) viewPath(p string) string {
	p = path.Clean("/" + p)
	for hop := 0; hop < 10; hop++ {
		next := ""
		for _, v := range r.comp.VFS {
			if v.Type == "symlink" && v.Path == p {
				for _, kv := range v.Fields {
					if kv.Name == "target" {
						next = kv.Value
					}
				}
				break
			}
		}
		if next == "" {
			return p
		}
		if !strings.HasPrefix(next, "/") {
			next = path.Join(path.Dir(p), next)
		}
		p = path.Clean(next)
	}
	return p
}

// terminalMode decides how the host file is opened, by its type: a
// character device (a tty) or a FIFO read and write; a regular file is read
// when the session serves as stdin only, else appended to; a missing file
// is created for appending (its directory must exist), but a stdin-only
// session needs an existing file. Anything else is refused.
func terminalMode(host string, inputOnly bool) (TermMode, error) {
	fi, err := os.Stat(host)
	if err != nil {
		if !os.IsNotExist(err) {
			return 0, err
		}
		if inputOnly {
			return 0, fmt.Errorf("no such file (a session serving as stdin only reads an existing file)")
		}
		d, err := os.Stat(filepath.Dir(host))
		if err != nil || !d.IsDir() {
			return 0, fmt.Errorf("no such file, and no directory %s to create it in", filepath.Dir(host))
		}
		return TermAppend, nil
	}
	m := fi.Mode()
	switch {
	case m.IsRegular() && isUnixEndpoint(host):
		return TermServer, nil
	case m&os.ModeCharDevice != 0, m&os.ModeNamedPipe != 0:
		return TermReadWrite, nil
	case m.IsRegular():
		if inputOnly {
			return TermRead, nil
		}
		return TermAppend, nil
	case m.IsDir():
		return 0, fmt.Errorf("is a directory, not a file, character device or FIFO")
	}
	return 0, fmt.Errorf("is a %v, not a file, character device or FIFO", m.Type())
}

// hostTerminals lists the VFS nodes whose terminal is a host file, in the
// order their fds are handed over (3, 4, ...).
func (c *Component) hostTerminals() []*VFSNode {
	var ts []*VFSNode
	for i := range c.VFS {
		if t := c.VFS[i].Term; t != nil && t.HostPath != "" {
			ts = append(ts, &c.VFS[i])
		}
	}
	return ts
}

// launcherStdio are the host paths that name the launcher's own standard
// output and error (on Linux links to /proc/self/fd/N): a Terminal session
// routed there is served by that very descriptor.
var launcherStdio = map[string]int{"/dev/stdout": 1, "/dev/stderr": 2}

// firstTerminalFD is the component's fd of the first host terminal:
// exec.Cmd hands ExtraFiles over from fd 3 on.
const firstTerminalFD = 3

// openTerminals opens the host files of the component's terminals, in
// hostTerminals order. A file that cannot be opened is an error naming the
// node and the session.
func (c *Component) openTerminals() ([]*os.File, error) {
	var files []*os.File
	for _, v := range c.hostTerminals() {
		t := v.Term
		if fd, ok := launcherStdio[t.HostPath]; ok {
			// the launcher's own descriptor, not a new open of it: the
			// component's writes share its offset with the launcher's
			// stdout (a `prog >file 2>&1` keeps both streams whole)
			nfd, err := syscall.Dup(fd)
			if err != nil {
				for _, f := range files {
					f.Close()
				}
				return nil, fmt.Errorf("terminal %s (line %d): Terminal session %q, routed by %s to the launcher's %s: %v",
					v.Path, v.Line, t.Label, t.Route, t.HostPath, err)
			}
			syscall.CloseOnExec(nfd)
			files = append(files, os.NewFile(uintptr(nfd), t.HostPath))
			continue
		}
		if t.Mode == TermServer {
			f, err := dialUnixEndpoint(t.HostPath)
			if err != nil {
				for _, f := range files {
					f.Close()
				}
				return nil, fmt.Errorf("terminal %s (line %d): Terminal session %q, routed by %s: cannot connect to the server of %s: %v",
					v.Path, v.Line, t.Label, t.Route, t.HostPath, err)
			}
			files = append(files, f)
			continue
		}
		fd, err := syscall.Open(t.HostPath, t.Mode.flags(), 0o666)
		if err != nil {
			for _, f := range files {
				f.Close()
			}
			return nil, fmt.Errorf("terminal %s (line %d): Terminal session %q, routed by %s: cannot open host file %s (%s): %v",
				v.Path, v.Line, t.Label, t.Route, t.HostPath, t.Mode, err)
		}
		files = append(files, os.NewFile(uintptr(fd), t.HostPath))
	}
	return files, nil
}

// ---- init's session routing (os/src/lib/sandbox/utils.h, route_model.h, child.cc) ----

const labelSep = " -> "

// lastElement is Session_label::last_element.
func lastElement(label string) string {
	if i := strings.LastIndex(label, labelSep); i >= 0 {
		return label[i+len(labelSep):]
	}
	return label
}

// labelPrefix is Session_label::prefix: the label without its last element.
func labelPrefix(label string) string {
	if i := strings.LastIndex(label, labelSep); i > 0 {
		return label[:i]
	}
	return ""
}

// skipLabelPrefix is the label without "CHILD -> ", or false.
func skipLabelPrefix(child, label string) (string, bool) {
	return strings.CutPrefix(label, child+labelSep)
}

// ruleMatches is Route_model::Rule::matches: the quick check of a rule with
// a label attribute only (its raw value against the scoped label), then
// service_node_matches.
func ruleMatches(rule *node.Node, service, label, child string) bool {
	switch rule.Type {
	case "any-service":
	case "service":
		if v, _ := rule.Attr("name"); v != service {
			return false
		}
	default:
		return false
	}
	_, hasLabel := rule.Attr("label")
	_, hasPrefix := rule.Attr("label_prefix")
	_, hasSuffix := rule.Attr("label_suffix")
	lastV, hasLast := rule.Attr("label_last")
	unscoped, hasUnscoped := rule.Attr("unscoped_label")
	if hasLabel && !hasPrefix && !hasSuffix && !hasLast && !hasUnscoped {
		v, _ := rule.Attr("label")
		if scoped, ok := skipLabelPrefix(child, label); !ok || scoped != v {
			return false
		}
	}
	if hasUnscoped {
		return unscoped == label
	}
	if hasLast {
		return lastV == lastElement(label)
	}
	if !hasLabel && !hasPrefix && !hasSuffix {
		return true
	}
	scoped, ok := skipLabelPrefix(child, label)
	if !ok {
		return false
	}
	// Node_label_score: values and label trimmed of spaces
	s := strings.Trim(scoped, " ")
	if v, ok := rule.Attr("label"); ok && strings.Trim(v, " ") != s {
		return false
	}
	if v, ok := rule.Attr("label_prefix"); ok && !strings.HasPrefix(s, strings.Trim(v, " ")) {
		return false
	}
	if v, ok := rule.Attr("label_suffix"); ok && !strings.HasSuffix(s, strings.Trim(v, " ")) {
		return false
	}
	return true
}

// rewriteLabel is the session label a route target presents to the server
// (child.cc, resolve_at_target): label replaces it; otherwise identity
// (default: the label's prefix) and prepend_resource + resource (default:
// its last element).
func rewriteLabel(label string, t *node.Node) string {
	if v, ok := t.Attr("label"); ok {
		return v
	}
	identity := labelPrefix(label)
	if v, ok := t.Attr("identity"); ok {
		identity = v
	}
	resource := lastElement(label)
	if v, ok := t.Attr("resource"); ok {
		resource = v
	}
	prepend, _ := t.Attr("prepend_resource")
	if identity != "" {
		return identity + labelSep + prepend + resource
	}
	return prepend + resource
}

func ruleText(n *node.Node) string {
	s := n.Type
	for _, a := range n.Attrs {
		s += fmt.Sprintf(" %s=%q", a.Name, a.Value)
	}
	return s
}

func targetText(n *node.Node) string { return ruleText(n) + "/" }

// unixEndpointMagic begins a "unix" listener's socket file:
// "genode-go-unix tcp4 127.0.0.1:PORT COOKIE\n", COOKIE 16 bytes in hex.
const unixEndpointMagic = "genode-go-unix tcp4 "

func isUnixEndpoint(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, len(unixEndpointMagic))
	n, _ := f.Read(b)
	return string(b[:n]) == unixEndpointMagic
}

// dialUnixEndpoint connects to the listener a socket file names, presents
// its cookie, and returns the connection as a file for the component.
func dialUnixEndpoint(p string) (*os.File, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	fields := strings.Fields(string(data))
	if len(fields) != 4 || fields[0]+" "+fields[1]+" " != unixEndpointMagic {
		return nil, fmt.Errorf("not a socket file of a \"unix\" listener")
	}
	cookie, err := hex.DecodeString(fields[3])
	if err != nil || len(cookie) != 16 {
		return nil, fmt.Errorf("bad cookie in the socket file")
	}
	c, err := net.DialTimeout("tcp4", fields[2], 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write(cookie); err != nil {
		return nil, err
	}
	return c.(*net.TCPConn).File()
}
