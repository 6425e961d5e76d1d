package elfhash

import "testing"

func TestSysV(t *testing.T) {
	// Known values of the System V ABI's hash.
	for name, want := range map[string]uint32{"": 0, "main": 0x000737fe, "printf": 0x077905a6, "exit": 0x0006cf04} {
		if got := SysV(name); got != want {
			t.Errorf("SysV(%q) = %#x, want %#x", name, got, want)
		}
	}
}
