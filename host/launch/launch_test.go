package launch

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fixture makes a directory with a fake ELF binary "hello", a host directory
// "share" and a ROM module "motd"; it returns the directory.
func fixture(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	if err := os.WriteFile(filepath.Join(d, "hello"), []byte("\x7fELF\x02\x01\x01fake"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(d, "share"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(d, "share", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "motd"), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return d
}

func load(t *testing.T, dir, config string) (*Component, error) {
	t.Helper()
	config = strings.ReplaceAll(config, "@DIR@", dir)
	return Load([]byte(config), Options{File: "test.config", Dir: dir})
}

const hidConfig = `start hello | caps: 200 | ram: 16M
+ binary hello
+ config
  + vfs
    + dir dev
      + log
      + null
      + zero | size: 1K
      + rtc
      + terminal
      + jitterentropy random
    + dir tmp | + ram
    + dir share | + fs | host: @DIR@/share | writeable: yes
    + dir ro | + fs | host: @DIR@/share | label: x -> /sub
    + dir etc
      + inline hosts
        : 127.0.0.1 localhost
        : ::1	localhost
      + rom motd
      + symlink mtab | target: /proc/mounts
    + dir socket | + lxip | ip_addr: 10.0.2.15 | netmask: 255.255.255.0
    + dir pipe | + pipe
  + libc | stdin: /dev/null | stdout: /dev/log | stderr: /dev/log
  |      | rtc: /dev/rtc | rng: /dev/random | pipe: /pipe | socket: /socket | cwd: /tmp | pid: 7
  + arg hello
  + arg -c
    : echo "a | b"
    : 100%
  + env HOME | : /home/app
  + env PATH | : /bin
-
`

const xmlConfig = `<start name="hello" caps="200" ram="16M">
  <binary name="hello"/>
  <config>
    <vfs>
      <dir name="dev"> <log/> <null/> <zero size="1K"/> <rtc/> <terminal/> <jitterentropy name="random"/> </dir>
      <dir name="tmp"> <ram/> </dir>
      <dir name="share"> <fs host="@DIR@/share" writeable="yes"/> </dir>
      <dir name="ro"> <fs host="@DIR@/share" label="x -> /sub"/> </dir>
      <dir name="etc">
        <inline name="hosts">127.0.0.1 localhost
::1	localhost</inline>
        <rom name="motd"/>
        <symlink name="mtab" target="/proc/mounts"/>
      </dir>
      <dir name="socket"> <lxip ip_addr="10.0.2.15" netmask="255.255.255.0"/> </dir>
      <dir name="pipe"> <pipe/> </dir>
    </vfs>
    <libc stdin="/dev/null" stdout="/dev/log" stderr="/dev/log"
          rtc="/dev/rtc" rng="/dev/random" pipe="/pipe" socket="/socket" cwd="/tmp" pid="7"/>
    <arg value="hello"/>
    <arg value="-c"/>
    <arg>echo "a | b"
100%</arg>
    <env key="HOME" value="/home/app"/>
    <env name="PATH">/bin</env>
  </config>
</start>
`

const wantFlat = `component	hello
binary	@DIR@/hello
ram	16777216
caps	200
strict	0
libc	stdin	/dev/null
libc	stdout	/dev/log
libc	stderr	/dev/log
libc	rtc	/dev/rtc
libc	rng	/dev/random
libc	pipe	/pipe
libc	socket	/socket
libc	cwd	/tmp
libc	pid	7
arg	hello
arg	-c
arg	echo%20"a%20|%20b"%0A100%25
env	HOME	/home/app
env	PATH	/bin
vfs	/	dir
vfs	/dev	dir
vfs	/dev/log	log
vfs	/dev/null	null
vfs	/dev/zero	zero	size=1024
vfs	/dev/rtc	rtc
vfs	/dev/terminal	terminal
vfs	/dev/random	rng	plugin=jitterentropy
vfs	/tmp	dir
vfs	/tmp	ram
vfs	/share	dir
vfs	/share	fs	host=@DIR@/share	writeable=yes
vfs	/ro	dir
vfs	/ro	fs	host=@DIR@/share/sub	writeable=no
vfs	/etc	dir
vfs	/etc/hosts	inline	host=RUN/inline-15
vfs	/etc/motd	rom	host=@DIR@/motd
vfs	/etc/mtab	symlink	target=/proc/mounts
vfs	/socket	dir
vfs	/socket	socket	plugin=lxip	ip_addr=10.0.2.15	netmask=255.255.255.0
vfs	/pipe	dir
vfs	/pipe	pipe
exec_config	EXEC
`

func TestFlatHIDAndXML(t *testing.T) {
	d := fixture(t)
	want := strings.ReplaceAll(wantFlat, "@DIR@", d)
	for _, tc := range []struct{ name, config string }{{"hid", hidConfig}, {"xml", xmlConfig}} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, d, tc.config)
			if err != nil {
				t.Fatal(err)
			}
			got := string(c.Flat("RUN", "EXEC"))
			if got != want {
				t.Errorf("flat config:\n%s\nwant:\n%s", got, want)
			}
			if len(c.Warnings) != 0 {
				t.Errorf("warnings: %q", c.Warnings)
			}
			var inline []byte
			for _, v := range c.VFS {
				if v.Type == "inline" {
					inline = v.Content
				}
			}
			if string(inline) != "127.0.0.1 localhost\n::1\tlocalhost" {
				t.Errorf("inline content %q", inline)
			}
		})
	}
}

