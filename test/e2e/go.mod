module genodego/test/e2e

go 1.26.0
