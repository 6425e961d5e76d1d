package elfcheck

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
)

// A minimal ELF64 little-endian reader. debug/elf would do for well-formed
// files, but the checker must say precisely what ld.lib.so would see (tables
// found through PT_DYNAMIC, not through section headers) and must never
// allocate or panic on hostile input, so every read here is bounds-checked
// against the byte slice.

const (
	ehdrSize = 64
	phdrSize = 56
	shdrSize = 64
	dynSize  = 16
	symSize  = 24
	relaSize = 24
)

var le = binary.LittleEndian

// InputError is a file that is not an ELF file the checker can judge at all
// (not ELF, truncated, 32-bit, big-endian, unknown machine).
type InputError struct {
	File string
	Msg  string
}

func (e *InputError) Error() string {
	if e.File == "" {
		return e.Msg
	}
	return e.File + ": " + e.Msg
}

type prog struct {
	idx    int
	typ    elf.ProgType
	flags  elf.ProgFlag
	off    uint64
	vaddr  uint64
	filesz uint64
	memsz  uint64
	align  uint64
}

// where names the program header as SEGMENT output shows it.
func (p *prog) where() string {
	name := p.typ.String()
	return fmt.Sprintf("%s#%d", name, p.idx)
}

type sect struct {
	idx     int
	name    string
	typ     elf.SectionType
	flags   elf.SectionFlag
	addr    uint64
	off     uint64
	size    uint64
	link    uint32
	entsize uint64
}

// where names the section for output; unnamed sections get their index.
func (s *sect) where() string {
	if s.name != "" {
		return s.name
	}
	return fmt.Sprintf("section#%d", s.idx)
}

type file struct {
	data      []byte
	typ       elf.Type
	machine   elf.Machine
	entry     uint64
	phentsize uint16
	phnum     uint16
	progs     []prog
	sects     []sect
}

// span returns data[off:off+n] if it lies inside the file.
func (f *file) span(off, n uint64) ([]byte, bool) {
	size := uint64(len(f.data))
	if off > size || n > size-off {
		return nil, false
	}
	return f.data[off : off+n], true
}

// cstring reads a NUL-terminated string at off, at most max bytes long.
func (f *file) cstring(off, max uint64) (string, bool) {
	size := uint64(len(f.data))
	if off >= size {
		return "", false
	}
	end := size
	if max < end-off {
		end = off + max
	}
	for i := off; i < end; i++ {
		if f.data[i] == 0 {
			return string(f.data[off:i]), true
		}
	}
	return "", false
}

// vaddrOff maps n bytes at virtual address va to a file offset through the
// PT_LOAD segments, as the loader would find them.
func (f *file) vaddrOff(va, n uint64) (uint64, bool) {
	for i := range f.progs {
		p := &f.progs[i]
		if p.typ != elf.PT_LOAD || va < p.vaddr {
			continue
		}
		d := va - p.vaddr
		if d > p.filesz || n > p.filesz-d {
			continue
		}
		off := p.off + d
		if _, ok := f.span(off, n); ok {
			return off, true
		}
	}
	return 0, false
}

// vaddrSpan is span at a virtual address.
func (f *file) vaddrSpan(va, n uint64) ([]byte, bool) {
	off, ok := f.vaddrOff(va, n)
	if !ok {
		return nil, false
	}
	return f.span(off, n)
}

// vaddrAvail returns how many file bytes back virtual address va in its
// PT_LOAD, and the matching file offset.
func (f *file) vaddrAvail(va uint64) (off, n uint64, ok bool) {
	for i := range f.progs {
		p := &f.progs[i]
		if p.typ != elf.PT_LOAD || va < p.vaddr || va-p.vaddr >= p.filesz {
			continue
		}
		off = p.off + (va - p.vaddr)
		n = p.filesz - (va - p.vaddr)
		if size := uint64(len(f.data)); off >= size {
			continue
		} else if n > size-off {
			n = size - off
		}
		return off, n, true
	}
	return 0, 0, false
}

