#!/usr/bin/env bash
# Every fuzz target (tests/fuzz/, libFuzzer with ASan+UBSan, native on this
# machine with the fake accelerator) for a bounded time from its seed corpus
# (tests/fuzz/corpus/NAME, copied: the tree is not written). A crash, leak,
# sanitizer report or timeout fails the target; its reproducer is kept in
# build/fuzz/artifacts/. One target per CPU at a time (FUZZ_JOBS). Ends with "fuzz: N passed, M failed".
#
#   scripts/test-fuzz.sh [SECONDS per target, default $FUZZ_SECONDS or 10]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
secs=${1:-${FUZZ_SECONDS:-10}}
make -s -j"$(nproc)" fuzz || { echo "not ok 1 - make fuzz"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
art=build/fuzz/artifacts
mkdir -p "$art"
# One target: its result line (and, on failure, the sanitizer's lines) in
# $res/NAME, printed in order once all ran.
run_target() {
	local t=$1 name=${1##*/fuzz-} work out rc runs cov
	work=$(mktemp -d)
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
	out=$(mktemp)
	"$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/$name-" "$work" >"$out" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -n1)
	cov=$(grep -Eo 'cov: [0-9]+' "$out" | tail -n1)
	if [ "$rc" = 0 ]; then
		echo "ok - fuzz $name: ${runs:-?} executions in ${secs} s, ${cov:-cov: ?}, no crash"
	else
		echo "not ok - fuzz $name: exit $rc after ${runs:-?} executions (reproducer in $art/)"
		grep -E 'ERROR|SUMMARY|runtime error' "$out" | head -n 5 | sed 's/^/# /'
	fi >"$res/$name"
	rm -rf "$work" "$out"
}
# As many targets at once as there are CPUs: each is one single-threaded process.
jobs=${FUZZ_JOBS:-$(nproc)}
res=$(mktemp -d)
for t in build/fuzz/fuzz-*; do
	[ -x "$t" ] || continue
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	run_target "$t" &
done
wait
n=0 passed=0 failed=0
for r in "$res"/*; do
	[ -f "$r" ] || continue
	n=$((n + 1))
	case $(head -n1 "$r") in
	ok*) passed=$((passed + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
	sed "1s/^\(ok\|not ok\) - /\1 $n - /" "$r"
done
rm -rf "$res"
[ "$n" -gt 0 ] || { echo "not ok 1 - no fuzz target was built"; failed=1; }
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
