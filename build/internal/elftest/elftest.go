// Package elftest writes small ELF64 executables for the checker's tests:
// a Spec describes a Genode-style dynamic binary, Build lays it out byte by
// byte. Good returns a Spec that satisfies every rule; tests change one
// field to break exactly one.
package elftest

import (
	"bytes"
	"debug/elf"
	"encoding/binary"

	"genodego/build/internal/elfhash"
)

// Rel is one relocation against dynamic symbol Sym (1 = first import).
type Rel struct {
	Type uint32
	Sym  uint32
}

// Func is a .symtab function symbol at Off bytes into .text.
type Func struct {
	Name      string
	Off, Size uint64
}

// Spec describes the binary to build.
type Spec struct {
	Machine   elf.Machine
	Type      elf.Type
	Entry     uint64 // 0 means the start of .text; use NoEntry for 0
	NoEntry   bool
	Base      uint64 // vaddr of the first PT_LOAD
	Interp    string // "" for no PT_INTERP
	Needed    []string
	Imports   []string // undefined dynamic symbols
	NoMain    bool     // no main in .dynsym
	MainUndef bool     // main in .dynsym, undefined
	Text      []byte
	Funcs     []Func
	RelaDyn   []Rel
	RelaPlt   []Rel

	TextFlags, DataFlags elf.ProgFlag
	TextAlign            uint64 // 0 means 0x1000

	NoDynamicPhdr bool // drop PT_DYNAMIC (the .dynamic section stays)
	NoHash        bool // drop DT_HASH (the .hash section stays)
	TLS           bool // add a PT_TLS
	ExtraPhdrs    int  // add this many PT_NULL program headers
	NoSections    bool // write no section headers
}

// Good returns a Spec of a binary that passes every rule on machine m.
func Good(m elf.Machine) Spec {
	s := Spec{
		Machine:   m,
		Type:      elf.ET_EXEC,
		Base:      0x01000000,
		Interp:    "ld.lib.so",
		Needed:    []string{"libc.lib.so", "posix.lib.so"},
		Imports:   []string{"write", "exit"},
		TextFlags: elf.PF_R | elf.PF_X,
		DataFlags: elf.PF_R | elf.PF_W,
	}
	switch m {
	case elf.EM_AARCH64:
		s.Text = ARM64(0xa9bf7bfd, 0x910003fd, 0x94000000, 0xa8c17bfd, 0xd65f03c0) // stp; mov fp; bl; ldp; ret
		s.RelaDyn = []Rel{{uint32(elf.R_AARCH64_GLOB_DAT), 1}, {uint32(elf.R_AARCH64_ABS64), 2}}
		s.RelaPlt = []Rel{{uint32(elf.R_AARCH64_JUMP_SLOT), 1}, {uint32(elf.R_AARCH64_JUMP_SLOT), 2}}
	default:
		// push rbp; mov rbp,rsp; mov rax,[rip+0]; call [rip+0]; pop rbp; ret; int3 x3
		s.Text = []byte{0x55, 0x48, 0x89, 0xe5, 0x48, 0x8b, 0x05, 0, 0, 0, 0, 0xff, 0x15, 0, 0, 0, 0, 0x5d, 0xc3, 0xcc, 0xcc, 0xcc}
		s.RelaDyn = []Rel{{uint32(elf.R_X86_64_GLOB_DAT), 1}, {uint32(elf.R_X86_64_64), 2}, {uint32(elf.R_X86_64_RELATIVE), 0}}
		s.RelaPlt = []Rel{{uint32(elf.R_X86_64_JMP_SLOT), 1}, {uint32(elf.R_X86_64_JMP_SLOT), 2}}
	}
	s.Funcs = []Func{{Name: "main", Off: 0, Size: uint64(len(s.Text))}}
	return s
}

