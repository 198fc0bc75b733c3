#!/usr/bin/env bash
# Set everything up and boot a Linux guest with pvm inside the emulated POWER
# LPAR, console on this terminal. In the guest shell, `poweroff -f` ends the
# guest (pvm exits 0) and then the LPAR. Ctrl-a x leaves pvm early.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
make -s pvm
exec scripts/lab.sh --interactive "$@" -- \
	'pvm run -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M -p "console=hvc0 quiet"; echo "pvm exited with status $?"'
