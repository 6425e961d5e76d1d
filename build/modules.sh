#!/usr/bin/env bash
# Upstream Go modules for genode. Each module pinned in third_party/modules.pin is copied pristine from the module
# cache (its go.sum hash checked against the pin) into _build/modules/NAME, a git repository: commit "pristine" plus
# one commit per patch of patches/NAME/; then goos_genode/mod/NAME/ (new genode-only files) is laid over it.
# go.work uses every _build/modules/NAME, so every build in this repository gets the patched copies.
# Usage: build/modules.sh CMD
#   build [NAME...]       bring the modules (default: all) up to date; a no-op when pin, series and overlay are unchanged
#   prepare NAME          the same for one module, then say where to edit
#   export NAME           regenerate patches/NAME/*.patch from the work folder's commits after "pristine"
#   reset NAME            drop the work folder's commits and edits, re-apply patches/NAME
#   upgrade NAME VERSION  pin VERSION (downloaded, hash recorded) and re-apply the series to it
#   list                  the pinned modules and the state of their work folders
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pins=$top/third_party/modules.pin
out=$top/_build/modules
mkdir -p "$out"

say() { printf 'modules: %s\n' "$*"; }
die() { printf 'modules: error: %s\n' "$*" >&2; exit 1; }

. "$top/build/series.sh"

# pin lines: NAME MODULE VERSION H1-HASH
pin_lines() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$pins"; }
names() { pin_lines | awk '{print $1}'; }
pin_of() {
	local l; l=$(pin_lines | awk -v n="$1" '$1 == n')
	[ -n "$l" ] || die "no module '$1' in third_party/modules.pin (pinned: $(names | tr '\n' ' '))"
	echo "$l"
}

# setup NAME: the series variables and MOD, VER, SUM of one module.
setup() {
	local l; l=$(pin_of "$1")
	read -r NAME MOD VER SUM <<<"$l"
	[ -n "$SUM" ] || die "third_party/modules.pin: '$1' needs NAME MODULE VERSION HASH"
	S_WORK=$out/$NAME
	S_PATCHES=$top/patches/$NAME
	S_OVERLAY=$top/goos_genode/mod/$NAME
	S_AT=
	S_STATE=$out/.$NAME
	S_EXCLUDE=
	S_HINT_EXPORT="make mod-patches M=$NAME"
	S_HINT_RESET="make mod-reset M=$NAME"
	PINLINE="$NAME $MOD $VER $SUM"
}

# download MOD VER: sets GOT_DIR (the module's directory in the module cache) and GOT_SUM (its go.sum hash).
download() {
	local json
	json=$(cd "$out" && GOWORK=off GOFLAGS= GO111MODULE=on go mod download -json "$1@$2" 2>&1) ||
		die "go mod download $1@$2 failed: $(printf '%s' "$json" | sed -n 's/.*"Error": "\(.*\)".*/\1/p')"
	GOT_DIR=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
	GOT_SUM=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",*$/\1/p')
	[ -d "$GOT_DIR" ] || die "go mod download $1@$2 gave no directory"
}

create_work() {
	download "$MOD" "$VER"
	[ "$GOT_SUM" = "$SUM" ] || die "$MOD@$VER: the module's hash is $GOT_SUM, third_party/modules.pin says $SUM"
	say "$NAME: copying pristine $MOD@$VER"
	rm -rf "$S_WORK.tmp" "$S_WORK"
	cp -r "$GOT_DIR" "$S_WORK.tmp"
	chmod -R u+w "$S_WORK.tmp"
	# A module without go.mod (docker/cli, "+incompatible") keeps its requirements in vendor.mod and vendor.sum;
	# its build uses them as go.mod and go.sum (docker/cli's scripts/with-go-mod.sh), and its zip's
	# vendor/modules.txt would turn on vendor mode without the vendored code.
	if [ ! -f "$S_WORK.tmp/go.mod" ] && [ -f "$S_WORK.tmp/vendor.mod" ]; then
		cp "$S_WORK.tmp/vendor.mod" "$S_WORK.tmp/go.mod"
		[ ! -f "$S_WORK.tmp/vendor.sum" ] || cp "$S_WORK.tmp/vendor.sum" "$S_WORK.tmp/go.sum"
		rm -rf "$S_WORK.tmp/vendor"
	fi
	series_init "$S_WORK.tmp" "pristine $MOD@$VER"
	mv "$S_WORK.tmp" "$S_WORK"
	echo "$PINLINE" > "$S_STATE.pin"
	rm -f "$S_STATE.applied" "$S_STATE.head" "$S_STATE.overlay"
}

