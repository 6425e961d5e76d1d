module genodego/test/docker

go 1.26.0
