package oci

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// bind is an accepted bind mount, served by a File_system session.
type bind struct {
	label    string // session label's first element ("m3"), Genode mode
	source   string // directory (host path, or path on the fs server)
	dst      string // container path
	readonly bool
}

// vdir is a directory of the container's VFS that holds mounts.
type vdir struct {
	name    string
	subs    []*vdir
	content []*node.Node
}

func (d *vdir) sub(name string) *vdir {
	for _, s := range d.subs {
		if s.name == name {
			return s
		}
	}
	s := &vdir{name: name}
	d.subs = append(d.subs, s)
	return s
}

func (d *vdir) at(p string) *vdir {
	cur := d
	for _, c := range strings.Split(strings.Trim(p, "/"), "/") {
		if c != "" {
			cur = cur.sub(c)
		}
	}
	return cur
}

// render emits sub directories (deeper mounts) before the directory's own
// file systems, so the deeper mount wins a lookup (the first file system
// that can open a path wins, os/include/vfs/dir_file_system.h).
func (d *vdir) render() []*node.Node {
	var out []*node.Node
	for _, s := range d.subs {
		out = append(out, initcfg.Dir(s.name, s.render()...))
	}
	return append(out, d.content...)
}

var noopMountOptions = map[string]string{
	"bind": "", "rbind": "", "nosuid": "", "suid": "", "nodev": "", "dev": "", "noexec": "",
	"private": "", "rprivate": "", "slave": "", "rslave": "", "shared": "", "rshared": "",
	"unbindable": "", "runbindable": "", "relatime": "", "norelatime": "", "noatime": "",
	"strictatime": "", "nodiratime": "", "atime": "", "diratime": "", "async": "", "sync": "",
	"nostrictatime": "", "lazytime": "", "nolazytime": "",
}

var kernelFS = map[string]string{
	"proc": "/proc", "sysfs": "/sys", "cgroup": "cgroups", "cgroup2": "cgroups", "devpts": "pseudo terminals",
	"mqueue": "POSIX message queues",
}

