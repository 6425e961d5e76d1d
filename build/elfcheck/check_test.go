package elfcheck

import (
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"genodego/build/internal/elftest"
	"genodego/syscalls"
)

// testTable is a small syscalls table so the tests do not follow the real
// one as it grows.
const testTable = "# test table\n" +
	"write\timplemented\trepos/libports/src/lib/libc/vfs_plugin.cc\truntime\tssize_t write(int fd, const void *buf, size_t nbytes)\t\n" +
	"exit\timplemented\trepos/libports/src/lib/libc/exit.cc\truntime\tvoid exit(int status)\t\n" +
	"dup3\tmissing\trepos/libports/lib/symbols/libc\t-\tint dup3(int oldd, int newd, int flags)\t\n"

func table(t testing.TB) *syscalls.Table {
	t.Helper()
	tab, err := syscalls.Parse(strings.NewReader(testTable))
	if err != nil {
		t.Fatalf("test table: %v", err)
	}
	return tab
}

func check(t *testing.T, data []byte) []Violation {
	t.Helper()
	vs, err := Check(data, Options{Table: table(t)})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return vs
}

func rulesOf(vs []Violation) []string {
	var rs []string
	for _, v := range vs {
		if !slices.Contains(rs, v.Rule) {
			rs = append(rs, v.Rule)
		}
	}
	return rs
}

func dump(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("\n\t" + v.String())
	}
	return b.String()
}

func TestGoodELF(t *testing.T) {
	for _, m := range []elf.Machine{elf.EM_X86_64, elf.EM_AARCH64} {
		t.Run(m.String(), func(t *testing.T) {
			data := elftest.Good(m).Build()
			if vs := check(t, data); len(vs) != 0 {
				t.Errorf("good ELF has violations:%s", dump(vs))
			}
			// debug/elf must agree that the builder writes sane ELF.
			ef, err := elf.NewFile(strings.NewReader(string(data)))
			if err != nil {
				t.Fatalf("debug/elf: %v", err)
			}
			libs, err := ef.ImportedLibraries()
			if err != nil || !slices.Equal(libs, []string{"libc.lib.so", "posix.lib.so"}) {
				t.Errorf("ImportedLibraries = %v, %v", libs, err)
			}
			syms, err := ef.DynamicSymbols()
			if err != nil || len(syms) != 3 || syms[2].Name != "main" {
				t.Errorf("DynamicSymbols = %v, %v", syms, err)
			}
		})
	}
}

func TestGoodELFWithoutSections(t *testing.T) {
	s := elftest.Good(elf.EM_X86_64)
	s.NoSections = true
	if vs := check(t, s.Build()); len(vs) != 0 {
		t.Errorf("violations:%s", dump(vs))
	}
}

