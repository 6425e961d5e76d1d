package initcfg

import (
	"fmt"
	"strconv"
)

// Bytes is a quantity of memory, printed as Genode's Number_of_bytes does:
// exact multiples of 1G, 1M or 1K with that suffix, anything else in bytes.
type Bytes uint64

const (
	KiB Bytes = 1 << 10
	MiB Bytes = 1 << 20
	GiB Bytes = 1 << 30
)

func (b Bytes) String() string {
	switch {
	case b != 0 && b%GiB == 0:
		return strconv.FormatUint(uint64(b/GiB), 10) + "G"
	case b != 0 && b%MiB == 0:
		return strconv.FormatUint(uint64(b/MiB), 10) + "M"
	case b != 0 && b%KiB == 0:
		return strconv.FormatUint(uint64(b/KiB), 10) + "K"
	}
	return strconv.FormatUint(uint64(b), 10)
}

// ParseBytes reads "123", "64K", "8M", "2G".
func ParseBytes(s string) (Bytes, error) {
	if s == "" {
		return 0, fmt.Errorf("empty size")
	}
	mul := Bytes(1)
	switch s[len(s)-1] {
	case 'K':
		mul = KiB
	case 'M':
		mul = MiB
	case 'G':
		mul = GiB
	}
	num := s
	if mul != 1 {
		num = s[:len(s)-1]
	}
	v, err := strconv.ParseUint(num, 10, 64)
	if err != nil || num == "" || num[0] == '+' {
		return 0, fmt.Errorf("invalid size %q (digits with optional K, M or G)", s)
	}
	if v > uint64(^Bytes(0)/mul) {
		return 0, fmt.Errorf("size %q overflows", s)
	}
	return Bytes(v) * mul, nil
}
