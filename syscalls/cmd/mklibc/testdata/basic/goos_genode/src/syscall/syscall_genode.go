//go:build genode

package syscall

// Not a declaration: //syscall is a word in a comment.

//sys	Open(path string, mode int, perm uint32) (fd int, err error)
//sys	read(fd int, p []byte) (n int, err error)
//sys	Seek(fd int, offset int64, whence int) (newoffset int64, err error) = SYS_LSEEK
//sys	getcwd(buf []byte) (n int, err error)
//sys	mmap(addr uintptr, length uintptr, prot int, flag int, fd int, pos int64) (ret uintptr, err error)
//sys	Issetugid() (tainted bool)
//sysnb	fork() (pid int, err error)
//sysnb	exit(res int) (err error)
//sys	setsockopt(s int, level int, name int, val unsafe.Pointer, vallen uintptr) (err error)
//sysnb	pipe2(p *[2]_C_int, flags int) (err error)
//sys	Openat(dirfd int, path string, flags int, mode uint32) (fd int, err error)
//sys	sysctl(mib []_C_int, old *byte, oldlen *uintptr, new *byte, newlen uintptr) (err error)