// Each case breaks one rule of a good binary; exactly that rule must fire.
func TestEachRule(t *testing.T) {
	amd := func(mod func(*elftest.Spec)) elftest.Spec {
		s := elftest.Good(elf.EM_X86_64)
		mod(&s)
		return s
	}
	arm := func(mod func(*elftest.Spec)) elftest.Spec {
		s := elftest.Good(elf.EM_AARCH64)
		mod(&s)
		return s
	}
	textWith := func(s *elftest.Spec, insn ...byte) {
		s.Text = append(append([]byte{0x55, 0x48, 0x89, 0xe5}, insn...), 0x5d, 0xc3)
		s.Funcs = []elftest.Func{{Name: "main.hello", Size: uint64(len(s.Text))}}
	}
	armText := func(s *elftest.Spec, words ...uint32) {
		s.Text = elftest.ARM64(append(append([]uint32{0xd503201f}, words...), 0xd65f03c0)...)
		s.Funcs = []elftest.Func{{Name: "main.hello", Size: uint64(len(s.Text))}}
	}
	cases := []struct {
		name string
		spec elftest.Spec
		rule string
		msg  string // substring of one violation's message
	}{
		{"base", amd(func(s *elftest.Spec) { s.Base = 0x400000 }), RuleHeader, "want 0x1000000"},
		{"et_dyn", amd(func(s *elftest.Spec) { s.Type = elf.ET_DYN }), RuleHeader, "ET_DYN"},
		{"no_entry", amd(func(s *elftest.Spec) { s.NoEntry = true }), RuleHeader, "e_entry is 0"},
		{"interp_linux", amd(func(s *elftest.Spec) { s.Interp = "/lib64/ld-linux-x86-64.so.2" }), RuleInterp, `"/lib64/ld-linux-x86-64.so.2"`},
		{"no_interp", amd(func(s *elftest.Spec) { s.Interp = "" }), RuleInterp, "no PT_INTERP"},
		{"no_hash", amd(func(s *elftest.Spec) { s.NoHash = true }), RuleDynamic, "no DT_HASH"},
		{"no_pt_dynamic", amd(func(s *elftest.Spec) { s.NoDynamicPhdr = true }), RuleDynamic, "no PT_DYNAMIC"},
		{"readonly_load", amd(func(s *elftest.Spec) { s.TextFlags = elf.PF_R }), RuleSegment, "read-only"},
		{"wx_load", amd(func(s *elftest.Spec) { s.DataFlags = elf.PF_R | elf.PF_W | elf.PF_X }), RuleSegment, "RWX"},
		{"unreadable_load", amd(func(s *elftest.Spec) { s.TextFlags = elf.PF_X }), RuleSegment, "not readable"},
		{"align", amd(func(s *elftest.Spec) { s.TextAlign = 0x10 }), RuleSegment, "p_align"},
		{"phnum", amd(func(s *elftest.Spec) { s.ExtraPhdrs = 7 }), RulePhnum, "11 program headers"},
		{"tls", amd(func(s *elftest.Spec) { s.TLS = true }), RuleTLS, "PT_TLS"},
		{"no_main", amd(func(s *elftest.Spec) { s.NoMain = true }), RuleMain, "no symbol main"},
		{"main_undef", amd(func(s *elftest.Spec) { s.MainUndef = true }), RuleMain, "main is undefined"},
		{"needed_extra", amd(func(s *elftest.Spec) { s.Needed = append(s.Needed, "libpthread.so.0") }), RuleNeeded, `"libpthread.so.0"`},
		{"needed_no_posix", amd(func(s *elftest.Spec) { s.Needed = []string{"libc.lib.so", "libm.lib.so"} }), RuleNeeded, `no DT_NEEDED "posix.lib.so"`},
		{"reloc_tls", amd(func(s *elftest.Spec) {
			s.RelaDyn = append(s.RelaDyn, elftest.Rel{Type: uint32(elf.R_X86_64_TPOFF64), Sym: 1})
		}), RuleReloc, "R_X86_64_TPOFF64"},
		{"reloc_jmpslot_in_rela", amd(func(s *elftest.Spec) {
			s.RelaDyn = append(s.RelaDyn, elftest.Rel{Type: uint32(elf.R_X86_64_JMP_SLOT), Sym: 1})
		}), RuleReloc, "R_X86_64_JMP_SLOT (type 7) in a non-PLT"},
		{"reloc_globdat_in_plt", amd(func(s *elftest.Spec) {
			s.RelaPlt = append(s.RelaPlt, elftest.Rel{Type: uint32(elf.R_X86_64_GLOB_DAT), Sym: 2})
		}), RuleReloc, "in a PLT"},
		{"reloc_arm64_tls", arm(func(s *elftest.Spec) {
			s.RelaDyn = append(s.RelaDyn, elftest.Rel{Type: uint32(elf.R_AARCH64_TLS_TPREL64), Sym: 1})
		}), RuleReloc, "R_AARCH64_TLS_TPREL64"},
		{"symbol_unknown", amd(func(s *elftest.Spec) { s.Imports = append(s.Imports, "epoll_wait") }), RuleSymbol, "undefined symbol epoll_wait not in syscalls table"},
		{"symbol_missing", amd(func(s *elftest.Spec) { s.Imports = append(s.Imports, "dup3") }), RuleSymbol, "dup3 is missing in Genode's libc (table line 4)"},
		{"syscall", amd(func(s *elftest.Spec) { textWith(s, 0x0f, 0x05) }), RuleInsn, "`syscall` instruction in main.hello+0x4"},
		{"sysenter", amd(func(s *elftest.Spec) { textWith(s, 0x0f, 0x34) }), RuleInsn, "`sysenter`"},
		{"int80", amd(func(s *elftest.Spec) { textWith(s, 0xcd, 0x80) }), RuleInsn, "`int 0x80`"},
		{"fs_load", amd(func(s *elftest.Spec) { textWith(s, 0x64, 0x48, 0x8b, 0x04, 0x25, 0xf8, 0xff, 0xff, 0xff) }), RuleInsn, "FS segment override"},
		{"gs_load", amd(func(s *elftest.Spec) { textWith(s, 0x65, 0x48, 0x8b, 0x04, 0x25, 0x30, 0, 0, 0) }), RuleInsn, "GS segment override"},
		{"fs_prefix_nop", amd(func(s *elftest.Spec) { textWith(s, 0x64, 0x90) }), RuleInsn, "FS segment override"},
		{"rdfsbase", amd(func(s *elftest.Spec) { textWith(s, 0xf3, 0x48, 0x0f, 0xae, 0xc0) }), RuleInsn, "`rdfsbase`"},
		{"wrgsbase", amd(func(s *elftest.Spec) { textWith(s, 0xf3, 0x48, 0x0f, 0xae, 0xd8) }), RuleInsn, "`wrgsbase`"},
		{"swapgs", amd(func(s *elftest.Spec) { textWith(s, 0x0f, 0x01, 0xf8) }), RuleInsn, "`swapgs`"},
		{"no_sections_syscall", amd(func(s *elftest.Spec) { textWith(s, 0x0f, 0x05); s.NoSections = true }), RuleInsn, "`syscall`"},
		// An EVEX payload byte 0x65 is not a GS prefix: vpermb zmm1,zmm3,zmm0 next to a real one.
		{"evex_not_gs", amd(func(s *elftest.Spec) {
			textWith(s, 0x62, 0xf2, 0x65, 0x48, 0x8d, 0xc8, 0x65, 0x48, 0x8b, 0x04, 0x25, 0x30, 0, 0, 0)
		}), RuleInsn, "GS segment override on `mov %gs:0x30,%rax` in main.hello+0xa"},
		// A VEX-encoded instruction with an FS prefix in front of it.
		{"vex_fs", amd(func(s *elftest.Spec) { textWith(s, 0x64, 0xc5, 0xfd, 0x6f, 0x00) }), RuleInsn, "FS segment override"},
		{"arm64_svc", arm(func(s *elftest.Spec) { armText(s, 0xd4000001) }), RuleInsn, "`svc` instruction in main.hello+0x4"},
		{"arm64_mrs_tpidr", arm(func(s *elftest.Spec) { armText(s, 0xd53bd040) }), RuleInsn, "`mrs` of TPIDR_EL0"},
		{"arm64_msr_tpidr", arm(func(s *elftest.Spec) { armText(s, 0xd51bd040) }), RuleInsn, "`msr` of TPIDR_EL0"},
		{"arm64_mrs_tpidrro", arm(func(s *elftest.Spec) { armText(s, 0xd53bd060) }), RuleInsn, "TPIDRRO_EL0"},
	}
	fired := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vs := check(t, tc.spec.Build())
			if rs := rulesOf(vs); !slices.Equal(rs, []string{tc.rule}) {
				t.Fatalf("rules %v, want exactly [%s]:%s", rs, tc.rule, dump(vs))
			}
			found := false
			for _, v := range vs {
				line := v.String()
				if !strings.HasPrefix(line, tc.rule+" ") {
					t.Errorf("line %q does not start with the rule name", line)
				}
				if strings.Contains(v.Message, tc.msg) {
					found = true
				}
			}
			if !found {
				t.Errorf("no message contains %q:%s", tc.msg, dump(vs))
			}
			fired[tc.rule] = true
		})
	}
	for _, r := range Rules {
		if !fired[r] {
			t.Errorf("no test case fires rule %s", r)
		}
	}
}

