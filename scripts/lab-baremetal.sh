#!/usr/bin/env bash
# Bare-metal PAPR conformance suite: builds guest-tests/baremetal, boots one
# emulated LPAR (scripts/lab.sh --cpus 4) and runs every payload under pvm in it
# (guest-tests/lab/bm-inner.sh).
#
#   scripts/lab-baremetal.sh [--host v2|v1] [other lab.sh options, e.g. --log FILE]
#
# Prints TAP-like "ok N - ..." / "not ok N - ..." lines (payload cases plus one
# pvm exit-status check per run), the suite's runtime and "N passed, M failed";
# exits 1 if anything failed.
# Env: GUEST_TIMEOUT (s per payload run, default 300), LAB_BM_TIMEOUT (s for the
#      whole LPAR run, default 3600).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
host=v2
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--host) host=${2:-}; args+=("$1" "${2:-}"); shift 2 ;;
	--host=*) host=${1#*=}; args+=("$1"); shift ;;
	*) args+=("$1"); shift ;;
	esac
done

make -s -C "$root/guest-tests/baremetal" || { echo "lab-baremetal: building the payloads failed" >&2; exit 1; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
t0=$(date +%s)
set +e
"$root/scripts/lab.sh" --timeout "${LAB_BM_TIMEOUT:-3600}" --cpus 4 "${args[@]}" \
	--add "$root/guest-tests/baremetal/build:/payloads" \
	--add "$root/guest-tests/lab/bm-inner.sh:/lab/bm-inner.sh" \
	-- "LAB_HOST=$host GUEST_TIMEOUT=${GUEST_TIMEOUT:-300} sh /lab/bm-inner.sh" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e

passed=$(grep -c '^ok [0-9]' "$out" || true)
failed=$(grep -c '^not ok [0-9]' "$out" || true)
n=$((passed + failed))
if ! grep -q '^# bm-inner done' "$out"; then
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - LPAR run completed (lab.sh exit status $rc)"
elif [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - bm-inner.sh exit status $rc with no failed check"
fi
echo "# timing: whole run (build, LPAR boot, suite) $(($(date +%s) - t0)) s; $(sed -n 's/^# timing: suite /suite inside the LPAR /p' "$out")"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
