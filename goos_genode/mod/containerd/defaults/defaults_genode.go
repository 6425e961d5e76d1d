//go:build genode

package defaults

// DefaultRuntime is runc's shim: on genode it drives genode's runc, whose
// containers are children of a dynamic init.
const DefaultRuntime = "io.containerd.runc.v2"
