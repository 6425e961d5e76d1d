package oci

import (
	"path"
	"strings"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// A Genode component cannot hand its file descriptors to another one, so
// the caller names where each stream goes and the container opens a
// Terminal session of its own to it.
//
// Genode 26.02 facts (genodelabs/genode):
//   - the VFS plugin <terminal name label raw> (repos/os/src/lib/vfs/
//     terminal_file_system.h) opens one Terminal session labelled by its
//     label attribute (a String<64>, default "") when the VFS is built, and
//     serves the file named by name (default "terminal");
//   - the parent prefixes the child's name: "c1 -> stdout"
//     (repos/base/src/lib/base/child.cc, prefixed_label);
//   - init's label_last matches the label's last " -> " element, before
//     any scoped label attribute (repos/os/src/lib/sandbox/utils.h,
//     repos/base/include/base/session_label.h).

// Stdio names where the container's streams go: absolute paths, "" for the
// default (stdin /dev/null, stdout and stderr /dev/log). With
// process.terminal only Terminal counts; otherwise only the other three.
// Stdin may instead name a named pipe: StdinFifo followed by its path.
type Stdio struct{ Stdin, Stdout, Stderr, Terminal string }

// StdinFifo begins a Stdin that is a named pipe rather than a Terminal
// target: a Terminal session has no end of stream, a named pipe ends when its
// last writer closes it. On Genode the pipe is a <fifo> of a VFS server's pipe
// plugin (gems/src/lib/vfs/pipe), the base name of the path, which the
// container reads through a File_system session labelled "stdin" (Genode
// mode: routed to Options.PipeServer, whose policy for "<id> -> stdin" is the
// directory holding it); in Host mode the session is the path's host
// directory with the model's fifo="NAME", for which the launcher makes the
// host FIFO. The caller writes the pipe and closes it at the stream's end.
const StdinFifo = "fifo:"

// TerminalSession is one Terminal session the container opens for stdio.
type TerminalSession struct {
	// Label is the VFS node's label and the session label's last element:
	// stdin, stdout, stderr or terminal. In Genode mode the terminal server
	// sees "<id> -> <Label>" and needs a policy for it naming Target.
	Label  string
	Target string
}

// stdioPlan is how the streams reach their targets.
type stdioPlan struct {
	libc     [3]string    // stdin, stdout, stderr of <libc>
	dev      []*node.Node // <terminal> nodes in /dev, the named pipe's <dir stdio>
	fifo     string       // stdin's named pipe (host path), or ""
	sessions []TerminalSession
	parent   bool // process.terminal without a target: Terminal to the parent
}

func planStdio(c *collector, terminal bool, s Stdio, o Options) stdioPlan {
	fifo := ""
	if f, ok := strings.CutPrefix(s.Stdin, StdinFifo); ok {
		fifo, s.Stdin = f, f
	}
	for _, t := range []struct{ field, target string }{
		{"stdio.stdin", s.Stdin}, {"stdio.stdout", s.Stdout}, {"stdio.stderr", s.Stderr}, {"stdio.terminal", s.Terminal},
	} {
		if t.target == "" {
			continue
		}
		if !path.IsAbs(t.target) {
			c.refuse(t.field, "target %q must be an absolute path", t.target)
		} else if bad := attrProblem(t.target); bad != "" {
			c.refuse(t.field, "target %s", bad)
		}
	}
	var p stdioPlan
	if terminal {
		p.dev = []*node.Node{node.New("terminal", "label", "terminal")}
		p.libc = [3]string{"/dev/terminal", "/dev/terminal", "/dev/terminal"}
		if s.Terminal != "" {
			p.sessions = []TerminalSession{{Label: "terminal", Target: s.Terminal}}
		} else {
			p.parent = true
		}
		return p
	}
	p.libc = [3]string{"/dev/null", "/dev/log", "/dev/log"}
	names := [3]string{"stdin", "stdout", "stderr"}
	targets := [3]string{s.Stdin, s.Stdout, s.Stderr}
	if fifo != "" && path.IsAbs(fifo) {
		name := path.Base(fifo)
		fs := node.New("fs", "label", "stdin")
		if o.Mode == Host {
			fs = initcfg.FSHost(path.Dir(fifo), false)
			fs.Attrs = append(fs.Attrs, node.Attr{Name: "fifo", Value: name})
		}
		p.dev = append(p.dev, node.New("dir", "name", "stdio").Add(fs))
		p.libc[0] = "/dev/stdio/" + name
		p.fifo = fifo
		targets[0] = ""
	}
next:
	for i, name := range names {
		if targets[i] == "" {
			continue
		}
		// streams naming one target share one session, so that two
		// sessions never write one file at separate offsets
		for _, ses := range p.sessions {
			if path.Clean(ses.Target) == path.Clean(targets[i]) {
				p.libc[i] = "/dev/" + ses.Label
				continue next
			}
		}
		p.dev = append(p.dev, node.New("terminal", "name", name, "label", name))
		p.libc[i] = "/dev/" + name
		p.sessions = append(p.sessions, TerminalSession{Label: name, Target: targets[i]})
	}
	return p
}

// routes gives one rule per session: Host mode to the parent with the
// target as label (the model's launcher opens that host path, like the
// ROM route's <parent label="/host/path"/>), Genode mode to the terminal
// server, whose policy for the label names the target.
func (p stdioPlan) routes(o Options) []initcfg.Rule {
	var r []initcfg.Rule
	for _, s := range p.sessions {
		t := initcfg.Target{Kind: initcfg.Child, Name: o.TerminalServer}
		if o.Mode == Host {
			t = initcfg.Target{Kind: initcfg.Parent, Label: s.Target}
		}
		r = append(r, initcfg.Rule{Service: "Terminal", LabelLast: s.Label, Targets: []initcfg.Target{t}})
	}
	if p.parent {
		r = append(r, initcfg.Rule{Service: "Terminal", Targets: []initcfg.Target{{Kind: initcfg.Parent}}})
	}
	if p.fifo != "" && o.Mode != Host {
		r = append(r, initcfg.Rule{Service: "File_system", LabelLast: "stdin",
			Targets: []initcfg.Target{{Kind: initcfg.Child, Name: o.PipeServer}}})
	}
	return r
}