pin_digest() { series_digest <(echo "$PINLINE"); }
inputs_digest() { { pin_digest; series_overlay_digest; cat "$top/build/series.sh" "$0"; } | sha256sum | cut -d' ' -f1; }

# unexported: the work folder holds edits or commits that patches/NAME does not have.
unexported() {
	[ -d "$S_WORK/.git" ] || return 1
	series_dirty && return 0
	[ -f "$S_STATE.head" ] && [ "$(sg rev-parse HEAD)" != "$(cat "$S_STATE.head")" ]
}

build_one() {
	setup "$1"
	local want; want=$(inputs_digest)
	[ -d "$S_WORK/.git" ] && series_check_laid
	if [ -d "$S_WORK/.git" ] && [ -f "$S_STATE.stamp" ] && [ "$(cat "$S_STATE.stamp")" = "$want" ] && ! series_dirty && series_laid_intact; then
		say "$NAME: up to date ($MOD@$VER, $(series_patches | wc -l) patches)"
		return
	fi
	if [ -d "$S_WORK/.git" ] && [ "$(cat "$S_STATE.pin" 2>/dev/null)" != "$PINLINE" ]; then
		unexported && die "$NAME: the pin changed but $S_WORK holds work that is not in patches/$NAME; run '$S_HINT_EXPORT' or '$S_HINT_RESET' first"
		rm -rf "$S_WORK"
	fi
	[ -d "$S_WORK/.git" ] || create_work
	series_apply "$(pin_digest)"
	series_check_overlay
	series_sync_overlay
	echo "$want" > "$S_STATE.stamp"
	say "$NAME: $MOD@$VER with $(series_patches | wc -l) patches"
}

# Every pinned module must be in go.work, and go.work may use no module folder that is not pinned.
check_work() {
	local used want
	used=$(cd "$top" && GOWORK=$top/go.work go work edit -json | sed -n 's|.*"DiskPath": "\./_build/modules/\(.*\)".*|\1|p' | sort)
	want=$(names | sort)
	[ "$used" = "$want" ] || die "go.work must use exactly the pinned modules: it uses [$(echo $used)], third_party/modules.pin has [$(echo $want)]; run 'go work use' for the missing and drop the others"
}

upgrade() {
	setup "$1"
	local new=$2
	download "$MOD" "$new"
	unexported && die "$NAME: $S_WORK holds work that is not in patches/$NAME; run '$S_HINT_EXPORT' or '$S_HINT_RESET' first"
	sed -i "s|^\($NAME[[:space:]]\+$MOD[[:space:]]\+\)$VER[[:space:]]\+$SUM|\1$new $GOT_SUM|" "$pins"
	say "$NAME: pinned $MOD@$new ($GOT_SUM); re-applying patches/$NAME"
	build_one "$NAME"
}

list() {
	local n
	for n in $(names); do
		setup "$n"
		local state=absent
		if [ -d "$S_WORK/.git" ]; then
			state="$(sg rev-list --count pristine..HEAD) commits after pristine"
			series_dirty && state="$state, uncommitted edits"
		fi
		printf '%-12s %-40s %-12s patches %-3s overlay %-3s %s\n' "$NAME" "$MOD" "$VER" \
			"$(series_patches | wc -l)" "$(series_overlay_files | wc -l)" "$state"
	done
}

# One run at a time over all work folders (list only reads).
[ "${1:-build}" = list ] || series_lock "$out/.lock" "$@"

cmd=${1:-build}
[ $# -gt 0 ] && shift
case "$cmd" in
build)
	[ $# -gt 0 ] || set -- $(names)
	for n in "$@"; do build_one "$n"; done
	check_work ;;
prepare) [ $# -eq 1 ] || die "usage: $0 prepare NAME"; build_one "$1"
	say "work folder: $S_WORK (git: pristine + one commit per patch). Edit, 'git commit' there, then '$S_HINT_EXPORT'." ;;
export) [ $# -eq 1 ] || die "usage: $0 export NAME"; setup "$1"; series_export <(echo "$PINLINE") ;;
reset) [ $# -eq 1 ] || die "usage: $0 reset NAME"; setup "$1"; series_reset; rm -f "$S_STATE.stamp"; build_one "$1" ;;
upgrade) [ $# -eq 2 ] || die "usage: $0 upgrade NAME VERSION"; upgrade "$1" "$2" ;;
list) list ;;
*) die "usage: $0 {build [NAME...]|prepare NAME|export NAME|reset NAME|upgrade NAME VERSION|list}" ;;
esac
