//go:build genode

package unix

//sys	openat(dirfd int, path string, flags int, perm uint32) (fd int, err error)
//sys	ARC4Random(p []byte) = arc4random_buf
