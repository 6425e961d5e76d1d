package launch

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"genodego/sandbox/node"
)

// Single-file VFS plugins: the file is named by the node's name attribute,
// by default the plugin's type name (os/include/vfs/single_file_system.h).
// The value is the flat type.
var singleFile = map[string]string{
	"null": "null", "zero": "zero", "log": "log", "rtc": "rtc", "terminal": "terminal",
	"inline": "inline", "rom": "rom", "symlink": "symlink",
	"jitterentropy": "rng", "xoroshiro": "rng",
}

// Attributes each plugin reads (Genode's source for each); others are refused
// so a misspelt attribute does not silently fall back to a default.
var pluginAttrs = map[string][]string{
	"dir":           {"name"},
	"fs":            {"label", "writeable", "buffer_size", "root", "host", "fifo"}, // host, fifo: the model's extensions
	"ram":           {},
	"pipe":          {},
	"null":          {"name"},
	"zero":          {"name", "size"},
	"log":           {"name", "label"},
	"rtc":           {"name"},
	"terminal":      {"name", "label", "raw"},
	"inline":        {"name"},
	"rom":           {"name", "label", "binary", "host"}, // host: the model's extension
	"symlink":       {"name", "target"},
	"jitterentropy": {"name"},
	"xoroshiro":     {"name", "seed_path"},
	"lxip":          {"ip_addr", "netmask", "gateway", "nameserver", "dhcp", "mtu", "label"},
	"lwip":          {"ip_addr", "netmask", "gateway", "nameserver", "dhcp", "mtu", "label"},
}

func (r *resolver) checkAttrs(n *node.Node) error {
	allowed := pluginAttrs[n.Type]
next:
	for _, a := range n.Attrs {
		for _, ok := range allowed {
			if a.Name == ok {
				continue next
			}
		}
		return r.attrErr(n, a.Name, "unknown attribute of the <%s> VFS plugin", n.Type)
	}
	return nil
}

func (r *resolver) emit(n *node.Node, p, typ string, fields ...KV) *VFSNode {
	r.comp.VFS = append(r.comp.VFS, VFSNode{Path: p, Type: typ, Fields: fields, Line: n.Line, src: n})
	return &r.comp.VFS[len(r.comp.VFS)-1]
}

// vfsDir walks a <vfs> or <dir> node whose path in the view is dir. Nodes are
// emitted depth-first in document order, which is the order in which Genode's
// Dir_file_system asks its file systems (os/include/vfs/dir_file_system.h).
func (r *resolver) vfsDir(d *node.Node, dir string) error {
	for _, ch := range d.Children {
		r.label(ch, d)
		if _, known := pluginAttrs[ch.Type]; !known {
			if ch.Type == "tar" || ch.Type == "block" || ch.Type == "import" || ch.Type == "fatfs" || ch.Type == "rump" {
				return r.nodeErr(ch, "the <%s> VFS plugin is not modelled", ch.Type)
			}
			// Genode would try to load vfs_<type>.lib.so and log an error.
			return r.nodeErr(ch, "unknown VFS plugin <%s> (Genode would look for vfs_%s.lib.so)", ch.Type, ch.Type)
		}
		if err := r.checkAttrs(ch); err != nil {
			return err
		}
		switch ch.Type {
		case "dir":
			name, _ := ch.Attr("name")
			if err := r.checkName(ch, name, true); err != nil {
				return err
			}
			p := path.Join(dir, name)
			r.emit(ch, p, "dir")
			if err := r.vfsDir(ch, p); err != nil {
				return err
			}
			continue
		case "fs":
			if err := r.fs(ch, dir); err != nil {
				return err
			}
		case "ram", "pipe":
			if len(ch.Children) > 0 {
				return r.nodeErr(ch.Children[0], "sub nodes of <%s> are not modelled", ch.Type)
			}
			r.emit(ch, dir, ch.Type)
		case "lxip", "lwip":
			fields := []KV{{"plugin", ch.Type}}
			for _, a := range ch.Attrs {
				if a.Name == "dhcp" {
					if _, err := node.ParseBool(a.Value); err != nil {
						return r.attrErr(ch, a.Name, "%v", err)
					}
				}
				fields = append(fields, KV{a.Name, a.Value})
			}
			r.emit(ch, dir, "socket", fields...)
		default:
			if err := r.single(ch, dir); err != nil {
				return err
			}
			continue
		}
		if ch.Type != "dir" && len(ch.Children) > 0 && ch.Type != "inline" {
			return r.nodeErr(ch.Children[0], "unexpected sub node of <%s>", ch.Type)
		}
	}
	return nil
}

func (r *resolver) checkName(n *node.Node, name string, required bool) error {
	if name == "" {
		if required {
			return r.nodeErr(n, "lacks a name")
		}
		return nil
	}
	if strings.Contains(name, "/") || name == "." || name == ".." {
		return r.attrErr(n, "name", "%q is not a file name", name)
	}
	return nil
}

