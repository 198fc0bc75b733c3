#!/bin/sh
# Disk benchmark inside the emulated LPAR (scripts/bench-virtio-blk.sh). busybox sh.
# A file-backed image on a tmpfs, filled (allocated) first; then one guest boot
# per mode (pvm run -d IMG, then -d IMG,direct), each running pvmtest=blkbench.
# Prints "BENCH-RESULT MODE name value unit" per figure, "# ..." comments, and
# "BENCH-INNER-DONE OK=N FAILED=M" at the end.
# Env: PVM (default pvm), BENCH_SECS (per figure, default 5), BENCH_MB (image
# size, default 512), BENCH_MODES (default "buffered direct"),
# GUEST_TIMEOUT (seconds per guest run; default 120 + 4 x BENCH_SECS).
PVM=${PVM:-pvm}
SECS=${BENCH_SECS:-5}
MB=${BENCH_MB:-512}
MODES=${BENCH_MODES:-buffered direct}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-$((120 + 4 * SECS))}
W=/tmp/bench
mkdir -p $W
mount -t tmpfs -o size=$((MB + 64))m tmpfs $W
img=$W/disk.img
good=0 bad=0

echo "# LPAR: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs ($(sed -n 's/^cpu[[:space:]]*: //p' /proc/cpuinfo | head -n1)), $(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM"
echo "# image: $MB MiB on a tmpfs ($img), filled with zeroes first (allocated, no holes)"
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/zero of=$img bs=1M count=$MB 2>/dev/null
echo "# filled in $(awk -v a="$(cut -d' ' -f1 /proc/uptime)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }') s; $(du -k $img | cut -f1) kB allocated"

for mode in $MODES; do
	case $mode in
	buffered) disk=$img ;;
	direct) disk=$img,direct ;;
	*) echo "# unknown mode $mode"; bad=$((bad + 1)); continue ;;
	esac
	out=$W/$mode.out
	echo "# \$ pvm run -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M -d $disk -p \"console=hvc0 quiet pvmtest=blkbench pvmtest.secs=$SECS\""
	timeout "$GUEST_TIMEOUT" "$PVM" run --name bench -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M \
		-d $disk -p "console=hvc0 quiet pvmtest=blkbench pvmtest.secs=$SECS" </dev/null >$out 2>&1
	rc=$?
	tr -d '\r' <$out >$out.txt
	grep -E '^(GUEST-|BENCH-CONFIG|BENCH-INFO)|pvm: (error|warning)|blkbench:' $out.txt | sed 's/^/# | /'
	echo "# pvm exit status $rc ($mode)"
	if grep -q '^GUEST-TEST blkbench PASS' $out.txt; then
		sed -n "s/^BENCH \([^ ]* [^ ]* [^ ]*\)\$/BENCH-RESULT $mode \1/p" $out.txt
		good=$((good + 1))
	else
		echo "# $mode: no figures; the guest's last lines:"
		tail -n 15 $out.txt | sed 's/^/# | /'
		bad=$((bad + 1))
	fi
done
echo "BENCH-INNER-DONE OK=$good FAILED=$bad"
[ $good -gt 0 ]
