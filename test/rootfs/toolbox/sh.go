package main

// sh: the subset of the POSIX shell language that the runtime-tools validation bundles and hooks and
// critest's containers use, and a little more so that it stays an ordinary shell for small scripts:
//
//	lists with ; & && || and newlines, pipelines with | and !, simple commands with VAR=value prefixes,
//	for NAME [in WORD...]; do LIST; done and while LIST; do LIST; done,
//	words with '...', "..." (with $ expansion and \ escapes) and \ escapes, $NAME ${NAME} $? $! $$ $# $0-$9
//	$@ "$@" $*, command substitution $(...) (run in a subshell of this component), field splitting of
//	unquoted expansions, redirections [n]> [n]>> [n]< [n]>&m,
//	builtins cd exit trap wait exec export unset shift read set -e, set -- : and the applets of this toolbox run in the
//	same component (no fork for a foreground applet), anything else through exec by PATH.
//
// Background jobs (&) run in the component too: an applet in a goroutine, any other program as a child;
// "wait" returns early with 128+N when a trapped signal N arrives, and the trap's action then runs, as
// POSIX says. No globbing, no functions, no if/case/until, no break/continue, no `...`: the suites need none.
//
// A script on standard input that is not a terminal (a pipe: critest's attach writes "echo -n hello\n"
// into /bin/sh's stdin and waits for the output with stdin still open) runs one complete command at a
// time as its lines arrive, read a byte at a time so that "read" and the programs it runs see the rest.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// ---------- syntax ----------

type part struct {
	text   string
	quoted bool // inside '...' or "...": no field splitting
	param  bool // text names a parameter to expand
	subst  bool // text is the script of a command substitution $(...)
}

// literal: p is plain text, so a reserved word (for, do, done, ...) if it spells one.
func (p part) literal() bool { return !p.quoted && !p.param && !p.subst }

type word []part

type redir struct {
	fd     int
	op     string // ">", ">>", "<", ">&", "<&"
	target word
}

type simple struct {
	assigns []word // NAME=value words
	args    []word
	redirs  []redir
}

// A command is one element of a pipeline: a *simple, *forLoop or *whileLoop.
type command any

// forLoop: for name [in words]; do body; done. Without in, it walks "$@".
type forLoop struct {
	name  string
	in    bool
	words []word
	body  []*andOr
}

// whileLoop: while cond; do body; done.
type whileLoop struct {
	cond, body []*andOr
}

type pipeline struct {
	not  bool
	cmds []command
}

type andOr struct {
	pipes []*pipeline
	ops   []string // "&&" or "||" between pipes
	bg    bool
}

type token struct {
	op   string // operator, or "" for a word
	w    word
	fdno int // for redirection operators: the explicit fd, or -1
}

// is reports whether t is the unquoted word kw (a reserved word where a command starts).
func (t *token) is(kw string) bool {
	return t != nil && t.op == "" && len(t.w) == 1 && t.w[0].literal() && t.w[0].text == kw
}

// An incompleteError is a syntax error that more input can mend: an open quote or $(, a loop without
// its done, a trailing | && or ||. A script read from a stream runs once its text is complete.
type incompleteError struct{ msg string }

func (e incompleteError) Error() string { return e.msg }

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isName(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }

func validName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isName(s[i]) {
			return false
		}
	}
	return true
}

// lex splits a script into words and operators.
func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case isSpace(c):
			i++
			continue
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i += 2
			continue
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		case c == '\n' || c == ';':
			toks = append(toks, token{op: ";"})
			i++
			continue
		case c == '&' || c == '|':
			if i+1 < len(s) && s[i+1] == c {
				toks = append(toks, token{op: s[i : i+2]})
				i += 2
			} else {
				toks = append(toks, token{op: s[i : i+1]})
				i++
			}
			continue
		case c == '>' || c == '<':
			op, n := redirOp(s[i:])
			toks = append(toks, token{op: op, fdno: -1})
			i += n
			continue
		case c == '(' || c == ')':
			return nil, fmt.Errorf("syntax error: %q is not supported", string(c))
		}
		// an io number: digits directly followed by > or <
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j > i && j < len(s) && (s[j] == '>' || s[j] == '<') {
			fd, _ := strconv.Atoi(s[i:j])
			op, n := redirOp(s[j:])
			toks = append(toks, token{op: op, fdno: fd})
			i = j + n
			continue
		}
		w, n, err := lexWord(s[i:])
		if err != nil {
			return nil, err
		}
		toks = append(toks, token{w: w})
		i += n
	}
	return toks, nil
}

func redirOp(s string) (string, int) {
	for _, op := range []string{">>", ">&", "<&", ">|", ">", "<"} {
		if strings.HasPrefix(s, op) {
			if op == ">|" {
				return ">", 2
			}
			return op, len(op)
		}
	}
	return s[:1], 1
}