// fs models a File_system session to a server that exports a host directory
// (the model's extension: host="/abs/dir"). Genode's <fs> takes its directory
// from the session label's last element ("x -> /sub"), appended to the
// server's root; the model does the same below host. Writes need
// writeable="yes": the server policy is what grants them on Genode, and the
// model's default is the policy's (read-only).
func (r *resolver) fs(n *node.Node, dir string) error {
	host, ok := n.Attr("host")
	if !ok || host == "" {
		return r.nodeErr(n, "needs host=\"/abs/dir\": the model maps a File_system session to a host directory")
	}
	if !filepath.IsAbs(host) {
		return r.attrErr(n, "host", "%q is not an absolute host path", host)
	}
	sub := ""
	if label, ok := n.Attr("label"); ok {
		if i := strings.LastIndex(label, "->"); i >= 0 {
			sub = strings.TrimSpace(label[i+2:])
			if !strings.HasPrefix(sub, "/") {
				return r.attrErr(n, "label", "the last label element %q must be a directory starting with /", sub)
			}
		}
	}
	if root, ok := n.Attr("root"); ok {
		// os/src/lib/vfs/fs_file_system.h
		r.warn("[%s] Warning: vfs: <fs> node uses deprecated 'root' attribute.", r.comp.Name)
		sub = path.Join("/", root, sub)
	}
	h := filepath.Join(host, path.Clean("/"+sub))
	fi, err := os.Stat(h)
	if err != nil || !fi.IsDir() {
		return r.attrErr(n, "host", "host directory %s does not exist", h)
	}
	w := false
	if v, ok := n.Attr("writeable"); ok {
		b, err := node.ParseBool(v)
		if err != nil {
			return r.attrErr(n, "writeable", "%v", err)
		}
		w = b
	}
	if v, ok := n.Attr("buffer_size"); ok {
		if _, err := node.ParseNumBytes(v); err != nil {
			return r.attrErr(n, "buffer_size", "%v", err)
		}
	}
	if v, ok := n.Attr("fifo"); ok {
		if err := makeFifos(h, v); err != nil {
			return r.attrErr(n, "fifo", "%v", err)
		}
	}
	r.emit(n, dir, "fs", KV{"host", h}, KV{"writeable", yesNo(w)})
	return nil
}

// makeFifos models the server side of fifo="NAME ...": the directory is what
// a VFS server exports whose pipe plugin declares <fifo name="NAME"/> for each
// name (gems/src/lib/vfs/pipe), so each NAME is a host FIFO, made here if it is
// not there (the model's libc gives a FIFO the plugin's semantics).
func makeFifos(dir, names string) error {
	for _, name := range strings.Fields(names) {
		if name != path.Base(name) || name == "." || name == ".." {
			return fmt.Errorf("%q is not a file name", name)
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Lstat(p); err == nil {
			if fi.Mode()&os.ModeNamedPipe == 0 {
				return fmt.Errorf("%s exists and is not a FIFO", p)
			}
			continue
		}
		if err := syscall.Mkfifo(p, 0o600); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("making the named pipe %s: %w", p, err)
		}
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (r *resolver) single(n *node.Node, dir string) error {
	name, ok := n.Attr("name")
	if !ok {
		name = n.Type
	}
	if err := r.checkName(n, name, true); err != nil {
		return err
	}
	p := path.Join(dir, name)
	typ := singleFile[n.Type]
	if n.Type != "inline" && len(n.Children) > 0 {
		return r.nodeErr(n.Children[0], "unexpected sub node of <%s>", n.Type)
	}
	switch n.Type {
	case "zero":
		var fields []KV
		if s, ok := n.Attr("size"); ok {
			v, err := node.ParseNumBytes(s)
			if err != nil {
				return r.attrErr(n, "size", "%v", err)
			}
			fields = append(fields, KV{"size", fmt.Sprint(v)})
		}
		r.emit(n, p, typ, fields...)
	case "log", "terminal":
		var fields []KV
		if s, ok := n.Attr("label"); ok {
			fields = append(fields, KV{"label", s})
		}
		if s, ok := n.Attr("raw"); ok {
			b, err := node.ParseBool(s)
			if err != nil {
				return r.attrErr(n, "raw", "%v", err)
			}
			fields = append(fields, KV{"raw", yesNo(b)})
		}
		r.emit(n, p, typ, fields...)
	case "symlink":
		t, ok := n.Attr("target")
		if !ok || t == "" {
			return r.nodeErr(n, "lacks a target")
		}
		r.emit(n, p, typ, KV{"target", t})
	case "inline":
		// os/src/lib/vfs/inline_file_system.h: quoted content, or else exactly
		// one sub node, which becomes the file's content as generated text.
		var content []byte
		if n.Content != "" {
			content = []byte(n.Content)
		} else if len(n.Children) == 1 {
			content = n.Children[0].EncodeHID()
		} else if len(n.Children) > 1 {
			r.warn("[%s] Warning: exactly one sub node expected: %s", r.comp.Name, n.Type)
		}
		v := r.emit(n, p, typ)
		v.Content = content
		if v.Content == nil {
			v.Content = []byte{}
		}
	case "rom":
		// The ROM module's label is label, else name (rom_file_system.h). The
		// model serves ROM modules from files in the config's directory, or
		// from host= (the model's extension).
		label, ok := n.Attr("label")
		if !ok {
			label, _ = n.Attr("name")
		}
		h, ok := n.Attr("host")
		if ok {
			if !filepath.IsAbs(h) {
				return r.attrErr(n, "host", "%q is not an absolute host path", h)
			}
		} else {
			if label == "" {
				return r.nodeErr(n, "lacks a name or label naming the ROM module")
			}
			h = r.hostPath(label)
		}
		fi, err := os.Stat(h)
		if err != nil || !fi.Mode().IsRegular() {
			return r.nodeErr(n, "ROM module %q: no file %s", label, h)
		}
		r.emit(n, p, typ, KV{"host", h})
	case "jitterentropy", "xoroshiro":
		r.emit(n, p, typ, KV{"plugin", n.Type})
	default: // null, rtc
		r.emit(n, p, typ)
	}
	return nil
}