func TestAllViolationsReported(t *testing.T) {
	s := elftest.Good(elf.EM_X86_64)
	s.Base = 0x400000
	s.Interp = "/lib/ld.so"
	s.TLS = true
	s.Imports = append(s.Imports, "epoll_wait", "dup3")
	s.Text = []byte{0x0f, 0x05, 0x0f, 0x05, 0xc3}
	vs := check(t, s.Build())
	want := []string{RuleHeader, RuleInterp, RuleTLS, RuleSymbol, RuleInsn}
	if rs := rulesOf(vs); !slices.Equal(rs, want) {
		t.Errorf("rules %v, want %v:%s", rs, want, dump(vs))
	}
	n := 0
	for _, v := range vs {
		if v.Rule == RuleInsn || v.Rule == RuleSymbol {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d INSN+SYMBOL violations, want 4 (two syscalls, two symbols):%s", n, dump(vs))
	}
}

func TestBadInput(t *testing.T) {
	good := elftest.Good(elf.EM_X86_64).Build()
	mod := func(f func(b []byte) []byte) []byte {
		return f(slices.Clone(good))
	}
	cases := []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "not an ELF"},
		{"text", []byte("#!/bin/sh\necho hi\n"), "not an ELF"},
		{"short_ident", []byte("\x7fELF\x02\x01"), "truncated"},
		{"short_header", good[:40], "truncated"},
		{"class32", mod(func(b []byte) []byte { b[elf.EI_CLASS] = byte(elf.ELFCLASS32); return b }), "32-bit"},
		{"class_bad", mod(func(b []byte) []byte { b[elf.EI_CLASS] = 9; return b }), "unknown ELF class"},
		{"bigendian", mod(func(b []byte) []byte { b[elf.EI_DATA] = byte(elf.ELFDATA2MSB); return b }), "big-endian"},
		{"machine", mod(func(b []byte) []byte { b[18] = byte(elf.EM_RISCV); b[19] = 0; return b }), "unsupported machine"},
		{"phdrs_cut", good[:100], "truncated"},
		{"segment_cut", good[:0x800], "truncated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vs, err := Check(tc.data, Options{Table: table(t)})
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Check = %v, %v; want an *InputError", vs, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
	// CheckFile names the file.
	p := filepath.Join(t.TempDir(), "notelf")
	os.WriteFile(p, []byte("hello"), 0o644)
	_, err := CheckFile(p, Options{Table: table(t)})
	if err == nil || !strings.HasPrefix(err.Error(), p+": ") {
		t.Errorf("CheckFile error %v does not start with the file name", err)
	}
}

// A real Go binary for Linux must fail with the expected rules and must not
// upset the checker.
func TestLinuxGoBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		if gobin, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command")
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o644)
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			out := filepath.Join(dir, "hello-"+arch)
			cmd := exec.Command(gobin, "build", "-o", out, ".")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=")
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, b)
			}
			vs, err := CheckFile(out, Options{Table: table(t)})
			if err != nil {
				t.Fatal(err)
			}
			rs := rulesOf(vs)
			for _, want := range []string{RuleHeader, RuleInterp, RuleDynamic, RuleSegment, RuleMain, RuleNeeded, RuleInsn} {
				if !slices.Contains(rs, want) {
					t.Errorf("rule %s did not fire; got %v", want, rs)
				}
			}
			for _, not := range []string{RulePhnum, RuleReloc, RuleSymbol} {
				if slices.Contains(rs, not) {
					t.Errorf("rule %s fired unexpectedly", not)
				}
			}
			syscallInsn := "`syscall`"
			if arch == "arm64" {
				syscallInsn = "`svc`"
			}
			found := false
			for _, v := range vs {
				if v.Rule == RuleInsn && strings.Contains(v.Message, syscallInsn) && strings.Contains(v.Message, " in ") {
					found = true
				}
			}
			if !found {
				t.Errorf("no INSN violation for %s with a function name", syscallInsn)
			}
			t.Logf("%d violations; rules %v", len(vs), rs)
		})
	}
}

