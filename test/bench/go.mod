module genodego/test/bench

go 1.26.0
