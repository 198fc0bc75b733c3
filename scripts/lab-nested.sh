#!/usr/bin/env bash
# Three levels of KVM (guest-tests/lab/nested-inner.sh): on the bare-metal lab
# host (PowerNV, KVM-HV in hypervisor mode), pvm run --nested boots a guest
# that loads kvm-hv and runs pvm again, which boots an L3 Linux to /init; and
# without --nested that guest's kvm-hv and pvm refuse, with clear messages.
#
# The guest that runs KVM (L2) runs the host's own kernel and loads the host's
# own kvm.ko/kvm_hv.ko: KVM-HV refuses a nested hypervisor whose partition-
# scoped pages are smaller than the host's ("KVM: L1 guest page shift (12)
# less than our own (16)", arch/powerpc/kvm/book3s_hv_nested.c), so on the
# bare host, whose kernel has 64 KiB pages, the L2 cannot be the 4 KiB-page
# guest kernel. There this script adds the host's kernel and an L2 initramfs
# with that flavour's modules as /lab/nested/{vmlinux,initrd.cpio.gz,release};
# the L3 runs /guest/vmlinux (4 KiB pages). On the LPAR hosts the host's
# kernel is /guest/vmlinux and nothing is added.
# Usage: scripts/lab-nested.sh [--host bare] [other lab.sh options]
# Env: LAB_NESTED_TIMEOUT (s for the whole host run, default 2400).
set -uo pipefail
. "$(dirname "$0")/lib-lab.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${PVM_CACHE:-/var/cache/pvm}
host=bare
for a in "$@"; do case $a in v1 | v2 | bare) host=$a ;; esac; done
adds=()
tmp=
if [ "$host" = bare ]; then
	kdir=$cache/kernel-64k
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/lab-nested.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/nested"
	if [ ! -f "$kdir/vmlinux" ] || [ ! -d "$kdir/modules" ]; then
		echo "lab-nested: $kdir missing: run scripts/deps.sh first" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
	GUEST_MODDIR=$kdir/modules "$root/scripts/mk-guest-initrd.sh" "$tmp/nested/initrd.cpio.gz" || {
		echo "not ok - the L2 initramfs (host kernel's modules) did not build"
		echo "0 passed, 1 failed"
		exit 1
	}
	grep -a -o -m1 'Linux version [^ ]*' "$kdir/vmlinux" | cut -d' ' -f3 >"$tmp/nested/release"
	adds=(--add "$kdir/vmlinux:/lab/nested/vmlinux"
		--add "$tmp/nested/initrd.cpio.gz:/lab/nested/initrd.cpio.gz"
		--add "$tmp/nested/release:/lab/nested/release")
fi
lab_suite nested nested-inner.sh "LAB_HOST=$host" --host "$host" --mem 4G \
	--timeout "${LAB_NESTED_TIMEOUT:-2400}" "${adds[@]}" "$@"
