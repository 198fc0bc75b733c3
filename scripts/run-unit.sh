#!/usr/bin/env bash
# Run host unit test binaries (kselftest harness) and sum their results.
# Prints each binary's TAP output, then "N passed, M failed".
set -u
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	totals=$(printf '%s\n' "$out" | sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\).*/\1 \2/p' | tail -n1)
	if [ -z "$totals" ]; then
		echo "not ok - $t crashed or printed no totals (exit $rc)"
		fail=$((fail + 1))
		continue
	fi
	read -r p f <<<"$totals"
	pass=$((pass + p))
	fail=$((fail + f))
	# A binary that exits non-zero with all tests passing still counts as a failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited $rc"
		fail=$((fail + 1))
	fi
done
echo "${UNIT_NAME:-unit}: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
