#!/usr/bin/env bash
# Set everything up and boot a Linux guest with pvm inside the emulated POWER
# LPAR (QEMU emulating a POWER9 partition with nested KVM), console on this
# terminal. Type in the guest shell; `poweroff -f` ends the guest, pvm prints
# its exit banner, the LPAR powers off and this script exits with pvm's status.
# Ctrl-a x ends pvm early (status 4); Ctrl-] x kills the whole LPAR.
#
#   scripts/demo.sh [--host v1|v2] [--log FILE] [other scripts/lab.sh options]
#
# The default host is v1 (nested API v1), where the guest gets interrupts and
# so console input; on the emulated v2 host the guest boots but never sees a
# keystroke (docs/lab.md: the emulator ignores LPCR[MER] for nested-v2 L2s).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1mdemo:\033[0m %s\n' "$*" >&2; }

host_given=0
for a in "$@"; do
	case $a in --host | --host=*) host_given=1 ;; esac
done
[ $host_given = 1 ] || set -- --host v1 "$@"
t0=$SECONDS
step "[1/3] dependencies: QEMU 10, the ppc64le cross compiler, Debian's POWER kernel,"
step "      busybox and libraries (first run: several minutes of downloads; cached in /var/cache/pvm)"
bash scripts/deps.sh
step "[2/3] building pvm (a static ppc64le binary)"
make -s pvm
step "[3/3] booting the LPAR, then the guest under pvm ($((SECONDS - t0)) s so far)"
step "      in the guest: try uname -a; poweroff -f ends it; Ctrl-a x ends pvm early"
exec scripts/lab.sh --interactive "$@" -- \
	'pvm run -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M -p "console=hvc0 quiet"'
