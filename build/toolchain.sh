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

patches() { ls "$top"/patches/go/*.patch 2>/dev/null | LC_ALL=C sort || true; }
patch_digest() { cat "$pin" $(patches) </dev/null | sha256sum | cut -d' ' -f1; }
# goos_genode/src mirrors $GOROOT/src; the rest of goos_genode/ (mod/: overlays of Go modules, build/modules.sh) is not ours.
overlay_files() { (cd "$top/goos_genode" && find ./src -type f ! -name README.md | LC_ALL=C sort); }

# Every overlay source must be genode-only (by file name or build line): the host toolchain is built from the same tree.
check_overlay() {
	local f b bad=0
	while read -r f; do
		b=${f##*/}
		case "$b" in
		*.go|*.s) ;;
		*) continue ;;
		esac
		case "$b" in
		*_genode.go|*_genode_amd64.go|*_genode_arm64.go|*_genode.s|*_genode_amd64.s|*_genode_arm64.s|*_genode_test.go) continue ;;
		esac
		if ! grep -Eq '^//go:build .*\bgenode\b' "$top/goos_genode/$f" || grep -Eq '^//go:build .*!genode' "$top/goos_genode/$f"; then
			say "goos_genode/$f: not constrained to genode (name it *_genode*.go or add //go:build genode)"; bad=1
		fi
	done < <(overlay_files)
	[ $bad -eq 0 ] || die "overlay files must build only for genode"
}

g() { git -C "$work" -c user.name=toolchain -c user.email=toolchain@localhost -c commit.gpgsign=false "$@"; }

