#!/usr/bin/env bash
# pvm against QEMU/KVM, side by side in one boot of the emulated LPAR: boot
# times, pvm's own share of them, resident memory outside guest RAM, the
# round trip of a call the VMM serves in userspace, how boot and memory
# grow with guest RAM and vCPUs, virtio-blk and virtio-net. Prints medians and pvm/QEMU
# ratios, writes the figures and charts (docs/performance.md explains them).
# It is not a test: no pass/fail, not part of scripts/test.sh.
#
#   scripts/bench.sh [--host v1|v2|bare] [--rounds N] [--parts "boot hcall scale blk net"]
#                    [--out DIR] [--no-qemu] [other lab.sh options]
#
#   --host H       v1 (default) or v2: the LPAR's nested API (the v2 host
#                  delivers no interrupt to an L2, so no virtio-blk request
#                  completes there); bare: the bare-metal POWER9 host (KVM-HV in
#                  hypervisor mode, 64 KiB pages; pvm's guest gets XIVE,
#                  QEMU's the in-kernel XICS on XIVE)
#   --rounds N     boots per VMM for the boot figures (default 5)
#   --parts LIST   boot, hcall, scale, blk, net (default all; guest-tests/lab/bench-inner.sh)
#   --out DIR      results (default build/bench): results.txt, raw.txt, *.dat
#                  and charts (*.svg, with gnuplot)
#   --no-qemu      pvm alone (no QEMU download)
#
# QEMU is Debian's qemu-system-ppc for ppc64el from bookworm-backports, with
# its libraries, unpacked by scripts/qemu-ppc64el.sh and run in the LPAR
# through its own dynamic loader. Exit status: 0 when figures were printed,
# 1 none, 2 usage, else lab.sh's.
set -uo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)

host=v1 rounds=5 parts="boot hcall scale blk net" out=$root/build/bench qemu=1
lab_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--host) host=${2:?--host needs v1, v2 or bare}; shift 2 ;;
	--rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
	--parts) parts=${2:?--parts needs a list}; shift 2 ;;
	--out) out=${2:?--out needs a directory}; shift 2 ;;
	--no-qemu) qemu=0; shift ;;
	-h | --help) sed -n '2,/^# 1 none/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) lab_args+=("$1"); shift ;;
	esac
done
case $host in v1 | v2 | bare) ;; *) echo "bench: --host must be v1, v2 or bare" >&2; exit 2 ;; esac
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench: --rounds wants a positive integer" >&2; exit 2; }
for p in $parts; do
	case $p in boot | hcall | scale | blk | net) ;; *) echo "bench: unknown part '$p'" >&2; exit 2 ;; esac
done

bash "$root/scripts/deps.sh" >&2 || { echo "bench: dependency setup failed" >&2; exit 1; }
make -s -C "$root" --no-print-directory guest-bins >&2 || { echo "bench: make guest-bins failed" >&2; exit 1; }
adds=(--add "$root/guest-tests/lab/bench-inner.sh:/lab/bench-inner.sh"
	--add "$root/guest-tests/lab/net-inner.sh:/lab/net-inner.sh")
qemu_env=
if [ "$qemu" = 1 ]; then
	qdir=$("$root/scripts/qemu-ppc64el.sh") || { echo "bench: cannot set up QEMU for ppc64el (--no-qemu runs pvm alone)" >&2; exit 1; }
	adds+=(--add "$qdir:/opt/qemu")
	qemu_env="QEMU_DIR=/opt/qemu"
fi
command -v gnuplot >/dev/null || {
	echo "bench: installing gnuplot-nox for the charts" >&2
	sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null 2>&1 ||
		echo "bench: no gnuplot: figures without charts" >&2
}

mkdir -p "$out"
raw=$out/raw.txt
start=$SECONDS
# Other work on the x86 machine during the run: all CPU time the machine
# spent, less what this script's children (the lab's QEMU above all) spent.
# Figures from a machine that was not idle are not comparable with others.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# times(1) in this shell itself: in a subshell it would count the subshell's children.
child_secs() {
	awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] } print s }' "$1"
}
hz=$(getconf CLK_TCK)
times >"$out/times.txt"
busy0=$(busy_ticks) kids0=$(child_secs "$out/times.txt") load0=$(cut -d' ' -f1 /proc/loadavg)
"$root/scripts/lab.sh" --host "$host" --cpus 2 --mem 4G --timeout $((1200 + rounds * 240)) \
	"${adds[@]}" "${lab_args[@]}" \
	-- "$qemu_env BENCH_HOST=$host BENCH_ROUNDS=$rounds BENCH_PARTS='$parts' sh /lab/bench-inner.sh" | tee "$raw"
rc=${PIPESTATUS[0]}
elapsed=$((SECONDS - start))
times >"$out/times.txt"
other=$(awk -v b0="$busy0" -v b1="$(busy_ticks)" -v k0="$kids0" -v k1="$(child_secs "$out/times.txt")" -v hz="$hz" \
	'BEGIN { o = (b1 - b0) / hz - (k1 - k0); printf "%.0f", o < 0 ? 0 : o }')
busy=$(awk -v o="$other" -v e="$elapsed" 'BEGIN { if (e > 0 && o > 0.1 * e) print "yes" }')

commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)
{
	echo "== pvm against QEMU/KVM (scripts/bench.sh) =="
	echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC'); commit $commit; $elapsed s"
	echo "L0:      QEMU TCG (software POWER9) on $(uname -m): ${cpu:-unknown CPU}, $(nproc) CPUs"
	echo "load:    1-minute load $load0 before the run; other work during it: $other CPU-s in $elapsed s"
	[ -n "$busy" ] && echo "WARNING: other work used more than a tenth of a CPU through the run: it shared the CPUs with the LPAR; rerun on an idle machine before trusting the ratios"
	if [ "$host" = bare ]; then
		echo "host:    bare-metal POWER9 (QEMU powernv9, skiboot), 64 KiB-page kernel, 2 CPUs, 4 GiB; guest: Debian's ppc64el kernel, busybox initramfs, 1 vCPU, 512 MiB"
	else
		echo "LPAR:    nested API $host, 2 vCPUs, 4 GiB; guest: Debian's ppc64el kernel, busybox initramfs, 1 vCPU, 512 MiB"
	fi
	grep -m1 '^# QEMU:' "$raw" | sed 's/^# QEMU: /QEMU:    /'
	echo "CAVEAT:  every layer runs under TCG emulation; ratios mean more than absolute figures."
	echo
} >"$out/results.txt"
if ! grep -q '^BENCH-RESULT ' "$raw"; then
	cat "$out/results.txt"
	echo "no figures (lab.sh status $rc after $elapsed s)"
	[ "$rc" != 0 ] && [ "$rc" != 1 ] && exit "$rc"
	exit 1
fi
python3 "$root/scripts/bench-report.py" "$raw" "$out" >>"$out/results.txt"
echo
cat "$out/results.txt"
echo "(lab.sh status $rc; raw lines in $raw, figures and charts in $out/)"
exit 0
