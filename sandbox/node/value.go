package node

import (
	"fmt"
	"math"
	"strconv"
)

// Attribute values as Genode 26.02 reads them (repos/base/include/util/string.h:
// parse_unsigned, parse_signed, parse(bool), Num_bytes::parse). A typed
// attribute is accepted only if its whole value is consumed (Hid_node::
// attribute_value, Xml_attribute::value).
//
// Where Genode goes on silently with a value nobody wrote, these functions
// refuse: an empty or partly read value (HID falls back to the default, XML
// keeps the prefix it read, so the two syntaxes disagree), and overflow
// (Genode's arithmetic wraps). Both give an error naming the value.

// ParseUnsigned reads an unsigned number: decimal digits, or hex digits
// (either case) after "0x" or "0X". The prefix counts only in front of at
// least one more byte, so "0x" alone is "0" followed by garbage. No sign.
func ParseUnsigned(s string) (uint64, error) {
	v, n, ok := scanUnsigned(s)
	if !ok || n == 0 || n != len(s) {
		return 0, fmt.Errorf("%q is not an unsigned number", s)
	}
	return v, nil
}

// ParseSigned reads an optional '-' or '+' followed by an unsigned number
// (parse_signed hands the rest to parse_unsigned, so "-0x10" is -16).
func ParseSigned(s string) (int64, error) {
	t, neg := s, false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg, t = t[0] == '-', t[1:]
	}
	u, n, ok := scanUnsigned(t)
	if !ok || n == 0 || n != len(t) || neg && u > 1<<63 || !neg && u > math.MaxInt64 {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if neg {
		return int64(-u), nil
	}
	return int64(u), nil
}

// ParseNumBytes reads a size: an unsigned number followed by at most one of
// the suffixes G (2^30), M (2^20) or K (2^10), upper case only. As in
// Num_bytes::parse, a "0x" prefix without digits is a number (0), so "0xK"
// is 0.
func ParseNumBytes(s string) (uint64, error) {
	v, n, ok := scanUnsigned(s)
	mul := uint64(1)
	if n > 0 && n < len(s) {
		switch s[n] {
		case 'G':
			mul, n = 1<<30, n+1
		case 'M':
			mul, n = 1<<20, n+1
		case 'K':
			mul, n = 1<<10, n+1
		}
	}
	if n == 0 || n != len(s) {
		return 0, fmt.Errorf("%q is not a size (a number with an optional K, M or G suffix)", s)
	}
	if !ok || v > math.MaxUint64/mul {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return v * mul, nil
}

// FormatNumBytes prints a size as Num_bytes::print does: an exact multiple
// of 1G, 1M or 1K with that suffix, anything else (and 0) in bytes.
func FormatNumBytes(n uint64) string {
	switch {
	case n == 0:
		return "0"
	case n%(1<<30) == 0:
		return strconv.FormatUint(n>>30, 10) + "G"
	case n%(1<<20) == 0:
		return strconv.FormatUint(n>>20, 10) + "M"
	case n%(1<<10) == 0:
		return strconv.FormatUint(n>>10, 10) + "K"
	}
	return strconv.FormatUint(n, 10)
}

// ParseBool reads yes/no, true/false or on/off, in lower case.
func ParseBool(s string) (bool, error) {
	switch s {
	case "yes", "true", "on":
		return true, nil
	case "no", "false", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (yes or no)", s)
}

// scanUnsigned is parse_unsigned: it returns the value and how many bytes
// it consumed (the "0x" prefix included even without digits after it);
// ok is false where Genode's value would have wrapped.
func scanUnsigned(s string) (v uint64, n int, ok bool) {
	base := uint64(10)
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base, n = 16, 2
	}
	ok = true
	for ; n < len(s); n++ {
		d := digit(s[n], base == 16)
		if d < 0 {
			break
		}
		if v > (math.MaxUint64-uint64(d))/base {
			ok = false
		}
		v = v*base + uint64(d)
	}
	return v, n, ok
}

func digit(c byte, hex bool) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case hex && c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case hex && c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// AttrPos returns the position of attribute name, or the node's.
func (n *Node) AttrPos(name string) (line, col int) {
	for _, a := range n.Attrs {
		if a.Name == name && a.Line > 0 {
			return a.Line, a.Col
		}
	}
	return n.Line, n.Col
}
