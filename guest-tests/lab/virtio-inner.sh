#!/bin/sh
# virtio-blk suite inside the emulated LPAR (scripts/lab-virtio.sh). busybox sh.
# A Linux guest boots with its root file system on virtio-blk (/dev/vda, an
# ext4 image built on the host) and three more disks; the checks compare what
# the guest wrote with the host files. Ends with "N passed, M failed, S skipped".
PVM=${PVM:-pvm}
LAB_HOST=${LAB_HOST:-v2}
MB=${VIRTIO_MB:-256}
n=0 passed=0 failed=0 skipped=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - virtio: $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - virtio: $*"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - virtio: $* # SKIP"; }
t() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
W=/tmp/virtio
mkdir -p $W
# A tmpfs: the LPAR's root file system may not punch holes (discard) or count
# allocated blocks the way a disk image's host needs.
mount -t tmpfs -o size=1600m tmpfs $W
out=$W/guest.out
# wait_line REGEX SECS: until the guest printed a matching line.
wait_line() {
	i=0
	while [ $i -lt $(($2 * 2)) ]; do
		grep -Eq "$1" $out 2>/dev/null && return 0
		kill -0 $ppid 2>/dev/null || return 1
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}
guest() { grep -q "^GUEST-TEST $1 PASS" $out; }
kb() { du -k "$1" | cut -f1; }

gunzip -c /lab/rootfs.ext4.gz >$W/root.img
truncate -s $((MB + 16))M $W/vdb.img
dd if=/dev/urandom of=$W/ro.img bs=1M count=4 2>/dev/null
truncate -s 80M $W/vdd.img
ro_sum=$(md5sum $W/ro.img | cut -d' ' -f1)

if [ "$LAB_HOST" = v2 ]; then
	# The disks need interrupts: without them the guest cannot even mount root.
	GAP="v2-host: L0 delivers no external interrupt to the L2 (docs/lab.md), so no virtio-blk request completes (passes on v1)"
	for c in "root on /dev/vda" "$MB MiB integrity" "read-only disk" "fstrim shrinks the image" \
		"fsync then kill -9 keeps the data" "a second writer is refused"; do
		skip "$c: $GAP"
	done
	echo "$passed passed, $failed failed, $skipped skipped"
	exit 0
fi

"$PVM" run --name blk -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M \
	-d $W/root.img -d $W/vdb.img -d $W/ro.img,ro -d $W/vdd.img,serial=pvm-vdd \
	-p "console=hvc0 quiet pvmtest=vdaroot pvmtest.mb=$MB" </dev/null >$out 2>&1 &
ppid=$!
t "the guest's /sbin/init runs from the ext4 root on /dev/vda" wait_line '^ROOTFS-INIT' 300
t "root is /dev/vda, ext4" guest vda-root
t "four disks at once (vda..vdd)" guest four-disks

# pvm stat: the disks' counters; notifications arrive by ioeventfd (no vCPU
# MMIO exit) where KVM offers it, which it does here.
"$PVM" stat blk --json >$W/stat.json 2>&1
sum() { grep -o "\"$1\": *[0-9]*" $W/stat.json | sed 's/.*: *//' | awk '{ s += $1 } END { print s + 0 }'; }
echo "# pvm stat: virtio-blk requests $(sum requests), notify by ioeventfd $(sum notify_ioeventfd), by MMIO exit $(sum notify_mmio), irqfd interrupts $(sum irq_irqfd)"
t "pvm stat shows the disks' requests and bytes" sh -c "grep -q '\"virtio-blk\"' $W/stat.json && [ $(sum requests) -gt 0 ] && [ $(sum bytes_read) -gt 0 ]"
t "queue notifications arrive by ioeventfd, without a vCPU MMIO exit" [ "$(sum notify_ioeventfd)" -gt 0 ]