func lexWord(s string) (word, int, error) {
	var w word
	var lit strings.Builder
	flush := func(quoted bool) {
		if lit.Len() > 0 || quoted {
			w = append(w, part{text: lit.String(), quoted: quoted})
			lit.Reset()
		}
	}
	i := 0
	for i < len(s) {
		c := s[i]
		if isSpace(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '>' || c == '<' || c == '(' || c == ')' {
			break
		}
		switch c {
		case '\\':
			if i+1 < len(s) {
				flush(false)
				lit.WriteByte(s[i+1])
				flush(true)
				i += 2
			} else {
				i++
			}
		case '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, 0, incompleteError{"syntax error: unterminated '"}
			}
			flush(false)
			lit.WriteString(s[i+1 : i+1+end])
			flush(true)
			i += end + 2
		case '"':
			flush(false)
			j := i + 1
			for {
				if j >= len(s) {
					return nil, 0, incompleteError{"syntax error: unterminated \""}
				}
				if s[j] == '"' {
					break
				}
				if s[j] == '\\' && j+1 < len(s) && strings.IndexByte("$`\"\\\n", s[j+1]) >= 0 {
					if s[j+1] != '\n' {
						lit.WriteByte(s[j+1])
					}
					j += 2
					continue
				}
				if strings.HasPrefix(s[j:], "$(") {
					n := substLen(s[j:])
					if n == 0 {
						return nil, 0, incompleteError{"syntax error: unterminated $("}
					}
					flush(true)
					w = append(w, part{text: s[j+2 : j+n-1], quoted: true, subst: true})
					j += n
					continue
				}
				if s[j] == '$' {
					if name, n := paramName(s[j:]); n > 0 {
						flush(true)
						w = append(w, part{text: name, quoted: true, param: true})
						j += n
						continue
					}
				}
				lit.WriteByte(s[j])
				j++
			}
			flush(true)
			i = j + 1
		case '$':
			if strings.HasPrefix(s[i:], "$(") {
				n := substLen(s[i:])
				if n == 0 {
					return nil, 0, incompleteError{"syntax error: unterminated $("}
				}
				flush(false)
				w = append(w, part{text: s[i+2 : i+n-1], subst: true})
				i += n
				continue
			}
			if name, n := paramName(s[i:]); n > 0 {
				flush(false)
				w = append(w, part{text: name, param: true})
				i += n
				continue
			}
			lit.WriteByte(c)
			i++
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush(false)
	return w, i, nil
}

// substLen is the length of the command substitution $(...) that s starts with, 0 when it is not
// closed. Parentheses nest; quotes and \ escapes inside hide them.
func substLen(s string) int {
	depth := 0
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i + 1
			}
		case '\\':
			i++
		case '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return 0
			}
			i += end + 1
		case '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if j >= len(s) {
				return 0
			}
			i = j
		}
	}
	return 0
}

// paramName reads $NAME, ${NAME}, $N or a special parameter; n is 0 when s holds none.
func paramName(s string) (string, int) {
	if len(s) < 2 {
		return "", 0
	}
	c := s[1]
	switch {
	case c == '{':
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return "", 0
		}
		return s[2:end], end + 1
	case strings.IndexByte("?!$#@*-", c) >= 0 || c >= '0' && c <= '9':
		return s[1:2], 2
	case isNameStart(c):
		j := 2
		for j < len(s) && isName(s[j]) {
			j++
		}
		return s[1:j], j
	}
	return "", 0
}

// parse turns tokens into a list of and-or lists.
func parse(toks []token) ([]*andOr, error) {
	ps := &parser{toks: toks}
	return ps.list()
}

type parser struct {
	toks []token
	p    int
}

func (ps *parser) peek() *token {
	if ps.p < len(ps.toks) {
		return &ps.toks[ps.p]
	}
	return nil
}

func (ps *parser) skipNewlines() {
	for t := ps.peek(); t != nil && t.op == ";"; t = ps.peek() {
		ps.p++
	}
}

// list reads and-or lists up to the reserved word stop where a command would start (which it leaves),
// or with stop "" to the end.
func (ps *parser) list(stop ...string) ([]*andOr, error) {
	var list []*andOr
	for {
		ps.skipNewlines()
		t := ps.peek()
		if t == nil {
			if len(stop) > 0 {
				return nil, incompleteError{"syntax error: missing " + stop[0]}
			}
			return list, nil
		}
		if len(stop) > 0 && t.is(stop[0]) {
			return list, nil
		}
		ao, err := ps.andOr()
		if err != nil {
			return nil, err
		}
		list = append(list, ao)
	}
}

func (ps *parser) andOr() (*andOr, error) {
	ao := &andOr{}
	for {
		pl, err := ps.pipeline()
		if err != nil {
			return nil, err
		}
		ao.pipes = append(ao.pipes, pl)
		t := ps.peek()
		if t != nil && (t.op == "&&" || t.op == "||") {
			ao.ops = append(ao.ops, t.op)
			ps.p++
			ps.skipNewlines() // a newline may follow && and ||
			continue
		}
		break
	}
	if t := ps.peek(); t != nil {
		switch t.op {
		case "&":
			ao.bg = true
			ps.p++
		case ";":
			ps.p++
		case "":
			return nil, errors.New("syntax error: a word after done")
		default:
			return nil, fmt.Errorf("syntax error near %q", t.op)
		}
	}
	return ao, nil
}

func (ps *parser) pipeline() (*pipeline, error) {
	pl := &pipeline{}
	if ps.peek().is("!") {
		pl.not = true
		ps.p++
	}
	for {
		c, err := ps.command()
		if err != nil {
			return nil, err
		}
		pl.cmds = append(pl.cmds, c)
		if t := ps.peek(); t != nil && t.op == "|" {
			ps.p++
			ps.skipNewlines()
			continue
		}
		return pl, nil
	}
}

