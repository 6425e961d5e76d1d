package main

import (
	"archive/tar"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"genodego/test/rootfs"
)

// A criImage is one image that critest (cri-tools v1.37.0: pkg/validate/consts.go, pkg/framework) pulls,
// with every name it pulls it by. containerd is given a registry mirror for every host
// (certs.d/_default/hosts.toml -> http://HOST:PORT), so a name's host selects nothing and its path is
// the repository in the one registry: -push puts the image there under each name's path:tag (Mirror).
type criImage struct {
	names []string // the full names critest uses, each with its tag
	build func(*builder) (v1.ImageIndex, error)
}

// criSet is what -cri adds. The contents are genode programs and small files, not upstream's busybox
// trees; what critest checks of them holds:
//
//   - test-image-latest, test-image-tag:test and :all, test-image-1/2/3, test-image-digest: the toolbox
//     plus an empty file named as in upstream's images/build (ADD $TEST to busybox), so each is a different
//     image and a container of it has a shell (the image volume specs run one);
//   - test-image-tags:1, :2 and :3: one image (one index, so one digest and one image id) under three tags;
//   - test-image-user-*: the toolbox with the config's User as upstream's images/build sets it ("1002",
//     "www-data", "1003:1004", "www-data:1004"), with busybox's /etc/passwd and /etc/group (www-data is 33:33);
//   - test-image-predefined-group: User "1000", default-user (1000) a member of group-defined-in-image
//     (50000), as upstream's image-predefined-group/Dockerfile makes them;
//   - pause:3.9 (registry.k8s.io and k8s.gcr.io, so one image under two registries) and pause:3.10.2
//     (containerd's sandbox image): the pause program (test/images/pause), told apart by their version
//     label, since critest expects pause:3.9 to carry exactly its two names;
//   - e2e-test-images/busybox:1.29-2, critest's default container image: the toolbox image;
//   - e2e-test-images/nginx:1.14-2, its web server image: the server image answering GET / on port 80.
//
// test-image-digest is pushed as :latest, but critest pulls it by upstream's pinned digest
// (test-image-digest@sha256:9700f9a2...), which no image of ours can have: the spec "public image with
// digest should be pulled and removed" fails for that reason alone.
var criSet = []criImage{
	{gcr("test-image-latest:latest"), testImage("test-image-latest")},
	{gcr("test-image-digest:latest"), testImage("test-image-digest")},
	{gcr("test-image-tag:test"), testImage("test")},
	{gcr("test-image-tag:all"), testImage("all")},
	{gcr("test-image-1:latest"), testImage("test-image-1")},
	{gcr("test-image-2:latest"), testImage("test-image-2")},
	{gcr("test-image-3:latest"), testImage("test-image-3")},
	{gcr("test-image-tags:1", "test-image-tags:2", "test-image-tags:3"), testImage("same-image")},
	{gcr("test-image-user-uid:latest"), userImage("1002", busyboxUsers)},
	{gcr("test-image-user-username:latest"), userImage("www-data", busyboxUsers)},
	{gcr("test-image-user-uid-group:latest"), userImage("1003:1004", busyboxUsers)},
	{gcr("test-image-user-username-group:latest"), userImage("www-data:1004", busyboxUsers)},
	{gcr("test-image-predefined-group:latest"), userImage("1000", predefinedGroupUsers)},
	{[]string{"registry.k8s.io/pause:3.9", "k8s.gcr.io/pause:3.9"}, pauseImage("3.9")},
	{[]string{"registry.k8s.io/pause:3.10.2"}, pauseImage("3.10.2")},
	{[]string{"registry.k8s.io/e2e-test-images/busybox:1.29-2"}, func(b *builder) (v1.ImageIndex, error) {
		return b.index(b.toolbox, genode...)
	}},
	{[]string{"registry.k8s.io/e2e-test-images/nginx:1.14-2"}, func(b *builder) (v1.ImageIndex, error) {
		return b.index(func(p v1.Platform) (v1.Image, error) { return b.serverOn(p, 80) }, genode...)
	}},
}

