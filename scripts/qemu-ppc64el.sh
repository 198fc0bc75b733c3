#!/usr/bin/env bash
# QEMU to run *inside* the emulated LPAR, beside pvm, for the benchmarks (issue
# 16): Debian's qemu-system-ppc for ppc64el from bookworm-backports (10.0, as the
# lab's L0), unpacked with the closure of its shared libraries, since the LPAR is
# a busybox initramfs without a libc. Prints the tree's path, $PVM_CACHE/qemu-ppc64el
# (a stamp makes a second run instant). The tree (docs/lab.md, "QEMU/KVM in the
# LPAR"): usr/bin/qemu-system-ppc64; lib/powerpc64le-linux-gnu/ with the loader
# and every library it needs under its soname; vof.bin (x-vof=on) and slof.bin in
# usr/share/qemu; VERSIONS, the packages downloaded; and qemu-system-ppc64, a
# wrapper running the binary through the tree's loader. Nothing else: no docs,
# keymaps (only graphical displays read them), other firmware or QEMU modules.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PVM_CACHE:-/var/cache/pvm}
mkdir -p "$CACHE"
out=$CACHE/qemu-ppc64el
stamp=$CACHE/stamp-qemu-ppc64el
FORMAT=2 # bump when the tree's layout changes so old caches are rebuilt
log() { printf 'qemu-ppc64el: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# One builder at a time (a benchmark and a test may start together).
exec 9>"$CACHE/.qemu-ppc64el.lock"
flock 9
[ "$(cut -d' ' -f1 "$stamp" 2>/dev/null)" = $FORMAT ] && [ -x "$out/qemu-system-ppc64" ] &&
	{ echo "$out"; exit 0; }

. "$root/scripts/lib-closure.sh"
closure_begin "$(readlink -f "$CACHE")/qemu-ppc64el.tmp"

# QEMU itself, then the library packages its closure needs.
madison qemu-system-ppc
qver=$(pick_version qemu-system-ppc '>=' 1:10)
[ -n "$qver" ] || die "no qemu-system-ppc >= 10 for ppc64el in bookworm-backports (apt-get update?)"
closure_fetch "$stage/usr/bin/qemu-system-ppc64" "qemu-system-ppc:ppc64el=$qver" "qemu-system-data:all=$qver"

# The tree: only what the closure reached, each library under its soname.
o=$tmp/out L=$tmp/out/lib/powerpc64le-linux-gnu
mkdir -p "$o/usr/bin" "$o/usr/share/qemu"
install -m 755 "$stage/usr/bin/qemu-system-ppc64" "$o/usr/bin/"
closure_install "$L"
cp "$stage"/usr/share/qemu/{vof.bin,slof.bin} "$o/usr/share/qemu/"
sort "$tmp/VERSIONS" >"$o/VERSIONS"
cat >"$o/qemu-system-ppc64" <<'EOF'
#!/bin/sh
d=$(cd "$(dirname "$0")" && pwd)
exec "$d/lib/powerpc64le-linux-gnu/ld64.so.2" --library-path "$d/lib/powerpc64le-linux-gnu" \
	"$d/usr/bin/qemu-system-ppc64" -L "$d/usr/share/qemu" "$@"
EOF
chmod 755 "$o/qemu-system-ppc64"

closure_check "$o" usr/bin/qemu-system-ppc64

# QEMU looks for its data next to /proc/self/exe, here the loader, or in
# EXEC_DIR/qemu-bundle/usr/share/qemu if that exists: so the loader command
# without -L finds vof.bin too (else "Could not find LPAR firmware 'vof.bin'").
ln -s ../.. "$L/qemu-bundle"
rm -rf "$out" && mv "$o" "$out"
echo "$FORMAT $qver" >"$stamp"
log "QEMU $qver for ppc64el in $out: ${#libs[@]} shared objects, $(du -sh "$out" | cut -f1)"
echo "$out"