func TestWriteRunDir(t *testing.T) {
	d := fixture(t)
	c, err := load(t, d, hidConfig)
	if err != nil {
		t.Fatal(err)
	}
	run := t.TempDir()
	flat, err := c.WriteRunDir(run)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(flat)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "host="+run+"/inline-15") {
		t.Errorf("flat file lacks the inline file:\n%s", data)
	}
	if b, err := os.ReadFile(filepath.Join(run, "inline-15")); err != nil || !strings.HasPrefix(string(b), "127.0.0.1") {
		t.Errorf("inline file: %q %v", b, err)
	}
	// Without a config file, the config itself is written for exec_config.
	if !strings.Contains(string(data), "exec_config\t"+run+"/config\n") {
		t.Errorf("exec_config missing:\n%s", data)
	}
}

func TestFieldEncoding(t *testing.T) {
	for _, s := range []string{"", "plain", "a b\tc\nd%e", "100%", "\x01\x7f|=:"} {
		e := encodeField(s)
		if strings.ContainsAny(e, "\t\n ") {
			t.Errorf("encodeField(%q) = %q keeps a separator", s, e)
		}
		back, err := decodeField(e)
		if err != nil || back != s {
			t.Errorf("decodeField(encodeField(%q)) = %q, %v", s, back, err)
		}
	}
	if _, err := decodeField("ab%4"); err == nil {
		t.Error("truncated escape accepted")
	}
}

func TestLegacyForms(t *testing.T) {
	d := fixture(t)
	c, err := load(t, d, `<start name="hello" caps="10">
  <resource name="RAM" quantum="0x100000"/>
  <config>
    <arg name="first" value="second"/>
    <arg value="a &amp b"/>
    <env key="K" value="v"/>
    <env key="lonely"/>
    <libc><vfs><dir name="tmp"><ram/></dir></vfs></libc>
  </config>
</start>`)
	if err != nil {
		t.Fatal(err)
	}
	if c.RAM != 1<<20 || c.Caps != 10 {
		t.Errorf("ram %d caps %d", c.RAM, c.Caps)
	}
	// args.h copies raw attribute bytes: the entity stays as written.
	if got := strings.Join(c.Args, ","); got != "first,second,a &amp b" {
		t.Errorf("args %q", got)
	}
	if len(c.Env) != 1 || c.Env[0] != (KV{"K", "v"}) {
		t.Errorf("env %v", c.Env)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "'<config> <libc> <vfs/>' is deprecated") {
		t.Errorf("warnings %q", c.Warnings)
	}
	if len(c.VFS) != 3 || c.VFS[2].Type != "ram" {
		t.Errorf("vfs %v", c.VFS)
	}
}

