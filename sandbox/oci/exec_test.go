package oci

import (
	"os"
	"path/filepath"
	"testing"
)

// Genode's execve takes a file by its content: an ELF binary or a #! script,
// whatever its mode bits (which Genode's file systems do not keep).
func TestExecutableByContent(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "bin"), 0o755)
	os.WriteFile(filepath.Join(root, "bin/elf"), []byte("\x7fELF\x02\x01"), 0o644)
	os.WriteFile(filepath.Join(root, "bin/script"), []byte("#!/bin/sh\n"), 0o600)
	os.WriteFile(filepath.Join(root, "bin/text"), []byte("echo hi\n"), 0o755)
	for name, ok := range map[string]bool{"elf": true, "script": true, "text": false} {
		_, _, err := lookPath(view{root: root}, "/", name, "/bin")
		if (err == nil) != ok {
			t.Errorf("%s: err %v, want accepted %v", name, err, ok)
		}
	}
}
