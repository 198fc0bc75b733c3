#!/usr/bin/env bash
# Memory hotplug tests: pvm hotplug NAME mem +SIZE|-SIZE against a Linux guest.
# (add, remove, limits, add/remove cycles with pvm RSS checked).
# Usage: scripts/lab-hotplug.sh [--host v2|v1] [other lab.sh options]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
host=v2
for a in "$@"; do
	case $a in v1 | v2) host=$a ;; --host=*) host=${a#--host=} ;; esac
done
out=$(mktemp)
"$root/scripts/lab.sh" --cpus 2 --mem 4G --timeout "${LAB_HOTPLUG_TIMEOUT:-1500}" "$@" \
	--add "$root/guest-tests/lab/hotplug-inner.sh:/lab/hotplug-inner.sh" \
	-- "LAB_HOST=$host sh /lab/hotplug-inner.sh" | tee "$out"
rc=${PIPESTATUS[0]}
if ! grep -qE '^[0-9]+ passed, [0-9]+ failed' "$out"; then
	echo "not ok - hotplug suite did not finish (lab.sh status $rc)"
	echo "0 passed, 1 failed"
	rm -f "$out"
	exit 1
fi
rm -f "$out"
exit "$rc"