func TestAmbiguousRAM(t *testing.T) {
	d := fixture(t)
	c, err := load(t, d, "start hello | caps: 10 | ram: 1M\n+ resource RAM | quantum: 2M\n-\n")
	if err != nil {
		t.Fatal(err)
	}
	if c.RAM != 2<<20 {
		t.Errorf("ram %d, want the <resource> value", c.RAM)
	}
	if len(c.Warnings) != 1 || c.Warnings[0] != "[init] Warning: hello: ambigious RAM-quota definition" {
		t.Errorf("warnings %q", c.Warnings)
	}
	// Strict mode turns it into status 3 before anything runs.
	c.Strict = true
	var stderr bytes.Buffer
	st, err := c.Run(context.Background(), RunOptions{ModelDir: t.TempDir(), Stderr: &stderr})
	if st != StatusStrictWarning || err != nil || !strings.Contains(stderr.String(), "ambigious") {
		t.Errorf("strict run: %d %v %q", st, err, stderr.String())
	}
}

func TestNoArgsNoEnv(t *testing.T) {
	d := fixture(t)
	c, err := load(t, d, "start hello | caps: 10 | ram: 1M\n-\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Args) != 0 || len(c.Env) != 0 || len(c.VFS) != 0 {
		t.Errorf("args %v env %v vfs %v", c.Args, c.Env, c.VFS)
	}
}

func TestBinaryOverride(t *testing.T) {
	d := fixture(t)
	other := filepath.Join(d, "other")
	os.WriteFile(other, []byte("\x7fELF"), 0o755)
	c, err := Load([]byte("start x | caps: 1 | ram: 1M\n-\n"), Options{Dir: d, Binary: other})
	if err != nil {
		t.Fatal(err)
	}
	if c.Binary != other {
		t.Errorf("binary %s", c.Binary)
	}
	_, err = Load([]byte("start x | caps: 1 | ram: 1M\n-\n"), Options{Dir: d, Binary: filepath.Join(d, "missing")})
	if err == nil || !strings.Contains(err.Error(), "-binary") || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing -binary: %v", err)
	}
}

