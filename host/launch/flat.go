package launch

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// encodeField percent-encodes a flat-file field: TAB, newline, CR, percent and
// every other control byte, and space (so fields split on spaces by the
// model's internal tables stay whole).
func encodeField(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == '%' || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// decodeField reverses encodeField (and accepts any %XX).
func decodeField(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("truncated escape in %q", s)
		}
		var v byte
		if _, err := fmt.Sscanf(s[i+1:i+3], "%02X", &v); err != nil {
			return "", fmt.Errorf("bad escape in %q", s)
		}
		b.WriteByte(v)
		i += 2
	}
	return b.String(), nil
}

func line(b *bytes.Buffer, key string, fields ...string) {
	b.WriteString(key)
	for _, f := range fields {
		b.WriteByte('\t')
		b.WriteString(encodeField(f))
	}
	b.WriteByte('\n')
}

// Flat renders the component's flat configuration (host/MODEL-CONFIG.md).
// Inline VFS content is referred to as files in runDir, named inline-N;
// WriteRunDir writes them. execConfig is the exec_config value.
func (c *Component) Flat(runDir, execConfig string) []byte {
	var b bytes.Buffer
	line(&b, "component", c.Name)
	line(&b, "binary", c.Binary)
	line(&b, "ram", fmt.Sprint(c.RAM))
	line(&b, "caps", fmt.Sprint(c.Caps))
	if c.Strict {
		line(&b, "strict", "1")
	} else {
		line(&b, "strict", "0")
	}
	if c.WatchdogMS > 0 {
		line(&b, "watchdog_ms", fmt.Sprint(c.WatchdogMS))
	}
	for _, kv := range c.Libc {
		line(&b, "libc", kv.Name, kv.Value)
	}
	for _, kv := range c.LibcSub {
		line(&b, "libc_sub", kv.Node, kv.Name, kv.Value)
	}
	for _, fd := range c.FDs {
		yn := func(v bool) string {
			if v {
				return "1"
			}
			return "0"
		}
		line(&b, "libc_fd", fmt.Sprint(fd.ID), yn(fd.HasPath), fd.Path, yn(fd.Readable), yn(fd.Writeable),
			yn(fd.Cloexec), fmt.Sprint(fd.Seek))
	}
	for _, a := range c.Args {
		line(&b, "arg", a)
	}
	for _, kv := range c.Env {
		line(&b, "env", kv.Name, kv.Value)
	}
	hostfd := firstTerminalFD
	for i, v := range c.VFS {
		fields := []string{v.Path, v.Type}
		if v.Content != nil {
			fields = append(fields, "host="+filepath.Join(runDir, fmt.Sprintf("inline-%d", i)))
		}
		for _, kv := range v.Fields {
			fields = append(fields, kv.Name+"="+kv.Value)
		}
		if v.Term != nil && v.Term.HostPath != "" {
			// the order of hostTerminals, which Run hands over from fd 3 on
			fields = append(fields, fmt.Sprintf("hostfd=%d", hostfd), "hostpath="+v.Term.HostPath)
			hostfd++
		}
		line(&b, "vfs", fields...)
	}
	if execConfig != "" {
		line(&b, "exec_config", execConfig)
	}
	return b.Bytes()
}

// WriteRunDir writes the flat file (model.config), the inline files and, when
// the component has no config file of its own, its config (config.hid or
// config.xml as given) into runDir. It returns the flat file's path.
func (c *Component) WriteRunDir(runDir string) (string, error) {
	for i, v := range c.VFS {
		if v.Content == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(runDir, fmt.Sprintf("inline-%d", i)), v.Content, 0o444); err != nil {
			return "", err
		}
	}
	exec := c.ExecConfig
	if exec == "" && c.source != nil {
		exec = filepath.Join(runDir, "config")
		if err := os.WriteFile(exec, c.source, 0o444); err != nil {
			return "", err
		}
	}
	flat := filepath.Join(runDir, "model.config")
	if err := os.WriteFile(flat, c.Flat(runDir, exec), 0o444); err != nil {
		return "", err
	}
	return flat, nil
}
