package launch

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

// The architecture of the genode binaries and the model: $GENODE_ARCH, amd64
// or arm64 (default: the host's). A foreign one runs under qemu-user
// ($GENODE_QEMU, default qemu-aarch64 on PATH) with the system loader and
// libraries of a cross sysroot ($GENODE_SYSROOT, default
// /usr/aarch64-linux-gnu).
const (
	envArch     = "GENODE_ARCH"
	envQemu     = "GENODE_QEMU"
	envSysroot  = "GENODE_SYSROOT"
	envEmulator = "GENODE_MODEL_EMULATOR" // the model's execve runs the new image under it
)

// Target is how binaries of one architecture start on this host.
type Target struct {
	Arch     string   // amd64 or arm64
	Loader   string   // the system loader, a host path
	Emulator []string // the command before the loader; empty when native
	Env      []string // what the emulator and the model's execve need
}

// Arch is $GENODE_ARCH, else the host's architecture.
func Arch() string {
	if a := os.Getenv(envArch); a != "" {
		return a
	}
	return runtime.GOARCH
}

// ModelDirName is the model's directory under _build for Arch(): model, or
// model-arm64 for the cross-built arm64 model (`make model-arm64`).
func ModelDirName() string {
	if Arch() == "arm64" && runtime.GOARCH != "arm64" {
		return "model-arm64"
	}
	return "model"
}

// TargetFor is the target for arch ("" for Arch()).
func TargetFor(arch string) (Target, error) {
	if arch == "" {
		arch = Arch()
	}
	var t Target
	switch arch {
	case "amd64":
		t = Target{Arch: arch, Loader: defaultLoader}
		if runtime.GOARCH != "amd64" {
			return t, fmt.Errorf("%s=amd64 runs only on an amd64 host", envArch)
		}
	case "arm64":
		t = Target{Arch: arch, Loader: "/lib/ld-linux-aarch64.so.1"}
		if runtime.GOARCH == "arm64" {
			break
		}
		sysroot := os.Getenv(envSysroot)
		if sysroot == "" {
			sysroot = "/usr/aarch64-linux-gnu"
		}
		qemu := os.Getenv(envQemu)
		if qemu == "" {
			qemu = "qemu-aarch64"
		}
		q, err := exec.LookPath(qemu)
		if err != nil {
			return t, fmt.Errorf("%s=arm64 on %s needs qemu-user: %v", envArch, runtime.GOARCH, err)
		}
		// qemu-user runs an aarch64 executable only when it is named on its
		// command line (the host has no binfmt_misc entry for it, in
		// general): the model's execve puts the emulator before the loader.
		t.Loader = sysroot + "/lib/ld-linux-aarch64.so.1"
		t.Emulator = []string{q}
		t.Env = []string{"QEMU_LD_PREFIX=" + sysroot, envEmulator + "=" + q}
	default:
		return t, fmt.Errorf("%s=%s: want amd64 or arm64", envArch, arch)
	}
	return t, nil
}
