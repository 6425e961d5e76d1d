package syscall

//sys	setsockoptBool(s int, level int, name int, on bool) (err error) = setsockopt
