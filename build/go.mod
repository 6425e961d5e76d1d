module genodego/build

go 1.26.0

require (
	genodego/syscalls v0.0.0-00010101000000-000000000000
	golang.org/x/arch v0.33.0
)

replace genodego/syscalls => ../syscalls
