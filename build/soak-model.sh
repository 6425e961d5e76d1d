#!/usr/bin/env bash
# Soak of the model's wake-ups: std's os/exec, net and net/http tests on genode/amd64, again and again for
# SOAK_SECONDS (default 1800), while SOAK_HOGS busy processes (default: one per core) keep the CPUs loaded. A lost
# wake-up shows as a test that hangs until GENODE_EXEC_TIMEOUT (5m30s) or fails; the first failure ends the soak.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${SOAK_SECONDS:-1800}
hogs=${SOAK_HOGS:-$(nproc)}
pkgs=${SOAK_PKGS:-"os/exec net net/http"}
export PATH=$top/_build/bin:$top/_build/goroot/bin:$PATH GOWORK=$top/go.work GOTOOLCHAIN=local GOFLAGS= \
	GOOS=genode GOARCH=amd64 GENODE_EXEC_TIMEOUT=5m30s
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for _ in $(seq "$hogs"); do ( while :; do :; done ) & pids+=($!); done
cd "$top/_build/goroot/src"
go test -short -count=1 -run '^$' $pkgs >/dev/null   # build once, outside the clock
start=$(date +%s) rounds=0
while [ $(( $(date +%s) - start )) -lt "$secs" ]; do
	rounds=$((rounds + 1))
	if ! out=$(go test -short -count=1 $pkgs 2>&1); then
		echo "$out" | tail -40
		echo "soak-model: round $rounds failed after $(( $(date +%s) - start ))s (hogs: $hogs)" >&2
		exit 1
	fi
	echo "round $rounds ok ($(( $(date +%s) - start ))s): $(echo "$out" | awk '{printf "%s %s  ", $2, $3}')"
done
echo "soak-model: $rounds rounds of $pkgs passed in $(( $(date +%s) - start ))s under $hogs busy processes"
