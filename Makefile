# Two commands do everything on a fresh machine: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
TOP := $(CURDIR)
GOROOT_GENODE := $(TOP)/_build/goroot
GO_GENODE := $(GOROOT_GENODE)/bin/go
# The patched toolchain, for std and for genode programs (outside our go.work).
GENODE_ENV := PATH=$(GOROOT_GENODE)/bin:$$PATH GOWORK=off GOTOOLCHAIN=local GOFLAGS=
# The patched toolchain in our go.work: genode programs built from the pinned, patched modules.
GENODE_WS_ENV := PATH=$(GOROOT_GENODE)/bin:$$PATH GOWORK=$(TOP)/go.work GOTOOLCHAIN=local GOFLAGS=
export GOTOOLCHAIN := local
# GOARCH selects the arm64 side of bench-runtime (make bench-runtime GOARCH=arm64); a variable given on the command
# line would otherwise reach every go command of every recipe, the toolchain's make.bash included.
unexport GOARCH GOOS
ELFCHECK := $(TOP)/_build/bin/genode-elfcheck
HOST_TEST_PKGS := runtime syscall os net cmd/internal/obj/x86
# patched compiler and linker packages whose native tests take minutes: host-tests-all
HOST_TEST_PKGS_LONG := cmd/compile/internal/ssa cmd/link

.PHONY: model model-arm64 host-tools test-model test-model-arm64 all toolchain sync go-prepare go-patches go-reset syscalls syscalls-check elfcheck unit-tests \
	dist-list build-std vet-std compile-tests hello check-elf host-tests test demo clean \
	std-report std-report-arm64 std-core-arm64 e2e-arm64 vet-std-all host-tests-all mem-report soak-model bench-runtime e2e runc runc-test runc-test-arm64 runtime-tools-report runtime-tools-test bench-runc std-core modules-report modules-test modules mod-list mod-prepare mod-patches mod-reset mod-upgrade \
	images images-test containerd docker debian-docker fuzz-engine e2e-docker e2e-docker-cycles stack-up stack-down demo-down e2e-containerd-cycles e2e-containerd e2e-containerd-arm64 e2e-docker-arm64 bench-containerd bench-docker containerd-client-report

all: toolchain

toolchain: syscalls-check  ## patched GOROOT in _build/goroot (make.bash once, then incremental)
	@build/toolchain.sh build

sync:                 ## lay goos_genode/ over the work folder without building
	@build/toolchain.sh sync

go-prepare:           ## work folder as a git repository: pristine + one commit per patch
	@build/toolchain.sh prepare

go-patches:           ## regenerate patches/go from the work folder's commits
	@build/toolchain.sh export

go-reset:             ## drop work-folder patch commits and re-apply patches/go
	@build/toolchain.sh reset

modules:              ## upstream Go modules (third_party/modules.pin) patched for genode in _build/modules; no-op when unchanged
	@build/modules.sh build

mod-list:             ## the pinned modules and the state of their work folders
	@build/modules.sh list

mod-prepare:          ## M=NAME: the module's work folder as a git repository: pristine + one commit per patch
	@build/modules.sh prepare $(M)

mod-patches:          ## M=NAME: regenerate patches/NAME from the work folder's commits
	@build/modules.sh export $(M)

mod-reset:            ## M=NAME: drop the work folder's commits and edits and re-apply patches/NAME
	@build/modules.sh reset $(M)

mod-upgrade:          ## M=NAME V=VERSION: pin another version and re-apply the series
	@build/modules.sh upgrade $(M) $(V)

syscalls:             ## regenerate goos_genode's z-files: from syscalls/table.tsv (mklibc), from the pinned Go release (mkztypes)
	cd syscalls && $(SYSCALLS_GO) run ./cmd/mklibc -root $(TOP)
	cd syscalls && $(SYSCALLS_GO) run ./cmd/mkztypes -root $(TOP)

