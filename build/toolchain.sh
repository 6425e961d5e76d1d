#!/usr/bin/env bash
# Builds the GOOS=genode Go toolchain: pristine GOROOT copy + patches/go + goos_genode overlay, then make.bash once
# and incremental `go install` after that. Usage: build/toolchain.sh {build|sync|prepare|export|reset}
#   build    (default) bring _build/goroot up to date and (re)build what changed; a no-op when inputs are unchanged
#   sync     only lay goos_genode/ over the work folder and regenerate internal/goos (no build)
#   prepare  make the work folder a git repository: one commit "pristine" plus one commit per patch
#   export   regenerate patches/go/*.patch from the work folder's commits after "pristine"
#   reset    throw away the work folder's patch commits and re-apply patches/go (keeps the pristine commit)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/_build
work=$out/goroot
stamp=$out/toolchain.stamp
pin=$top/third_party/go.pin
mkdir -p "$out"

say() { printf 'toolchain: %s\n' "$*"; }
die() { printf 'toolchain: error: %s\n' "$*" >&2; exit 1; }
pinval() { sed -n "s/^$1=//p" "$pin"; }

host_goroot() {
	command -v go >/dev/null || die "no 'go' on PATH; need $(pinval version)"
	local v; v=$(go env GOVERSION)
	[ "$v" = "$(pinval version)" ] || die "found Go $v at $(go env GOROOT), need $(pinval version) (third_party/go.pin)"
	go env GOROOT
}

src_digest() { (cd "$1" && find src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); }

check_pin() {
	local root=$1 d
	d=$(src_digest "$root")
	[ "$d" = "$(pinval src_sha256)" ] || die "GOROOT $root src digest $d differs from third_party/go.pin ($(pinval src_sha256)); a modified or different Go installation"
}

. "$top/build/series.sh"
S_WORK=$work
S_PATCHES=$top/patches/go
S_OVERLAY=$top/goos_genode/src   # mirrors $GOROOT/src; goos_genode/mod/ holds the modules' overlays (build/modules.sh)
S_AT=src/
S_STATE=$out/patches
S_EXCLUDE=$(printf '/pkg/\n/bin/\n/src/internal/goos/zgoos_*.go')
S_HINT_EXPORT="make go-patches"
S_HINT_RESET="make go-reset"
g() { sg "$@"; }

create_work() {
	local root=$1
	say "copying pristine $(pinval version) from $root to $work"
	rm -rf "$work.tmp"
	mkdir -p "$work.tmp"
	(cd "$root" && tar --exclude=./pkg --exclude=./bin -cf - .) | (cd "$work.tmp" && tar -xf -)
	series_init "$work.tmp" "pristine $(pinval version)"
	mark_generated "$work.tmp"
	mv "$work.tmp" "$work"
}

# make.bash regenerates these shipped files; they are not patch work. (internal/goos's zgoos_*.go are generated too:
# see gen_goos.)
generated="src/cmd/cgo/zdefaultcc.go src/cmd/go/internal/cfg/zdefaultcc.go src/cmd/internal/objabi/zbootstrap.go
src/internal/buildcfg/zbootstrap.go src/internal/runtime/sys/zversion.go src/time/tzdata/zzipdata.go"
mark_generated() { git -C "$1" update-index --skip-worktree $generated; }

