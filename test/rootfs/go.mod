module genodego/test/rootfs

go 1.26.0
