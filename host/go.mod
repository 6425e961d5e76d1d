module genodego/host

go 1.26.0
