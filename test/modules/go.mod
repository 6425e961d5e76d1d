module genodego/test/modules

go 1.26.0

require (
	github.com/containerd/continuity v0.5.0
	github.com/moby/sys/mountinfo v0.7.2
	github.com/moby/sys/sequential v0.7.0
	github.com/moby/sys/signal v0.7.1
	github.com/moby/sys/symlink v0.3.0
	github.com/moby/sys/user v0.4.1
	github.com/moby/sys/userns v0.2.1
)

require (
	github.com/Microsoft/go-winio v0.6.2 // indirect
	github.com/containerd/log v0.1.0 // indirect
	github.com/sirupsen/logrus v1.9.3 // indirect
	golang.org/x/sync v0.8.0 // indirect
	golang.org/x/sys v0.37.0 // indirect
)
