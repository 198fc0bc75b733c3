#!/usr/bin/env bash
# HVPIPE tests: a Linux guest with two hypervisor-pipe sources runs
# /tests/hvpipe (guest-tests/hvpipe/hvpipe-test.c) against one peer per source
# in the LPAR (guest-tests/lab/hvpipe-peer.sh): handles and errors, echoes,
# pipe close/reopen, bursts, two sources at once, 1000-message streams each
# way, then a flood of a source the guest never reads.
# Usage: scripts/lab-hvpipe.sh [--host v2|v1] [other lab.sh options]
#
# On the v2 host no hvpipe event reaches the L2 guest (docs/lab.md): the
# tests that wait for one are reported as v2-host skips with that evidence.
set -uo pipefail
. "$(dirname "$0")/lib-lab.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
if ! make -s -C "$root" --no-print-directory guest-bins >&2; then
	echo "not ok - building the hvpipe test binaries (make guest-bins) failed"
	echo "0 passed, 1 failed"
	exit 1
fi
lab_suite hvpipe hvpipe-inner.sh "LAB_HOST=$(lab_host "$@")" \
	--cpus 2 --mem 2G --timeout "${LAB_HVPIPE_TIMEOUT:-2400}" \
	--add "$root/guest-tests/lab/hvpipe-peer.sh:/lab/hvpipe-peer.sh" \
	--add "$root/build/lab/hvpipe-peer:/usr/bin/hvpipe-peer" "$@"
