module genodego/test/bbolt

go 1.26.0
