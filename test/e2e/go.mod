module genodego/e2e

go 1.26
