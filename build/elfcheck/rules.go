package elfcheck

import "debug/elf"

// Rule names as they appear at the start of each violation line.
const (
	RuleHeader  = "HEADER"  // 1: ELF64 LE ET_EXEC x86-64/AArch64, entry, link address
	RuleInterp  = "INTERP"  // 2: PT_INTERP is ld.lib.so
	RuleDynamic = "DYNAMIC" // 3: PT_DYNAMIC with DT_HASH (and the tables it needs)
	RuleSegment = "SEGMENT" // 4: PT_LOADs are R+X or R+W, page-aligned, in order
	RulePhnum   = "PHNUM"   // 5: at most 10 program headers
	RuleTLS     = "TLS"     // 6: no PT_TLS
	RuleMain    = "MAIN"    // 7: main defined and exported in .dynsym
	RuleNeeded  = "NEEDED"  // 8: DT_NEEDED within libc/libm/posix, with libc and posix
	RuleReloc   = "RELOC"   // 9: only relocation types ld.lib.so implements
	RuleSymbol  = "SYMBOL"  // 10: every import is in the syscalls table and not missing
	RuleInsn    = "INSN"    // 11: no system-call or TLS-register instructions
)

// Rules lists every rule name in report order.
var Rules = []string{
	RuleHeader, RuleInterp, RuleDynamic, RuleSegment, RulePhnum, RuleTLS,
	RuleMain, RuleNeeded, RuleReloc, RuleSymbol, RuleInsn,
}

const (
	// LinkAddress is where Genode links programs (LD_TEXT_ADDR in
	// repos/base/mk/prg.mk); ld.lib.so anchors its linker area there
	// (repos/base/src/lib/ldso/include/file.h, Region_map::construct).
	LinkAddress = 0x01000000

	// Interpreter is the only PT_INTERP the parent starts dynamically
	// (repos/base/src/lib/base/elf_binary.cc).
	Interpreter = "ld.lib.so"

	// MaxPhdr is Linker::Phdr::MAX_PHDR (repos/base/src/lib/ldso/include/file.h):
	// e_phnum program headers are copied into an array of this size.
	MaxPhdr = 10

	pageSize = 0x1000
)

// Libraries a Go program may need, and those it must need: libc for every
// OS service, posix.lib.so because it calls main.
var (
	allowedNeeded  = []string{"libc.lib.so", "libm.lib.so", "posix.lib.so"}
	requiredNeeded = []string{"libc.lib.so", "posix.lib.so"}
)

// relocTypes lists the relocation types Genode's ld.lib.so implements, per
// machine and per table. Source: genodelabs/genode
//
//	repos/base/src/lib/ldso/spec/x86_64/relocation.h
//	repos/base/src/lib/ldso/spec/arm_64/relocation.h
//	repos/base/src/lib/ldso/include/relocation_generic.h
//
// Reloc_non_plt (the DT_RELA table) accepts R_64, R_GLOB_DAT, R_COPY and
// R_RELATIVE and throws Incompatible for anything else; Reloc_plt_generic
// (the DT_JMPREL table) accepts only R_JMPSLOT and only as DT_PLTREL ==
// DT_RELA. DT_REL tables are refused outright ("DT_REL not supported").
type relocSet struct {
	nonPLT []uint32
	plt    []uint32
}

var relocTypes = map[elf.Machine]relocSet{
	elf.EM_X86_64: {
		nonPLT: []uint32{
			uint32(elf.R_X86_64_64),       // 1
			uint32(elf.R_X86_64_COPY),     // 5
			uint32(elf.R_X86_64_GLOB_DAT), // 6
			uint32(elf.R_X86_64_RELATIVE), // 8
		},
		plt: []uint32{uint32(elf.R_X86_64_JMP_SLOT)}, // 7
	},
	elf.EM_AARCH64: {
		nonPLT: []uint32{
			uint32(elf.R_AARCH64_ABS64),    // 257
			uint32(elf.R_AARCH64_COPY),     // 1024
			uint32(elf.R_AARCH64_GLOB_DAT), // 1025
			uint32(elf.R_AARCH64_RELATIVE), // 1027
		},
		plt: []uint32{uint32(elf.R_AARCH64_JUMP_SLOT)}, // 1026
	},
}

// relocName names a relocation type of machine m.
func relocName(m elf.Machine, t uint32) string {
	switch m {
	case elf.EM_X86_64:
		return elf.R_X86_64(t).String()
	case elf.EM_AARCH64:
		return elf.R_AARCH64(t).String()
	}
	return "unknown"
}