create_work() {
	local root=$1
	say "copying pristine $(pinval version) from $root to $work"
	rm -rf "$work.tmp"
	mkdir -p "$work.tmp"
	(cd "$root" && tar --exclude=./pkg --exclude=./bin -cf - .) | (cd "$work.tmp" && tar -xf -)
	git -C "$work.tmp" init -q
	printf '/pkg/\n/bin/\n*.orig\n*.rej\n' > "$work.tmp/.git/info/exclude"
	git -C "$work.tmp" add -A
	git -C "$work.tmp" -c user.name=toolchain -c user.email=toolchain@localhost commit -qm "pristine $(pinval version)"
	git -C "$work.tmp" tag pristine
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

# Untracked overlay files are ours; tracked modifications are unexported patch work.
dirty_tracked() { [ -n "$(g status --porcelain --untracked-files=no)" ]; }
commits_after_pristine() { g rev-list --count pristine..HEAD; }

apply_patches() {
	local want; want=$(patch_digest)
	if [ -f "$out/patches.applied" ] && [ "$(cat "$out/patches.applied")" = "$want" ]; then return; fi
	if dirty_tracked; then
		die "the work folder has uncommitted edits to upstream files and patches/go changed; commit them there and run 'make go-patches', or 'make go-reset' to drop them"
	fi
	if [ -f "$out/patches.applied" ] && [ "$(g rev-parse HEAD)" != "$(cat "$out/patches.head" 2>/dev/null)" ]; then
		die "the work folder has patch commits that were not exported; run 'make go-patches' first or 'make go-reset'"
	fi
	say "applying $(patches | wc -l) patches from patches/go"
	unmark_goos # a skip-worktree file that differs between HEAD and pristine stops 'git reset --hard'
	g reset -q --hard pristine
	local p
	for p in $(patches); do
		g am -q --keep-cr "$p" || { g am --abort || true; die "patch $(basename "$p") does not apply"; }
	done
	echo "$want" > "$out/patches.applied"
	g rev-parse HEAD > "$out/patches.head"
}

sync_overlay() {
	local f n=0 old="$out/overlay.list" new="$out/overlay.list.new"
	overlay_files > "$new"
	# Remove files an earlier overlay laid that are gone from goos_genode/ now.
	if [ -f "$old" ]; then
		comm -23 "$old" "$new" | while read -r f; do
			if ! g ls-files --error-unmatch "$f" >/dev/null 2>&1; then rm -f "$work/$f"; say "removed $f"; fi
		done
	fi
	while read -r f; do
		if ! cmp -s "$top/goos_genode/$f" "$work/$f"; then
			mkdir -p "$(dirname "$work/$f")"
			cp "$top/goos_genode/$f" "$work/$f"
			n=$((n+1))
		fi
	done < "$new"
	mv "$new" "$old"
	# Overlay files are never patch material: keep them out of 'git add' in the work folder.
	{ printf '/pkg/\n/bin/\n*.orig\n*.rej\n/%s/zgoos_*.go\n' "$goos_dir"; sed 's|^\./|/|' "$old"; } > "$work/.git/info/exclude"
	say "overlay: $(wc -l < "$old") files, $n updated"
}

inputs_digest() {
	{ patch_digest; cat "$0"; (cd "$top/goos_genode" && overlay_files | xargs -r sha256sum); } | sha256sum | cut -d' ' -f1
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
	if [ -x "$work/bin/go" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && ! dirty_tracked; then
		say "up to date ($work/bin/go)"; return
	fi
	check_pin "$root"
	[ -d "$work/.git" ] || create_work "$root"
	apply_patches
	check_overlay
	sync_overlay
	gen_goos
	if [ ! -x "$work/bin/go" ] || [ ! -f "$out/bootstrapped" ] || [ "$(cat "$out/bootstrapped")" != "$(pinval src_sha256)" ]; then
		say "make.bash (full bootstrap, ~5 minutes)"
		(cd "$work/src" && GOROOT_BOOTSTRAP=$root GOTOOLCHAIN=local ./make.bash) || die "make.bash failed"
		pinval src_sha256 > "$out/bootstrapped"
	fi
	set_gocache
	say "go install std cmd (incremental)"
	(cd "$work/src" && GOROOT= GOTOOLCHAIN=local "$work/bin/go" install std cmd) || die "go install std cmd failed"
	dirty_tracked && say "note: building with uncommitted edits to upstream files in $work (not in patches/go yet)"
	echo "$want" > "$stamp"
	say "done: $work/bin/go ($("$work/bin/go" version))"
}

# One run at a time: every command changes the work folder (git reset, am, overlay copies, make.bash), and two runs
# interleaving would leave it half applied. A second run says it waits, waits for the first and then proceeds. The
# script runs again under flock(1), which holds the lock itself (-o: no child inherits it, so a detached
# 'git gc --auto' cannot keep it).
lock() {
	local f="$out/toolchain.lock"
	if [ "${GENODE_TOOLCHAIN_LOCKED:-}" = "$f" ]; then
		[ -z "${GENODE_TOOLCHAIN_WAITED:-}" ] || say "the other run is done, continuing"
		unset GENODE_TOOLCHAIN_WAITED
		return
	fi
	local waited=
	if ! flock -n "$f" true; then
		say "waiting: another build/toolchain.sh is working on $work (lock $f)"; waited=1
	fi
	GENODE_TOOLCHAIN_LOCKED=$f GENODE_TOOLCHAIN_WAITED=$waited exec flock -o "$f" "$0" "$@"
}

case "${1:-build}" in
build|sync|prepare|export|reset) lock "$@" ;;
esac

case "${1:-build}" in
build) build ;;
sync) [ -d "$work/.git" ] || die "no work folder yet; run 'make toolchain'"; check_overlay; sync_overlay; gen_goos ;;
prepare) root=$(host_goroot); check_pin "$root"; [ -d "$work/.git" ] || create_work "$root"; apply_patches; sync_overlay; gen_goos
	say "work folder: $work (git: pristine + one commit per patch). Edit, 'git commit' there, then 'make go-patches'." ;;
export)
	[ -d "$work/.git" ] || die "no work folder; run 'make go-prepare'"
	dirty_tracked && die "uncommitted edits to upstream files in $work; commit them (one commit per purpose) first"
	rm -f "$top"/patches/go/*.patch
	g format-patch -q --zero-commit --no-signature --no-stat -N -o "$top/patches/go" pristine..HEAD
	patch_digest > "$out/patches.applied"; g rev-parse HEAD > "$out/patches.head"
	say "wrote $(patches | wc -l) patches to patches/go" ;;
reset) [ -d "$work/.git" ] || die "no work folder"; rm -f "$out/patches.applied" "$out/patches.head"; unmark_goos; g reset -q --hard pristine
	apply_patches; sync_overlay; gen_goos ;;
*) die "usage: $0 {build|sync|prepare|export|reset}" ;;
esac