func (ps *parser) command() (command, error) {
	switch t := ps.peek(); {
	case t.is("for"):
		ps.p++
		return ps.forLoop()
	case t.is("while"):
		ps.p++
		cond, err := ps.list("do")
		if err != nil {
			return nil, err
		}
		body, err := ps.doGroup()
		if err != nil {
			return nil, err
		}
		return &whileLoop{cond: cond, body: body}, nil
	}
	return ps.simple()
}

// forLoop reads what follows "for": NAME [in WORD...] ; do LIST done.
func (ps *parser) forLoop() (command, error) {
	t := ps.peek()
	if t == nil {
		return nil, incompleteError{"syntax error: for needs a name"}
	}
	if t.op != "" || len(t.w) != 1 || !t.w[0].literal() || !validName(t.w[0].text) {
		return nil, errors.New("syntax error: bad for loop variable")
	}
	f := &forLoop{name: t.w[0].text}
	ps.p++
	ps.skipNewlines()
	if ps.peek().is("in") {
		f.in = true
		ps.p++
		for t := ps.peek(); t != nil && t.op == ""; t = ps.peek() {
			f.words = append(f.words, t.w)
			ps.p++
		}
		if t := ps.peek(); t == nil {
			return nil, incompleteError{"syntax error: missing do"}
		} else if t.op != ";" {
			return nil, fmt.Errorf("syntax error near %q", t.op)
		}
	}
	body, err := ps.doGroup()
	if err != nil {
		return nil, err
	}
	f.body = body
	return f, nil
}

// doGroup reads "do LIST done", newlines before do included.
func (ps *parser) doGroup() ([]*andOr, error) {
	ps.skipNewlines()
	t := ps.peek()
	if t == nil {
		return nil, incompleteError{"syntax error: missing do"}
	}
	if !t.is("do") {
		return nil, errors.New("syntax error: expected do")
	}
	ps.p++
	body, err := ps.list("done")
	if err != nil {
		return nil, err
	}
	ps.p++ // done
	return body, nil
}

func (ps *parser) simple() (*simple, error) {
	c := &simple{}
	for t := ps.peek(); t != nil; t = ps.peek() {
		switch t.op {
		case "":
			if len(c.args) == 0 && isAssignment(t.w) {
				c.assigns = append(c.assigns, t.w)
			} else {
				c.args = append(c.args, t.w)
			}
			ps.p++
			continue
		case ">", ">>", "<", ">&", "<&":
			ps.p++
			tgt := ps.peek()
			if tgt == nil {
				return nil, incompleteError{fmt.Sprintf("syntax error: %s needs a target", t.op)}
			}
			if tgt.op != "" {
				return nil, fmt.Errorf("syntax error: %s needs a target", t.op)
			}
			fd := t.fdno
			if fd < 0 {
				fd = 1
				if t.op == "<" || t.op == "<&" {
					fd = 0
				}
			}
			c.redirs = append(c.redirs, redir{fd: fd, op: t.op, target: tgt.w})
			ps.p++
			continue
		}
		break
	}
	if len(c.args) == 0 && len(c.assigns) == 0 && len(c.redirs) == 0 {
		if t := ps.peek(); t != nil {
			return nil, fmt.Errorf("syntax error near %q", t.op)
		}
		return nil, incompleteError{"syntax error: unexpected end"}
	}
	return c, nil
}

func isAssignment(w word) bool {
	if len(w) == 0 || w[0].quoted || w[0].param {
		return false
	}
	t := w[0].text
	eq := strings.IndexByte(t, '=')
	if eq <= 0 || !isNameStart(t[0]) {
		return false
	}
	for i := 1; i < eq; i++ {
		if !isName(t[i]) {
			return false
		}
	}
	return true
}

// ---------- execution ----------

type job struct {
	pid    int
	done   chan struct{}
	status int
}

type shell struct {
	name    string // $0
	args    []string
	vars    map[string]string
	exports map[string]bool
	status  int
	lastBg  int
	errexit bool

	mu     sync.Mutex
	jobs   map[int]*job
	nextID int

	traps    map[syscall.Signal]string
	sigs     chan os.Signal
	pending  []syscall.Signal
	exitTrap *string

	stdin          io.Reader
	stdout, stderr io.Writer
}

type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func newShell(name string, args []string, stdin io.Reader, stdout, stderr io.Writer) *shell {
	sh := &shell{name: name, args: args, vars: map[string]string{}, exports: map[string]bool{},
		jobs: map[int]*job{}, nextID: 1000, traps: map[syscall.Signal]string{}, sigs: make(chan os.Signal, 8),
		stdin: stdin, stdout: stdout, stderr: stderr}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			sh.vars[k] = v
			sh.exports[k] = true
		}
	}
	return sh
}

func (sh *shell) environ() []string {
	var env []string
	for k := range sh.exports {
		if v, ok := sh.vars[k]; ok {
			env = append(env, k+"="+v)
		}
	}
	sort.Strings(env)
	return env
}

// run executes a script; the result is the shell's exit status.
func (sh *shell) run(script string) int {
	toks, err := lex(script)
	if err == nil {
		var list []*andOr
		if list, err = parse(toks); err == nil {
			err = sh.runList(list)
		}
	}
	return sh.finish(err)
}