# internal/goos's zgoos_*.go (GOOS and the Is* constants) are generated from internal/syslist, which patch 0001
# changes, by upstream's gengoos.go; upstream runs it by hand (go generate) and ships the output. We run it on the
# patched syslist after the patches and the overlay, so syslist is their one source and no patch carries them. The
# tracked ones are skip-worktree like $generated (not patch work, never exported). A zgoos file the overlay
# provides (zgoos_genode.go, written by syscalls/cmd/mkztypes) is laid as it is but must say what gengoos.go says
# below its header. Files are rewritten only when their content changes.
goos_dir=src/internal/goos
unmark_goos() { local f; f=$(g ls-files "$goos_dir/zgoos_*.go"); [ -z "$f" ] || g update-index --no-skip-worktree $f; }
gen_goos() {
	command -v go >/dev/null || die "no 'go' on PATH to run $goos_dir/gengoos.go"
	local tmp="$out/gengoos.tmp" f b n=0
	rm -rf "$tmp"
	mkdir -p "$tmp/$goos_dir" "$tmp/src/internal/syslist"
	cp "$work/src/internal/syslist/syslist.go" "$tmp/src/internal/syslist/"
	cp "$work/$goos_dir/gengoos.go" "$tmp/$goos_dir/"
	# gengoos.go reads ../../internal/syslist/syslist.go and writes zgoos_*.go into its directory
	(cd "$tmp/$goos_dir" && env -u GOOS -u GOARCH -u GOFLAGS GOTOOLCHAIN=local GO111MODULE=off go run gengoos.go) ||
		die "$goos_dir/gengoos.go failed"
	body() { sed -n '/^\/\/go:build/,$p' "$1"; }
	for f in "$tmp/$goos_dir"/zgoos_*.go; do
		b=${f##*/}
		if [ -f "$top/goos_genode/$goos_dir/$b" ]; then
			[ "$(body "$f")" = "$(body "$top/goos_genode/$goos_dir/$b")" ] ||
				die "goos_genode/$goos_dir/$b differs from what $goos_dir/gengoos.go writes from the patched syslist"
		elif ! cmp -s "$f" "$work/$goos_dir/$b"; then
			cp "$f" "$work/$goos_dir/"; n=$((n+1))
		fi
	done
	rm -rf "$tmp"
	g update-index --skip-worktree $(g ls-files "$goos_dir/zgoos_*.go")
	say "internal/goos: zgoos_*.go from the patched syslist by gengoos.go, $n updated"
}

# A skip-worktree file that differs between HEAD and pristine stops 'git reset --hard'.
series_before_reset() { unmark_goos; }

inputs_digest() {
	{ series_digest "$pin"; cat "$0" "$top/build/series.sh"; series_overlay_digest; } | sha256sum | cut -d' ' -f1
}

# The go command keys cached compiles by the compiler's version string, which our patches do not change, so
# a changed compiler would reuse objects of the old one. The toolchain gets a build cache of its own per state of
# src/cmd (go.env in the work folder, which the go command reads), and a new one when the compiler changes.
set_gocache() {
	local h; h=$( { g rev-parse HEAD:src/cmd; g diff HEAD -- src/cmd; } | sha256sum | cut -c1-16)
	local dir="$out/gocache/$h"
	mkdir -p "$dir"
	g update-index --skip-worktree go.env
	grep -v -e '^GOCACHE=' -e '^# The build cache of this toolchain state' "$work/go.env" > "$work/go.env.new" || true
	printf '# The build cache of this toolchain state (build/toolchain.sh set_gocache).\nGOCACHE=%s\n' "$dir" >> "$work/go.env.new"
	mv "$work/go.env.new" "$work/go.env"
	# older states' caches are of no use any more
	find "$out/gocache" -mindepth 1 -maxdepth 1 -type d ! -name "$h" -exec rm -rf {} +
}

build() {
	local root; root=$(host_goroot)
	local want; want=$(inputs_digest)
	[ -d "$work/.git" ] && series_check_laid
	if [ -x "$work/bin/go" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && ! series_dirty && series_laid_intact; then
		say "up to date ($work/bin/go)"; return
	fi
	check_pin "$root"
	[ -d "$work/.git" ] || create_work "$root"
	series_apply "$(series_digest "$pin")"
	series_check_overlay
	series_sync_overlay
	gen_goos
	if [ ! -x "$work/bin/go" ] || [ ! -f "$out/bootstrapped" ] || [ "$(cat "$out/bootstrapped")" != "$(pinval src_sha256)" ]; then
		say "make.bash (full bootstrap, ~5 minutes)"
		(cd "$work/src" && GOROOT_BOOTSTRAP=$root GOTOOLCHAIN=local ./make.bash) || die "make.bash failed"
		pinval src_sha256 > "$out/bootstrapped"
	fi
	set_gocache
	say "go install std cmd (incremental)"
	(cd "$work/src" && GOROOT= GOTOOLCHAIN=local "$work/bin/go" install std cmd) || die "go install std cmd failed"
	series_dirty && say "note: building with uncommitted edits to upstream files in $work (not in patches/go yet)"
	echo "$want" > "$stamp"
	say "done: $work/bin/go ($("$work/bin/go" version))"
}

# One run at a time: every command changes the work folder (git reset, am, overlay copies, make.bash), and two runs
# interleaving would leave it half applied.
case "${1:-build}" in
build|sync|prepare|export|reset) series_lock "$out/toolchain.lock" "$@" ;;
esac

case "${1:-build}" in
build) build ;;
sync) [ -d "$work/.git" ] || die "no work folder yet; run 'make toolchain'"; series_check_overlay; series_sync_overlay; gen_goos ;;
prepare) root=$(host_goroot); check_pin "$root"; [ -d "$work/.git" ] || create_work "$root"
	series_apply "$(series_digest "$pin")"; series_sync_overlay; gen_goos
	say "work folder: $work (git: pristine + one commit per patch). Edit, 'git commit' there, then 'make go-patches'." ;;
export) series_export "$pin" ;;
reset) series_reset; series_apply "$(series_digest "$pin")"; series_sync_overlay; gen_goos ;;
*) die "usage: $0 {build|sync|prepare|export|reset}" ;;
esac
