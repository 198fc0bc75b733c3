#!/bin/sh
# Three levels (scripts/lab-nested.sh, on the bare-metal lab host): this host
# (L1, KVM-HV in hypervisor mode) runs pvm --nested; its guest (L2) loads
# kvm-hv and runs pvm again, which boots an L3 Linux to /init (smoke checks)
# and powers it off. Then the same without --nested: the L2's kvm-hv must
# refuse to load and its pvm must fail with a clear message.
# The L2 runs this host's own kernel: KVM-HV takes no nested hypervisor
# whose pages are smaller than its own, and the bare host's are 64 KiB
# (scripts/lab-nested.sh adds that kernel and an initramfs with its modules
# as /lab/nested/; without them the L2 runs /guest/vmlinux, which is then the
# host's kernel too). It gets its hypervisor from a read-only disk holding a
# cpio archive of this host's kvm.ko and kvm-hv.ko, pvm, and the L3's kernel
# and initramfs, /guest/vmlinux (4 KiB pages) and /guest/initrd.cpio.gz
# (guest-tests/linux/tests/nested). busybox sh; ends "N passed, M failed".
#
# Env: PVM (default pvm), LAB_HOST, GUEST_TIMEOUT (s per run, default 900).
PVM=${PVM:-pvm}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-900}
export PVM_SOCKET_DIR=/run/pvm-lab
W=/tmp/nested
rm -rf $W
mkdir -p $W
cr=$(printf '\r')
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

echo "# host: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, platform $(sed -n 's/^platform[[:space:]]*: //p' /proc/cpuinfo | head -n1), kvm_hv nested=$(cat /sys/module/kvm_hv/parameters/nested 2>/dev/null)"
(cd / && ls lib/modules/lab/kvm.ko lib/modules/lab/kvm[-_]hv.ko usr/bin/pvm guest/vmlinux \
	guest/initrd.cpio.gz | cpio -o -H newc) >$W/payload.cpio
# A disk offers whole 512-byte sectors only: pad, or the archive's trailer is cut.
size=$(wc -c <$W/payload.cpio)
dd if=/dev/zero bs=1 count=$(((512 - size % 512) % 512)) 2>/dev/null >>$W/payload.cpio
echo "# payload disk: $(wc -c <$W/payload.cpio) bytes ($(cd / && ls lib/modules/lab/kvm*.ko | tr '\n' ' '))"

# The L2's kernel: the host's own.
if [ -f /lab/nested/vmlinux ]; then
	L2K=/lab/nested/vmlinux L2I=/lab/nested/initrd.cpio.gz L2REL=$(cat /lab/nested/release)
else
	L2K=/guest/vmlinux L2I=/guest/initrd.cpio.gz L2REL=$(cat /guest/release)
fi
echo "# L2 kernel $L2K ($L2REL), L3 kernel /guest/vmlinux ($(cat /guest/release))"
# The L2's KVM modules must be built for the kernel it runs, and that must
# have this host's page size.
vermagic() { tr '\0' '\n' <"$1" | sed -n 's/^vermagic=\([^ ]*\).*/\1/p' | head -n1; }
kvm_rel=$(vermagic /lib/modules/lab/kvm.ko)
hv_rel=$(vermagic "$(ls /lib/modules/lab/kvm[-_]hv.ko | head -n1)")
if [ "$L2REL" = "$(uname -r)" ] && [ "$kvm_rel" = "$L2REL" ] && [ "$hv_rel" = "$L2REL" ]; then
	ok "the L2 runs the host's kernel and the payload's kvm.ko, kvm_hv.ko are built for it ($L2REL)"
else
	not_ok "the L2 runs the host's kernel and the payload's kvm.ko, kvm_hv.ko are built for it (host $(uname -r), L2 kernel '$L2REL', kvm.ko '$kvm_rel', kvm_hv.ko '$hv_rel')"
fi

# guest_checks FILE NAME...: each GUEST-TEST NAME line in FILE passed.
guest_checks() {
	f=$1
	shift
	for t in "$@"; do
		if grep -q "^GUEST-TEST $t PASS" "$f"; then
			ok "$t"
		else
			not_ok "$t ($(grep "^GUEST-TEST $t FAIL" "$f" | head -n1 | sed "s/^GUEST-TEST $t FAIL *//"))"
		fi
	done
}

# run NAME WANT PVM-ARGS...: the L2 guest with the payload disk.
run() {
	name=$1 want=$2
	shift 2
	out=$W/$name.out
	echo "# \$ pvm run -k $L2K -i $L2I $* -m 2G -d payload.cpio,ro -p \"console=hvc0 pvmtest=nested pvmtest.nested=$want\""
	t0=$(uptime_s)
	{
		timeout "$GUEST_TIMEOUT" "$PVM" run -k "$L2K" -i "$L2I" -m 2G -c 1 \
			--name "$name" -d $W/payload.cpio,ro "$@" \
			-p "console=hvc0 pvmtest=nested pvmtest.nested=$want" </dev/null 2>&1
		echo $? >$W/rc
	} | while IFS= read -r l; do
		l=${l%"$cr"}
		printf '%s\n' "$l" >>"$out"
		printf '# | %s\n' "$l"
	done
	rc=$(cat $W/rc 2>/dev/null || echo 255)
	echo "# timing: $name: pvm exit status $rc after $(minus "$(uptime_s)" "$t0") s"
}

run nested yes --nested
if [ "$rc" = 0 ]; then ok "L1 pvm --nested exits 0"; else not_ok "L1 pvm --nested exits 0 (status $rc)"; fi
guest_checks $W/nested.out nested-payload nested-kvm-hv nested-l3-init nested-l3-smoke nested-pvm-exit
l3=$(grep -c '^L3| ' $W/nested.out)
echo "# L3 console lines seen through two pvm processes: $l3"

run flat no
if [ "$rc" = 0 ]; then ok "L1 pvm without --nested exits 0"; else not_ok "L1 pvm without --nested exits 0 (status $rc)"; fi
guest_checks $W/flat.out nested-payload nested-refused-kvm-hv nested-refused-pvm
grep 'pvm: ' $W/flat.out | grep -v boot-trace | head -n 3 | sed 's/^/# inner pvm said: /'

echo "# nested-inner done $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
