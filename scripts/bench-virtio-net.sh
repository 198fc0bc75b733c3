#!/usr/bin/env bash
# virtio-net benchmark: TCP throughput guest -> host and host -> guest (busybox
# nc, zeroes, MB MiB each way) and ping round trips both ways, of a Linux guest
# on a tap in the emulated POWER LPAR, with pvm moving the packets and with
# vhost-net. Prints figures; it is not a test (not part of scripts/test.sh).
#
#   scripts/bench-virtio-net.sh [--host v1|v2] [--mb N] [other lab.sh options]
#
#   --host v1|v2   LPAR's nested API (default v1: on v2 the L2 gets no
#                  interrupts, so no packet reaches the guest)
#   --mb N         MiB each way (default 128)
#
# The LPAR side is guest-tests/lab/net-inner.sh with NET_BENCH=1, the guest
# side guest-tests/linux/tests/net with pvmtest.netbench=1 (the guest times
# its own transfers; ping's averages over 100 packets, 0.2 s apart). L0 is
# QEMU TCG: a software-emulated POWER9 on this machine's CPUs, where the
# guest's and the LPAR's TCP stacks cost far more than on hardware. Absolute
# figures mean little; compare runs and modes on the same machine.
#
# Exit status: 0 when figures were printed; 1 none; 2 usage; else lab.sh's.
set -uo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)

host=v1 mb=128
lab_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--host) host=${2:?--host needs v1 or v2}; shift 2 ;;
	--host=*) host=${1#*=}; shift ;;
	--mb) mb=${2:?--mb needs a number}; shift 2 ;;
	--mb=*) mb=${1#*=}; shift ;;
	-h | --help) sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) lab_args+=("$1"); shift ;;
	esac
done
case $host in v1 | v2) ;; *) echo "bench: --host must be v1 or v2" >&2; exit 2 ;; esac
if ! [[ $mb =~ ^[1-9][0-9]*$ ]]; then
	echo "bench: --mb wants a positive integer" >&2
	exit 2
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$SECONDS
"$root/scripts/lab.sh" --host "$host" --cpus 2 --mem 3G --timeout $((900 + 8 * mb)) \
	--add "$root/guest-tests/lab/net-inner.sh:/lab/net-inner.sh" "${lab_args[@]}" \
	-- "LAB_HOST=$host NET_BENCH=1 NET_MB=$mb sh /lab/net-inner.sh" | tee "$out"
rc=${PIPESTATUS[0]}
elapsed=$((SECONDS - start))

commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)
qemu_v=$("${QEMU:-qemu-system-ppc64}" --version 2>/dev/null | head -n1)
echo
echo "== pvm virtio-net benchmark =="
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $commit"
echo "L0:      QEMU TCG (software emulation of POWER9, not hardware) on $(uname -m): ${cpu:-unknown CPU}, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "         ${qemu_v:-qemu version unknown}; LPAR host API $host (nested KVM-HV), LPAR 2 vCPUs 3G"
echo "guest:   pvm run -m 512M -n mode=tap,tapif=TAP[,vhost]; the tap's host end in the LPAR"
echo "load:    $mb MiB of zeroes each way over one TCP connection (busybox nc); 100 pings each way"
echo "CAVEAT:  every layer runs under TCG emulation; absolute figures mean little."
echo
if ! grep -q '^BENCH-RESULT ' "$out"; then
	echo "no figures (lab.sh status $rc after $elapsed s)"
	[ "$rc" != 0 ] && [ "$rc" != 1 ] && exit "$rc"
	exit 1
fi
awk '
/^BENCH-RESULT / { v[$3, $2] = $4; u[$3] = $5; if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3 } }
END {
	printf "%-20s %12s %12s  %s\n", "figure", "pvm", "vhost-net", "unit"
	for (i = 1; i <= n; i++) {
		f = order[i]
		printf "%-20s %12s %12s  %s\n", f, ((f, "pvm") in v) ? v[f, "pvm"] : "-",
			((f, "pvm-vhost") in v) ? v[f, "pvm-vhost"] : "-", u[f]
	}
}' "$out"
echo
echo "(lab.sh status $rc, $elapsed s in all)"
exit 0
