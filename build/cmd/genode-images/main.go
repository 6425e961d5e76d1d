// Command genode-images builds the OCI images of genode programs that containerd on genode runs:
// each an index of genode/amd64 and genode/arm64 images whose binaries are Go programs built with
// the patched toolchain and checked with genode-elfcheck, plus two images with linux entries for
// containerd's platform matching.
//
// Usage:
//
//	genode-images [-out dir] [-push host:port] [-only name,...] [-cri]
//
// It writes OUT/NAME.oci.tar (an OCI image layout as a tar archive, named genode.local/NAME:latest
// for `ctr image import`) and, with -push, pushes HOST:PORT/genode/NAME:latest (plain http for a
// loopback host). It prints one line per image: name, index digest, archive, archive size.
// Layers are deterministic: the same sources and toolchain give the same digests.
//
// -cri also builds the images that critest (cri-tools v1.37.0) pulls by fixed names, for a containerd
// whose registry mirror for every host (certs.d/_default/hosts.toml) is the registry at HOST:PORT:
// critest's gcr.io/k8s-staging-cri-tools/test-image-*, registry.k8s.io/pause:3.9 and k8s.gcr.io/pause:3.9
// (one image), registry.k8s.io/pause:3.10.2, and registry.k8s.io/e2e-test-images/busybox:1.29-2 (the
// toolbox) and nginx:1.14-2 (the server on port 80). -push puts each under its names' paths, the host
// dropped: HOST:PORT/k8s-staging-cri-tools/test-image-tags:1 (and :2, :3), HOST:PORT/pause:3.9, ... Their
// archives are OUT/cri/PATH_TAG.oci.tar, named with critest's full names. -only selects among the
// genode/NAME images only; -cri adds its whole set. cri.go says what each image holds and which of
// critest's checks it serves; one check no image of ours can pass: the pull of test-image-digest by
// upstream's pinned digest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("genode-images", flag.ContinueOnError)
	fs.SetOutput(stderr)
	top := fs.String("top", "", "the repository `root` (default: found from the working directory)")
	out := fs.String("out", "_build/images", "output `directory` for NAME.oci.tar and the binaries (bin/)")
	push := fs.String("push", "", "push each image to the registry at `host:port` as genode/NAME:latest")
	only := fs.String("only", "", "build only these images (`name,...`; default all: "+strings.Join(names(), ",")+")")
	elfcheck := fs.String("elfcheck", "", "genode-elfcheck `binary` (default TOP/_build/bin/genode-elfcheck)")
	cri := fs.Bool("cri", false, "also build all the images critest pulls (-only does not select among them), archives in OUT/cri/;\n"+
		"with -push, push each as HOST:PORT/PATH:TAG for every name REGISTRY/PATH:TAG critest pulls it by")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "genode-images: unexpected arguments %q\n", fs.Args())
		return 2
	}
	want := names()
	if *only != "" {
		want = strings.Split(*only, ",")
		for _, n := range want {
			if !slices.Contains(names(), n) {
				fmt.Fprintf(stderr, "genode-images: no image %q (images: %s)\n", n, strings.Join(names(), ", "))
				return 2
			}
		}
	}
	if *top == "" {
		t, err := findTop()
		if err != nil {
			fmt.Fprintln(stderr, "genode-images:", err)
			return 1
		}
		*top = t
	}
	if *elfcheck == "" {
		*elfcheck = filepath.Join(*top, "_build", "bin", "genode-elfcheck")
	}
	b := &builder{top: *top, bin: filepath.Join(*out, "bin"), elfcheck: *elfcheck, built: map[string][]byte{}}
	if err := os.MkdirAll(b.bin, 0o755); err != nil {
		fmt.Fprintln(stderr, "genode-images:", err)
		return 1
	}
	for _, n := range want {
		if err := one(b, n, *out, *push, stdout); err != nil {
			fmt.Fprintf(stderr, "genode-images: %s: %v\n", n, err)
			return 1
		}
	}
	if *cri {
		if err := os.MkdirAll(filepath.Join(*out, "cri"), 0o755); err != nil {
			fmt.Fprintln(stderr, "genode-images:", err)
			return 1
		}
		for _, c := range criSet {
			if err := oneCRI(b, c, *out, *push, stdout); err != nil {
				fmt.Fprintf(stderr, "genode-images: %s: %v\n", c.names[0], err)
				return 1
			}
		}
	}
	return 0
}

// oneCRI builds image c of the -cri set, writes its archive, pushes it under every mirror path if asked,
// and prints its line: its first mirror path, index digest, archive, archive size.
func oneCRI(b *builder, c criImage, out, push string, stdout io.Writer) error {
	idx, err := c.build(b)
	if err != nil {
		return err
	}
	d, err := idx.Digest()
	if err != nil {
		return err
	}
	path := filepath.Join(out, "cri", c.file()+".oci.tar")
	size, err := writeLayout(path, c.names, idx)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s %s %s %d", c.mirrors()[0], d, path, size)
	if push != "" {
		line += " pushed"
		for _, m := range c.mirrors() {
			ref, err := registryRef(push, m)
			if err != nil {
				return err
			}
			if err := remote.WriteIndex(ref, idx, remote.WithContext(context.Background())); err != nil {
				return fmt.Errorf("push %s: %w", ref, err)
			}
			line += " " + ref.String()
		}
	}
	_, err = fmt.Fprintln(stdout, line)
	return err
}

// one builds image n, writes its archive, pushes it if asked, and prints its line.
func one(b *builder, n, out, push string, stdout io.Writer) error {
	idx, err := catalog[n](b)
	if err != nil {
		return err
	}
	d, err := idx.Digest()
	if err != nil {
		return err
	}
	path := filepath.Join(out, n+".oci.tar")
	size, err := writeLayout(path, []string{LocalName(n)}, idx)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s %s %s %d", n, d, path, size)
	if push != "" {
		ref, err := PushRef(push, n)
		if err != nil {
			return err
		}
		if err := remote.WriteIndex(ref, idx, remote.WithContext(context.Background())); err != nil {
			return fmt.Errorf("push %s: %w", ref, err)
		}
		line += " pushed " + ref.String()
	}
	_, err = fmt.Fprintln(stdout, line)
	return err
}

// LocalName is the name an imported archive gets.
func LocalName(n string) string { return "genode.local/" + n + ":latest" }

// PushRef is where -push puts image n; a loopback registry is spoken to over plain http.
func PushRef(registry, n string) (name.Reference, error) {
	return registryRef(registry, "genode/"+n+":latest")
}

// registryRef is repository:tag pathTag in registry, over plain http for a loopback host.
func registryRef(registry, pathTag string) (name.Reference, error) {
	var opts []name.Option
	host := registry
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	if host == "localhost" || host == "[::1]" || strings.HasPrefix(host, "127.") {
		opts = append(opts, name.Insecure)
	}
	return name.ParseReference(registry+"/"+pathTag, opts...)
}

// findTop walks up from the working directory to the repository root (go.work next to build/).
func findTop() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "build", "toolchain.sh")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no repository root above the working directory (use -top)")
		}
		dir = parent
	}
}