// ARM64 encodes instruction words little-endian.
func ARM64(words ...uint32) []byte {
	b := make([]byte, 4*len(words))
	for i, w := range words {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	return b
}

var le = binary.LittleEndian

type strtab struct{ b bytes.Buffer }

func newStrtab() *strtab { t := &strtab{}; t.b.WriteByte(0); return t }

func (t *strtab) add(s string) uint32 {
	off := uint32(t.b.Len())
	t.b.WriteString(s)
	t.b.WriteByte(0)
	return off
}

type section struct {
	name            string
	typ             elf.SectionType
	flags           elf.SectionFlag
	addr, off, size uint64
	link, info      uint32
	align, entsize  uint64
}

type phdr struct {
	typ                       elf.ProgType
	flags                     elf.ProgFlag
	off, vaddr, filesz, memsz uint64
	align                     uint64
}

func align(n, a uint64) uint64 { return (n + a - 1) &^ (a - 1) }

// Build lays out the binary: headers, then the read-only dynamic tables and
// .text in the R+X segment, then .dynamic and .got in the R+W segment on
// the next page, then .symtab, the string tables and the section headers.
func (s Spec) Build() []byte {
	out := make([]byte, 0, 0x3000)
	put := func(off uint64, b []byte) {
		for uint64(len(out)) < off+uint64(len(b)) {
			out = append(out, 0)
		}
		copy(out[off:], b)
	}

	// Dynamic symbols: null, imports, main.
	dynstr := newStrtab()
	type dsym struct {
		name       uint32
		str        string
		info       byte
		shndx      uint16
		value, siz uint64
	}
	syms := []dsym{{}}
	for _, imp := range s.Imports {
		syms = append(syms, dsym{name: dynstr.add(imp), str: imp, info: byte(elf.STB_GLOBAL)<<4 | byte(elf.STT_FUNC)})
	}
	mainIdx := -1
	if !s.NoMain {
		mainIdx = len(syms)
		syms = append(syms, dsym{name: dynstr.add("main"), str: "main", info: byte(elf.STB_GLOBAL)<<4 | byte(elf.STT_FUNC)})
	}
	var neededOff []uint32
	for _, n := range s.Needed {
		neededOff = append(neededOff, dynstr.add(n))
	}

	nph := 2 // the two PT_LOADs
	if s.Interp != "" {
		nph++
	}
	if !s.NoDynamicPhdr {
		nph++
	}
	if s.TLS {
		nph++
	}
	nph += s.ExtraPhdrs

	// R+X segment contents.
	off := uint64(64 + 56*nph)
	var interpOff uint64
	if s.Interp != "" {
		interpOff = off
		put(off, append([]byte(s.Interp), 0))
		off += uint64(len(s.Interp)) + 1
	}
	off = align(off, 8)
	hashOff := off
	nbucket := uint32(3)
	buckets := make([]uint32, nbucket)
	chains := make([]uint32, len(syms))
	for i := 1; i < len(syms); i++ {
		b := elfhash.SysV(syms[i].str) % nbucket
		chains[i] = buckets[b]
		buckets[b] = uint32(i)
	}
	hash := make([]byte, 8+4*(int(nbucket)+len(syms)))
	le.PutUint32(hash, nbucket)
	le.PutUint32(hash[4:], uint32(len(syms)))
	for i, b := range buckets {
		le.PutUint32(hash[8+4*i:], b)
	}
	for i, c := range chains {
		le.PutUint32(hash[8+4*(int(nbucket)+i):], c)
	}
	put(off, hash)
	off = align(off+uint64(len(hash)), 8)
	dynsymOff := off
	off += uint64(24 * len(syms))
	dynstrOff := off
	put(off, dynstr.b.Bytes())
	off = align(off+uint64(dynstr.b.Len()), 8)
	relaDynOff := off
	off += uint64(24 * len(s.RelaDyn))
	relaPltOff := off
	off += uint64(24 * len(s.RelaPlt))
	off = align(off, 16)
	textOff := off
	put(off, s.Text)
	off += uint64(len(s.Text))
	rxEnd := off

	// R+W segment.
	rwOff := align(rxEnd, 0x1000)
	dynOff := rwOff
	var dyn [][2]uint64
	for _, n := range neededOff {
		dyn = append(dyn, [2]uint64{uint64(elf.DT_NEEDED), uint64(n)})
	}
	va := func(o uint64) uint64 { return s.Base + o }
	if !s.NoHash {
		dyn = append(dyn, [2]uint64{uint64(elf.DT_HASH), va(hashOff)})
	}
	dyn = append(dyn,
		[2]uint64{uint64(elf.DT_STRTAB), va(dynstrOff)},
		[2]uint64{uint64(elf.DT_SYMTAB), va(dynsymOff)},
		[2]uint64{uint64(elf.DT_STRSZ), uint64(dynstr.b.Len())},
		[2]uint64{uint64(elf.DT_SYMENT), 24},
	)
	if len(s.RelaDyn) > 0 {
		dyn = append(dyn,
			[2]uint64{uint64(elf.DT_RELA), va(relaDynOff)},
			[2]uint64{uint64(elf.DT_RELASZ), uint64(24 * len(s.RelaDyn))},
			[2]uint64{uint64(elf.DT_RELAENT), 24})
	}
	nDyn := len(dyn) + 1
	if len(s.RelaPlt) > 0 {
		nDyn += 4
	}
	gotOff := dynOff + uint64(16*nDyn)
	gotSize := uint64(8 * (3 + len(s.RelaDyn) + len(s.RelaPlt)))
	if len(s.RelaPlt) > 0 {
		dyn = append(dyn,
			[2]uint64{uint64(elf.DT_PLTGOT), va(gotOff)},
			[2]uint64{uint64(elf.DT_JMPREL), va(relaPltOff)},
			[2]uint64{uint64(elf.DT_PLTRELSZ), uint64(24 * len(s.RelaPlt))},
			[2]uint64{uint64(elf.DT_PLTREL), uint64(elf.DT_RELA)})
	}
	dyn = append(dyn, [2]uint64{uint64(elf.DT_NULL), 0})
	for i, d := range dyn {
		var b [16]byte
		le.PutUint64(b[:], d[0])
		le.PutUint64(b[8:], d[1])
		put(dynOff+uint64(16*i), b[:])
	}
	put(gotOff, make([]byte, gotSize))
	rwEnd := gotOff + gotSize

	// Relocations point into .got.
	slot := uint64(3)
	writeRels := func(at uint64, rels []Rel) {
		for i, r := range rels {
			var b [24]byte
			le.PutUint64(b[:], va(gotOff+8*slot))
			le.PutUint64(b[8:], uint64(r.Sym)<<32|uint64(r.Type))
			put(at+uint64(24*i), b[:])
			slot++
		}
	}
	writeRels(relaDynOff, s.RelaDyn)
	writeRels(relaPltOff, s.RelaPlt)

	// .dynsym now that .text has an address.
	for i, sy := range syms {
		if i == mainIdx && !s.MainUndef {
			sy.shndx = 0xffff // patched to .text's index below
			sy.value = va(textOff)
			sy.siz = uint64(len(s.Text))
		}
		syms[i] = sy
	}

	// Non-allocated tail: .symtab, .strtab.
	tail := align(rwEnd, 8)
	strt := newStrtab()
	symtabOff := tail
	var symtab []byte
	symtab = append(symtab, make([]byte, 24)...)
	for _, fn := range s.Funcs {
		var b [24]byte
		le.PutUint32(b[:], strt.add(fn.Name))
		b[4] = byte(elf.STB_GLOBAL)<<4 | byte(elf.STT_FUNC)
		le.PutUint16(b[6:], 0xffff) // patched below
		le.PutUint64(b[8:], va(textOff+fn.Off))
		le.PutUint64(b[16:], fn.Size)
		symtab = append(symtab, b[:]...)
	}
	tail += uint64(len(symtab))
	strtabOff := tail
	tail += uint64(strt.b.Len())

	// Section headers.
	secs := []section{{}}
	idx := func(name string) uint32 {
		for i, sc := range secs {
			if sc.name == name {
				return uint32(i)
			}
		}
		return 0
	}
	if s.Interp != "" {
		secs = append(secs, section{name: ".interp", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC, addr: va(interpOff), off: interpOff, size: uint64(len(s.Interp) + 1), align: 1})
	}
	secs = append(secs,
		section{name: ".hash", typ: elf.SHT_HASH, flags: elf.SHF_ALLOC, addr: va(hashOff), off: hashOff, size: uint64(len(hash)), align: 8, entsize: 4},
		section{name: ".dynsym", typ: elf.SHT_DYNSYM, flags: elf.SHF_ALLOC, addr: va(dynsymOff), off: dynsymOff, size: uint64(24 * len(syms)), info: 1, align: 8, entsize: 24},
		section{name: ".dynstr", typ: elf.SHT_STRTAB, flags: elf.SHF_ALLOC, addr: va(dynstrOff), off: dynstrOff, size: uint64(dynstr.b.Len()), align: 1},
	)
	if len(s.RelaDyn) > 0 {
		secs = append(secs, section{name: ".rela.dyn", typ: elf.SHT_RELA, flags: elf.SHF_ALLOC, addr: va(relaDynOff), off: relaDynOff, size: uint64(24 * len(s.RelaDyn)), align: 8, entsize: 24})
	}
	if len(s.RelaPlt) > 0 {
		secs = append(secs, section{name: ".rela.plt", typ: elf.SHT_RELA, flags: elf.SHF_ALLOC, addr: va(relaPltOff), off: relaPltOff, size: uint64(24 * len(s.RelaPlt)), align: 8, entsize: 24})
	}
	secs = append(secs,
		section{name: ".text", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_EXECINSTR, addr: va(textOff), off: textOff, size: uint64(len(s.Text)), align: 16},
		section{name: ".dynamic", typ: elf.SHT_DYNAMIC, flags: elf.SHF_ALLOC | elf.SHF_WRITE, addr: va(dynOff), off: dynOff, size: uint64(16 * len(dyn)), align: 8, entsize: 16},
		section{name: ".got", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_WRITE, addr: va(gotOff), off: gotOff, size: gotSize, align: 8},
		section{name: ".symtab", typ: elf.SHT_SYMTAB, off: symtabOff, size: uint64(len(symtab)), info: 1, align: 8, entsize: 24},
		section{name: ".strtab", typ: elf.SHT_STRTAB, off: strtabOff, size: uint64(strt.b.Len()), align: 1},
	)
	shstr := newStrtab()
	names := make([]uint32, len(secs))
	for i := range secs {
		if i > 0 {
			names[i] = shstr.add(secs[i].name)
		}
	}
	shstrName := shstr.add(".shstrtab")
	secs = append(secs, section{name: ".shstrtab", typ: elf.SHT_STRTAB, off: tail, size: uint64(shstr.b.Len()), align: 1})
	names = append(names, shstrName)
	tail += uint64(shstr.b.Len())
	for i := range secs {
		switch secs[i].name {
		case ".dynsym":
			secs[i].link = idx(".dynstr")
		case ".hash", ".rela.dyn", ".rela.plt":
			secs[i].link = idx(".dynsym")
		case ".dynamic":
			secs[i].link = idx(".dynstr")
		case ".symtab":
			secs[i].link = idx(".strtab")
		}
	}
	textIdx := uint16(idx(".text"))

	// Now write the symbol tables with the right section index.
	for i, sy := range syms {
		var b [24]byte
		le.PutUint32(b[:], sy.name)
		b[4] = sy.info
		if sy.shndx == 0xffff {
			sy.shndx = textIdx
		}
		le.PutUint16(b[6:], sy.shndx)
		le.PutUint64(b[8:], sy.value)
		le.PutUint64(b[16:], sy.siz)
		put(dynsymOff+uint64(24*i), b[:])
	}
	for i := 24; i+24 <= len(symtab); i += 24 {
		le.PutUint16(symtab[i+6:], textIdx)
	}
	put(symtabOff, symtab)
	put(strtabOff, strt.b.Bytes())
	put(secs[len(secs)-1].off, shstr.b.Bytes())

	shoff := align(tail, 8)
	if !s.NoSections {
		for i, sc := range secs {
			var b [64]byte
			le.PutUint32(b[0:], names[i])
			le.PutUint32(b[4:], uint32(sc.typ))
			le.PutUint64(b[8:], uint64(sc.flags))
			le.PutUint64(b[16:], sc.addr)
			le.PutUint64(b[24:], sc.off)
			le.PutUint64(b[32:], sc.size)
			le.PutUint32(b[40:], sc.link)
			le.PutUint32(b[44:], sc.info)
			le.PutUint64(b[48:], sc.align)
			le.PutUint64(b[56:], sc.entsize)
			put(shoff+uint64(64*i), b[:])
		}
	}

	// Program headers.
	var phs []phdr
	if s.Interp != "" {
		phs = append(phs, phdr{typ: elf.PT_INTERP, flags: elf.PF_R, off: interpOff, vaddr: va(interpOff), filesz: uint64(len(s.Interp) + 1), memsz: uint64(len(s.Interp) + 1), align: 1})
	}
	talign := s.TextAlign
	if talign == 0 {
		talign = 0x1000
	}
	phs = append(phs,
		phdr{typ: elf.PT_LOAD, flags: s.TextFlags, off: 0, vaddr: va(0), filesz: rxEnd, memsz: rxEnd, align: talign},
		phdr{typ: elf.PT_LOAD, flags: s.DataFlags, off: rwOff, vaddr: va(rwOff), filesz: rwEnd - rwOff, memsz: rwEnd - rwOff, align: 0x1000},
	)
	if !s.NoDynamicPhdr {
		phs = append(phs, phdr{typ: elf.PT_DYNAMIC, flags: elf.PF_R | elf.PF_W, off: dynOff, vaddr: va(dynOff), filesz: uint64(16 * len(dyn)), memsz: uint64(16 * len(dyn)), align: 8})
	}
	if s.TLS {
		phs = append(phs, phdr{typ: elf.PT_TLS, flags: elf.PF_R, off: gotOff, vaddr: va(gotOff), filesz: 0, memsz: 8, align: 8})
	}
	for i := 0; i < s.ExtraPhdrs; i++ {
		phs = append(phs, phdr{typ: elf.PT_NULL})
	}
	for i, p := range phs {
		var b [56]byte
		le.PutUint32(b[0:], uint32(p.typ))
		le.PutUint32(b[4:], uint32(p.flags))
		le.PutUint64(b[8:], p.off)
		le.PutUint64(b[16:], p.vaddr)
		le.PutUint64(b[24:], p.vaddr)
		le.PutUint64(b[32:], p.filesz)
		le.PutUint64(b[40:], p.memsz)
		le.PutUint64(b[48:], p.align)
		put(uint64(64+56*i), b[:])
	}

	// ELF header.
	var h [64]byte
	copy(h[:], "\x7fELF")
	h[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	h[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	h[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	le.PutUint16(h[16:], uint16(s.Type))
	le.PutUint16(h[18:], uint16(s.Machine))
	le.PutUint32(h[20:], uint32(elf.EV_CURRENT))
	entry := s.Entry
	if entry == 0 && !s.NoEntry {
		entry = va(textOff)
	}
	le.PutUint64(h[24:], entry)
	le.PutUint64(h[32:], 64)
	if !s.NoSections {
		le.PutUint64(h[40:], shoff)
	}
	le.PutUint16(h[52:], 64)
	le.PutUint16(h[54:], 56)
	le.PutUint16(h[56:], uint16(len(phs)))
	le.PutUint16(h[58:], 64)
	if !s.NoSections {
		le.PutUint16(h[60:], uint16(len(secs)))
		le.PutUint16(h[62:], uint16(len(secs)-1))
	}
	put(0, h[:])
	return out
}
