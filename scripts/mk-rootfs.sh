#!/usr/bin/env bash
# An ext4 root file system image for the virtio-blk lab suite: static busybox
# and guest-tests/rootfs/init as /sbin/init, built without a loop mount
# (mkfs.ext4 -d). Usage: scripts/mk-rootfs.sh OUT [SIZE, default 128M]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${PVM_CACHE:-/var/cache/pvm}
out=$1
size=${2:-128M}
busybox=${BUSYBOX:-$cache/busybox}
[ -f "$busybox" ] || { echo "mk-rootfs: no busybox at $busybox (run scripts/deps.sh)" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,etc}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$root/guest-tests/rootfs/init" "$stage/sbin/init"
chmod 755 "$stage/bin/busybox" "$stage/sbin/init"
rm -f "$out.tmp"
mkfs.ext4 -q -F -L pvmroot -d "$stage" "$out.tmp" "$size"
mv "$out.tmp" "$out"
