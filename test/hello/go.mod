module genodego/test/hello

go 1.26.0