syscalls-check:       ## fail when a generated file is stale, naming it and the command that regenerates it
	@s=0; cd syscalls && { $(SYSCALLS_GO) run ./cmd/mklibc -root $(TOP) -check || s=1; \
	$(SYSCALLS_GO) run ./cmd/mkztypes -root $(TOP) -check || s=1; }; exit $$s
# The syscalls module needs nothing else, so its generators run before (and without) _build/modules.
SYSCALLS_GO := GOWORK=off GOFLAGS= go

elfcheck: modules
	@mkdir -p _build/bin
	go build -o $(ELFCHECK) genodego/build/cmd/genode-elfcheck

unit-tests: modules model  ## our own Go code, natively (the model's conformance suite is test-model); the launcher's pty test runs a component on the model
	go test genodego/syscalls/... genodego/build/... genodego/sandbox/... genodego/engine/...
	go test genodego/host/launch/... genodego/host/cmd/... genodego/host/nicrouter/... genodego/host/skips/... genodego/test/bench/... genodego/test/cmd/... genodego/test/runtime-tools/... genodego/test/rootfs/... genodego/test/images/pause/...
	go test -run 'TestParse|TestTableCurrent' genodego/host

model:                ## the model of Genode's libc: _build/model/libc.lib.so, posix.lib.so
	$(MAKE) -f host/libc/model.mk

# arm64: the same sources with the cross compiler; its suite runs under qemu-user (host/README.md)
model-arm64:          ## the model for genode/arm64: _build/model-arm64/libc.lib.so, posix.lib.so (aarch64-linux-gnu-gcc)
	$(MAKE) -f host/libc/model.mk OUT=$(TOP)/_build/model-arm64 CC=aarch64-linux-gnu-gcc NM=aarch64-linux-gnu-nm

host-tools: modules   ## genode-run, go_genode_amd64_exec and go_genode_arm64_exec, go_linux_arm64_exec (qemu-user), genode-init, genode-nic-router
	@mkdir -p _build/bin
	go build -o _build/bin/genode-run genodego/host/cmd/genode-run
	go build -o _build/bin/go_genode_amd64_exec genodego/host/cmd/go_genode_amd64_exec
	go build -o _build/bin/go_genode_arm64_exec genodego/host/cmd/go_genode_arm64_exec
	go build -o _build/bin/go_linux_arm64_exec genodego/host/cmd/go_linux_arm64_exec
	go build -o _build/bin/genode-init genodego/host/cmd/genode-init
	go build -o _build/bin/genode-nic-router genodego/host/cmd/genode-nic-router
	go build -o _build/bin/genode-ldcheck genodego/host/cmd/genode-ldcheck

test-model: model host-tools elfcheck  ## conformance suite: one C program per modeled Genode behaviour
	GENODE_MODEL_REQUIRED=1 go test -count=1 genodego/host genodego/host/initmodel/...
	go run genodego/host/cmd/genode-conformance-table -check

test-model-arm64: model-arm64 host-tools  ## test-model's suites on the arm64 model under qemu-aarch64 (host/README.md)
	GENODE_ARCH=arm64 GENODE_MODEL_DIR=$(TOP)/_build/model-arm64 GENODE_MODEL_REQUIRED=1 \
		go test -count=1 -timeout 30m genodego/host genodego/host/initmodel/...

dist-list: toolchain
	@$(GENODE_ENV) go tool dist list | grep -x 'genode/amd64' && $(GENODE_ENV) go tool dist list | grep -x 'genode/arm64'

build-std: toolchain
	cd $(GOROOT_GENODE)/src && $(GENODE_ENV) GOOS=genode GOARCH=amd64 go build std
	cd $(GOROOT_GENODE)/src && $(GENODE_ENV) GOOS=genode GOARCH=arm64 go build std

