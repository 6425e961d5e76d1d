package node

import (
	"strings"
	"testing"
)

// The rules of repos/base/include/util/string.h (Genode 26.02): parse_unsigned,
// parse_signed, parse(bool) and Num_bytes::parse/print, applied to a whole
// attribute value as Hid_node::attribute_value does. "" in want means the
// value is refused, with the error text containing bad.
func TestValueSyntax(t *testing.T) {
	const max = "18446744073709551615"
	cases := []struct {
		kind, in string
		want     string // the parsed value printed with %v, or "" for an error
		bad      string
	}{
		// parse_unsigned: decimal; hex after 0x or 0X with digits in either case
		{"u", "0", "0", ""},
		{"u", "4096", "4096", ""},
		{"u", "010", "10", ""}, // no octal
		{"u", "0x10", "16", ""},
		{"u", "0X10", "16", ""},
		{"u", "0xfF", "255", ""},
		{"u", "0x1000000", "16777216", ""},
		{"u", max, max, ""},
		{"u", "0xffffffffffffffff", max, ""},
		// the prefix needs a third byte: "0x" alone is "0" and garbage
		{"u", "0x", "", "not an unsigned number"},
		{"u", "0xg", "", "not an unsigned number"},
		{"u", "", "", "not an unsigned number"},
		{"u", "12abc", "", "not an unsigned number"}, // trailing garbage
		{"u", " 1", "", "not an unsigned number"},
		{"u", "1 ", "", "not an unsigned number"},
		{"u", "+1", "", "not an unsigned number"}, // no sign
		{"u", "-1", "", "not an unsigned number"},
		{"u", "1_000", "", "not an unsigned number"},
		{"u", "ff", "", "not an unsigned number"},                   // hex needs the prefix
		{"u", "18446744073709551616", "", "not an unsigned number"}, // Genode wraps to 0
		{"u", "0x10000000000000000", "", "not an unsigned number"},

		// parse_signed: one sign, then parse_unsigned (hex included)
		{"s", "-1", "-1", ""},
		{"s", "+5", "5", ""},
		{"s", "0", "0", ""},
		{"s", "-0x10", "-16", ""},
		{"s", "-9223372036854775808", "-9223372036854775808", ""},
		{"s", "9223372036854775807", "9223372036854775807", ""},
		{"s", "-", "", "not a number"},
		{"s", "", "", "not a number"},
		{"s", "--1", "", "not a number"},
		{"s", "-0x", "", "not a number"},
		{"s", "1-", "", "not a number"},
		{"s", "9223372036854775808", "", "not a number"},
		{"s", "-9223372036854775809", "", "not a number"},

		// Num_bytes::parse: parse_unsigned, then one of G, M, K (upper case)
		{"b", "0", "0", ""},
		{"b", "1536", "1536", ""},
		{"b", "16K", "16384", ""},
		{"b", "4M", "4194304", ""},
		{"b", "2G", "2147483648", ""},
		{"b", "0x10M", "16777216", ""},
		{"b", "0x1000000", "16777216", ""},
		{"b", "0xK", "0", ""}, // the prefix is consumed without digits
		{"b", "17179869183G", "18446744072635809792", ""},
		{"b", "16k", "", "not a size"},
		{"b", "16m", "", "not a size"},
		{"b", "1g", "", "not a size"},
		{"b", "1T", "", "not a size"},
		{"b", "1KB", "", "not a size"},
		{"b", "1MK", "", "not a size"},
		{"b", "M", "", "not a size"},
		{"b", "", "", "not a size"},
		{"b", "1.5M", "", "not a size"},
		{"b", "16 M", "", "not a size"},
		{"b", "-5M", "", "not a size"},
		{"b", "+5", "", "not a size"},
		{"b", "0x", "", "not a size"},
		{"b", "17179869184G", "", "too large"}, // 2^64: Genode wraps to 0
		{"b", "99999999999999999999", "", "too large"},

		// parse(bool): exact lower-case words
		{"bool", "yes", "true", ""},
		{"bool", "true", "true", ""},
		{"bool", "on", "true", ""},
		{"bool", "no", "false", ""},
		{"bool", "false", "false", ""},
		{"bool", "off", "false", ""},
		{"bool", "Yes", "", "not a boolean"},
		{"bool", "YES", "", "not a boolean"},
		{"bool", "1", "", "not a boolean"},
		{"bool", "yess", "", "not a boolean"}, // parse consumes "yes" only
		{"bool", "o", "", "not a boolean"},
		{"bool", "", "", "not a boolean"},
	}
	for _, c := range cases {
		var v any
		var err error
		switch c.kind {
		case "u":
			v, err = ParseUnsigned(c.in)
		case "s":
			v, err = ParseSigned(c.in)
		case "b":
			v, err = ParseNumBytes(c.in)
		case "bool":
			v, err = ParseBool(c.in)
		}
		if c.want == "" {
			if err == nil || !strings.Contains(err.Error(), c.bad) || !strings.Contains(err.Error(), "\""+c.in+"\"") {
				t.Errorf("%s %q: got %v, %v; want an error with %q", c.kind, c.in, v, err, c.bad)
			}
			continue
		}
		if err != nil || fmtValue(v) != c.want {
			t.Errorf("%s %q: got %v, %v; want %s", c.kind, c.in, v, err, c.want)
		}
	}
}

func fmtValue(v any) string { return strings.TrimSpace(sprintf("%v", v)) }

// Num_bytes::print: the largest exact unit, bytes otherwise.
func TestFormatNumBytes(t *testing.T) {
	for n, want := range map[uint64]string{0: "0", 1: "1", 1023: "1023", 1024: "1K", 1536: "1536", 3 << 10: "3K",
		2048 << 10: "2M", 8 << 20: "8M", 1 << 30: "1G", 3 << 30: "3G", 1<<30 + 1<<20: "1025M"} {
		if got := FormatNumBytes(n); got != want {
			t.Errorf("FormatNumBytes(%d) = %s, want %s", n, got, want)
		}
		if back, err := ParseNumBytes(want); err != nil || back != n {
			t.Errorf("ParseNumBytes(%s) = %d, %v", want, back, err)
		}
	}
}