// runStream executes the script that r delivers, each complete command as soon as its last line is in:
// r is read a byte at a time, so what follows that line stays in r for the commands (read, cat) to take.
func (sh *shell) runStream(r io.Reader) int {
	var text []byte
	var b [1]byte
	for {
		n, rerr := r.Read(b[:])
		if n == 1 {
			text = append(text, b[0])
			if b[0] != '\n' {
				continue
			}
		} else if rerr == nil {
			continue
		}
		toks, err := lex(string(text))
		var list []*andOr
		if err == nil {
			list, err = parse(toks)
		}
		var ie incompleteError
		if errors.As(err, &ie) && rerr == nil {
			continue // the command goes on in the next line
		}
		text = text[:0]
		if err == nil {
			err = sh.runList(list)
		}
		if err != nil || rerr != nil {
			return sh.finish(err)
		}
	}
}

// finish ends the shell after err (nil, an exit, or a syntax error), runs the EXIT trap and returns the
// exit status.
func (sh *shell) finish(err error) int {
	var ee exitError
	switch {
	case errors.As(err, &ee):
		sh.status = ee.code
	case err != nil:
		fmt.Fprintf(sh.stderr, "%s: %v\n", sh.name, err)
		sh.status = 2
	}
	if sh.exitTrap != nil {
		t := *sh.exitTrap
		sh.exitTrap = nil
		st := sh.status
		sh.run(t)
		sh.status = st
	}
	return sh.status
}

func (sh *shell) runList(list []*andOr) error { return sh.runListIO(list, sh.stdin, sh.stdout) }

// runListIO runs a list with standard input in and output out (a loop's body in a pipeline).
func (sh *shell) runListIO(list []*andOr, in io.Reader, out io.Writer) error {
	for _, ao := range list {
		if ao.bg {
			sh.background(ao)
			sh.status = 0
		} else if err := sh.runAndOr(ao, in, out); err != nil {
			return err
		}
		if err := sh.runTraps(); err != nil {
			return err
		}
		if sh.errexit && sh.status != 0 && !ao.bg {
			return exitError{sh.status}
		}
	}
	return nil
}

func (sh *shell) runAndOr(ao *andOr, in io.Reader, out io.Writer) error {
	for i, pl := range ao.pipes {
		if i > 0 {
			if (ao.ops[i-1] == "&&") != (sh.status == 0) {
				continue
			}
		}
		if err := sh.runPipeline(pl, in, out); err != nil {
			return err
		}
	}
	return nil
}

func (sh *shell) runPipeline(pl *pipeline, in io.Reader, out io.Writer) error {
	var err error
	if len(pl.cmds) == 1 {
		sh.status, err = sh.runCommand(pl.cmds[0], in, out, false)
	} else {
		sh.status, err = sh.runPipe(pl.cmds, in, out)
	}
	if pl.not && err == nil {
		if sh.status == 0 {
			sh.status = 1
		} else {
			sh.status = 0
		}
	}
	return err
}

func (sh *shell) runPipe(cmds []command, in io.Reader, out io.Writer) (int, error) {
	statuses := make([]int, len(cmds))
	var wg sync.WaitGroup
	var firstErr error
	var emu sync.Mutex
	r := in
	for i, c := range cmds {
		var w io.WriteCloser
		var next io.Reader
		if i < len(cmds)-1 {
			pr, pw := io.Pipe()
			w, next = pw, pr
		}
		// A loop sets variables while the other elements expand theirs: it runs in a subshell, as
		// every element of a pipeline does in POSIX.
		run := sh
		if _, ok := c.(*simple); !ok {
			run = sh.subshell()
		}
		wg.Add(1)
		go func(i int, c command, r io.Reader, w io.WriteCloser) {
			defer wg.Done()
			o := out
			if w != nil {
				o = w
			}
			st, err := run.runCommand(c, r, o, true)
			if w != nil {
				w.Close()
			}
			if pr, ok := r.(*io.PipeReader); ok {
				pr.Close()
			}
			statuses[i] = st
			if err != nil {
				emu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				emu.Unlock()
			}
		}(i, c, r, w)
		r = next
	}
	wg.Wait()
	var ee exitError
	if errors.As(firstErr, &ee) {
		firstErr = nil // exit inside a pipeline ends only that element
	}
	return statuses[len(cmds)-1], firstErr
}

// runCommand runs one element of a pipeline.
func (sh *shell) runCommand(c command, in io.Reader, out io.Writer, inPipe bool) (int, error) {
	switch c := c.(type) {
	case *forLoop:
		return sh.runFor(c, in, out)
	case *whileLoop:
		return sh.runWhile(c, in, out)
	}
	return sh.runSimple(c.(*simple), in, out, inPipe)
}

// runFor runs the body once per field of the words ("$@" without in), NAME set to the field; its status
// is the last body's, 0 when it ran none.
func (sh *shell) runFor(f *forLoop, in io.Reader, out io.Writer) (int, error) {
	items := sh.args
	if f.in {
		items = nil
		for _, w := range f.words {
			items = append(items, sh.expand(w)...)
		}
	}
	st := 0
	for _, it := range items {
		sh.vars[f.name] = it
		if err := sh.runListIO(f.body, in, out); err != nil {
			return sh.status, err
		}
		st = sh.status
	}
	return st, nil
}

// runWhile runs the body as long as the condition's status is 0; set -e does not apply to the condition.
func (sh *shell) runWhile(w *whileLoop, in io.Reader, out io.Writer) (int, error) {
	st := 0
	for {
		errexit := sh.errexit
		sh.errexit = false
		err := sh.runListIO(w.cond, in, out)
		sh.errexit = errexit
		if err != nil {
			return sh.status, err
		}
		if sh.status != 0 {
			return st, nil
		}
		if err := sh.runListIO(w.body, in, out); err != nil {
			return sh.status, err
		}
		st = sh.status
	}
}

