#!/usr/bin/env bash
# virtio devices in the emulated LPAR, one LPAR boot for both suites
# (guest-tests/lab/virtio-all-inner.sh):
# - virtio-blk (virtio-inner.sh): a Linux guest with its root file system on
#   virtio-blk and three more disks (integrity, read-only, discard, fsync +
#   kill -9, a second writer refused);
# - virtio-net (net-inner.sh): a guest NIC on a tap that pvm creates: pings and
#   256 MiB each way with md5 sums compared, the same on vhost-net, two NICs.
# Interrupts are needed, so on the v2 host every guest check is a skip with its
# evidence. LAB_VIRTIO_SUITES="blk net" (default) picks the suites;
# LAB_NET_MB (default 256) is what the net suite moves each way, LAB_VIRTIO_MB
# (default 256) the blk suite's integrity check.
# Usage: scripts/lab-virtio.sh [--host v2|v1] [other lab.sh options]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib-lab.sh"
suites=${LAB_VIRTIO_SUITES:-blk net}
adds=()
case " $suites " in
*" blk "*)
	mkdir -p "$root/build/lab"
	"$root/scripts/mk-rootfs.sh" "$root/build/lab/rootfs.ext4" ||
		{ echo "lab-virtio: building the root image failed"; echo "0 passed, 1 failed"; exit 1; }
	gzip -1 -c "$root/build/lab/rootfs.ext4" >"$root/build/lab/rootfs.ext4.gz"
	adds+=(--add "$root/build/lab/rootfs.ext4.gz:/lab/rootfs.ext4.gz")
	;;
esac
for s in virtio-inner.sh net-inner.sh; do
	adds+=(--add "$root/guest-tests/lab/$s:/lab/$s")
done
lab_suite virtio virtio-all-inner.sh "LAB_HOST=$(lab_host "$@") VIRTIO_SUITES='$suites' NET_MB=${LAB_NET_MB:-256} VIRTIO_MB=${LAB_VIRTIO_MB:-256}" \
	"${adds[@]}" --cpus 2 --mem 4G --timeout "${LAB_VIRTIO_TIMEOUT:-3600}" "$@"
