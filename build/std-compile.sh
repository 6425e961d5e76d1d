#!/usr/bin/env bash
# Compiles every std package's tests for genode/$GOARCH (no run) into _build/stdtests/$GOARCH and records the
# counts in _build/stdtests/$GOARCH.summary. Usage: build/std-compile.sh amd64
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:-amd64}
goroot=$top/_build/goroot
out=$top/_build/stdtests/$arch
export PATH=$goroot/bin:$PATH GOWORK=off GOTOOLCHAIN=local GOFLAGS=
rm -rf "$out"; mkdir -p "$out"
cd "$goroot/src"
# Packages with test files, as the genode build sees them.
pkgs=$(GOOS=genode GOARCH=$arch go list -e -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' std)
total=$(echo "$pkgs" | wc -l)
echo "std-compile: $total std packages with tests for genode/$arch"
# One go test -c per package (two at a time) keeps one failure from hiding others; binaries are named by path.
echo "$pkgs" | xargs -P 2 -I{} sh -c '
	name=$(echo "$1" | tr / _)
	if GOOS=genode GOARCH='"$arch"' go test -c -o "'"$out"'/$name.test" "$1" > "'"$out"'/$name.log" 2>&1; then
		rm -f "'"$out"'/$name.log"
	else
		echo "FAIL compile $1"; sed "s/^/    /" "'"$out"'/$name.log" | head -20
	fi' _ {}
fail=$(find "$out" -name "*.log" | wc -l)
built=$(find "$out" -name "*.test" | wc -l)
echo "std-compile: genode/$arch: $((total-fail)) of $total test packages compile ($built test binaries; packages whose tests are all excluded for genode produce none)" | tee "$out.summary"
[ "$fail" -eq 0 ]
