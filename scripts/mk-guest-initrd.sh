#!/usr/bin/env bash
# Build the L2 guest initramfs for pvm: static busybox plus everything under
# guest-tests/linux/ (its "init" becomes /init) and the built guest binaries
# under build/guest/ ("make guest-bins": build/guest/tests/X becomes /tests/X).
#
#   scripts/mk-guest-initrd.sh OUT.cpio.gz
#
# Env: PVM_CACHE (default /var/cache/pvm) holds the busybox from scripts/deps.sh;
#      BUSYBOX overrides the busybox binary.
set -euo pipefail

die() { printf 'mk-guest-initrd: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUT.cpio.gz"
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/guest-tests/linux
busybox=${BUSYBOX:-${PVM_CACHE:-/var/cache/pvm}/busybox}

[ -f "$busybox" ] || die "no busybox at $busybox (run scripts/deps.sh)"
[ -f "$src/init" ] || die "no $src/init"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc}
cp "$busybox" "$stage/bin/busybox"
chmod 755 "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
# Everything under guest-tests/linux/, modes kept (tests/ becomes /tests/).
cp -R --preserve=mode "$src/." "$stage/"
# Built test binaries (static ppc64le), same layout.
if [ -d "$root/build/guest" ]; then
	cp -R --preserve=mode "$root/build/guest/." "$stage/"
fi
chmod 755 "$stage/init"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\n' >"$stage/etc/group"

# /dev/console comes from the kernel's built-in default initramfs.
# Fixed timestamps and owners keep the archive reproducible.
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) | gzip -9n >"$out.tmp"
mv "$out.tmp" "$out"
