module genodego/syscalls

go 1.26.0
