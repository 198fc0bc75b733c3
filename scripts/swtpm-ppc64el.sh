#!/usr/bin/env bash
# swtpm to run *inside* the bare lab host (scripts/lab.sh --host bare --tpm),
# whose QEMU machine (powernv9) has no TPM device: Debian bookworm's swtpm for
# ppc64el, unpacked with the closure of its shared libraries
# (scripts/lib-closure.sh), since the host is a busybox initramfs without a
# libc. Prints the tree's path, $PVM_CACHE/swtpm-ppc64el (a stamp makes a
# second run instant). The tree: usr/bin/swtpm; lib/powerpc64le-linux-gnu/
# with the loader and every library it needs under its soname; VERSIONS, the
# packages downloaded; and swtpm, a wrapper running the binary through the
# tree's loader. Nothing else (no swtpm_setup: the lab's TPM is never
# manufactured).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PVM_CACHE:-/var/cache/pvm}
mkdir -p "$CACHE"
out=$CACHE/swtpm-ppc64el
stamp=$CACHE/stamp-swtpm-ppc64el
FORMAT=1 # bump when the tree's layout changes so old caches are rebuilt
log() { printf 'swtpm-ppc64el: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# One builder at a time (two lab runs may start together).
exec 9>"$CACHE/.swtpm-ppc64el.lock"
flock 9
[ "$(cut -d' ' -f1 "$stamp" 2>/dev/null)" = $FORMAT ] && [ -x "$out/swtpm" ] &&
	{ echo "$out"; exit 0; }

. "$root/scripts/lib-closure.sh"
closure_begin "$(readlink -f "$CACHE")/swtpm-ppc64el.tmp"
# libswtpm_libtpms.so.0 lives in swtpm's own directory (the binary's RUNPATH).
libdirs+=(usr/lib/powerpc64le-linux-gnu/swtpm)

# swtpm and swtpm-libs (same version), then the library packages (libtpms0,
# libssl3, libseccomp2, libc6, ...) its closure needs.
madison swtpm
ver=$(pick_version swtpm)
[ -n "$ver" ] || die "no swtpm for ppc64el in bookworm (apt-get update?)"
closure_fetch "$stage/usr/bin/swtpm" "swtpm:ppc64el=$ver" "swtpm-libs:ppc64el=$ver"

o=$tmp/out L=$tmp/out/lib/powerpc64le-linux-gnu
mkdir -p "$o/usr/bin"
install -m 755 "$stage/usr/bin/swtpm" "$o/usr/bin/"
closure_install "$L"
sort "$tmp/VERSIONS" >"$o/VERSIONS"
cat >"$o/swtpm" <<'EOF'
#!/bin/sh
d=$(cd "$(dirname "$0")" && pwd)
exec "$d/lib/powerpc64le-linux-gnu/ld64.so.2" --library-path "$d/lib/powerpc64le-linux-gnu" \
	"$d/usr/bin/swtpm" "$@"
EOF
chmod 755 "$o/swtpm"

closure_check "$o" usr/bin/swtpm

rm -rf "$out" && mv "$o" "$out"
echo "$FORMAT $ver" >"$stamp"
log "swtpm $ver for ppc64el in $out: ${#libs[@]} shared objects, $(du -sh "$out" | cut -f1)"
echo "$out"
