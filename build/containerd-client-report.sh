#!/usr/bin/env bash
# containerd's integration/client suite on the model: the suite's test binary, built for genode/amd64, runs as a
# genode client of containerd (with ctr's view: _build/bin/ctr, GENODE_CTR_PROGRAM) against a stack of its own
# (_build/client-report/stack) and Debian's docker-registry with make images' images; -image-list maps the suite's
# images to them. The report: test/results/containerd-client-genode.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=$top/_build/client-report
stack=$work/stack
bin=$top/_build/bin
cd "$top"
for s in "$stack"; do [ ! -d "$s" ] || "$bin/genode-stack" -dir "$s" down >/dev/null 2>&1 || true; done
[ ! -f "$work/registry.pid" ] || kill "$(cat "$work/registry.pid")" 2>/dev/null || true
rm -rf "$work"
mkdir -p "$work/tmp"
cleanup() {
	"$bin/genode-stack" -dir "$stack" down >/dev/null 2>&1 || true
	[ ! -f "$work/registry.pid" ] || kill "$(cat "$work/registry.pid")" 2>/dev/null || true
}
trap cleanup EXIT

env PATH="$top/_build/goroot/bin:$PATH" GOWORK="$top/go.work" GOTOOLCHAIN=local GOFLAGS= GOOS=genode GOARCH=amd64 \
	go test -c -vet=off -o "$work/client.test" github.com/containerd/containerd/v2/integration/client

go build -o "$bin/genode-registry" genodego/test/harness/cmd/registry
setsid "$bin/genode-registry" -dir "$work/registry" -addr-file "$work/registry.addr" -pid-file "$work/registry.pid" \
	>"$work/registry.log" 2>&1 </dev/null &
for _ in $(seq 100); do [ -s "$work/registry.addr" ] && break; sleep 0.1; done
[ -s "$work/registry.addr" ] || { cat "$work/registry.log"; exit 1; }
reg=$(cat "$work/registry.addr")
go run genodego/build/cmd/genode-images -top "$top" -elfcheck "$bin/genode-elfcheck" -out "$top/_build/images" -push "$reg" >/dev/null
"$bin/genode-stack" -dir "$stack" up

# the suite's busybox by digest: the toolbox image's digest in the registry
GENODE_STACK=$stack "$bin/ctr" -n client-report image pull --plain-http "$reg/genode/toolbox:latest" >/dev/null
digest=$(GENODE_STACK=$stack "$bin/ctr" -n client-report image ls | awk -v r="$reg/genode/toolbox:latest" '$1 == r {print $3; exit}')
cat >"$work/images.toml" <<LIST
Alpine = "$reg/genode/toolbox:latest"
BusyBox = "$reg/genode/toolbox:latest"
BusyBoxByDigest = "$reg/genode/toolbox@$digest"
Pause = "$reg/genode/server:latest"
ResourceConsumer = "$reg/genode/server:latest"
VolumeCopyUp = "$reg/genode/mixed:latest"
VolumeOwnership = "$reg/genode/toolbox:latest"
ArgsEscaped = "$reg/genode/toolbox:latest"
Nginx = "$reg/genode/server:latest"
LIST

# one test an invocation, so that one that hangs (-test.timeout ends it) costs only itself; the suite runs
# containerd's own commands (config default, config migrate) from PATH
client() {
	(cd "$work" && TMPDIR=$work/tmp GENODE_STACK=$stack GENODE_CTR_PROGRAM=$work/client.test \
		GENODE_CTR_VIEW="/bin=$stack/rom" "$bin/ctr" "$@")
}
start=$(date +%s)
tests=$(client -test.list '.*' -test.root -no-daemon -address "$stack/run/containerd.sock" \
	-image-list "$work/images.toml" 2>/dev/null | grep -E '^(Test|Fuzz)' || true)
[ -n "$tests" ] || { echo "containerd-client-report: the suite lists no tests"; exit 1; }
# CLIENT_TESTS=REGEXP runs the tests it matches and prints their results instead of writing the report
[ -z "${CLIENT_TESTS:-}" ] || tests=$(echo "$tests" | grep -E "$CLIENT_TESTS" || true)
: >"$work/out.log"
for t in $tests; do
	client -test.v -test.root -test.run "^$t\$" -test.timeout "${CLIENT_TEST_TIMEOUT:-5m}" -no-daemon \
		-address "$stack/run/containerd.sock" -image-list "$work/images.toml" >"$work/one.log" 2>&1 || true
	cat "$work/one.log" >>"$work/out.log"
	if ! grep -qE "^--- (PASS|FAIL|SKIP): $t " "$work/one.log"; then
		why=$(grep -m1 -E '^panic: test timed out|^panic:|^fatal error:' "$work/one.log" || echo "no result")
		printf -- '--- FAIL: %s (no result)\n    clientreport: %s\n' "$t" "$why" >>"$work/out.log"
	fi
done
echo "containerd-client-report: $(echo "$tests" | wc -l) tests in $(( $(date +%s) - start )) s; their output: $work/out.log"
if [ -n "${CLIENT_TESTS:-}" ]; then
	grep -E -- '^--- (PASS|FAIL|SKIP)|^    [a-z_]+\.go:[0-9]+|clientreport:' "$work/out.log"
	exit 0
fi
go run genodego/test/cmd/clientreport -in "$work/out.log" -why "$top/test/containerd/client-genode.txt" -o "$top/test/results/containerd-client-genode.md"
grep -m1 'tests:' "$top/test/results/containerd-client-genode.md"