// Malformed configurations: the error names file, line, node and attribute.
func TestConfigErrors(t *testing.T) {
	d := fixture(t)
	cases := []struct {
		name, config string
		want         []string
	}{
		{"hid syntax", "start hello\n  caps 10\n-\n", []string{"test.config:2:"}},
		{"hid no end marker", "start hello | caps: 1 | ram: 1M\n", []string{"test.config:"}},
		{"xml unclosed", "<start name=\"hello\" caps=\"1\" ram=\"1M\">\n  <config>\n</start>\n", []string{"test.config:"}},
		{"bad ram", "start hello | caps: 10\n  ram: 16Q\n-\n", []string{"test.config:2:", "<start hello>", `"ram"`, `"16Q" is not a size`}},
		{"bad ram xml", "<start name=\"hello\"\n caps=\"10\"\n ram=\"-5M\"/>", []string{"test.config:3:", `"ram"`, "not a size"}},
		{"no ram", "start hello | caps: 10\n-\n", []string{"test.config:1:", "no RAM quota"}},
		{"ram zero", "start hello | caps: 10 | ram: 0\n-\n", []string{"no RAM quota"}},
		{"bad quantum", "start hello | caps: 10\n+ resource RAM | quantum: lots\n-\n", []string{"test.config:2:", "<start hello / resource RAM>", `"quantum"`}},
		{"cpu resource", "start hello | caps: 10 | ram: 1M\n+ resource CPU | quantum: 10\n-\n", []string{"25.11"}},
		{"no caps", "start hello | ram: 1M\n-\n", []string{"no capability quota"}},
		{"bad caps", "start hello | ram: 1M | caps: many\n-\n", []string{`"caps"`, "not an unsigned number"}},
		{"unknown start attr", "start hello | ram: 1M | caps: 1 | rma: 3\n-\n", []string{`"rma"`, "unknown attribute"}},
		{"no name", "start | ram: 1M | caps: 1\n-\n", []string{"lacks a name"}},
		{"missing binary", "start hello | ram: 1M | caps: 1\n+ binary nothere\n-\n", []string{"test.config:2:", "<start hello / binary nothere>", `"name"`, "no such file"}},
		{"binary not elf", "start hello | ram: 1M | caps: 1\n+ binary motd\n-\n", []string{"not an ELF file"}},
		{"default binary missing", "start nobody | ram: 1M | caps: 1\n-\n", []string{"no <binary> node", "no such file"}},
		{"top level", "config\n+ start a\n+ start b\n-\n", []string{"exactly one <start>"}},
		{"not start", "foo\n-\n", []string{"top-level node must be <start>"}},
		{"unknown vfs plugin", "start hello | ram: 1M | caps: 1\n+ config\n  + vfs\n    + dir dev\n      + frobnicate\n-\n", []string{"test.config:5:", "<start hello / config / vfs / dir dev / frobnicate>", "vfs_frobnicate.lib.so"}},
		{"tar", "start hello | ram: 1M | caps: 1\n+ config | + vfs | + tar archive.tar\n-\n", []string{"<tar> VFS plugin is not modelled"}},
		{"dir without name", "start hello | ram: 1M | caps: 1\n+ config\n  + vfs\n    + dir\n-\n", []string{"test.config:4:", "lacks a name"}},
		{"fs without host", "start hello | ram: 1M | caps: 1\n+ config\n  + vfs\n    + fs | label: rootfs -> /\n-\n", []string{"test.config:4:", "needs host="}},
		{"fs relative host", "start hello | ram: 1M | caps: 1\n+ config\n  + vfs\n    + fs | host: share\n-\n", []string{`"host"`, "not an absolute host path"}},
		{"fs missing host dir", "start hello | ram: 1M | caps: 1\n+ config\n  + vfs\n    + fs | host: /nonexistent/dir\n-\n", []string{`"host"`, "does not exist"}},
		{"fs bad writeable", "<start name=\"hello\" ram=\"1M\" caps=\"1\"><config><vfs>\n<fs host=\"@DIR@\"\n writeable=\"maybe\"/></vfs></config></start>", []string{"test.config:3:", `<start hello / config / vfs / fs>`, `"writeable"`, "not a boolean"}},
		{"fs label escapes", "start hello | ram: 1M | caps: 1\n+ config | + vfs | + fs | host: @DIR@ | label: x -> ../..\n-\n", []string{`"label"`, "must be a directory starting with /"}},
		{"vfs attr typo", "start hello | ram: 1M | caps: 1\n+ config | + vfs | + fs | host: @DIR@ | writable: yes\n-\n", []string{`"writable"`, "unknown attribute of the <fs> VFS plugin"}},
		{"fs fifo not a name", "start hello | ram: 1M | caps: 1\n+ config | + vfs | + fs | host: @DIR@ | fifo: ../x\n-\n", []string{`"fifo"`, "not a file name"}},
		{"fs fifo over a file", "start hello | ram: 1M | caps: 1\n+ config | + vfs | + fs | host: @DIR@ | fifo: motd\n-\n", []string{`"fifo"`, "is not a FIFO"}},
		{"symlink without target", "start hello | ram: 1M | caps: 1\n+ config | + vfs | + symlink x\n-\n", []string{"lacks a target"}},
		{"rom missing", "start hello | ram: 1M | caps: 1\n+ config | + vfs | + rom nothere\n-\n", []string{"ROM module \"nothere\""}},
		{"name with slash", "start hello | ram: 1M | caps: 1\n+ config | + vfs | + null | name: a/b\n-\n", []string{`"name"`, "not a file name"}},
		{"libc unknown attr", "start hello | ram: 1M | caps: 1\n+ config\n  + libc | stdout: /dev/log\n         stdot: /dev/log\n-\n", []string{"test.config:4:", "<start hello / config / libc>", `"stdot"`, "unknown <libc> attribute"}},
		{"libc relative path", "start hello | ram: 1M | caps: 1\n+ config | + libc | rtc: dev/rtc\n-\n", []string{`"rtc"`, "not an absolute VFS path"}},
		{"libc bad pid", "start hello | ram: 1M | caps: 1\n+ config | + libc | pid: one\n-\n", []string{`"pid"`, "not a number"}},
		{"libc fd attr", "start hello | ram: 1M | caps: 1\n+ config\n  + libc\n    + fd | id: 3 | path: /x | mode: rw\n-\n", []string{`"mode"`, "unknown <fd> attribute"}},
		{"libc passwd attr", "start hello | ram: 1M | caps: 1\n+ config\n  + libc\n    + passwd | login: x\n-\n", []string{`"login"`, "unknown <passwd> attribute"}},
		{"libc other sub node", "start hello | ram: 1M | caps: 1\n+ config\n  + libc\n    + frob\n-\n", []string{"<frob> is not modelled"}},
		{"static", "start hello | ram: 1M | caps: 1 | ld: no\n-\n", []string{"statically linked"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, d, tc.config)
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.config)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("error %T %v is not a *ConfigError", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), strings.ReplaceAll(w, "@DIR@", d)) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// Values and forms as Genode reads them (the rules are sandbox/node's and
// sandbox/initcfg's): hex quotas, on/off, and what the libc skips, which
// only strict mode reports.
func TestGenodeForms(t *testing.T) {
	d := fixture(t)
	cfg := `<start name="hello" caps="0x10" ram="0x100000">
  <config>
    <vfs><fs host="@DIR@/share" writeable="on"/></vfs>
    <env key="lonely"/>
    <arg/>
  </config>
</start>`
	c, err := load(t, d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.RAM != 1<<20 || c.Caps != 16 || len(c.Warnings) != 0 || len(c.Args) != 0 || len(c.Env) != 0 {
		t.Errorf("ram %d caps %d warnings %q args %q env %q", c.RAM, c.Caps, c.Warnings, c.Args, c.Env)
	}
	if flat := string(c.Flat("RUN", "")); !strings.Contains(flat, "writeable=yes") {
		t.Errorf("writeable=on not applied:\n%s", flat)
	}
	c, err = Load([]byte(strings.ReplaceAll(cfg, "@DIR@", d)), Options{File: "test.config", Dir: d, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 2 || !strings.Contains(c.Warnings[0], "test.config:4:5: <env> needs a name") ||
		!strings.Contains(c.Warnings[1], "test.config:5:5: <arg> without name") {
		t.Errorf("strict warnings %q", c.Warnings)
	}
}

func TestGoExecConfig(t *testing.T) {
	root := t.TempDir()
	goroot := filepath.Join(root, "goroot")
	pkg := filepath.Join(goroot, "src", "os")
	work := filepath.Join(root, "work", "b001")
	for _, p := range []string{pkg, work} {
		os.MkdirAll(p, 0o755)
	}
	bin := filepath.Join(work, "os.test")
	os.WriteFile(bin, []byte("\x7fELF"), 0o755)
	g := GoExec{Binary: bin, Args: []string{"-test.v", "-test.run=X"}, PkgDir: pkg, GOROOT: goroot,
		HostEnv: []string{"GOROOT=" + goroot, "GODEBUG=x=1", "HOME=/root", "TMPDIR=/var/tmp", "TEST_VAR=1", "PATH=" + goroot + "/bin:/usr/bin:" + goroot + "/pkg/tool/linux_amd64", "GENODE_MODEL_DIR=/m"}}
	c, err := GoExecComponent(g, false)
	if err != nil {
		t.Fatal(err)
	}
	flat := string(c.Flat("RUN", ""))
	for _, want := range []string{
		"component\tos\n", "ram\t1073741824\n", "caps\t1000\n",
		"arg\t" + bin + "\n", "arg\t-test.v\n", "arg\t-test.run=X\n",
		"env\tGODEBUG\tx=1\n", "env\tHOME\t/root\n", "env\tTMPDIR\t/tmp\n", "env\tTEST_VAR\t1\n",
		"env\tPATH\t/usr/bin\n", "libc\tstderr\t/dev/log\n",
		"libc\tcwd\t" + pkg + "\n", "libc\tsocket\t/socket\n",
		"vfs\t/tmp\tram\n", "vfs\t/dev/random\trng\tplugin=jitterentropy\n",
		"vfs\t" + pkg + "\tfs\thost=" + pkg + "\twriteable=yes\n",
		"vfs\t" + work + "\tfs\thost=" + work + "\twriteable=no\n",
		"vfs\t" + goroot + "\tfs\thost=" + goroot + "\twriteable=no\n",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("flat config lacks %q:\n%s", want, flat)
		}
	}
	for _, bad := range []string{"/var/tmp", "GENODE_MODEL_DIR"} {
		if strings.Contains(flat, bad) {
			t.Errorf("flat config has %q", bad)
		}
	}
	// The package directory (inside GOROOT) is asked before GOROOT itself.
	if strings.Index(flat, "host="+pkg) > strings.Index(flat, "host="+goroot+"\t") {
		t.Errorf("GOROOT mapping precedes the package directory:\n%s", flat)
	}
	if !bytes.Contains(c.source, []byte("+ binary")) {
		t.Errorf("exec config source not HID: %s", c.source)
	}

	// stderr on a Terminal session of its own, routed to the launcher's
	// stderr descriptor
	g.Stderr = true
	c, err = GoExecComponent(g, false)
	if err != nil {
		t.Fatal(err)
	}
	flat = string(c.Flat("RUN", ""))
	for _, want := range []string{"libc\tstderr\t/dev/stderr\n", "vfs\t/dev/stderr\tterminal\tlabel=stderr\thostfd=3\thostpath=/dev/stderr\n",
		"vfs\t/dev/terminal\tterminal\n"} {
		if !strings.Contains(flat, want) {
			t.Errorf("flat config lacks %q:\n%s", want, flat)
		}
	}
}

// fakeLoader writes a shell script standing in for ld.so: it records its
// arguments, environment and the flat file, and exits with $1 of its body.
func fakeLoader(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ld.so")
	script := "#!/bin/sh\n" + body + "\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func modelDir(t *testing.T) string {
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, "libc.lib.so"), nil, 0o644)
	return d
}

func TestRun(t *testing.T) {
	d := fixture(t)
	c, err := load(t, d, hidConfig)
	if err != nil {
		t.Fatal(err)
	}
	md := modelDir(t)
	var out bytes.Buffer
	st, err := c.Run(context.Background(), RunOptions{
		ModelDir: md,
		Loader:   fakeLoader(t, `echo "args: $*"; env | sort; echo "pwd: $(pwd)"; cat "$GENODE_MODEL_CONFIG"; test -f "$(dirname "$GENODE_MODEL_CONFIG")/inline-15" && echo inline-ok; exit 42`),
		Stdout:   &out, Stderr: &out,
	})
	if err != nil || st != 42 {
		t.Fatalf("status %d, %v\n%s", st, err, out.String())
	}
	s := out.String()
	for _, want := range []string{"args: --library-path " + md + " " + d + "/hello\n", "component\thello\n", "inline-ok\n", "pwd: "} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	// A clean environment: only the config variable (and what sh adds itself).
	for _, l := range strings.Split(s, "\n") {
		if k, _, ok := strings.Cut(l, "="); ok && !strings.Contains(k, " ") && !strings.Contains(k, "\t") {
			switch k {
			case "GENODE_MODEL_CONFIG", "PWD", "SHLVL", "_", "OLDPWD":
			default:
				if strings.ToUpper(k) == k {
					t.Errorf("environment leaks %q", l)
				}
			}
		}
	}
	// The run directory is gone afterwards.
	for _, l := range strings.Split(s, "\n") {
		if p, ok := strings.CutPrefix(l, "pwd: "); ok {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("run directory %s left behind", p)
			}
		}
	}
}

