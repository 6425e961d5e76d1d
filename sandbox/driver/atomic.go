package driver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"genodego/sandbox/initcfg"
	"genodego/sandbox/node"
)

// Encode renders a configuration and proves it reads back unchanged: the
// bytes parse strictly, decode as init's schema, and give the same tree.
// An empty or partial configuration can therefore never come out of it.
func Encode(c *initcfg.Config, xml bool) ([]byte, error) {
	n := c.Node()
	var data []byte
	if xml {
		if err := n.CheckXML(); err != nil {
			return nil, fmt.Errorf("config not representable in XML: %w", err)
		}
		data = append(n.EncodeXML(), '\n')
	} else {
		if err := n.CheckHID(); err != nil {
			return nil, fmt.Errorf("config not representable in HID: %w", err)
		}
		data = n.EncodeHID()
	}
	if len(data) == 0 {
		return nil, errors.New("refusing to write an empty config")
	}
	back, err := node.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("generated config does not parse: %w", err)
	}
	if !node.Equal(back, n) {
		return nil, errors.New("generated config does not read back unchanged")
	}
	if _, err := initcfg.FromNode(back); err != nil {
		return nil, fmt.Errorf("generated config is not a valid init config: %w", err)
	}
	return data, nil
}

// WriteFileAtomic replaces path by data: a temporary file in the same
// directory is written, synced and renamed over path, so a reader sees the
// old or the new content, never a truncated one.
func WriteFileAtomic(path string, data []byte) error {
	if len(data) == 0 {
		return errors.New("refusing to write an empty file")
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	// Genode's file systems have no permission bits (its libc warns that
	// fchmod is not implemented); elsewhere readers of other users may need
	// the file.
	if runtime.GOOS != "genode" {
		if err := f.Chmod(0o644); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