func translateMounts(c *collector, mounts []specs.Mount, o Options, skipKernelFS bool, rootfs string, rootRO bool, terminals []*node.Node) (*node.Node, []bind, []initcfg.Rule) {
	root := &vdir{}
	var binds []bind
	var fileROMs []initcfg.Rule // the routes of read-only files (Genode mode)
	seen := map[string]int{}
	devIsRAM := false
	for i, m := range mounts {
		f := fmt.Sprintf("mounts[%d]", i)
		dst := m.Destination
		if !strings.HasPrefix(dst, "/") {
			dst = "/" + dst
		}
		dst = path.Clean(dst)
		if dst == "/" {
			c.refuse(f+".destination", "a mount cannot replace the root file system")
			continue
		}
		if bad := attrProblem(dst); bad != "" || strings.Contains(dst, "->") {
			c.refuse(f+".destination", "%s", bad+" (or contains \"->\")")
			continue
		}
		if len(dst) > maxPath {
			c.refuse(f+".destination", "%d bytes: longer than Genode's path limit (%d)", len(dst), maxPath)
			continue
		}
		if j, dup := seen[dst]; dup {
			c.refuse(f+".destination", "%s is already the destination of mounts[%d]; stacked mounts are not supported", dst, j)
			continue
		}
		if len(m.UIDMappings) > 0 || len(m.GIDMappings) > 0 {
			c.refuse(f+".uidMappings", "id-mapped mounts have no equivalent (no uids)")
		}
		isBind := m.Type == "bind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind")
		readonly := false
		var refusedOpts []string
		for _, opt := range m.Options {
			name, _, hasValue := strings.Cut(opt, "=")
			switch {
			case opt == "bind" || opt == "rbind":
				isBind = true
			case opt == "ro" || opt == "rro":
				readonly = true
			case opt == "rw" || opt == "rrw":
				readonly = false
			case m.Type == "tmpfs" && (name == "size" || name == "mode" || name == "nr_inodes" || name == "nr_blocks" || name == "uid" || name == "gid"):
				// no separate size limit: the <ram/> file system is charged
				// to the container's RAM quota
			case isBind && hasValue:
				// mount(2) with MS_BIND takes no file-system data: Linux
				// ignores such options on a bind mount too
				c.noop(f + ".options " + opt + " (a bind mount takes no file-system options)")
			default:
				if _, ok := noopMountOptions[opt]; !ok {
					refusedOpts = append(refusedOpts, opt)
				}
			}
		}
		switch {
		case isBind:
			src := m.Source
			if src == "" {
				c.refuse(f+".source", "a bind mount needs a source directory")
				continue
			}
			relative := !filepath.IsAbs(src)
			if relative {
				src = filepath.Join(o.Bundle, src)
			}
			src = filepath.Clean(src)
			// the source's links are followed now, as mount(2) follows them
			// when runc mounts it on Linux: the container gets the
			// directory they lead to (kubelet's hostPath may be a link)
			src = followLinks(src)
			bundle := followLinks(o.Bundle)
			fi, err := os.Stat(src)
			if err != nil {
				c.refuse(f+".source", "%v", err)
				continue
			}
			if fi.Mode().IsRegular() {
				// A read-only file is a ROM module of the image's ROM server;
				// a writable one has no equivalent (a file system is a
				// directory's session).
				if !readonly {
					c.refuse(f+".options", "%s is a file: only a read-only (\"ro\") single-file bind mount is supported, as a ROM module; mount its directory for writing", src)
					continue
				}
				if len(refusedOpts) > 0 {
					c.refuse(f+".options", "unsupported option(s) %s", strings.Join(refusedOpts, ", "))
					continue
				}
				if bad := attrProblem(src); bad != "" {
					c.refuse(f+".source", "%s", bad)
					continue
				}
				label := fmt.Sprintf("m%d", i)
				rom := node.New("rom", "name", path.Base(dst), "label", label)
				if o.Mode == Host {
					rom.Set("host", src)
				} else {
					fileROMs = append(fileROMs, initcfg.Rule{Service: "ROM", LabelLast: label,
						Targets: []initcfg.Target{{Kind: initcfg.Child, Name: o.ROMServer, Resource: src}}})
				}
				root.at(path.Dir(dst)).content = append(root.at(path.Dir(dst)).content, rom)
				seen[dst] = i
				continue
			}
			if !fi.IsDir() {
				c.refuse(f+".source", "%s is neither a directory nor a regular file", src)
				continue
			}
			if why := dirProblem(src, bundle, relative); why != "" {
				c.refuse(f+".source", "%s", why)
				continue
			}
			if bad := attrProblem(src); bad != "" {
				c.refuse(f+".source", "%s", bad)
				continue
			}
			if len(refusedOpts) > 0 {
				c.refuse(f+".options", "unsupported option(s) %s", strings.Join(refusedOpts, ", "))
				continue
			}
			b := bind{label: fmt.Sprintf("m%d", i), source: src, dst: dst, readonly: readonly}
			binds = append(binds, b)
			var fs *node.Node
			if o.Mode == Host {
				fs = initcfg.FSHost(src, !readonly)
			} else {
				fs = initcfg.FSLabel(b.label, !readonly)
			}
			root.at(dst).content = append(root.at(dst).content, fs)
		case m.Type == "tmpfs":
			if len(refusedOpts) > 0 {
				c.refuse(f+".options", "unsupported option(s) %s", strings.Join(refusedOpts, ", "))
				continue
			}
			if readonly {
				c.refuse(f+".options", "a read-only tmpfs has no equivalent")
				continue
			}
			if dst == "/dev" {
				devIsRAM = true
			} else {
				root.at(dst).content = append(root.at(dst).content, initcfg.RAMFS())
			}
		default:
			what, kfs := kernelFS[m.Type]
			if kfs && skipKernelFS {
				c.noop(f + " (" + m.Type + ", skipped by " + AnnSkipKernelFS + ")")
				continue
			}
			if kfs {
				c.refuse(f, "%s (%s) has no equivalent on Genode; set annotation %s=yes to skip such mounts", m.Type, what, AnnSkipKernelFS)
			} else {
				c.refuse(f, "mount type %q is not supported (only bind mounts of directories and tmpfs)", m.Type)
			}
			continue
		}
		seen[dst] = i
	}

	// /dev: the devices libc uses, before any tmpfs mounted on /dev
	dev := root.at("/dev")
	devs := []*node.Node{
		node.New("null"), node.New("zero"), node.New("log"), node.New("rtc"),
		node.New("jitterentropy", "name", "random"), node.New("jitterentropy", "name", "urandom"),
		// pipe(2) needs a pipe file system (<libc pipe>); a Go program's
		// netpoller, and so its timers, need pipe(2)
		node.New("dir", "name", "pipe").Add(node.New("pipe")),
	}
	devs = append(devs, terminals...)
	dev.content = append(devs, dev.content...)
	if devIsRAM {
		dev.content = append(dev.content, initcfg.RAMFS())
	}

	vfs := node.New("vfs")
	vfs.Add(root.render()...)
	if rootfs != "" {
		if o.Mode == Host {
			vfs.Add(initcfg.FSHost(rootfs, !rootRO))
		} else {
			vfs.Add(initcfg.FSLabel("rootfs", !rootRO))
		}
	}
	return vfs, binds, fileROMs
}