// An arm64 binary on another host starts under qemu-user (GENODE_QEMU, here a
// script) with the sysroot's loader; the model learns the emulator for execve.
func TestRunEmulated(t *testing.T) {
	if runtime.GOARCH == "arm64" {
		t.Skip("arm64 runs natively here")
	}
	d := fixture(t)
	c, err := load(t, d, hidConfig)
	if err != nil {
		t.Fatal(err)
	}
	qemu := fakeLoader(t, `echo "args: $*"; env | sort; exit 7`)
	t.Setenv("GENODE_QEMU", qemu)
	t.Setenv("GENODE_SYSROOT", "/sysroot")
	md := modelDir(t)
	var out bytes.Buffer
	st, err := c.Run(context.Background(), RunOptions{ModelDir: md, Arch: "arm64", Stdout: &out, Stderr: &out})
	if err != nil || st != 7 {
		t.Fatalf("status %d, %v\n%s", st, err, out.String())
	}
	for _, want := range []string{"args: /sysroot/lib/ld-linux-aarch64.so.1 --library-path " + md + " " + d + "/hello\n",
		"QEMU_LD_PREFIX=/sysroot\n", "GENODE_MODEL_EMULATOR=" + qemu + "\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := TargetFor("riscv64"); err == nil {
		t.Error("TargetFor accepted riscv64")
	}
}

