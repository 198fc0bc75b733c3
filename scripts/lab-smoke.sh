#!/usr/bin/env bash
# Foundation lab test: one LPAR boot (scripts/lab.sh) that runs pvm inside it
# several times (guest-tests/lab/smoke-inner.sh): the guest smoke boot, a guest
# panic and pvm's error cases.
#
#   scripts/lab-smoke.sh [lab.sh options, e.g. --host v1 --log FILE]
#
# Prints TAP-like "ok N - ..." / "not ok N - ..." lines, then the boot timings
# and "N passed, M failed"; exits 1 if anything failed.
# Env: GUEST_TIMEOUT (s per guest boot, default 600), LAB_SMOKE_TIMEOUT (s for
#      the whole LPAR run, default 1800).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

set +e
"$root/scripts/lab.sh" --timeout "${LAB_SMOKE_TIMEOUT:-1800}" "$@" \
	--add "$root/guest-tests/lab/smoke-inner.sh:/lab/smoke-inner.sh" \
	-- "GUEST_TIMEOUT=${GUEST_TIMEOUT:-600} /lab/smoke-inner.sh" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e

passed=$(grep -c '^ok [0-9]' "$out" || true)
failed=$(grep -c '^not ok [0-9]' "$out" || true)
n=$((passed + failed))
if ! grep -q '^# smoke-inner done' "$out"; then
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - LPAR run completed (lab.sh exit status $rc)"
elif [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - smoke-inner.sh exit status $rc with no failed check"
fi

boot=$(sed -n 's/^lab: LPAR up in \([0-9.]*\) s.*/\1/p' "$out" | head -n1)
echo "# timing: LPAR boot (QEMU start -> LPAR init): ${boot:-?} s"
sed -n 's/^# timing: /# timing: /p' "$out" | grep -v 'LPAR boot' || true
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
