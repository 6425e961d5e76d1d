module genodego/test/images/pause

go 1.26.0
