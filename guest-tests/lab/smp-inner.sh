#!/bin/sh
# SMP/interrupt suite inside the emulated LPAR (scripts/lab-smp.sh). busybox sh.
# Boots a Linux guest with -c 4 --threads 2, feeds one console line through
# pvm's stdin, and counts the guest's GUEST-TEST lines. Ends "N passed, M failed".
PVM=${PVM:-pvm}
TESTS="smp-cpus-online smp-nproc console-input console-irq cpu-offline-online smp-all-back ipi-count"
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
out=/tmp/smp.out
t0=$(cut -d' ' -f1 /proc/uptime)
# The line waits in pvm's console buffer until the guest reads it.
{ echo pvm-console-input-ok; } | timeout 900 "$PVM" run -k /guest/vmlinux -i /guest/initrd.cpio.gz \
	-m 1G -c 4 --threads 2 -p "console=hvc0 quiet pvmtest=smp pvmtest.cpus=4" >$out 2>&1
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
sed 's/^/# | /' $out
for t in $TESTS; do
	if grep -q "^GUEST-TEST $t PASS" $out; then
		ok "smp: $t"
	else
		why=$(grep "^GUEST-TEST $t FAIL" $out | head -n1 | sed "s/^GUEST-TEST $t FAIL *//")
		not_ok "smp: $t (${why:-no result line})"
	fi
done
if [ "$rc" = 0 ]; then ok "smp: pvm exits 0 after power-off"; else not_ok "smp: pvm exits 0 after power-off (got $rc)"; fi
echo "# smp guest run took $(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.1f", a - b }') s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
