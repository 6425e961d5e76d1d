# Patch series over a pristine upstream tree, shared by build/toolchain.sh (Go) and build/modules.sh (Go modules).
# Sourced, not run. The caller sets:
#   S_WORK     the work folder (a git repository: commit "pristine" tagged pristine, then one commit per patch)
#   S_PATCHES  the folder of the series (*.patch, applied in name order)
#   S_OVERLAY  the folder of new files laid over the work folder (may be absent)
#   S_AT       where in the work folder the overlay goes ("" for its top, "src/" for GOROOT/src)
#   S_STATE    a path prefix for the series' state files (STATE.applied, STATE.head, STATE.overlay)
#   S_EXCLUDE  extra lines for the work folder's .git/info/exclude (build outputs)
#   S_HINT_EXPORT, S_HINT_RESET  the commands that export and drop work, for messages
# and defines say() and die(). It may redefine series_before_reset, run before every 'git reset --hard pristine'.

series_before_reset() { :; }

sg() { git -C "$S_WORK" -c user.name=series -c user.email=series@localhost -c commit.gpgsign=false "$@"; }

series_patches() { ls "$S_PATCHES"/*.patch 2>/dev/null | LC_ALL=C sort || true; }

# series_digest FILE...: the digest of the series together with the given pin files.
series_digest() { cat "$@" $(series_patches) </dev/null | sha256sum | cut -d' ' -f1; }

series_overlay_files() { [ -d "$S_OVERLAY" ] || return 0; (cd "$S_OVERLAY" && find . -type f ! -name README.md | LC_ALL=C sort); }

series_overlay_digest() { [ -d "$S_OVERLAY" ] || return 0; (cd "$S_OVERLAY" && series_overlay_files | xargs -r sha256sum); }

# series_init DIR MESSAGE: make the upstream tree in DIR the pristine commit of a new work folder.
series_init() {
	git -C "$1" init -q
	printf '*.orig\n*.rej\n%s\n' "$S_EXCLUDE" > "$1/.git/info/exclude"
	git -C "$1" add -A
	git -C "$1" -c user.name=series -c user.email=series@localhost -c commit.gpgsign=false commit -qm "$2"
	git -C "$1" tag pristine
}

# Overlay files are ours and untracked in the work folder; tracked modifications are unexported patch work.
series_dirty() { [ -n "$(sg status --porcelain --untracked-files=no)" ]; }

# series_apply DIGEST: reset the work folder to pristine and apply the series, unless DIGEST is already applied.
# Refuses to discard commits or edits that were not exported.
series_apply() {
	local want=$1 p
	if [ -f "$S_STATE.applied" ] && [ "$(cat "$S_STATE.applied")" = "$want" ]; then return; fi
	if series_dirty; then
		die "$S_WORK has uncommitted edits to upstream files and $S_PATCHES changed; commit them there and run '$S_HINT_EXPORT', or '$S_HINT_RESET' to drop them"
	fi
	if [ -f "$S_STATE.applied" ] && [ "$(sg rev-parse HEAD)" != "$(cat "$S_STATE.head" 2>/dev/null)" ]; then
		die "$S_WORK has patch commits that were not exported; run '$S_HINT_EXPORT' first or '$S_HINT_RESET'"
	fi
	say "applying $(series_patches | wc -l) patches from ${S_PATCHES#$top/}"
	series_before_reset
	sg reset -q --hard pristine
	for p in $(series_patches); do
		if ! sg am -q --keep-cr "$p" 2>"$S_STATE.am.log"; then
			sed 's/^/  /' "$S_STATE.am.log" >&2
			sg am --abort >/dev/null 2>&1 || true
			die "patch ${p#$top/} does not apply to $(sg log -1 --format=%s pristine) (git am's words above)"
		fi
	done
	rm -f "$S_STATE.am.log"
	echo "$want" > "$S_STATE.applied"
	sg rev-parse HEAD > "$S_STATE.head"
}

# Every overlay source must be genode-only (by file name or build line): the same tree also builds for the host.
series_check_overlay() {
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
		if ! grep -Eq '^//go:build .*\bgenode\b' "$S_OVERLAY/$f" || grep -Eq '^//go:build .*!genode' "$S_OVERLAY/$f"; then
			say "${S_OVERLAY#$top/}/${f#./}: not constrained to genode (name it *_genode*.go or add //go:build genode)"; bad=1
		fi
	done < <(series_overlay_files)
	[ $bad -eq 0 ] || die "overlay files must build only for genode"
}

# The copies of overlay files in the work folder are not tracked there (excluded), so an edit made to one would be
# overwritten without a word: refuse while any copy differs from what was laid ($S_STATE.laid).
series_check_laid() {
	[ -f "$S_STATE.laid" ] || return 0
	local bad
	bad=$(cd "$S_WORK" && sha256sum --quiet --ignore-missing -c "$S_STATE.laid" 2>/dev/null | sed -n 's/: FAILED.*//p' | sed 's/^/  /') || true
	[ -z "$bad" ] || die "$(printf 'these overlay copies were edited in %s, where they are not kept:\n%s\nmove the edits to %s (the overlay) and delete the copies; they are laid again' "$S_WORK" "$bad" "${S_OVERLAY#$top/}")"
}

# series_laid_intact: every overlay copy is in the work folder as laid.
series_laid_intact() { [ -f "$S_STATE.laid" ] && (cd "$S_WORK" && sha256sum --quiet -c "$S_STATE.laid" >/dev/null 2>&1); }

series_sync_overlay() {
	series_check_laid
	local f n=0 old="$S_STATE.overlay" new="$S_STATE.overlay.new"
	series_overlay_files > "$new"
	# Remove files an earlier overlay laid that are gone from the overlay folder now.
	if [ -f "$old" ]; then
		comm -23 "$old" "$new" | while read -r f; do
			if ! sg ls-files --error-unmatch "$S_AT${f#./}" >/dev/null 2>&1; then rm -f "$S_WORK/$S_AT$f"; say "removed $S_AT${f#./}"; fi
		done
	fi
	while read -r f; do
		if ! cmp -s "$S_OVERLAY/$f" "$S_WORK/$S_AT$f"; then
			mkdir -p "$(dirname "$S_WORK/$S_AT$f")"
			cp "$S_OVERLAY/$f" "$S_WORK/$S_AT$f"
			n=$((n+1))
		fi
	done < "$new"
	mv "$new" "$old"
	(cd "$S_WORK" && sed "s|^\./|$S_AT|" "$old" | xargs -r sha256sum) > "$S_STATE.laid"
	# Overlay files are never patch material: keep them out of 'git add' in the work folder.
	{ printf '*.orig\n*.rej\n%s\n' "$S_EXCLUDE"; sed "s|^\./|/$S_AT|" "$old"; } > "$S_WORK/.git/info/exclude"
	say "overlay: $(wc -l < "$old") files, $n updated"
}

# series_export PINFILE...: write the work folder's commits after pristine as the series, which is then the applied
# one (series_digest of the same pin files).
series_export() {
	[ -d "$S_WORK/.git" ] || die "no work folder $S_WORK"
	series_dirty && die "uncommitted edits to upstream files in $S_WORK; commit them (one commit per purpose) first"
	mkdir -p "$S_PATCHES"
	rm -f "$S_PATCHES"/*.patch
	sg format-patch -q --zero-commit --no-signature --no-stat -N -o "$S_PATCHES" pristine..HEAD
	series_digest "$@" > "$S_STATE.applied"
	sg rev-parse HEAD > "$S_STATE.head"
	say "wrote $(series_patches | wc -l) patches to ${S_PATCHES#$top/}"
}

# series_reset: drop the work folder's commits and edits after pristine (the caller re-applies).
series_reset() {
	[ -d "$S_WORK/.git" ] || die "no work folder $S_WORK"
	rm -f "$S_STATE.applied" "$S_STATE.head"
	series_before_reset
	sg reset -q --hard pristine
}

# series_lock LOCKFILE ARGS...: one run at a time; a second run says it waits, waits for the first and then
# proceeds. The script runs again under flock(1), which holds the lock itself (-o: no child inherits it, so a
# detached 'git gc --auto' cannot keep it). Call it before anything else, with the script's own arguments.
series_lock() {
	local f=$1; shift
	if [ "${SERIES_LOCKED:-}" = "$f" ]; then
		[ -z "${SERIES_WAITED:-}" ] || say "the other run is done, continuing"
		unset SERIES_WAITED
		return
	fi
	local waited=
	if ! flock -n "$f" true; then
		say "waiting: another run holds $f"; waited=1
	fi
	SERIES_LOCKED=$f SERIES_WAITED=$waited exec flock -o "$f" "$0" "$@"
}
