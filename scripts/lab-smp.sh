#!/usr/bin/env bash
# SMP and interrupt tests: a Linux guest with 4 vCPUs (2 cores x 2 threads)
# in an LPAR with 4 vCPUs. Usage: scripts/lab-smp.sh [--host v2|v1]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
"$root/scripts/lab.sh" --cpus 4 --mem 3G --timeout "${LAB_SMP_TIMEOUT:-1500}" "$@" \
	--add "$root/guest-tests/lab/smp-inner.sh:/lab/smp-inner.sh" -- sh /lab/smp-inner.sh | tee "$out"
rc=${PIPESTATUS[0]}
if ! grep -qE '^[0-9]+ passed, [0-9]+ failed' "$out"; then
	echo "not ok - smp suite did not finish (lab.sh status $rc)"
	echo "0 passed, 1 failed"
	rm -f "$out"
	exit 1
fi
rm -f "$out"
exit "$rc"