// subshell is a copy of the shell's variables and parameters, as a ( ) or $( ) subshell sees them; its
// traps and jobs are its own.
func (sh *shell) subshell() *shell {
	sub := &shell{name: sh.name, args: sh.args, vars: map[string]string{}, exports: map[string]bool{},
		jobs: map[int]*job{}, nextID: 0, traps: map[syscall.Signal]string{}, sigs: make(chan os.Signal, 1),
		stdin: sh.stdin, stdout: sh.stdout, stderr: sh.stderr}
	for k, v := range sh.vars {
		sub.vars[k] = v
	}
	for k, v := range sh.exports {
		sub.exports[k] = v
	}
	return sub
}

// substitute runs script in a subshell and returns its standard output less trailing newlines: $(script).
func (sh *shell) substitute(script string) string {
	sub := sh.subshell()
	var out bytes.Buffer
	sub.stdout = &out
	sub.run(script)
	return strings.TrimRight(out.String(), "\n")
}

// value is what a parameter or command substitution part expands to.
func (sh *shell) value(p part) string {
	if p.subst {
		return sh.substitute(p.text)
	}
	return sh.param(p.text)
}

// expand turns a word into fields.
func (sh *shell) expand(w word) []string {
	var fields []string
	var cur strings.Builder
	have := false
	for _, p := range w {
		if !p.param && !p.subst {
			cur.WriteString(p.text)
			have = have || p.quoted || p.text != ""
			continue
		}
		if p.param && (p.text == "@" || p.text == "*") {
			if p.quoted && p.text == "@" {
				for i, a := range sh.args {
					if i > 0 {
						fields = append(fields, cur.String())
						cur.Reset()
					}
					cur.WriteString(a)
					have = true
				}
				continue
			}
			if p.quoted {
				cur.WriteString(strings.Join(sh.args, " "))
				have = true
				continue
			}
		}
		v := sh.value(p)
		if p.quoted {
			cur.WriteString(v)
			have = true
			continue
		}
		fs := strings.Fields(v)
		if len(fs) == 0 {
			continue
		}
		startsBlank := v != "" && strings.IndexByte(" \t\n", v[0]) >= 0
		for i, f := range fs {
			if i > 0 || startsBlank {
				if have || cur.Len() > 0 {
					fields = append(fields, cur.String())
				}
				cur.Reset()
			}
			cur.WriteString(f)
			have = true
		}
		if strings.IndexByte(" \t\n", v[len(v)-1]) >= 0 {
			fields = append(fields, cur.String())
			cur.Reset()
			have = false
		}
	}
	if have || cur.Len() > 0 {
		fields = append(fields, cur.String())
	}
	return fields
}

