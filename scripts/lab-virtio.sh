#!/usr/bin/env bash
# virtio-blk in the emulated LPAR: a Linux guest with its root file system on
# virtio-blk and three more disks (integrity, read-only, discard, fsync +
# kill -9, a second writer refused). Interrupts are needed, so on the v2 host
# every check is a skip with its evidence.
# Usage: scripts/lab-virtio.sh [--host v2|v1] [other lab.sh options]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib-lab.sh"
mkdir -p "$root/build/lab"
"$root/scripts/mk-rootfs.sh" "$root/build/lab/rootfs.ext4" ||
	{ echo "lab-virtio: building the root image failed"; echo "0 passed, 1 failed"; exit 1; }
gzip -1 -c "$root/build/lab/rootfs.ext4" >"$root/build/lab/rootfs.ext4.gz"
lab_suite virtio virtio-inner.sh "LAB_HOST=$(lab_host "$@")" \
	--add "$root/build/lab/rootfs.ext4.gz:/lab/rootfs.ext4.gz" \
	--cpus 2 --mem 4G --timeout "${LAB_VIRTIO_TIMEOUT:-2400}" "$@"
