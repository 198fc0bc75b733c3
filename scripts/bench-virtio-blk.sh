#!/usr/bin/env bash
# virtio-blk benchmark: 4 KiB random read/write IOPS and 1 MiB sequential
# write/read MB/s of a Linux guest on a file-backed disk, in the emulated
# POWER LPAR. Prints figures; it is not a test (not part of scripts/test.sh).
#
#   scripts/bench-virtio-blk.sh [--host v1|v2] [--secs N] [--mb N]
#                               [--modes "buffered direct"] [other lab.sh options]
#
#   --host v1|v2   LPAR's nested API (default v1: on v2 the L2 gets no
#                  interrupts, so no virtio-blk request completes)
#   --secs N       seconds per figure (default 5)
#   --mb N         image size in MiB, on a tmpfs in the LPAR (default 512)
#   --modes LIST   pvm disk modes: buffered (-d IMG), direct (-d IMG,direct);
#                  default both, one guest boot each
#
# The guest runs guest-tests/bench/blkbench.c (O_DIRECT in the guest, queue
# depth 1) through pvmtest=blkbench. L0 is QEMU TCG: a software-emulated
# POWER9 on this machine's CPUs. Absolute figures mean little; compare runs
# of different pvm commits on the same machine. docs/benchmarks.md.
#
# Exit status: 0 when figures were printed; 1 none; 2 usage; else lab.sh's.
set -uo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)

host=v1 secs=5 mb=512 modes="buffered direct"
lab_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--host) host=${2:?--host needs v1 or v2}; shift 2 ;;
	--host=*) host=${1#*=}; shift ;;
	--secs) secs=${2:?--secs needs a number}; shift 2 ;;
	--secs=*) secs=${1#*=}; shift ;;
	--mb) mb=${2:?--mb needs a number}; shift 2 ;;
	--mb=*) mb=${1#*=}; shift ;;
	--modes) modes=${2:?--modes needs a list}; shift 2 ;;
	--modes=*) modes=${1#*=}; shift ;;
	-h | --help) sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) lab_args+=("$1"); shift ;;
	esac
done
case $host in v1 | v2) ;; *) echo "bench: --host must be v1 or v2" >&2; exit 2 ;; esac
[[ $secs =~ ^[1-9][0-9]*$ ]] || { echo "bench: --secs wants a positive integer" >&2; exit 2; }
if ! [[ $mb =~ ^[1-9][0-9]*$ ]] || [ "$mb" -lt 16 ]; then
	echo "bench: --mb wants an integer >= 16" >&2
	exit 2
fi
for m in $modes; do
	case $m in buffered | direct) ;; *) echo "bench: unknown mode '$m'" >&2; exit 2 ;; esac
done
nmodes=$(wc -w <<<"$modes")

make -s -C "$root" --no-print-directory guest-bins >&2 || { echo "bench: make guest-bins failed" >&2; exit 1; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$SECONDS
# Guest boot ~10-60 s per mode, 4 figures each, the fill, the LPAR boot.
timeout=$((300 + nmodes * (180 + 4 * secs)))
"$root/scripts/lab.sh" --host "$host" --cpus 2 --mem 3G --timeout "$timeout" \
	--add "$root/guest-tests/lab/blkbench-inner.sh:/lab/blkbench-inner.sh" "${lab_args[@]}" \
	-- "BENCH_SECS=$secs BENCH_MB=$mb BENCH_MODES='$modes' sh /lab/blkbench-inner.sh" | tee "$out"
rc=${PIPESTATUS[0]}
elapsed=$((SECONDS - start))

commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)
qemu_v=$("${QEMU:-qemu-system-ppc64}" --version 2>/dev/null | head -n1)
echo
echo "== pvm virtio-blk benchmark =="
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $commit"
echo "L0:      QEMU TCG (software emulation of POWER9, not hardware) on $(uname -m): ${cpu:-unknown CPU}, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "         ${qemu_v:-qemu version unknown}; LPAR host API $host (nested KVM-HV), LPAR 2 vCPUs 3G"
echo "guest:   pvm run -m 512M -d IMG[,direct], IMG = $mb MiB raw file on a tmpfs in the LPAR"
echo "load:    blkbench in the guest, O_DIRECT, queue depth 1, $secs s per figure"
echo "CAVEAT:  every layer runs under TCG emulation; absolute figures mean little."
echo "         Compare pvm commits on the same machine, same options, quiet load."
echo
if ! grep -q '^BENCH-RESULT ' "$out"; then
	echo "no figures (lab.sh status $rc after $elapsed s)"
	[ "$rc" != 0 ] && [ "$rc" != 1 ] && exit "$rc"
	exit 1
fi
awk -v modes="$modes" '
/^BENCH-RESULT / { v[$3, $2] = $4; u[$3] = $5; if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3 } }
END {
	nm = split(modes, m, " ")
	printf "%-14s", "figure"
	for (j = 1; j <= nm; j++) printf " %12s", m[j]
	printf "  unit\n"
	for (i = 1; i <= n; i++) {
		f = order[i]
		printf "%-14s", f
		for (j = 1; j <= nm; j++) printf " %12s", ((f, m[j]) in v) ? v[f, m[j]] : "-"
		printf "  %s\n", u[f]
	}
}' "$out"
echo
echo "(lab.sh status $rc, $elapsed s in all)"
exit 0
