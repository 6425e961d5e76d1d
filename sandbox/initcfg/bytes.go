package initcfg

import "genodego/sandbox/node"

// Bytes is a quantity of memory, printed as Genode's Number_of_bytes does:
// exact multiples of 1G, 1M or 1K with that suffix, anything else in bytes.
type Bytes uint64

const (
	KiB Bytes = 1 << 10
	MiB Bytes = 1 << 20
	GiB Bytes = 1 << 30
)

func (b Bytes) String() string { return node.FormatNumBytes(uint64(b)) }

// ParseBytes reads a size as Genode's Num_bytes does ("123", "64K", "8M",
// "2G", "0x1000"; node.ParseNumBytes).
func ParseBytes(s string) (Bytes, error) {
	v, err := node.ParseNumBytes(s)
	return Bytes(v), err
}