func TestRunTimeoutAndSignal(t *testing.T) {
	d := fixture(t)
	c, err := load(t, d, "start hello | caps: 1 | ram: 1M\n-\n")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	t0 := time.Now()
	st, err := c.Run(context.Background(), RunOptions{ModelDir: modelDir(t), Loader: fakeLoader(t, "sleep 30 & sleep 30"),
		Timeout: 200 * time.Millisecond, Stdout: &out, Stderr: &out})
	if st != StatusTimeout || err != nil || time.Since(t0) > 10*time.Second {
		t.Errorf("timeout: status %d, %v after %v", st, err, time.Since(t0))
	}
	if !strings.Contains(out.String(), "timeout") {
		t.Errorf("no timeout message: %q (status %d)", out.String(), st)
	}
	st, _ = c.Run(context.Background(), RunOptions{ModelDir: modelDir(t), Loader: fakeLoader(t, "kill -SEGV $$"), Stdout: &out, Stderr: &out})
	if st != 128+11 {
		t.Errorf("killed by SIGSEGV: status %d", st)
	}
}

func TestRunNoModel(t *testing.T) {
	d := fixture(t)
	c, err := load(t, d, "start hello | caps: 1 | ram: 1M\n-\n")
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(context.Background(), RunOptions{ModelDir: t.TempDir(), Stderr: &bytes.Buffer{}})
	if st != StatusLauncherError || err == nil || !strings.Contains(err.Error(), "make model") {
		t.Errorf("status %d, %v", st, err)
	}
}