# The std packages with genode sources of their own: those goos_genode/src lays over the tree and those
# patches/go edits (not cmd/: the commands run on the build host). The rest of std compiles for genode (build-std)
# as upstream wrote it; vet-std-all vets it all.
VET_STD_PKGS := $(shell { cd goos_genode/src && find . -name '*.go' -printf '%h\n' | sed 's|^\./||'; \
	cd $(TOP) && sed -n 's|^+++ b/src/\(.*\)/[^/]*\.go$$|\1|p' patches/go/*.patch; } | grep -v '^cmd/' | sort -u)

vet-std: toolchain  ## go vet, for genode/amd64 and arm64, of the std packages with genode sources (VET_STD_PKGS)
	cd $(GOROOT_GENODE)/src && $(GENODE_ENV) GOOS=genode GOARCH=amd64 go vet $(VET_STD_PKGS)
	cd $(GOROOT_GENODE)/src && $(GENODE_ENV) GOOS=genode GOARCH=arm64 go vet $(VET_STD_PKGS)

vet-std-all: toolchain  ## go vet std for genode/amd64 and arm64 (about 10 minutes)
	cd $(GOROOT_GENODE)/src && $(GENODE_ENV) GOOS=genode GOARCH=amd64 go vet std
	cd $(GOROOT_GENODE)/src && $(GENODE_ENV) GOOS=genode GOARCH=arm64 go vet std

compile-tests: toolchain  ## every std test package compiled for genode/amd64
	build/std-compile.sh amd64

hello: toolchain
	@mkdir -p _build/bin
	cd test/hello && $(GENODE_ENV) GOOS=genode GOARCH=amd64 go build -o $(TOP)/_build/bin/hello.genode-amd64 .
	cd test/hello && $(GENODE_ENV) GOOS=genode GOARCH=arm64 go build -o $(TOP)/_build/bin/hello.genode-arm64 .

check-elf: hello elfcheck compile-tests  ## hello (amd64, arm64) and every std test binary pass genode-elfcheck
	$(ELFCHECK) _build/bin/hello.genode-amd64 _build/bin/hello.genode-arm64
	$(ELFCHECK) -q _build/stdtests/amd64/*.test && echo "check-elf: $$(ls _build/stdtests/amd64/*.test | wc -l) std test binaries pass"

host-tests: toolchain  ## the patched toolchain still works for linux/amd64 (runtime, syscall, os, net, the x86 assembler)
	cd $(GOROOT_GENODE)/src && $(GENODE_ENV) go test -short $(HOST_TEST_PKGS)

host-tests-all: toolchain  ## host-tests and the patched compiler's and linker's own tests (cmd/compile/internal/ssa, cmd/link: minutes more)
	cd $(GOROOT_GENODE)/src && $(GENODE_ENV) go test -short $(HOST_TEST_PKGS) $(HOST_TEST_PKGS_LONG)

std-report: modules toolchain model host-tools  ## std tests on genode/amd64 (model) and linux/amd64: test/results/std-genode-amd64.md
	go run genodego/test/cmd/stdreport -root $(TOP) $(STDREPORT_FLAGS)

BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
mem-report: modules toolchain model host-tools  ## the smallest RAM quota (128 KiB steps, 20 of 20 runs) of hello and of a net/http server under 30 concurrent clients on the model: test/results/memory-genode-amd64.md
	go run genodego/test/cmd/memreport -root $(TOP) -o test/results/memory-genode-amd64.md

soak-model: modules toolchain model host-tools  ## std's os/exec, net and net/http on genode/amd64 in a loop for SOAK_SECONDS (1800) beside one busy process per core: a lost wake-up of the model hangs or fails a round
	build/soak-model.sh

testdir-report: modules toolchain model host-tools  ## Go's GOROOT/test (cmd/internal/testdir) for genode/amd64 on the model and natively: test/results/testdir-genode-amd64.md (TESTDIR_FLAGS, e.g. -run 'Test/[a-c]')
	go run genodego/test/cmd/testdirreport -root $(TOP) $(TESTDIR_FLAGS)

testdir-report-arm64: modules toolchain model-arm64 host-tools  ## the same for genode/arm64 on the arm64 model and linux/arm64, both under qemu-user: test/results/testdir-genode-arm64.md
	go run genodego/test/cmd/testdirreport -root $(TOP) -arch arm64 $(TESTDIR_FLAGS)

bench-runtime: modules toolchain model $(if $(filter arm64,$(GOARCH)),model-arm64) host-tools  ## genode/native benchmark ratios against the port's goals (GOARCH=arm64: both under qemu-user; needs make model-arm64)
	@[ -x _build/bin/benchstat ] || GOBIN=$(TOP)/_build/bin GOWORK=off GOFLAGS= go install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION) \
		|| echo "bench-runtime: no benchstat; ratios computed without it"
	go run genodego/test/cmd/benchruntime -root $(TOP) -arch $(or $(GOARCH),amd64) $(BENCH_FLAGS)

std-core: modules toolchain model host-tools  ## the core std packages on genode/amd64 (test/std-core.txt): each passes (at most 2 flaky) or is marked open
	go run genodego/test/cmd/stdreport -root $(TOP) -native=false -retries 1 -core test/std-core.txt -o _build/reports/std-core.md

std-core-arm64: modules toolchain model-arm64 host-tools  ## CI's small core list on genode/arm64 under qemu-user (test/std-core-arm64.txt), the same gate as std-core
	go run genodego/test/cmd/stdreport -root $(TOP) -arch arm64 -native=false -retries 1 -core test/std-core-arm64.txt -o _build/reports/std-core-arm64.md

std-report-arm64: modules toolchain model-arm64 host-tools  ## std tests on genode/arm64 (arm64 model) and linux/arm64, both under qemu-user: test/results/std-genode-arm64.md (hours; STDREPORT_FLAGS=-resume continues an interrupted run)
	go run genodego/test/cmd/stdreport -root $(TOP) -arch arm64 -timeout 15m $(STDREPORT_FLAGS)

modules-report: modules toolchain model host-tools  ## the pinned modules' own tests (test/modules.txt) on genode/amd64 and linux/amd64: test/results/modules-genode-amd64.md
	go run genodego/test/cmd/stdreport -root $(TOP) -modules test/modules.txt $(STDREPORT_FLAGS)

modules-test: modules toolchain model host-tools  ## every pinned module builds and vets for genode/amd64 and arm64; test/modules-core.txt passes on the model
	go run genodego/test/cmd/stdreport -root $(TOP) -modules test/modules.txt -compile amd64,arm64 -native=false -retries 1 -core test/modules-core.txt -o _build/reports/modules-core.md

runc: modules toolchain model host-tools elfcheck  ## genode runc (amd64, arm64), checked; _build/bin/runc runs it on the model from a host shell
	$(GENODE_WS_ENV) GOOS=genode GOARCH=amd64 go build -o _build/bin/runc.genode-amd64 github.com/opencontainers/runc
	$(GENODE_WS_ENV) GOOS=genode GOARCH=arm64 go build -o _build/bin/runc.genode-arm64 github.com/opencontainers/runc
	$(ELFCHECK) _build/bin/runc.genode-amd64 _build/bin/runc.genode-arm64
	go build -o _build/bin/runc genodego/host/cmd/runc

containerd: runc  ## genode containerd, ctr and the runc shim (amd64, arm64), checked; _build/bin/ctr and genode-stack run them on the model
	$(GENODE_WS_ENV) GOOS=genode GOARCH=amd64 go build -o _build/bin/containerd.genode-amd64 github.com/containerd/containerd/v2/cmd/containerd
	$(GENODE_WS_ENV) GOOS=genode GOARCH=amd64 go build -o _build/bin/ctr.genode-amd64 github.com/containerd/containerd/v2/cmd/ctr
	$(GENODE_WS_ENV) GOOS=genode GOARCH=arm64 go build -o _build/bin/containerd.genode-arm64 github.com/containerd/containerd/v2/cmd/containerd
	$(GENODE_WS_ENV) GOOS=genode GOARCH=arm64 go build -o _build/bin/ctr.genode-arm64 github.com/containerd/containerd/v2/cmd/ctr
	$(GENODE_WS_ENV) GOOS=genode GOARCH=amd64 go build -o _build/bin/containerd-shim-runc-v2.genode-amd64 github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2
	$(GENODE_WS_ENV) GOOS=genode GOARCH=arm64 go build -o _build/bin/containerd-shim-runc-v2.genode-arm64 github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2
	$(ELFCHECK) _build/bin/containerd.genode-amd64 _build/bin/ctr.genode-amd64 _build/bin/containerd.genode-arm64 _build/bin/ctr.genode-arm64 \
		_build/bin/containerd-shim-runc-v2.genode-amd64 _build/bin/containerd-shim-runc-v2.genode-arm64
	go build -o _build/bin/ctr genodego/host/cmd/ctr
	go build -o _build/bin/genode-stack genodego/host/cmd/genode-stack

cri: containerd  ## cri-tools' crictl and critest (go test -c) for genode (amd64, arm64), checked; _build/bin/crictl runs crictl on the model against genode-stack -cri
	$(GENODE_WS_ENV) GOOS=genode GOARCH=amd64 go build -o _build/bin/crictl.genode-amd64 sigs.k8s.io/cri-tools/cmd/crictl
	$(GENODE_WS_ENV) GOOS=genode GOARCH=arm64 go build -o _build/bin/crictl.genode-arm64 sigs.k8s.io/cri-tools/cmd/crictl
	$(GENODE_WS_ENV) GOOS=genode GOARCH=amd64 go test -c -o _build/bin/critest.genode-amd64 sigs.k8s.io/cri-tools/cmd/critest
	$(GENODE_WS_ENV) GOOS=genode GOARCH=arm64 go test -c -o _build/bin/critest.genode-arm64 sigs.k8s.io/cri-tools/cmd/critest
	$(ELFCHECK) _build/bin/crictl.genode-amd64 _build/bin/crictl.genode-arm64 _build/bin/critest.genode-amd64 _build/bin/critest.genode-arm64
	go build -o _build/bin/crictl genodego/host/cmd/crictl

e2e-cri: cri images  ## containerd's CRI on the model (test/cri): crictl's runtime, image, pod and container commands against a real registry, the critest groups CI runs (CRITEST_FOCUS: another ginkgo focus), and the leak sweep with 4 pods
	E2E_CRI_PODS=4 GENODE_MODEL_REQUIRED=1 GENODE_REGISTRY_REQUIRED=1 go test -count=1 -timeout 60m genodego/test/cri/...

E2E_CRI_PODS ?= 20
e2e-cri-pods: cri images  ## E2E_CRI_PODS (20) pods of two containers, containerd restarted halfway (pods re-adopted), all removed: no descriptors, processes, init children, snapshots, addresses or CRI state left
	E2E_CRI_PODS=$(E2E_CRI_PODS) GENODE_MODEL_REQUIRED=1 GENODE_REGISTRY_REQUIRED=1 go test -count=1 -timeout 60m -run TestNoLeaksPods genodego/test/cri/...

critest-report: cri images  ## every critest spec that builds for genode, on the model: test/results/critest-genode.md (about 30 minutes)
	-CRITEST_FOCUS=. CRITEST_REPORT=$(TOP)/test/results/critest-genode.md GENODE_MODEL_REQUIRED=1 GENODE_REGISTRY_REQUIRED=1 \
		go test -count=1 -timeout 120m -run TestCritest genodego/test/cri/...
	@test -s test/results/critest-genode.md

DOCKER_CLI_VERSION := 29.10.0
DOCKER_CLI_LDFLAGS := -X github.com/docker/cli/cli/version.Version=$(DOCKER_CLI_VERSION) -X github.com/docker/cli/cli/version.GitCommit=v$(DOCKER_CLI_VERSION)

docker: modules toolchain elfcheck  ## the upstream docker CLI and our engine (engine/) for genode (amd64, arm64), checked; _build/bin/docker runs the CLI on the model
	$(GENODE_WS_ENV) GOOS=genode GOARCH=amd64 go build -ldflags "$(DOCKER_CLI_LDFLAGS)" -o _build/bin/docker.genode-amd64 github.com/docker/cli/cmd/docker
	$(GENODE_WS_ENV) GOOS=genode GOARCH=arm64 go build -ldflags "$(DOCKER_CLI_LDFLAGS)" -o _build/bin/docker.genode-arm64 github.com/docker/cli/cmd/docker
	$(GENODE_WS_ENV) GOOS=genode GOARCH=amd64 go build -o _build/bin/engine.genode-amd64 genodego/engine/cmd/engine
	$(GENODE_WS_ENV) GOOS=genode GOARCH=arm64 go build -o _build/bin/engine.genode-arm64 genodego/engine/cmd/engine
	$(ELFCHECK) _build/bin/docker.genode-amd64 _build/bin/docker.genode-arm64 _build/bin/engine.genode-amd64 _build/bin/engine.genode-arm64
	go build -o _build/bin/docker genodego/host/cmd/docker

FUZZTIME ?= 30s
fuzz-engine:  ## fuzz the engine's request decoding (create bodies, filters, query parameters, signals), FUZZTIME (30s) per target; make unit-tests runs their seeds
	for t in FuzzCreate FuzzFilters FuzzQuery; do go test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s genodego/engine/server || exit 1; done
	for t in FuzzCreateContainer FuzzContainersFilters FuzzKill; do go test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s genodego/engine/daemon || exit 1; done

debian-docker:  ## Debian's docker client (docker.io, for linux/amd64), extracted into _build/debian-docker for the e2e test of the engine's TCP address; nothing is installed
	@[ -x _build/debian-docker/usr/bin/docker ] || ( mkdir -p _build/debian-docker && cd _build/debian-docker && \
		{ apt-get download docker.io >/dev/null 2>&1 || { apt-get update -qq && apt-get download docker.io >/dev/null 2>&1; }; } && \
		dpkg-deb -x docker.io_*.deb . && rm -f docker.io_*.deb ); \
		[ -x _build/debian-docker/usr/bin/docker ] || { echo "debian-docker: apt-get download docker.io failed" >&2; exit 1; }

e2e-docker: containerd docker images debian-docker  ## docker on the model end to end (test/docker): the CLI against the engine over containerd, a real registry, pull/push, run/exec/logs/stop/rm, mounts, networks and published ports, refusals, events, prune, save/load, TCP with Debian's client, the engine's restart, and the leak count (e2e-docker-cycles alone)
	go build -o _build/bin/genode-images genodego/build/cmd/genode-images
	GENODE_MODEL_REQUIRED=1 go test -count=1 -timeout 30m genodego/test/docker/...

E2E_DOCKER_ARM64_RUN ?= ^(TestVersionAndInfo|TestImages|TestRun|TestDetachedLifecycle|TestPublish)$$
e2e-docker-arm64: containerd docker images model-arm64  ## test/docker with the genode/arm64 CLI, engine and containerd on the arm64 model under qemu-user (E2E_DOCKER_ARM64_RUN: a -run pattern; default version, images, run, the detached lifecycle, -p; 5 min)
	go build -o _build/bin/genode-images genodego/build/cmd/genode-images
	GENODE_ARCH=arm64 GENODE_MODEL_REQUIRED=1 go test -count=1 -timeout 40m -run '$(E2E_DOCKER_ARM64_RUN)' genodego/test/docker/...

e2e-docker-cycles: containerd docker images  ## only the leak count of e2e-docker: 25 docker runs in sequence and 10 at once, counting processes, stream directories, snapshots, bundles and containers before and after
	go build -o _build/bin/genode-images genodego/build/cmd/genode-images
	GENODE_MODEL_REQUIRED=1 go test -count=1 -timeout 30m -run TestNoLeaks genodego/test/docker/...

stack-up: containerd docker images  ## in the background: Debian's docker-registry on 127.0.0.1 with the images pushed, and containerd and the engine on the model as children of a dynamic init (_build/stack)
	@mkdir -p _build/stack
	go build -o _build/bin/genode-registry genodego/test/harness/cmd/registry
	@if [ -f _build/stack/registry.pid ] && kill -0 $$(cat _build/stack/registry.pid) 2>/dev/null; then :; else \
		rm -f _build/stack/registry.addr; \
		setsid _build/bin/genode-registry -dir _build/stack/registry -addr-file _build/stack/registry.addr \
			-pid-file _build/stack/registry.pid >_build/stack/registry.log 2>&1 </dev/null & \
		for i in $$(seq 100); do [ -s _build/stack/registry.addr ] && break; sleep 0.1; done; \
		[ -s _build/stack/registry.addr ] || { cat _build/stack/registry.log; exit 1; }; fi
	go run genodego/build/cmd/genode-images -top $(TOP) -elfcheck $(ELFCHECK) -out _build/images -push $$(cat _build/stack/registry.addr)
	_build/bin/genode-stack -engine up
	@echo "registry: $$(cat _build/stack/registry.addr) (images genode/NAME:latest); containerd: _build/bin/ctr; engine: _build/bin/docker"

stack-down:  ## stop what stack-up started
	@[ ! -x _build/bin/genode-stack ] || _build/bin/genode-stack down
	@if [ -f _build/stack/registry.pid ]; then pid=$$(cat _build/stack/registry.pid); kill $$pid 2>/dev/null; \
		for i in $$(seq 50); do kill -0 $$pid 2>/dev/null || break; sleep 0.1; done; \
		rm -f _build/stack/registry.pid _build/stack/registry.addr; fi

e2e-containerd: containerd images  ## containerd on the model end to end (test/containerd): a real registry, pull, platforms, import/export, GC, leases, ctr run/exec/kill, mounts, refusals, RAM limit, SIGKILL and restart (the run-cycle sweep is e2e-containerd-cycles)
	GENODE_MODEL_REQUIRED=1 GENODE_REGISTRY_REQUIRED=1 go test -count=1 -timeout 20m -skip TestNoLeaksRunCycles genodego/test/containerd/...

E2E_CONTAINERD_ARM64_RUN ?= ^(TestPull|TestPlatformMatching|TestImportExportTagRm|TestRunExitAndOutput|TestContainerdLog)$$
e2e-containerd-arm64: containerd images model-arm64  ## test/containerd with genode/arm64 containerd, shim, runc and ctr on the arm64 model under qemu-user (E2E_CONTAINERD_ARM64_RUN: a -run pattern; default pull, platforms, import/export, run)
	GENODE_ARCH=arm64 GENODE_MODEL_REQUIRED=1 GENODE_REGISTRY_REQUIRED=1 go test -count=1 -timeout 40m -run '$(E2E_CONTAINERD_ARM64_RUN)' -skip TestNoLeaksRunCycles genodego/test/containerd/...

E2E_CYCLES ?= 200
e2e-containerd-cycles: containerd images  ## the run-cycle sweep: E2E_CYCLES (200) ctr run --rm cycles, counting fds, processes, init children, snapshots, content, bundles, runc state, stream and shim sockets before and after
	E2E_CYCLES=$(E2E_CYCLES) GENODE_MODEL_REQUIRED=1 GENODE_REGISTRY_REQUIRED=1 go test -count=1 -timeout 60m -run 'TestNoLeaksRunCycles' genodego/test/containerd/...

runc-test: runc  ## runc on genode end to end on the model (test/runc): commands, lifecycle, hooks, stdio, hostile bundles
	GENODE_MODEL_REQUIRED=1 go test -count=1 -timeout 30m genodego/test/runc/...

runc-test-arm64: runc model-arm64  ## runc-test with the genode/arm64 runc and probes on the arm64 model under qemu-user (a report: slow, not in make test)
	GENODE_ARCH=arm64 GENODE_MODEL_REQUIRED=1 go test -count=1 -timeout 60m genodego/test/runc/...

runtime-tools-report: runc  ## the OCI runtime validation suite against genode's runc on the model: test/results/runtime-tools-genode.md
	go run genodego/test/runtime-tools -root $(TOP)

runtime-tools-test: runc  ## the validation programs test/runtime-tools/expected.txt marks pass (CI's gate)
	go run genodego/test/runtime-tools -root $(TOP) -must-pass

bench-runc: runc hello  ## runc run of hello against a direct genode-run start (ratio, split) and a leak count over 100 cycles
	go run genodego/test/cmd/benchrunc -root $(TOP) $(BENCH_FLAGS)

containerd-client-report: containerd images  ## containerd's integration/client suite on the model against a stack of its own and the local registry: test/results/containerd-client-genode.md
	build/containerd-client-report.sh

bench-containerd: containerd images  ## ctr run --rm hello against runc run and a direct start (ratios, split by phase), and the memory of 1, 10, 20 containers of one image
	go run genodego/test/cmd/benchcontainerd -root $(TOP) $(BENCH_FLAGS)

bench-docker: containerd docker images  ## docker run --rm hello against ctr run --rm of the same image (ratio, goal docker/ctr < 1.30), split by phase across CLI, engine, containerd, shim, runc, init
	go run genodego/test/cmd/benchdocker -root $(TOP) $(BENCH_FLAGS)

images: toolchain elfcheck  ## OCI images of genode programs (hello, server, toolbox; mixed, linux-only) in _build/images/NAME.oci.tar, and the images critest pulls in _build/images/cri; IMAGES_FLAGS=-push HOST:PORT pushes them
	go run genodego/build/cmd/genode-images -top $(TOP) -elfcheck $(ELFCHECK) -out _build/images -cri $(IMAGES_FLAGS)

images-test: toolchain elfcheck  ## the images pushed to a real docker-registry (test/harness): tags, platforms, configs, identical digests twice
	GENODE_REGISTRY_REQUIRED=1 go test -count=1 genodego/test/harness/... genodego/test/images/...

e2e: model host-tools toolchain  ## genode programs on the model: os, time, crypto/rand, signals, memory (test/e2e)
	GENODE_MODEL_REQUIRED=1 go test -count=1 genodego/test/e2e/...

E2E_ARM64_RUN ?= .
e2e-arm64: model-arm64 host-tools toolchain  ## test/e2e with genode/arm64 programs on the arm64 model under qemu-user (E2E_ARM64_RUN: a -run pattern; CI runs TestHello)
	GENODE_ARCH=arm64 GENODE_MODEL_REQUIRED=1 go test -count=1 -timeout 30m -run '$(E2E_ARM64_RUN)' genodego/test/e2e/...

# In `make test` a test that needs a built artefact (toolchain, model, tools) fails instead of skipping: the
# toolchain is built before the unit tests, which police the skip list against the patched GOROOT.
test: export GENODE_MODEL_REQUIRED := 1
test: E2E_ARM64_RUN := ^TestHello
test: modules syscalls-check toolchain unit-tests test-model test-model-arm64 dist-list build-std vet-std check-elf host-tests e2e runc runc-test runtime-tools-test images-test e2e-containerd docker e2e-docker cri e2e-cri std-core modules-test e2e-arm64 std-core-arm64

demo:  ## the product's first impression: builds what it needs, then docker push, docker run of a genode hello and a server queried over HTTP, on the model (DEMO_KEEP=1 keeps the stack)
	@build/demo.sh

demo-down:  ## stop what DEMO_KEEP=1 make demo left running
	@build/demo.sh down

clean:
	rm -rf _build