// deepestBind is the bind mount that holds the container path p.
func deepestBind(binds []bind, p string) (bind, bool) {
	var best bind
	found := false
	for _, b := range binds {
		if (p == b.dst || strings.HasPrefix(p, b.dst+"/")) && (!found || len(b.dst) > len(best.dst)) {
			best, found = b, true
		}
	}
	return best, found
}

func buildRoute(o Options, binary, hostBinary string, rootRO bool, binds []bind, stdio []initcfg.Rule, extra []initcfg.Rule) *initcfg.Route {
	r := &initcfg.Route{}
	r.Rules = append(r.Rules, extra...)
	parent := []initcfg.Target{{Kind: initcfg.Parent}}
	identity := func(ro bool) string {
		if ro {
			return "ro"
		}
		return "rw"
	}
	r.Rules = append(r.Rules,
		initcfg.Rule{Service: "ROM", LabelLast: "ld.lib.so", Targets: parent},
		initcfg.Rule{Service: "ROM", LabelSuffix: ".lib.so", Targets: parent},
	)
	rootPrefix := o.ContainerDir + "/rootfs"
	if o.Mode == Host {
		if binary != "" {
			r.Rules = append(r.Rules, initcfg.Rule{Service: "ROM", UnscopedLabel: binary,
				Targets: []initcfg.Target{{Kind: initcfg.Parent, Label: hostBinary}}})
		}
	} else {
		img := []initcfg.Target{{Kind: initcfg.Child, Name: o.ROMServer, PrependResource: rootPrefix}}
		if binary != "" {
			t := img
			// a binary in a bind mount is that directory's file: one ROM
			// server shares it among all containers that bind it
			if b, ok := deepestBind(binds, binary); ok {
				t = []initcfg.Target{{Kind: initcfg.Child, Name: o.ROMServer,
					Resource: strings.TrimPrefix(binary, b.dst), PrependResource: b.source}}
			}
			r.Rules = append(r.Rules, initcfg.Rule{Service: "ROM", UnscopedLabel: binary, Targets: t})
		}
		// what the container execs from a bind mount: routing can prepend
		// to a label, not cut it, so only a source that ends in the
		// destination (an image's shared directory) is reachable
		deep := slices.Clone(binds)
		slices.SortStableFunc(deep, func(a, b bind) int { return len(b.dst) - len(a.dst) })
		for _, b := range deep {
			if base, ok := strings.CutSuffix(b.source, b.dst); ok && base != "" {
				r.Rules = append(r.Rules, initcfg.Rule{Service: "ROM", LabelPrefix: b.dst + "/",
					Targets: []initcfg.Target{{Kind: initcfg.Child, Name: o.ROMServer, PrependResource: base}}})
			}
		}
		r.Rules = append(r.Rules,
			initcfg.Rule{Service: "ROM", LabelPrefix: "/", Targets: img},
			initcfg.Rule{Service: "File_system", LabelPrefix: "rootfs ->", Targets: []initcfg.Target{
				{Kind: initcfg.Child, Name: o.FSServer, Identity: identity(rootRO), PrependResource: rootPrefix}}})
		for _, b := range binds {
			r.Rules = append(r.Rules, initcfg.Rule{Service: "File_system", LabelPrefix: b.label + " ->", Targets: []initcfg.Target{
				{Kind: initcfg.Child, Name: o.FSServer, Identity: identity(b.readonly), PrependResource: b.source}}})
		}
	}
	r.Rules = append(r.Rules, stdio...)
	for _, s := range []string{"LOG", "PD", "CPU", "ROM", "Rtc", "Timer"} {
		r.Rules = append(r.Rules, initcfg.Rule{Service: s, Targets: parent})
	}
	return r
}
