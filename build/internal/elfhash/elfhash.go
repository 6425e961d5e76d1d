// Package elfhash is the symbol hash of DT_HASH tables, shared by the
// checker and the binaries its tests build.
package elfhash

// SysV is the ELF hash function of the System V ABI.
func SysV(name string) uint32 {
	var h uint32
	for i := 0; i < len(name); i++ {
		h = h<<4 + uint32(name[i])
		g := h & 0xf0000000
		if g != 0 {
			h ^= g >> 24
		}
		h &^= g
	}
	return h
}