# A second pvm may not open a disk another one writes to.
"$PVM" run --name blk2 -k /guest/vmlinux -m 256M -d $W/vdb.img </dev/null >$W/second.out 2>&1
rc=$?
echo "# second writer: status $rc: $(grep -m1 'pvm: error' $W/second.out)"
t "a second writer of the same image is refused with a clear message (status 66)" \
	sh -c "[ $rc = 66 ] && grep -q 'vdb.img' $W/second.out"

# The guest goes on while the host checks: take the timed measurements first
# (the image's allocation around the trim), then the slow checksums.
wait_line '^GUEST-SUM vdb' 900
if wait_line '^GUEST-TRIM-READY' 600; then
	a=$(kb $W/root.img)
	wait_line '^GUEST-TRIMMED' 300
	b=$(kb $W/root.img)
	echo "# root image allocated: $a kB with a 64 MiB file, $b kB after rm + fstrim"
	t "fstrim in the guest makes the sparse host image smaller (by 32 MiB or more)" \
		sh -c "guest() { grep -q \"^GUEST-TEST \$1 PASS\" $out; }; guest fstrim && [ $b -le $((a - 32768)) ]"
else
	not_ok "fstrim: the guest never got there"
fi

if grep -q '^GUEST-SUM vdb' $out; then
	g=$(sed -n 's/^GUEST-SUM vdb \([0-9a-f]*\).*/\1/p' $out | head -n1)
	h=$(head -c $((MB * 1048576)) $W/vdb.img | md5sum | cut -d' ' -f1)
	echo "# $MB MiB on vdb: guest md5 $g, host md5 $h"
	t "$MB MiB of pseudo-random data: the host's checksum equals the guest's" [ -n "$g" ] && [ "$g" = "$h" ]
else
	not_ok "$MB MiB integrity: the guest never reported its checksum"
fi
t "read-only disk: the guest sees it read-only" guest vdc-ro-flag
t "read-only disk: the guest's write fails" guest vdc-write-refused
t "read-only disk: the host file is unchanged" [ "$(md5sum $W/ro.img | cut -d' ' -f1)" = "$ro_sum" ]

if wait_line '^GUEST-FSYNCED' 600; then
	kill -9 $ppid
	g=$(sed -n 's/^GUEST-FSYNCED \([0-9a-f]*\).*/\1/p' $out | head -n1)
	h=$(head -c 67108864 $W/vdd.img | md5sum | cut -d' ' -f1)
	echo "# 64 MiB fsynced on vdd, pvm killed -9: guest md5 $g, host md5 $h"
	t "after the guest's fsync, kill -9 of pvm leaves the 64 MiB intact in the host file" \
		[ -n "$g" ] && [ "$g" = "$h" ]
else
	not_ok "fsync then kill -9: the guest never got there"
fi
kill -9 $ppid 2>/dev/null
wait $ppid 2>/dev/null
# The 64 MiB file the guest fsynced on its root file system, seen by the next boot.
"$PVM" run --name blk3 -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M -d $W/root.img \
	-p "console=hvc0 quiet pvmtest=vdaroot pvmtest.verify=1" </dev/null >$W/verify.out 2>&1 &
vpid=$!
# The watchdog's output goes nowhere: its sleep, left behind when it is
# killed, would otherwise hold the suite's pipe open for the full 300 s.
(sleep 300; kill -9 $vpid 2>/dev/null) >/dev/null 2>&1 &
killer=$!
wait $vpid
kill $killer 2>/dev/null
grep -E '^GUEST-(TEST|VERIFIED)' $W/verify.out | sed 's/^/# | /'
t "the guest's fsync of a 64 MiB file on ext4 survives kill -9: the next boot reads it whole" \
	grep -q '^GUEST-TEST file-durable PASS' $W/verify.out
grep -E '^GUEST-(TEST|INFO)|^ROOTFS|pvm: (error|warning)' $out | sed 's/^/# | /' | head -30
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
