package elfcheck

import (
	"debug/elf"
	"fmt"
	"sort"

	"golang.org/x/arch/arm64/arm64asm"
	"golang.org/x/arch/x86/x86asm"
)

// codeRange is a stretch of executable bytes at a virtual address.
type codeRange struct {
	where string
	addr  uint64
	code  []byte
}

// codeRanges returns the executable sections, or the R+X PT_LOADs of a file
// without section headers.
func (c *checker) codeRanges() []codeRange {
	var rs []codeRange
	if len(c.f.sects) > 0 {
		for i := range c.f.sects {
			s := &c.f.sects[i]
			if s.flags&elf.SHF_EXECINSTR == 0 {
				continue
			}
			if b, ok := c.f.sectData(s); ok && len(b) > 0 {
				rs = append(rs, codeRange{where: s.where(), addr: s.addr, code: b})
			}
		}
		return rs
	}
	for _, p := range c.loads() {
		if p.flags&elf.PF_X == 0 {
			continue
		}
		if b, ok := c.f.span(p.off, p.filesz); ok && len(b) > 0 {
			rs = append(rs, codeRange{where: p.where(), addr: p.vaddr, code: b})
		}
	}
	return rs
}

// funcs is the .symtab function index for naming hit addresses.
type funcs []symbol

func (c *checker) funcIndex() funcs {
	var fs funcs
	for i := range c.f.sects {
		s := &c.f.sects[i]
		if s.typ != elf.SHT_SYMTAB {
			continue
		}
		tab, ok := c.f.sectData(s)
		if !ok {
			continue
		}
		var str []byte
		if int(s.link) < len(c.f.sects) {
			str, _ = c.f.sectData(&c.f.sects[s.link])
		}
		for _, sym := range readSyms(tab, str, s.size/symSize, 0) {
			if sym.typ() == elf.STT_FUNC && sym.defined() && sym.name != "" {
				fs = append(fs, sym)
			}
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].value < fs[j].value })
	return fs
}

// name returns " in fn+0xoff" for the function containing addr, or "".
func (fs funcs) name(addr uint64) string {
	i := sort.Search(len(fs), func(i int) bool { return fs[i].value > addr }) - 1
	if i < 0 {
		return ""
	}
	s := &fs[i]
	if s.size != 0 && addr-s.value >= s.size {
		return ""
	}
	if addr == s.value {
		return " in " + s.name
	}
	return fmt.Sprintf(" in %s+%#x", s.name, addr-s.value)
}

// Rule 11.
func (c *checker) insns() {
	ranges := c.codeRanges()
	if len(ranges) == 0 {
		return
	}
	fs := c.funcIndex()
	for _, r := range ranges {
		switch c.f.machine {
		case elf.EM_X86_64:
			c.scanAMD64(r, fs)
		case elf.EM_AARCH64:
			c.scanARM64(r, fs)
		}
	}
}

func (c *checker) insnHit(r codeRange, fs funcs, off int, what, why string) {
	addr := r.addr + uint64(off)
	c.report(RuleInsn, r.where, addr, "%s%s: %s", what, fs.name(addr), why)
}

const (
	whySyscall = "Genode programs reach the OS only through libc calls, never by system-call instructions"
	whyTLS     = "ld.lib.so sets up no TLS, and on Genode the FS/GS bases are not the program's"
	whyTPIDR   = "ld.lib.so sets up no TLS; g must stay in R28"
)

// scanAMD64 sweeps linearly; bytes that do not decode are skipped one by one.
func (c *checker) scanAMD64(r codeRange, fs funcs) {
	code := r.code
	for off := 0; off < len(code); {
		if n := adxLen(code[off:]); n > 0 {
			off += n
			continue
		}
		inst, err := x86asm.Decode(code[off:], 64)
		if err != nil || inst.Len == 0 {
			off++
			continue
		}
		switch inst.Op {
		case x86asm.SYSCALL, x86asm.SYSENTER:
			c.insnHit(r, fs, off, "`"+lower(inst.Op.String())+"` instruction", whySyscall)
		case x86asm.INT:
			if imm, ok := inst.Args[0].(x86asm.Imm); ok && imm == 0x80 {
				c.insnHit(r, fs, off, "`int 0x80` instruction", whySyscall)
			}
		case x86asm.RDFSBASE, x86asm.WRFSBASE, x86asm.RDGSBASE, x86asm.WRGSBASE, x86asm.SWAPGS:
			c.insnHit(r, fs, off, "`"+lower(inst.Op.String())+"` instruction", whyTLS)
		default:
			if seg := segPrefix(inst); seg != "" {
				c.insnHit(r, fs, off, fmt.Sprintf("%s segment override on `%s`", seg, x86asm.GNUSyntax(inst, r.addr+uint64(off), nil)), whyTLS)
			}
		}
		off += inst.Len
	}
}