// expandOne expands a word that must give one string (redirection targets, assignments).
func (sh *shell) expandOne(w word) string {
	var b strings.Builder
	for _, p := range w {
		if p.subst {
			b.WriteString(sh.substitute(p.text))
		} else if p.param {
			if p.text == "@" || p.text == "*" {
				b.WriteString(strings.Join(sh.args, " "))
			} else {
				b.WriteString(sh.param(p.text))
			}
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

func (sh *shell) param(name string) string {
	switch name {
	case "?":
		return strconv.Itoa(sh.status)
	case "!":
		if sh.lastBg == 0 {
			return ""
		}
		return strconv.Itoa(sh.lastBg)
	case "$":
		return strconv.Itoa(os.Getpid())
	case "#":
		return strconv.Itoa(len(sh.args))
	case "0":
		return sh.name
	case "-":
		if sh.errexit {
			return "e"
		}
		return ""
	case "@", "*":
		return strings.Join(sh.args, " ")
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n >= 1 && n <= len(sh.args) {
			return sh.args[n-1]
		}
		return ""
	}
	return sh.vars[name]
}

type ioset struct {
	in       io.Reader
	out, err io.Writer
	closers  []io.Closer
}

func (s *ioset) close() {
	for _, c := range s.closers {
		c.Close()
	}
}

func (sh *shell) redirect(c *simple, in io.Reader, out io.Writer) (*ioset, error) {
	s := &ioset{in: in, out: out, err: sh.stderr}
	for _, r := range c.redirs {
		target := sh.expandOne(r.target)
		var f io.ReadWriter
		switch r.op {
		case ">", ">>":
			flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			if r.op == ">>" {
				flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
			}
			file, err := os.OpenFile(target, flag, 0o666)
			if err != nil {
				s.close()
				return nil, err
			}
			s.closers = append(s.closers, file)
			f = file
		case "<":
			file, err := os.Open(target)
			if err != nil {
				s.close()
				return nil, err
			}
			s.closers = append(s.closers, file)
			f = file
		case ">&", "<&":
			var src any
			switch target {
			case "0":
				src = s.in
			case "1":
				src = s.out
			case "2":
				src = s.err
			case "-":
				src = nil
			default:
				s.close()
				return nil, fmt.Errorf("%s: bad file descriptor", target)
			}
			switch r.fd {
			case 0:
				if rd, ok := src.(io.Reader); ok {
					s.in = rd
				} else {
					s.in = strings.NewReader("")
				}
			case 1:
				if wr, ok := src.(io.Writer); ok {
					s.out = wr
				} else {
					s.out = io.Discard
				}
			case 2:
				if wr, ok := src.(io.Writer); ok {
					s.err = wr
				} else {
					s.err = io.Discard
				}
			}
			continue
		}
		switch r.fd {
		case 0:
			s.in = f
		case 1:
			s.out = f
		case 2:
			s.err = f
		default:
			s.close()
			return nil, fmt.Errorf("%d: only descriptors 0, 1 and 2 can be redirected", r.fd)
		}
	}
	return s, nil
}

// runSimple runs one simple command. inPipe: the command is one element of a pipeline (a builtin that
// changes the shell then changes only its own copy, as in a subshell: here it changes the shell anyway).
func (sh *shell) runSimple(c *simple, in io.Reader, out io.Writer, inPipe bool) (int, error) {
	var argv []string
	for _, w := range c.args {
		argv = append(argv, sh.expand(w)...)
	}
	assigns := map[string]string{}
	var order []string
	for _, w := range c.assigns {
		kv := sh.expandOne(w)
		k, v, _ := strings.Cut(kv, "=")
		assigns[k] = v
		order = append(order, k)
	}
	if len(argv) == 0 {
		for _, k := range order {
			sh.vars[k] = assigns[k]
		}
		ios, err := sh.redirect(c, in, out)
		if err != nil {
			fmt.Fprintf(sh.stderr, "%s: %v\n", sh.name, err)
			return 1, nil
		}
		ios.close()
		return 0, nil
	}
	ios, err := sh.redirect(c, in, out)
	if err != nil {
		fmt.Fprintf(sh.stderr, "%s: %v\n", sh.name, err)
		return 1, nil
	}
	defer ios.close()
	if b, ok := builtins[argv[0]]; ok {
		return b(sh, ios, argv)
	}
	return sh.command(ios, argv, assigns, false)
}

// command runs an applet or a program. exec: the shell ends with the command's status.
func (sh *shell) command(ios *ioset, argv []string, assigns map[string]string, execIt bool) (int, error) {
	if a, ok := applets[argv[0]]; ok && !strings.Contains(argv[0], "/") {
		st := a(&proc{stdin: ios.in, stdout: ios.out, stderr: ios.err, env: sh.envWith(assigns)}, argv)
		if execIt {
			return st, exitError{st}
		}
		return st, nil
	}
	path, err := sh.lookPath(argv[0], assigns)
	if err != nil {
		fmt.Fprintf(ios.err, "%s: %s: not found\n", sh.name, argv[0])
		if execIt {
			return 127, exitError{127}
		}
		return 127, nil
	}
	if execIt && ios.in == sh.stdin && ios.out == sh.stdout && ios.err == sh.stderr {
		err := syscall.Exec(path, argv, sh.envWith(assigns))
		fmt.Fprintf(ios.err, "%s: exec %s: %v\n", sh.name, argv[0], err)
		return 126, exitError{126}
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args = argv
	cmd.Env = sh.envWith(assigns)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = ios.in, ios.out, ios.err
	st := 0
	if err := cmd.Run(); err != nil {
		st = statusOf(err)
		if st < 0 {
			fmt.Fprintf(ios.err, "%s: %s: %v\n", sh.name, argv[0], err)
			st = 126
		}
	}
	if execIt {
		return st, exitError{st}
	}
	return st, nil
}

func statusOf(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return -1
}

func (sh *shell) envWith(assigns map[string]string) []string {
	if len(assigns) == 0 {
		return sh.environ()
	}
	m := map[string]string{}
	for _, kv := range sh.environ() {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	for k, v := range assigns {
		m[k] = v
	}
	var env []string
	for k, v := range m {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env
}

func (sh *shell) lookPath(name string, assigns map[string]string) (string, error) {
	if strings.Contains(name, "/") {
		if _, err := os.Stat(name); err != nil {
			return "", err
		}
		return name, nil
	}
	p, ok := assigns["PATH"]
	if !ok {
		p = sh.vars["PATH"]
	}
	for _, dir := range filepath.SplitList(p) {
		if dir == "" {
			dir = "."
		}
		c := filepath.Join(dir, name)
		// Genode has no execute bits to check: a program is a file the ROM service can hand out.
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() {
			return c, nil
		}
	}
	return "", errors.New("not found")
}

// background starts an and-or list as a job; $! is its id.
func (sh *shell) background(ao *andOr) {
	sh.mu.Lock()
	sh.nextID++
	j := &job{pid: sh.nextID, done: make(chan struct{})}
	sh.jobs[j.pid] = j
	sh.mu.Unlock()
	sh.lastBg = j.pid
	// A job runs with its own status and (copied) variables, as in a subshell.
	sub := sh.subshell()
	sub.stdin = strings.NewReader("")
	fg := *ao
	fg.bg = false
	go func() {
		err := sub.runAndOr(&fg, sub.stdin, sub.stdout)
		var ee exitError
		if errors.As(err, &ee) {
			sub.status = ee.code
		}
		j.status = sub.status
		close(j.done)
	}()
}

// runTraps runs the actions of trapped signals that arrived.
func (sh *shell) runTraps() error {
	for {
		select {
		case s := <-sh.sigs:
			sh.pending = append(sh.pending, s.(syscall.Signal))
			continue
		default:
		}
		break
	}
	for len(sh.pending) > 0 {
		s := sh.pending[0]
		sh.pending = sh.pending[1:]
		if action, ok := sh.traps[s]; ok && action != "" {
			st := sh.status
			toks, err := lex(action)
			if err != nil {
				return err
			}
			list, err := parse(toks)
			if err != nil {
				return err
			}
			if err := sh.runList(list); err != nil {
				return err
			}
			sh.status = st
		}
	}
	return nil
}

// ---------- builtins ----------

type builtin func(sh *shell, ios *ioset, argv []string) (int, error)

var builtins map[string]builtin

func init() {
	builtins = map[string]builtin{
		":": func(*shell, *ioset, []string) (int, error) { return 0, nil },
		"cd": func(sh *shell, ios *ioset, argv []string) (int, error) {
			dir := sh.vars["HOME"]
			if len(argv) > 1 {
				dir = argv[1]
			}
			if err := os.Chdir(dir); err != nil {
				fmt.Fprintf(ios.err, "%s: cd: %v\n", sh.name, err)
				return 1, nil
			}
			if wd, err := os.Getwd(); err == nil {
				sh.vars["PWD"] = wd
			}
			return 0, nil
		},
		"exit": func(sh *shell, ios *ioset, argv []string) (int, error) {
			code := sh.status
			if len(argv) > 1 {
				n, err := strconv.Atoi(argv[1])
				if err != nil {
					fmt.Fprintf(ios.err, "%s: exit: %s: numeric argument required\n", sh.name, argv[1])
					n = 2
				}
				code = n & 0xff
			}
			return code, exitError{code}
		},
		"export": func(sh *shell, ios *ioset, argv []string) (int, error) {
			for _, a := range argv[1:] {
				k, v, ok := strings.Cut(a, "=")
				if ok {
					sh.vars[k] = v
				}
				sh.exports[k] = true
			}
			return 0, nil
		},
		"unset": func(sh *shell, ios *ioset, argv []string) (int, error) {
			for _, a := range argv[1:] {
				delete(sh.vars, a)
				delete(sh.exports, a)
			}
			return 0, nil
		},
		// read NAME...: one line of stdin, read a byte at a time so that what
		// follows the line stays for the next reader; its fields go to the
		// names, the last name takes the rest. 1 at end of input.
		"read": func(sh *shell, ios *ioset, argv []string) (int, error) {
			var line []byte
			var b [1]byte
			eof := false
			for {
				n, err := ios.in.Read(b[:])
				if n == 1 {
					if b[0] == '\n' {
						break
					}
					line = append(line, b[0])
					continue
				}
				if err != nil {
					eof = true
					break
				}
			}
			rest := strings.TrimSuffix(string(line), "\r")
			names := argv[1:]
			if len(names) == 0 {
				names = []string{"REPLY"}
			}
			for i, n := range names {
				rest = strings.TrimLeft(rest, " \t")
				if i == len(names)-1 {
					sh.vars[n] = strings.TrimRight(rest, " \t")
					break
				}
				f, r, _ := strings.Cut(rest, " ")
				sh.vars[n], rest = f, r
			}
			if eof && len(line) == 0 {
				return 1, nil
			}
			return 0, nil
		},
		"shift": func(sh *shell, ios *ioset, argv []string) (int, error) {
			n := 1
			if len(argv) > 1 {
				n, _ = strconv.Atoi(argv[1])
			}
			if n > len(sh.args) {
				return 1, nil
			}
			sh.args = sh.args[n:]
			return 0, nil
		},
		"set": func(sh *shell, ios *ioset, argv []string) (int, error) {
			for i, a := range argv[1:] {
				switch a {
				case "--":
					sh.args = append([]string(nil), argv[i+2:]...)
					return 0, nil
				case "-e":
					sh.errexit = true
				case "+e":
					sh.errexit = false
				default:
					fmt.Fprintf(ios.err, "%s: set: %s: unsupported\n", sh.name, a)
					return 2, nil
				}
			}
			return 0, nil
		},
		"exec": func(sh *shell, ios *ioset, argv []string) (int, error) {
			if len(argv) == 1 {
				// exec with only redirections would change the shell's own descriptors
				sh.stdin, sh.stdout, sh.stderr = ios.in, ios.out, ios.err
				ios.closers = nil
				return 0, nil
			}
			return sh.command(ios, argv[1:], nil, true)
		},
		"trap":  trapBuiltin,
		"wait":  waitBuiltin,
		"kill":  killBuiltin,
		"jobs":  func(*shell, *ioset, []string) (int, error) { return 0, nil },
		"umask": func(*shell, *ioset, []string) (int, error) { return 0, nil },
	}
}

var signalNames = map[string]syscall.Signal{
	"HUP": syscall.SIGHUP, "INT": syscall.SIGINT, "QUIT": syscall.SIGQUIT, "KILL": syscall.SIGKILL,
	"TERM": syscall.SIGTERM, "USR1": syscall.SIGUSR1, "USR2": syscall.SIGUSR2, "ALRM": syscall.SIGALRM,
	"PIPE": syscall.SIGPIPE, "CHLD": syscall.SIGCHLD, "CONT": syscall.SIGCONT, "STOP": syscall.SIGSTOP,
}

func signalByName(s string) (syscall.Signal, bool) {
	s = strings.TrimPrefix(strings.ToUpper(s), "SIG")
	if n, err := strconv.Atoi(s); err == nil {
		return syscall.Signal(n), n > 0
	}
	sig, ok := signalNames[s]
	return sig, ok
}

func trapBuiltin(sh *shell, ios *ioset, argv []string) (int, error) {
	if len(argv) < 3 {
		for s, a := range sh.traps {
			fmt.Fprintf(ios.out, "trap -- '%s' %d\n", a, int(s))
		}
		return 0, nil
	}
	action := argv[1]
	for _, name := range argv[2:] {
		if n := strings.ToUpper(name); n == "EXIT" || n == "0" {
			if action == "-" {
				sh.exitTrap = nil
			} else {
				a := action
				sh.exitTrap = &a
			}
			continue
		}
		sig, ok := signalByName(name)
		if !ok {
			fmt.Fprintf(ios.err, "%s: trap: %s: bad signal\n", sh.name, name)
			return 1, nil
		}
		switch action {
		case "-":
			delete(sh.traps, sig)
			signal.Reset(sig)
		case "":
			sh.traps[sig] = ""
			signal.Ignore(sig)
		default:
			sh.traps[sig] = action
			signal.Notify(sh.sigs, sig)
		}
	}
	return 0, nil
}

func waitBuiltin(sh *shell, ios *ioset, argv []string) (int, error) {
	var want []*job
	sh.mu.Lock()
	if len(argv) == 1 {
		for _, j := range sh.jobs {
			want = append(want, j)
		}
	} else {
		for _, a := range argv[1:] {
			id, err := strconv.Atoi(strings.TrimPrefix(a, "%"))
			j := sh.jobs[id]
			if err != nil || j == nil {
				sh.mu.Unlock()
				return 127, nil
			}
			want = append(want, j)
		}
	}
	sh.mu.Unlock()
	st := 0
	for _, j := range want {
		select {
		case <-j.done:
			st = j.status
			sh.mu.Lock()
			delete(sh.jobs, j.pid)
			sh.mu.Unlock()
		case s := <-sh.sigs:
			// A trapped signal ends wait at once with 128+N; its action runs after wait returns.
			sh.pending = append(sh.pending, s.(syscall.Signal))
			return 128 + int(s.(syscall.Signal)), nil
		}
	}
	return st, nil
}

func killBuiltin(sh *shell, ios *ioset, argv []string) (int, error) {
	sig := syscall.SIGTERM
	args := argv[1:]
	if len(args) > 0 && strings.HasPrefix(args[0], "-") {
		s, ok := signalByName(strings.TrimPrefix(strings.TrimPrefix(args[0], "-"), "s "))
		if !ok {
			fmt.Fprintf(ios.err, "%s: kill: %s: bad signal\n", sh.name, args[0])
			return 1, nil
		}
		sig, args = s, args[1:]
	}
	st := 0
	for _, a := range args {
		pid, err := strconv.Atoi(a)
		if err == nil {
			err = syscall.Kill(pid, sig)
		}
		if err != nil {
			fmt.Fprintf(ios.err, "%s: kill: %s: %v\n", sh.name, a, err)
			st = 1
		}
	}
	return st, nil
}

// shMain is the sh applet: sh -c SCRIPT [NAME [ARG...]], sh FILE [ARG...], or a script on stdin.
func shMain(p *proc, argv []string) int {
	name := argv[0]
	args := argv[1:]
	var script string
	errexit := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-c" && args[0] != "-" {
		if args[0] == "-e" {
			errexit = true
		}
		args = args[1:]
	}
	switch {
	case len(args) > 0 && args[0] == "-c":
		if len(args) < 2 {
			fmt.Fprintf(p.stderr, "%s: -c requires an argument\n", name)
			return 2
		}
		script = args[1]
		args = args[2:]
		if len(args) > 0 {
			name, args = args[0], args[1:]
		}
	case len(args) > 0 && args[0] != "-":
		b, err := os.ReadFile(args[0])
		if err != nil {
			fmt.Fprintf(p.stderr, "%s: %v\n", name, err)
			return 127
		}
		script = string(b)
		name, args = args[0], args[1:]
	case isTerminal(p.stdin):
		// interactive: a Terminal session has no end of file, so each
		// line runs as it comes, until exit
		return interactive(name, args, p, errexit)
	default:
		sh := newShell(name, args, p.stdin, p.stdout, p.stderr)
		sh.errexit = errexit
		return sh.runStream(p.stdin)
	}
	sh := newShell(name, args, p.stdin, p.stdout, p.stderr)
	sh.errexit = errexit
	return sh.run(script)
}

// isTerminal: a character device (a terminal, or /dev/null, which ends at
// once) is read line by line; a Terminal session never ends by itself.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func interactive(name string, args []string, p *proc, errexit bool) int {
	sh := newShell(name, args, p.stdin, p.stdout, p.stderr)
	sh.errexit = errexit
	br := bufio.NewReader(p.stdin)
	for {
		line, err := br.ReadString('\n')
		if strings.TrimSpace(line) != "" {
			toks, lerr := lex(line)
			var list []*andOr
			if lerr == nil {
				list, lerr = parse(toks)
			}
			if lerr == nil {
				var ee exitError
				if rerr := sh.runList(list); errors.As(rerr, &ee) {
					return ee.code
				} else if rerr != nil {
					fmt.Fprintf(sh.stderr, "%s: %v\n", sh.name, rerr)
				}
			} else {
				fmt.Fprintf(sh.stderr, "%s: %v\n", sh.name, lerr)
			}
		}
		if err != nil {
			return sh.status
		}
	}
}