func TestLibcSubNodesFlat(t *testing.T) {
	d := fixture(t)
	c, err := load(t, d, "start hello | caps: 10 | ram: 1M\n+ config\n  + libc\n    + passwd | name: a b | uid: 7\n    + group | gid: 3\n    + fd | id: 4 | path: /d/a b | readable: yes | seek: 9\n    + fd | id: 5\n-\n")
	if err != nil {
		t.Fatal(err)
	}
	flat := string(c.Flat("/run", ""))
	for _, want := range []string{
		"libc_sub\tpasswd\tname\ta%20b\n", "libc_sub\tpasswd\tuid\t7\n", "libc_sub\tgroup\tgid\t3\n",
		"libc_fd\t4\t1\t/d/a%20b\t1\t0\t0\t9\n", "libc_fd\t5\t0\t\t0\t0\t0\t0\n",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("flat config lacks %q:\n%s", want, flat)
		}
	}
}

// TestFifoServer: <fs fifo="NAME ..."> is the export of a VFS server whose pipe plugin declares those named
// pipes: each is a host FIFO in the directory, made if missing and kept if there.
func TestFifoServer(t *testing.T) {
	d := fixture(t)
	cfg := "start hello | ram: 1M | caps: 1\n+ config | + vfs | + dir p | + fs | host: @DIR@ | fifo: in other\n-\n"
	for i := 0; i < 2; i++ {
		if _, err := load(t, d, cfg); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"in", "other"} {
			fi, err := os.Lstat(filepath.Join(d, n))
			if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
				t.Errorf("load %d: %s: %v %v, want a FIFO", i, n, fi, err)
			}
		}
	}
}

// A host command whose arguments name a file in /tmp sees the host's /tmp,
// not a scratch one hiding it.
func TestHostCommandTmp(t *testing.T) {
	tmpOf := func(h HostCommand) string {
		vfs := h.Start().Child("config").Child("vfs")
		for _, d := range vfs.All("dir") {
			if n, _ := d.Attr("name"); n == "tmp" && len(d.Children) > 0 {
				return d.Children[0].Type
			}
		}
		return ""
	}
	if got := tmpOf(HostCommand{Name: "c", Cwd: "/work", RW: []string{"/work"}}); got != "ram" {
		t.Errorf("no /tmp in the view: /tmp is %q, want a ram file system", got)
	}
	if got := tmpOf(HostCommand{Name: "c", Cwd: "/work", RW: []string{"/work", "/tmp"}}); got != "fs" {
		t.Errorf("the caller's /tmp in the view: /tmp is %q, want the host's (fs)", got)
	}
}