// adxLen returns the length of an ADCX or ADOX instruction at the start of b
// ([66|F3] [REX] 0F 38 F6 modrm), or 0. x86asm does not know them and decodes
// the 66/F3 as a lone prefix, which desynchronises the sweep (a following
// modrm byte 0x64 then reads as an FS override).
func adxLen(b []byte) int {
	if len(b) < 5 || (b[0] != 0x66 && b[0] != 0xF3) {
		return 0
	}
	i := 1
	if b[i]&0xF0 == 0x40 {
		i++
	}
	if len(b) < i+4 || b[i] != 0x0F || b[i+1] != 0x38 || b[i+2] != 0xF6 {
		return 0
	}
	i += 3
	modrm := b[i]
	i++
	mod, rm := modrm>>6, modrm&7
	if mod != 3 && rm == 4 { // SIB
		if len(b) <= i {
			return 0
		}
		if mod == 0 && b[i]&7 == 5 {
			i += 4
		}
		i++
	}
	switch {
	case mod == 1:
		i++
	case mod == 2 || mod == 0 && rm == 5:
		i += 4
	}
	if i > len(b) {
		return 0
	}
	return i
}

// segPrefix reports an FS or GS override prefix or memory operand.
func segPrefix(inst x86asm.Inst) string {
	for _, p := range inst.Prefix {
		if p == 0 {
			break
		}
		// x86asm keeps the VEX/EVEX payload bytes in the prefix slots
		// after the VEX/EVEX byte (an EVEX P1 of 0x65 is no GS prefix);
		// legacy prefixes all come before it.
		if b := p & 0xFF; b == x86asm.PrefixVEX2Bytes || b == x86asm.PrefixVEX3Bytes || b == x86asm.PrefixEVEX {
			break
		}
		switch p &^ (x86asm.PrefixImplicit | x86asm.PrefixIgnored | x86asm.PrefixInvalid) {
		case x86asm.PrefixFS:
			return "FS"
		case x86asm.PrefixGS:
			return "GS"
		}
	}
	for _, a := range inst.Args {
		if m, ok := a.(x86asm.Mem); ok && (m.Segment == x86asm.FS || m.Segment == x86asm.GS) {
			return m.Segment.String()
		}
	}
	return ""
}

// System registers as arm64asm prints them (op0_op1_Cn_Cm_op2).
const (
	sysregTPIDR   = "S3_3_C13_C0_2" // TPIDR_EL0
	sysregTPIDRRO = "S3_3_C13_C0_3" // TPIDRRO_EL0
)

func (c *checker) scanARM64(r codeRange, fs funcs) {
	code := r.code
	for off := 0; off+4 <= len(code); off += 4 {
		inst, err := arm64asm.Decode(code[off : off+4])
		if err != nil {
			continue
		}
		switch inst.Op {
		case arm64asm.SVC:
			c.insnHit(r, fs, off, "`svc` instruction", whySyscall)
		case arm64asm.MRS, arm64asm.MSR:
			for _, a := range inst.Args {
				sr, ok := a.(arm64asm.Systemreg)
				if !ok {
					continue
				}
				name := ""
				switch sr.String() {
				case sysregTPIDR:
					name = "TPIDR_EL0"
				case sysregTPIDRRO:
					name = "TPIDRRO_EL0"
				}
				if name != "" {
					c.insnHit(r, fs, off, fmt.Sprintf("`%s` of %s", lower(inst.Op.String()), name), whyTPIDR)
				}
			}
		}
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			b[i] = ch + 'a' - 'A'
		}
	}
	return string(b)
}
