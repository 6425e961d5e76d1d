module genodego/test/images/server

go 1.26.0
