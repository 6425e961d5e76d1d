module genodego/test/harness

go 1.26.0
