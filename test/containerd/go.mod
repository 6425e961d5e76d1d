module genodego/test/containerd

go 1.26.0

require (
	github.com/containerd/containerd/api v1.12.0
	go.etcd.io/bbolt v1.5.0
	google.golang.org/grpc v1.85.0
)