func parse(data []byte) (*file, error) {
	bad := func(format string, args ...any) error {
		return &InputError{Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) < 4 || string(data[:4]) != "\x7fELF" {
		return nil, bad("not an ELF file (no \\x7fELF magic)")
	}
	if len(data) < 16 {
		return nil, bad("truncated: %d bytes, shorter than the ELF identification", len(data))
	}
	switch elf.Class(data[elf.EI_CLASS]) {
	case elf.ELFCLASS64:
	case elf.ELFCLASS32:
		return nil, bad("32-bit ELF (ELFCLASS32); Genode's ld.lib.so on x86_64/arm64 loads ELF64 only")
	default:
		return nil, bad("unknown ELF class %d", data[elf.EI_CLASS])
	}
	switch elf.Data(data[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
	case elf.ELFDATA2MSB:
		return nil, bad("big-endian ELF (ELFDATA2MSB); x86_64 and arm64 Genode are little-endian")
	default:
		return nil, bad("unknown ELF data encoding %d", data[elf.EI_DATA])
	}
	if len(data) < ehdrSize {
		return nil, bad("truncated: %d bytes, shorter than the 64-byte ELF64 header", len(data))
	}
	f := &file{
		data:    data,
		typ:     elf.Type(le.Uint16(data[16:])),
		machine: elf.Machine(le.Uint16(data[18:])),
		entry:   le.Uint64(data[24:]),
	}
	if f.machine != elf.EM_X86_64 && f.machine != elf.EM_AARCH64 {
		return nil, bad("unsupported machine %v (%d); want EM_X86_64 or EM_AARCH64", f.machine, uint16(f.machine))
	}
	phoff := le.Uint64(data[32:])
	shoff := le.Uint64(data[40:])
	f.phentsize = le.Uint16(data[54:])
	f.phnum = le.Uint16(data[56:])
	shentsize := uint64(le.Uint16(data[58:]))
	shnum := uint64(le.Uint16(data[60:]))
	shstrndx := uint64(le.Uint16(data[62:]))

	if f.phnum > 0 {
		if f.phentsize < phdrSize {
			return nil, bad("program header entry size %d, smaller than ELF64's %d", f.phentsize, phdrSize)
		}
		if _, ok := f.span(phoff, uint64(f.phnum)*uint64(f.phentsize)); !ok {
			return nil, bad("truncated: program header table (%d entries at offset %#x) runs past the end of the file (%d bytes)", f.phnum, phoff, len(data))
		}
	}
	for i := 0; i < int(f.phnum); i++ {
		b := data[phoff+uint64(i)*uint64(f.phentsize):]
		p := prog{
			idx:    i,
			typ:    elf.ProgType(le.Uint32(b[0:])),
			flags:  elf.ProgFlag(le.Uint32(b[4:])),
			off:    le.Uint64(b[8:]),
			vaddr:  le.Uint64(b[16:]),
			filesz: le.Uint64(b[32:]),
			memsz:  le.Uint64(b[40:]),
			align:  le.Uint64(b[48:]),
		}
		switch p.typ {
		case elf.PT_LOAD, elf.PT_INTERP, elf.PT_DYNAMIC:
			// The loader reads these from the file: they must be there.
			if _, ok := f.span(p.off, p.filesz); !ok {
				return nil, bad("truncated: %s (offset %#x, %d bytes) runs past the end of the file (%d bytes)", p.where(), p.off, p.filesz, len(data))
			}
		}
		f.progs = append(f.progs, p)
	}

	// Section headers are optional for the loader; the checker uses them for
	// names and for the instruction scan. A damaged table is bad input.
	if shoff != 0 && shnum > 0 {
		if shentsize < shdrSize {
			return nil, bad("section header entry size %d, smaller than ELF64's %d", shentsize, shdrSize)
		}
		if _, ok := f.span(shoff, shnum*shentsize); !ok {
			return nil, bad("truncated: section header table (%d entries at offset %#x) runs past the end of the file (%d bytes)", shnum, shoff, len(data))
		}
		names := make([]uint32, shnum)
		for i := uint64(0); i < shnum; i++ {
			b := data[shoff+i*shentsize:]
			names[i] = le.Uint32(b[0:])
			f.sects = append(f.sects, sect{
				idx:     int(i),
				typ:     elf.SectionType(le.Uint32(b[4:])),
				flags:   elf.SectionFlag(le.Uint64(b[8:])),
				addr:    le.Uint64(b[16:]),
				off:     le.Uint64(b[24:]),
				size:    le.Uint64(b[32:]),
				link:    le.Uint32(b[40:]),
				entsize: le.Uint64(b[56:]),
			})
		}
		if shstrndx < shnum {
			str := f.sects[shstrndx]
			if _, ok := f.span(str.off, str.size); ok && str.typ == elf.SHT_STRTAB {
				for i := range f.sects {
					if uint64(names[i]) < str.size {
						f.sects[i].name, _ = f.cstring(str.off+uint64(names[i]), str.size-uint64(names[i]))
					}
				}
			}
		}
	}
	return f, nil
}

// sectData returns a section's bytes when it has file contents.
func (f *file) sectData(s *sect) ([]byte, bool) {
	if s.typ == elf.SHT_NOBITS {
		return nil, false
	}
	return f.span(s.off, s.size)
}

// sectAt returns the section starting at virtual address va with type typ.
func (f *file) sectAt(va uint64, types ...elf.SectionType) *sect {
	for i := range f.sects {
		s := &f.sects[i]
		if s.addr != va || s.flags&elf.SHF_ALLOC == 0 {
			continue
		}
		for _, t := range types {
			if s.typ == t {
				return s
			}
		}
	}
	return nil
}

// nameAt names the allocated section holding virtual address va, or
// fallback when there is none.
func (f *file) nameAt(va uint64, fallback string) string {
	for i := range f.sects {
		s := &f.sects[i]
		if s.flags&elf.SHF_ALLOC != 0 && va >= s.addr && va-s.addr < s.size && s.name != "" {
			return s.name
		}
	}
	return fallback
}

type symbol struct {
	idx   int
	name  string
	info  byte
	shndx elf.SectionIndex
	value uint64
	size  uint64
	addr  uint64 // virtual address of the symbol table entry, 0 if unknown
}

func (s *symbol) typ() elf.SymType  { return elf.SymType(s.info & 0xf) }
func (s *symbol) bind() elf.SymBind { return elf.SymBind(s.info >> 4) }
func (s *symbol) defined() bool     { return s.shndx != elf.SHN_UNDEF }

// readSyms decodes count symbols from tab, naming them from strtab.
func readSyms(tab, strtab []byte, count uint64, base uint64) []symbol {
	if n := uint64(len(tab)) / symSize; count > n {
		count = n
	}
	syms := make([]symbol, 0, count)
	for i := uint64(0); i < count; i++ {
		b := tab[i*symSize:]
		s := symbol{
			idx:   int(i),
			info:  b[4],
			shndx: elf.SectionIndex(le.Uint16(b[6:])),
			value: le.Uint64(b[8:]),
			size:  le.Uint64(b[16:]),
		}
		if base != 0 {
			s.addr = base + i*symSize
		}
		if off := uint64(le.Uint32(b[0:])); off < uint64(len(strtab)) {
			rest := strtab[off:]
			for j, c := range rest {
				if c == 0 {
					rest = rest[:j]
					break
				}
			}
			s.name = string(rest)
		}
		syms = append(syms, s)
	}
	return syms
}
