// Package elfcheck checks statically that an ELF binary satisfies the
// contract of Genode's dynamic linker ld.lib.so and of Genode's libc, as a
// GOOS=genode Go program must. See README.md for the rules and the Genode
// sources behind them.
package elfcheck

import (
	"debug/elf"
	"fmt"
	"os"
	"slices"
	"strings"

	"genodego/build/internal/elfhash"
	"genodego/syscalls"
)

// A Violation is one broken rule at one place in the binary.
type Violation struct {
	Rule    string `json:"rule"`    // one of Rules
	Where   string `json:"where"`   // section or segment, e.g. ".text", "PT_LOAD#2"
	Addr    uint64 `json:"addr"`    // virtual address (0 for file-level facts)
	Message string `json:"message"` // what is wrong and why Genode cares
}

// String formats v as "RULE where addr: message".
func (v Violation) String() string {
	return fmt.Sprintf("%s %s %#x: %s", v.Rule, v.Where, v.Addr, v.Message)
}

// Options tune a check.
type Options struct {
	// Table is the syscalls table imports are checked against; nil means
	// syscalls.Default().
	Table *syscalls.Table
}

// CheckFile reads and checks the file at path. A file that cannot be judged
// at all gives an *InputError naming the file.
func CheckFile(path string, opt Options) ([]Violation, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &InputError{File: path, Msg: err.Error()}
	}
	vs, err := Check(data, opt)
	if ie, ok := err.(*InputError); ok {
		ie.File = path
	}
	return vs, err
}

// Check checks an ELF image held in memory. It returns every violation of
// every rule, or an *InputError when data is no ELF64 little-endian x86-64
// or AArch64 file, or an error when the default syscalls table is broken.
func Check(data []byte, opt Options) ([]Violation, error) {
	f, err := parse(data)
	if err != nil {
		return nil, err
	}
	tab := opt.Table
	if tab == nil {
		if tab, err = syscalls.Default(); err != nil {
			return nil, fmt.Errorf("syscalls table: %v", err)
		}
	}
	c := &checker{f: f, tab: tab}
	c.header()
	c.interp()
	c.dynamic()
	c.segments()
	c.phnum()
	c.tls()
	c.main()
	c.needed()
	c.relocs()
	c.symbols()
	c.insns()
	return c.out, nil
}

type checker struct {
	f   *file
	tab *syscalls.Table
	out []Violation

	// From the dynamic section, as ld.lib.so would see it.
	dynWhere string
	dynAddr  uint64
	dyn      []dynEnt
	hash     []byte   // the whole DT_HASH table, if readable
	dynsyms  []symbol // DT_SYMTAB with DT_HASH's nchain entries, or .dynsym
	dynstr   []byte
	viaHash  bool // dynsyms were found the way ld.lib.so finds them
}

type dynEnt struct {
	tag  elf.DynTag
	val  uint64
	addr uint64
}

