module genodego/test/runc

go 1.26.0
