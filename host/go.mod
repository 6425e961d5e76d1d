module genodego/host

go 1.26