func (c *checker) report(rule, where string, addr uint64, format string, args ...any) {
	c.out = append(c.out, Violation{Rule: rule, Where: where, Addr: addr, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) loads() []*prog {
	var ps []*prog
	for i := range c.f.progs {
		if c.f.progs[i].typ == elf.PT_LOAD {
			ps = append(ps, &c.f.progs[i])
		}
	}
	return ps
}

// Rule 1.
func (c *checker) header() {
	f := c.f
	if f.typ != elf.ET_EXEC {
		c.report(RuleHeader, "ehdr", 0, "e_type is %v, want ET_EXEC: the binary must be a fixed-address executable, ld.lib.so anchors its linker area at its link address", f.typ)
	}
	if f.entry == 0 {
		c.report(RuleHeader, "ehdr", 0, "e_entry is 0: Genode's parent refuses a binary without entry point (repos/base/src/lib/base/elf_binary.cc), although ld.lib.so never jumps to it")
	}
	loads := c.loads()
	if len(loads) == 0 {
		c.report(RuleHeader, "phdr", 0, "no PT_LOAD segment")
		return
	}
	low := loads[0]
	for _, p := range loads[1:] {
		if p.vaddr < low.vaddr {
			low = p
		}
	}
	if low.vaddr != LinkAddress {
		c.report(RuleHeader, low.where(), low.vaddr, "lowest PT_LOAD is at %#x, want %#x: Genode links programs there and ld.lib.so places its linker area at the binary's first segment", low.vaddr, LinkAddress)
	}
}

// Rule 2.
func (c *checker) interp() {
	n := 0
	for i := range c.f.progs {
		p := &c.f.progs[i]
		if p.typ != elf.PT_INTERP {
			continue
		}
		n++
		b, _ := c.f.span(p.off, p.filesz) // checked by parse
		s, _, terminated := strings.Cut(string(b), "\x00")
		switch {
		case !terminated:
			c.report(RuleInterp, c.f.nameAt(p.vaddr, p.where()), p.vaddr, "PT_INTERP %q is not NUL-terminated", s)
		case s != Interpreter:
			c.report(RuleInterp, c.f.nameAt(p.vaddr, p.where()), p.vaddr, "PT_INTERP is %q, want %q: Genode's parent starts the program through ld.lib.so only then", s, Interpreter)
		}
	}
	if n == 0 {
		c.report(RuleInterp, "phdr", 0, "no PT_INTERP: without PT_INTERP %q Genode's parent loads the binary as a static program", Interpreter)
	}
}

// Rule 3; also collects the dynamic tables for the later rules.
func (c *checker) dynamic() {
	f := c.f
	var raw []byte
	found := false
	for i := range f.progs {
		if p := &f.progs[i]; p.typ == elf.PT_DYNAMIC {
			raw, _ = f.span(p.off, p.filesz) // in the file: checked by parse
			c.dynWhere, c.dynAddr = f.nameAt(p.vaddr, p.where()), p.vaddr
			found = true
			break
		}
	}
	if !found {
		c.report(RuleDynamic, "phdr", 0, "no PT_DYNAMIC: ld.lib.so refuses the binary as statically linked")
		// Read the section anyway so that the other rules can still judge.
		for i := range f.sects {
			if s := &f.sects[i]; s.typ == elf.SHT_DYNAMIC {
				raw, _ = f.sectData(s)
				c.dynWhere, c.dynAddr = s.where(), s.addr
				break
			}
		}
		if raw == nil {
			return
		}
	}
	terminated := false
	for off := 0; off+dynSize <= len(raw); off += dynSize {
		e := dynEnt{tag: elf.DynTag(int64(le.Uint64(raw[off:]))), val: le.Uint64(raw[off+8:]), addr: c.dynAddr + uint64(off)}
		if e.tag == elf.DT_NULL {
			terminated = true
			break
		}
		c.dyn = append(c.dyn, e)
	}
	if !terminated {
		c.report(RuleDynamic, c.dynWhere, c.dynAddr, "dynamic section has no DT_NULL terminator")
	}

	strtab, hasStr := c.tag(elf.DT_STRTAB)
	if !hasStr {
		c.report(RuleDynamic, c.dynWhere, c.dynAddr, "no DT_STRTAB")
	} else {
		off, n, ok := f.vaddrAvail(strtab)
		if !ok {
			c.report(RuleDynamic, c.dynWhere, strtab, "DT_STRTAB %#x lies in no PT_LOAD", strtab)
		} else {
			if sz, ok := c.tag(elf.DT_STRSZ); ok && sz < n {
				n = sz
			}
			c.dynstr, _ = f.span(off, n)
		}
	}
	symtab, hasSym := c.tag(elf.DT_SYMTAB)
	if !hasSym {
		c.report(RuleDynamic, c.dynWhere, c.dynAddr, "no DT_SYMTAB")
	}

	hash, hasHash := c.tag(elf.DT_HASH)
	if !hasHash {
		msg := "no DT_HASH: ld.lib.so finds symbols only through the SysV hash table"
		if _, gnu := c.tag(elf.DT_GNU_HASH); gnu {
			msg += " (DT_GNU_HASH is present but ld.lib.so ignores it)"
		}
		c.report(RuleDynamic, c.dynWhere, c.dynAddr, "%s", msg)
	} else if hdr, ok := f.vaddrSpan(hash, 8); !ok {
		c.report(RuleDynamic, c.f.nameAt(hash, ".hash"), hash, "DT_HASH %#x lies in no PT_LOAD", hash)
	} else {
		nbucket, nchain := uint64(le.Uint32(hdr)), uint64(le.Uint32(hdr[4:]))
		where := f.nameAt(hash, ".hash")
		if nbucket == 0 {
			c.report(RuleDynamic, where, hash, "DT_HASH has 0 buckets: ld.lib.so divides the hash by the bucket count")
		} else if tab, ok := f.vaddrSpan(hash, 8+4*(nbucket+nchain)); !ok {
			c.report(RuleDynamic, where, hash, "DT_HASH table (%d buckets, %d chains) runs past its segment", nbucket, nchain)
		} else {
			c.hash = tab
		}
		if hasSym {
			if off, n, ok := f.vaddrAvail(symtab); !ok {
				c.report(RuleDynamic, f.nameAt(symtab, ".dynsym"), symtab, "DT_SYMTAB %#x lies in no PT_LOAD", symtab)
			} else {
				if n/symSize < nchain {
					c.report(RuleDynamic, f.nameAt(symtab, ".dynsym"), symtab, "DT_HASH counts %d symbols but DT_SYMTAB has room for %d in its segment", nchain, n/symSize)
				}
				tab, _ := f.span(off, n)
				c.dynsyms = readSyms(tab, c.dynstr, nchain, symtab)
				c.viaHash = true
			}
		}
	}
	if !c.viaHash {
		// Without a usable hash table ld.lib.so could not resolve anything;
		// judge the symbols from the section headers instead.
		for i := range f.sects {
			s := &f.sects[i]
			if s.typ != elf.SHT_DYNSYM {
				continue
			}
			tab, ok := f.sectData(s)
			if !ok {
				break
			}
			var str []byte
			if int(s.link) < len(f.sects) {
				str, _ = f.sectData(&f.sects[s.link])
			}
			c.dynsyms = readSyms(tab, str, s.size/symSize, s.addr)
			break
		}
	}
}

// tag returns the value of the first dynamic entry with tag t.
func (c *checker) tag(t elf.DynTag) (uint64, bool) {
	for _, e := range c.dyn {
		if e.tag == t {
			return e.val, true
		}
	}
	return 0, false
}

func flagString(fl elf.ProgFlag) string {
	s := ""
	if fl&elf.PF_R != 0 {
		s += "R"
	}
	if fl&elf.PF_W != 0 {
		s += "W"
	}
	if fl&elf.PF_X != 0 {
		s += "X"
	}
	if s == "" {
		s = "none"
	}
	return s
}

// Rule 4.
func (c *checker) segments() {
	var prev *prog
	for _, p := range c.loads() {
		switch fl := p.flags & (elf.PF_R | elf.PF_W | elf.PF_X); {
		case fl == elf.PF_R|elf.PF_X, fl == elf.PF_R|elf.PF_W:
		case fl == elf.PF_R:
			c.report(RuleSegment, p.where(), p.vaddr, "read-only PT_LOAD (flags R): ld.lib.so loads only R+X and R+W segments (\"LD: Non-RW/RX segment\"); put read-only data into the R+X segment")
		case fl&elf.PF_W != 0 && fl&elf.PF_X != 0:
			c.report(RuleSegment, p.where(), p.vaddr, "PT_LOAD flags %s: writable and executable; ld.lib.so loads only R+X and R+W segments", flagString(fl))
		case fl&elf.PF_R == 0:
			c.report(RuleSegment, p.where(), p.vaddr, "PT_LOAD flags %s: not readable; ld.lib.so loads only R+X and R+W segments", flagString(fl))
		}
		if p.align%pageSize != 0 {
			c.report(RuleSegment, p.where(), p.vaddr, "p_align %#x is not a multiple of 4096: ld.lib.so refuses the segment (\"Unsupported alignment\")", p.align)
		}
		if prev != nil && p.vaddr < prev.vaddr {
			c.report(RuleSegment, p.where(), p.vaddr, "PT_LOAD below the previous one (%#x): ld.lib.so sizes the image from the first and the last PT_LOAD", prev.vaddr)
		}
		prev = p
	}
}

// Rule 5.
func (c *checker) phnum() {
	if c.f.phnum > MaxPhdr {
		c.report(RulePhnum, "phdr", 0, "%d program headers, ld.lib.so has room for %d (Linker::Phdr::MAX_PHDR) and copies them without a bound check", c.f.phnum, MaxPhdr)
	}
	if c.f.phnum > 0 && c.f.phentsize != phdrSize {
		c.report(RulePhnum, "phdr", 0, "e_phentsize is %d, want %d: ld.lib.so copies e_phentsize bytes into each %d-byte slot", c.f.phentsize, phdrSize, phdrSize)
	}
}

// Rule 6.
func (c *checker) tls() {
	for i := range c.f.progs {
		if p := &c.f.progs[i]; p.typ == elf.PT_TLS {
			c.report(RuleTLS, p.where(), p.vaddr, "PT_TLS segment: ld.lib.so sets up no thread-local storage")
		}
	}
	for i := range c.f.sects {
		if s := &c.f.sects[i]; s.flags&elf.SHF_TLS != 0 && s.flags&elf.SHF_ALLOC != 0 {
			c.report(RuleTLS, s.where(), s.addr, "thread-local section: ld.lib.so sets up no thread-local storage")
		}
	}
}

// lookupHash finds name through DT_HASH the way ld.lib.so's
// Dynamic::lookup_symbol does: only NOTYPE, OBJECT and FUNC symbols with a
// non-zero value match.
func (c *checker) lookupHash(name string) bool {
	if len(c.hash) < 8 {
		return false
	}
	nbucket, nchain := uint64(le.Uint32(c.hash)), uint64(le.Uint32(c.hash[4:]))
	if nbucket == 0 {
		return false
	}
	idx := uint64(le.Uint32(c.hash[8+4*(uint64(elfhash.SysV(name))%nbucket):]))
	for steps := uint64(0); idx != 0 && idx < nchain && steps <= nchain; steps++ {
		if idx < uint64(len(c.dynsyms)) {
			s := &c.dynsyms[idx]
			if s.typ() <= elf.STT_FUNC && s.value != 0 && s.name == name {
				return true
			}
		}
		idx = uint64(le.Uint32(c.hash[8+4*(nbucket+idx):]))
	}
	return false
}

// Rule 7.
func (c *checker) main() {
	var found *symbol
	for i := range c.dynsyms {
		if s := &c.dynsyms[i]; s.name == "main" {
			if found == nil || (!found.defined() && s.defined()) {
				found = s
			}
		}
	}
	where := ".dynsym"
	switch {
	case found == nil:
		c.report(RuleMain, where, 0, "no symbol main in .dynsym: posix.lib.so calls main through ld.lib.so, so the program must export it")
	case !found.defined():
		c.report(RuleMain, where, found.addr, "main is undefined in .dynsym: the program must define and export it for posix.lib.so")
	case found.bind() == elf.STB_LOCAL:
		c.report(RuleMain, where, found.addr, "main is a local symbol: posix.lib.so cannot find it")
	case found.typ() > elf.STT_FUNC:
		c.report(RuleMain, where, found.addr, "main has symbol type %v: ld.lib.so matches only NOTYPE, OBJECT and FUNC", found.typ())
	case found.value == 0:
		c.report(RuleMain, where, found.addr, "main has value 0: ld.lib.so skips symbols with value 0")
	case c.viaHash && len(c.hash) > 0 && !c.lookupHash("main"):
		c.report(RuleMain, where, found.addr, "main is in .dynsym but not reachable through DT_HASH, where ld.lib.so looks it up")
	}
}

// Rule 8.
func (c *checker) needed() {
	have := map[string]bool{}
	for _, e := range c.dyn {
		if e.tag != elf.DT_NEEDED {
			continue
		}
		name := "?"
		if e.val < uint64(len(c.dynstr)) {
			name, _, _ = strings.Cut(string(c.dynstr[e.val:]), "\x00")
		}
		have[name] = true
		if !slices.Contains(allowedNeeded, name) {
			c.report(RuleNeeded, c.dynWhere, e.addr, "DT_NEEDED %q: a Go program may need only %s", name, strings.Join(allowedNeeded, ", "))
		}
	}
	for _, want := range requiredNeeded {
		if !have[want] {
			c.report(RuleNeeded, c.dynWhereOr(), c.dynAddr, "no DT_NEEDED %q", want)
		}
	}
}

func (c *checker) dynWhereOr() string {
	if c.dynWhere == "" {
		return "phdr"
	}
	return c.dynWhere
}

// Rule 9.
func (c *checker) relocs() {
	f := c.f
	set := relocTypes[f.machine]
	type table struct {
		name       string // DT_RELA, DT_JMPREL or the section name
		addr, size uint64
		data       []byte
		plt        bool
	}
	var tabs []table
	dtTable := func(addrTag, sizeTag elf.DynTag, plt bool) {
		addr, ok1 := c.tag(addrTag)
		size, ok2 := c.tag(sizeTag)
		if !ok1 && !ok2 || size == 0 {
			return
		}
		name := addrTag.String()
		if !ok1 {
			c.report(RuleReloc, c.dynWhere, c.dynAddr, "%v without %v", sizeTag, addrTag)
			return
		}
		data, ok := f.vaddrSpan(addr, size)
		if !ok {
			c.report(RuleReloc, f.nameAt(addr, name), addr, "%s table (%d bytes at %#x) lies in no PT_LOAD", name, size, addr)
		}
		tabs = append(tabs, table{name: f.nameAt(addr, name), addr: addr, size: size, data: data, plt: plt})
	}
	dtTable(elf.DT_RELA, elf.DT_RELASZ, false)
	if sz, _ := c.tag(elf.DT_PLTRELSZ); sz > 0 {
		if kind, ok := c.tag(elf.DT_PLTREL); !ok {
			c.report(RuleReloc, c.dynWhere, c.dynAddr, "DT_PLTRELSZ without DT_PLTREL: ld.lib.so refuses PLT relocations of unknown kind")
		} else if elf.DynTag(kind) != elf.DT_RELA {
			c.report(RuleReloc, c.dynWhere, c.dynAddr, "DT_PLTREL is %v, want DT_RELA: ld.lib.so supports only RELA PLT relocations", elf.DynTag(kind))
		}
	}
	dtTable(elf.DT_JMPREL, elf.DT_PLTRELSZ, true)
	if addr, ok := c.tag(elf.DT_REL); ok {
		c.report(RuleReloc, f.nameAt(addr, "DT_REL"), addr, "DT_REL table: ld.lib.so supports only RELA relocations (\"DT_REL not supported\")")
	}
	if ent, ok := c.tag(elf.DT_RELAENT); ok && ent != relaSize {
		c.report(RuleReloc, c.dynWhere, c.dynAddr, "DT_RELAENT is %d, want %d", ent, relaSize)
	}
	// Allocated relocation sections the dynamic section does not list are
	// checked too (a .rela.plt the linker forgot to point DT_JMPREL at).
	for i := range f.sects {
		s := &f.sects[i]
		if s.flags&elf.SHF_ALLOC == 0 || (s.typ != elf.SHT_RELA && s.typ != elf.SHT_REL) || s.size == 0 {
			continue
		}
		covered := false
		for _, t := range tabs {
			if s.addr >= t.addr && s.addr-t.addr < t.size {
				covered = true
			}
		}
		if covered {
			continue
		}
		if s.typ == elf.SHT_REL {
			c.report(RuleReloc, s.where(), s.addr, "REL relocation section: ld.lib.so supports only RELA relocations")
			continue
		}
		data, _ := f.sectData(s)
		tabs = append(tabs, table{name: s.where(), addr: s.addr, size: s.size, data: data, plt: s.name == ".rela.plt"})
	}

	for _, t := range tabs {
		if t.data == nil {
			continue
		}
		if t.size%relaSize != 0 {
			c.report(RuleReloc, t.name, t.addr, "relocation table size %d is not a multiple of %d", t.size, relaSize)
		}
		allowed := set.nonPLT
		if t.plt {
			allowed = set.plt
		}
		type bad struct {
			count int
			first uint64
		}
		bads := map[uint32]*bad{}
		var order []uint32
		for off := 0; off+relaSize <= len(t.data); off += relaSize {
			typ := uint32(le.Uint64(t.data[off+8:]))
			if slices.Contains(allowed, typ) {
				continue
			}
			b := bads[typ]
			if b == nil {
				b = &bad{first: le.Uint64(t.data[off:])}
				bads[typ] = b
				order = append(order, typ)
			}
			b.count++
		}
		var names []string
		for _, a := range allowed {
			names = append(names, relocName(f.machine, a))
		}
		kind := "non-PLT (DT_RELA)"
		if t.plt {
			kind = "PLT (DT_JMPREL)"
		}
		for _, typ := range order {
			b := bads[typ]
			c.report(RuleReloc, t.name, b.first, "%s (type %d) in a %s table: ld.lib.so implements only %s there (%d such relocations, first at %#x)",
				relocName(f.machine, typ), typ, kind, strings.Join(names, ", "), b.count, b.first)
		}
	}
}

// Rule 10.
func (c *checker) symbols() {
	for i := range c.dynsyms {
		s := &c.dynsyms[i]
		if i == 0 || s.defined() || s.name == "" || s.name == "main" {
			continue
		}
		e, ok := c.tab.Lookup(s.name)
		switch {
		case !ok:
			c.report(RuleSymbol, ".dynsym", s.addr, "undefined symbol %s not in syscalls table", s.name)
		case e.Status == syscalls.Missing:
			c.report(RuleSymbol, ".dynsym", s.addr, "%s is missing in Genode's libc (table line %d)", s.name, e.Line)
		}
	}
}