// gcr names images of critest's test registry, gcr.io/k8s-staging-cri-tools/.
func gcr(repoTags ...string) []string {
	var n []string
	for _, rt := range repoTags {
		n = append(n, "gcr.io/k8s-staging-cri-tools/"+rt)
	}
	return n
}

// Mirror is where a registry mirror for every host looks a full name up: its path and tag.
func Mirror(fullName string) string {
	_, path, _ := strings.Cut(fullName, "/")
	return path
}

// mirrors are image c's repository:tag paths, without repeats (pause:3.9 is one for both registries).
func (c criImage) mirrors() []string {
	var m []string
	for _, n := range c.names {
		if p := Mirror(n); !slices.Contains(m, p) {
			m = append(m, p)
		}
	}
	return m
}

// file is the archive's base name: the first mirror path with / and : made _.
func (c criImage) file() string {
	return strings.NewReplacer("/", "_", ":", "_").Replace(c.mirrors()[0])
}

// testImage is hello with an empty file /NAME: upstream's image-test (FROM busybox, ADD $TEST $TEST).
func testImage(file string) func(*builder) (v1.ImageIndex, error) {
	return func(b *builder) (v1.ImageIndex, error) {
		return b.index(func(p v1.Platform) (v1.Image, error) {
			return b.toolboxWith(p, []rootfs.Entry{{Name: file, Type: tar.TypeReg, Mode: 0o644}}, v1.Config{})
		}, genode...)
	}
}

// busybox's /etc/passwd and /etc/group, as far as critest's user images need them.
var busyboxUsers = []rootfs.Entry{
	{Name: "etc/", Type: tar.TypeDir, Mode: 0o755},
	{Name: "etc/passwd", Type: tar.TypeReg, Mode: 0o644, Data: []byte("root:x:0:0:root:/root:/bin/sh\n" +
		"www-data:x:33:33:www-data:/var/www:/bin/false\n" +
		"nobody:x:65534:65534:nobody:/home:/bin/false\n")},
	{Name: "etc/group", Type: tar.TypeReg, Mode: 0o644, Data: []byte("root:x:0:\nwww-data:x:33:\nnobody:x:65534:\n")},
}

// predefinedGroupUsers adds what image-predefined-group's adduser and addgroup add.
var predefinedGroupUsers = []rootfs.Entry{
	busyboxUsers[0],
	{Name: "etc/passwd", Type: tar.TypeReg, Mode: 0o644, Data: append(append([]byte(nil), busyboxUsers[1].Data...),
		"default-user:x:1000:1000:Linux User,,,:/home/default-user:/bin/sh\n"...)},
	{Name: "etc/group", Type: tar.TypeReg, Mode: 0o644, Data: append(append([]byte(nil), busyboxUsers[2].Data...),
		"default-user:x:1000:\ngroup-defined-in-image:x:50000:default-user\n"...)},
}

// userImage is hello with the user database users, running as user (config User).
func userImage(user string, users []rootfs.Entry) func(*builder) (v1.ImageIndex, error) {
	return func(b *builder) (v1.ImageIndex, error) {
		return b.index(func(p v1.Platform) (v1.Image, error) {
			return b.toolboxWith(p, users, v1.Config{User: user})
		}, genode...)
	}
}

// pauseImage is /bin/pause labelled with version.
func pauseImage(version string) func(*builder) (v1.ImageIndex, error) {
	return func(b *builder) (v1.ImageIndex, error) {
		return b.index(func(p v1.Platform) (v1.Image, error) {
			prog, err := b.program("test/images/pause", "pause", p)
			if err != nil {
				return nil, err
			}
			return image(p, binTree("pause", prog), v1.Config{Entrypoint: []string{"/bin/pause"},
				Labels: map[string]string{"org.opencontainers.image.version": version}})
		}, genode...)
	}
}
