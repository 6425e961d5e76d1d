module genodego/test/runtime-tools

go 1.26.0

require (
	genodego/sandbox v0.0.0-00010101000000-000000000000
	genodego/test/rootfs v0.0.0-00010101000000-000000000000
)

replace (
	genodego/sandbox => ../../sandbox
	genodego/test/rootfs => ../rootfs
)
