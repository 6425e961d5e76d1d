#!/usr/bin/env bash
# make demo: builds what it needs, starts a registry, containerd and the Docker engine on the model of Genode,
# pushes a genode hello image and a server image with docker push, runs them with docker run, queries the server
# over HTTP, and cleans up. DEMO_KEEP=1 leaves the stack and the registry running (stop: DEMO_KEEP= make demo-down).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
demo=$top/_build/demo
bin=$top/_build/bin
log=$top/_build/demo-build.log
mkdir -p "$demo"

say() { printf '\033[1m== %s\033[0m\n' "$*"; }
run() {
	local a line='$'
	for a in "$@"; do
		case "$a" in *[[:space:]{}]*) line+=" '$a'" ;; *) line+=" $a" ;; esac
	done
	printf '%s\n' "$line"
	"$@"
}

down() {
	[ ! -x "$bin/genode-stack" ] || "$bin/genode-stack" -dir "$demo/stack" down >/dev/null 2>&1 || true
	if [ -f "$demo/registry.pid" ]; then
		kill "$(cat "$demo/registry.pid")" 2>/dev/null || true
		rm -f "$demo/registry.pid" "$demo/registry.addr"
	fi
}
if [ "${1:-}" = down ]; then down; exit 0; fi

# The registry is Debian's docker-registry (distribution 2.8), as in the tests.
if ! command -v docker-registry >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		say "installing Debian's docker-registry (apt-get install docker-registry)"
		apt-get update -qq && apt-get install -y -qq docker-registry >/dev/null
	else
		echo "make demo needs Debian's docker-registry: sudo apt-get install docker-registry" >&2
		exit 1
	fi
fi

# The build: make.bash, the upstream modules, the model, runc, containerd, docker and the images. A first build
# takes 15 to 25 minutes on two cores; later ones are incremental. Its output goes to the log, a line shows progress.
say "building the toolchain, the model, runc, containerd, the docker CLI, the engine and the images (log: ${log#$top/})"
start=$(date +%s)
( make -s toolchain modules model host-tools elfcheck containerd docker >"$log" 2>&1 && \
  go run genodego/build/cmd/genode-images -top "$top" -elfcheck "$bin/genode-elfcheck" -out _build/images >>"$log" 2>&1 && \
  go build -o "$bin/genode-registry" genodego/test/harness/cmd/registry >>"$log" 2>&1 ) &
build=$!
phase=""
while kill -0 "$build" 2>/dev/null; do
	p=$(grep -aoE '^(toolchain|modules|model|runc|containerd|docker|elfcheck|images?)[:a-z -]*' "$log" 2>/dev/null | tail -1 || true)
	[ -n "$p" ] && phase=$p
	if [ -t 1 ]; then
		printf '\r   %4ds  %-70.70s' $(( $(date +%s) - start )) "${phase:-starting}"
	fi
	sleep 2
done
if ! wait "$build"; then
	[ -t 1 ] && printf '\n'
	echo "the build failed; the end of ${log#$top/}:" >&2
	tail -30 "$log" >&2
	exit 1
fi
[ -t 1 ] && printf '\r%80s\r' ''
echo "   built in $(( $(date +%s) - start )) s"

trap '[ -n "${DEMO_KEEP:-}" ] || down' EXIT
down
say "starting Debian's docker-registry, and containerd and the engine on the model (each a genode component)"
regaddr=127.0.0.1:5000
if (exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null; then regaddr=""; fi   # 5000 is taken: any free port
setsid "$bin/genode-registry" -dir "$demo/registry" ${regaddr:+-addr "$regaddr"} -addr-file "$demo/registry.addr" \
	-pid-file "$demo/registry.pid" >"$demo/registry.log" 2>&1 </dev/null &
for _ in $(seq 100); do [ -s "$demo/registry.addr" ] && break; sleep 0.1; done
[ -s "$demo/registry.addr" ] || { cat "$demo/registry.log" >&2; exit 1; }
reg=$(cat "$demo/registry.addr")
go run genodego/build/cmd/genode-images -top "$top" -elfcheck "$bin/genode-elfcheck" -out _build/images -push "$reg" >>"$log" 2>&1
"$bin/genode-stack" -dir "$demo/stack" -engine up
export GENODE_STACK=$demo/stack
docker() { "$bin/docker" "$@"; }
echo "   registry $reg; engine unix://$demo/stack/run/docker.sock"

say "docker push: the genode hello and server images, as $reg/hello and $reg/server"
for n in hello server; do
	docker pull -q "$reg/genode/$n:latest" >/dev/null
	docker tag "$reg/genode/$n:latest" "$reg/$n"
	run docker push -q "$reg/$n"
	docker rmi -f "$reg/$n" "$reg/genode/$n:latest" >/dev/null
done

say "docker run: pulled from the registry, run as a child of Genode's init"
run docker run --rm "$reg/hello"

say "a detached server container, its port 8080 published through the NIC router (model)"
port=8080
if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fi
run docker run -d --name demo-web -p "$port:8080" "$reg/server"
run docker ps --format 'table {{.Names}}\t{{.Image}}\t{{.Status}}\t{{.Ports}}'
# curl when the machine has it, else bash's own /dev/tcp
http_get() {
	if command -v curl >/dev/null; then curl -fsS "http://127.0.0.1:$1/"; return; fi
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
	sed '1,/^\r$/d' <&3
	exec 3<&-
}
for _ in $(seq 100); do http_get "$port" >/dev/null 2>&1 && break; sleep 0.2; done
printf '$ curl http://127.0.0.1:%s/\n' "$port"
http_get "$port"
run docker rm -f demo-web

if [ -n "${DEMO_KEEP:-}" ]; then
	say "the stack keeps running (DEMO_KEEP=1); try:"
	echo "   export GENODE_STACK=$demo/stack   # _build/bin/docker's DOCKER_HOST is then unix://$demo/stack/run/docker.sock"
	echo "   _build/bin/docker run --rm -it $reg/genode/toolbox sh"
	echo "   make demo-down   # stops it"
else
	say "done; the demo's stack and registry are stopped"
	echo "   to try more by hand: make stack-up (a stack in _build/stack, images in its registry), then"
	echo "   _build/bin/docker images / run / ps ... ; make stack-down when done"
fi
