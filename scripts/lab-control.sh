#!/usr/bin/env bash
# Control socket tests: pvm list, stat, pause, resume, stop (EPOW and
# --force), name clashes and client errors, against idle Linux guests.
# Usage: scripts/lab-control.sh [--host v2|v1] [other lab.sh options]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
host=v2
for a in "$@"; do
	case $a in v1 | v2) host=$a ;; --host=*) host=${a#--host=} ;; esac
done
out=$(mktemp)
"$root/scripts/lab.sh" --cpus 2 --mem 2G --timeout "${LAB_CONTROL_TIMEOUT:-1500}" "$@" \
	--add "$root/guest-tests/lab/control-inner.sh:/lab/control-inner.sh" \
	-- "LAB_HOST=$host sh /lab/control-inner.sh" | tee "$out"
rc=${PIPESTATUS[0]}
if ! grep -qE '^[0-9]+ passed, [0-9]+ failed' "$out"; then
	echo "not ok - control suite did not finish (lab.sh status $rc)"
	echo "0 passed, 1 failed"
	rm -f "$out"
	exit 1
fi
rm -f "$out"
exit "$rc"
