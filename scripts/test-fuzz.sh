#!/usr/bin/env bash
# Every fuzz target (tests/fuzz/, libFuzzer with ASan+UBSan, native on this
# machine with the fake accelerator) for a bounded time from its seed corpus
# (tests/fuzz/corpus/NAME, copied: the tree is not written). A crash, leak,
# sanitizer report or timeout fails the target; its reproducer is kept in
# build/fuzz/artifacts/. Ends with "fuzz: N passed, M failed".
#
#   scripts/test-fuzz.sh [SECONDS per target, default $FUZZ_SECONDS or 10]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
secs=${1:-${FUZZ_SECONDS:-10}}
make -s fuzz || { echo "not ok 1 - make fuzz"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
art=build/fuzz/artifacts
mkdir -p "$art"
n=0 passed=0 failed=0
for t in build/fuzz/fuzz-*; do
	[ -x "$t" ] || continue
	name=${t##*/fuzz-}
	work=$(mktemp -d)
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
	out=$(mktemp)
	"$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/$name-" "$work" >"$out" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -n1)
	cov=$(grep -Eo 'cov: [0-9]+' "$out" | tail -n1)
	n=$((n + 1))
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
		echo "ok $n - fuzz $name: ${runs:-?} executions in ${secs} s, ${cov:-cov: ?}, no crash"
	else
		failed=$((failed + 1))
		echo "not ok $n - fuzz $name: exit $rc after ${runs:-?} executions (reproducer in $art/)"
		grep -E 'ERROR|SUMMARY|runtime error' "$out" | head -n 5 | sed 's/^/# /'
	fi
	rm -rf "$work" "$out"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