func FuzzCheck(f *testing.F) {
	tab := table(f)
	for _, m := range []elf.Machine{elf.EM_X86_64, elf.EM_AARCH64} {
		s := elftest.Good(m)
		f.Add(s.Build())
		s.NoSections = true
		f.Add(s.Build())
	}
	s := elftest.Good(elf.EM_X86_64)
	s.TLS, s.ExtraPhdrs, s.NoHash = true, 3, true
	f.Add(s.Build())
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		vs, err := Check(data, Options{Table: tab})
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an *InputError: %v", err)
			}
			if len(vs) != 0 {
				t.Fatalf("violations together with an input error")
			}
		}
		for _, v := range vs {
			if !slices.Contains(Rules, v.Rule) {
				t.Fatalf("unknown rule %q", v.Rule)
			}
		}
	})
}

// AVX-512 code (EVEX payload bytes look like 0x64/0x65 prefixes to a naive
// reader) must not count as FS/GS use; Go's runtime has such functions.
func TestEVEXIsNotSegmentOverride(t *testing.T) {
	s := elftest.Good(elf.EM_X86_64)
	s.Text = []byte{
		0x62, 0xf2, 0x65, 0x48, 0x8d, 0xc8, // vpermb zmm1, zmm3, zmm0
		0x62, 0xf1, 0x64, 0x48, 0x58, 0xc1, // vaddps zmm0, zmm3, zmm1 (P1 0x64)
		0xc4, 0xe2, 0x65, 0x00, 0xc1, // vpshufb ymm0, ymm3, ymm1 (VEX3 payload 0x65)
		0xc3,
	}
	if vs := check(t, s.Build()); len(vs) != 0 {
		t.Errorf("violations:%s", dump(vs))
	}
}

// ADCX/ADOX (circl's fp448) are unknown to x86asm; a modrm of 0x64 in them is
// no FS prefix, while a real FS override right after them still is one.
func TestADXIsNotSegmentOverride(t *testing.T) {
	s := elftest.Good(elf.EM_X86_64)
	s.Text = []byte{
		0x66, 0x4c, 0x0f, 0x38, 0xf6, 0x64, 0x24, 0x28, // adcx r12, [rsp+0x28]
		0xf3, 0x4c, 0x0f, 0x38, 0xf6, 0x64, 0x24, 0x28, // adox r12, [rsp+0x28]
		0x66, 0x0f, 0x38, 0xf6, 0xc1, // adcx eax, ecx
		0xc3,
	}
	if vs := check(t, s.Build()); len(vs) != 0 {
		t.Errorf("violations:%s", dump(vs))
	}
	s.Text = []byte{
		0x66, 0x4c, 0x0f, 0x38, 0xf6, 0x64, 0x24, 0x28, // adcx r12, [rsp+0x28]
		0x64, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00, // mov rax, fs:0
		0xc3,
	}
	if vs := check(t, s.Build()); len(vs) != 1 {
		t.Errorf("want the FS override after adcx, got:%s", dump(vs))
	}
}
