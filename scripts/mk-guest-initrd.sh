#!/usr/bin/env bash
# Build the L2 guest initramfs for pvm: static busybox plus everything under
# guest-tests/linux/ (its "init" becomes /init) and the built guest binaries
# under build/guest/ ("make guest-bins": build/guest/tests/X becomes /tests/X).
#
#   scripts/mk-guest-initrd.sh OUT.cpio.gz
#
# Env: PVM_CACHE (default /var/cache/pvm) holds the busybox and the Debian kernel's
#      modules from scripts/deps.sh; BUSYBOX overrides the busybox binary;
#      GUEST_MODULES (default "virtio-rng pseries-rng virtio_blk ext4 virtio_net")
#      names the kernel modules /init loads first (with their dependencies, from
#      GUEST_MODDIR, default $PVM_CACHE/kernel/modules: the 4 KiB-page kernel's;
#      an initramfs for another kernel flavour needs that flavour's tree).
set -euo pipefail

die() { printf 'mk-guest-initrd: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUT.cpio.gz"
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/guest-tests/linux
cache=${PVM_CACHE:-/var/cache/pvm}
busybox=${BUSYBOX:-$cache/busybox}
moddir=${GUEST_MODDIR:-$cache/kernel/modules}
guest_modules=${GUEST_MODULES-virtio-rng pseries-rng virtio_blk ext4 virtio_net}

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
# Drivers the guest kernel has as modules (by default the 4 KiB-page
# kernel's, which every guest and the LPAR hosts run):
# /lib/modules/guest/NAME.ko, loaded by /init in load-order's order.
if [ -n "$guest_modules" ]; then
	[ -d "$moddir" ] || die "no kernel modules at $moddir (run scripts/deps.sh)"
	. "$root/scripts/lib-modules.sh"
	# shellcheck disable=SC2086
	modules_resolve "$moddir" $guest_modules || die "GUEST_MODULES: see above"
	mkdir -p "$stage/lib/modules/guest"
	for n in "${modorder[@]}"; do
		unpack_ko "${modfile[$n]}" >"$stage/lib/modules/guest/$n.ko"
		echo "$n" >>"$stage/lib/modules/guest/load-order"
	done
fi
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\n' >"$stage/etc/group"

# /dev/console comes from the kernel's built-in default initramfs.
# Fixed timestamps and owners keep the archive reproducible.
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) | gzip -9n >"$out.tmp"
mv "$out.tmp" "$out"
