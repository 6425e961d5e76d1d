package syscall

//sys	ignored(fd int) (err error)
