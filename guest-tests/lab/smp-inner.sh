#!/bin/sh
# SMP/interrupt suite inside the emulated LPAR (scripts/lab-smp.sh). busybox sh.
# Boots a Linux guest (default -c 4 --threads 2), types one console line into
# pvm's stdin, and counts the guest's GUEST-TEST lines. Ends "N passed, M failed".
PVM=${PVM:-pvm}
# Guest shape and offline/online rounds; scripts/lab-smp.sh sets them per host.
SMP_CPUS=${SMP_CPUS:-4}
SMP_THREADS=${SMP_THREADS:-2}
SMP_CYCLES=${SMP_CYCLES:-20}
TESTS="smp-cpus-online smp-nproc console-input console-irq cpu-offline-online smp-all-back ipi-count"
n=0 passed=0 failed=0 skipped=0
LAB_HOST=${LAB_HOST:-v2}
# Known gap of the emulated nested-v2 host, shown with its evidence: the L1's
# KVM asks the L0 to deliver a pending external interrupt to the L2 only via
# LPCR[MER] in the guest state buffer (kernel book3s_hv.c, "For nested HV,
# don't synthesize but always pass MER"); QEMU's v2 L0 does not act on it.
# The ICP state is right (the bare-metal ipi payload sees IPIs with H_XIRR on
# v2), the same guest counts IPIs and console interrupts on v1.
V2_IRQ_GAP="v2-host: L0 ignores LPCR[MER], no external interrupt reaches the L2 (passes on v1)"
# The signature of that gap for check $1: interrupt counts of 0, and console
# input that never arrives (hvc reads input only on its interrupt).
v2_irq_gap() {
	grep -q "^GUEST-TEST console-irq FAIL .* count '0'" $out || return 1
	case $1 in
	console-irq | ipi-count) grep -q "^GUEST-TEST $1 FAIL .* count '0'" $out ;;
	# The read timed out empty ("read '' (waited up to 10 s)"); the tty may
	# echo the late input into that line ("rea" + "pvm-console-inpu" + "d ''"),
	# hence the gap in the pattern.
	console-input) tr -d '\r' <$out | grep -q "^GUEST-TEST console-input FAIL rea.*d ''" ;;
	*) return 1 ;;
	esac
}
# The same gap makes an SMP guest crawl on v2: an idle CPU cedes (H_CEDE) and
# a wake-up or cross-CPU call sent to it waits until its own timer fires, so
# a -c 2 guest needed 20-80 s to /init there. With nohlt the idle loop polls
# (TIF_POLLING_NRFLAG): wake-ups and cross-CPU calls to an idle CPU need no
# IPI, and the guest reaches /init in ~12 s of uptime. pvmlab=v2 cuts the
# guest's wait for console input to 10 s (docs/lab.md).
GUEST_ARGS="pvmlab=$LAB_HOST"
[ "$LAB_HOST" = v2 ] && GUEST_ARGS="$GUEST_ARGS nohlt"
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $* # SKIP"; }
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
out=/tmp/smp.out
t0=$(cut -d' ' -f1 /proc/uptime)
# The line waits in pvm's console buffer until the guest reads it.
# Console lines stream out as "# | ..." while the guest runs; the console
# line is typed into pvm's stdin (a FIFO held open read-write, so it never
# sees EOF) once the guest says it is waiting for it.
rm -f /tmp/smp.in
mkfifo /tmp/smp.in
exec 3<>/tmp/smp.in
{
	timeout 900 "$PVM" run -k /guest/vmlinux -i /guest/initrd.cpio.gz \
		-m 1G -c $SMP_CPUS --threads $SMP_THREADS \
		-p "console=hvc0 quiet pvmtest=smp pvmtest.cpus=$SMP_CPUS pvmtest.cycles=$SMP_CYCLES $GUEST_ARGS" <&3 2>&1
	echo $? >/tmp/smp.rc
} | while IFS= read -r l; do
	case $l in
	*GUEST-WAITING-INPUT*) echo pvm-console-input-ok >&3 ;;
	esac
	printf '%s\n' "$l" >>$out
	printf '# | %s\n' "$l"
done
exec 3>&-
rc=$(cat /tmp/smp.rc 2>/dev/null || echo 255)
t1=$(cut -d' ' -f1 /proc/uptime)
# Late console echo can still be glued in front of a result line: drop the
# typed text before matching.
sed -i 's/pvm-console-input-ok//g' $out
for t in $TESTS; do
	if grep -q "^GUEST-TEST $t PASS" $out; then
		ok "smp: $t"
	elif [ "$LAB_HOST" = v2 ] && v2_irq_gap $t; then
		why=$(grep "^GUEST-TEST $t FAIL" $out | head -n1 | tr -d '\r' | sed "s/^GUEST-TEST $t FAIL *//")
		skip "smp: $t $V2_IRQ_GAP; guest: $why"
	else
		why=$(grep "^GUEST-TEST $t FAIL" $out | head -n1 | sed "s/^GUEST-TEST $t FAIL *//")
		not_ok "smp: $t (${why:-no result line})"
	fi
done
if [ "$rc" = 0 ]; then ok "smp: pvm exits 0 after power-off"; else not_ok "smp: pvm exits 0 after power-off (got $rc)"; fi
# A panic on one CPU stops the others with an NMI IPI, which a pseries
# guest sends with H_SIGNAL_SYS_RESET (all but self): pvm delivers a system
# reset to every other running vCPU, then the panicking CPU calls ibm,os-term.
pout=/tmp/smp-panic.out
timeout 600 "$PVM" run -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M -c 2 \
	--loglevel debug -p "console=hvc0 quiet pvmtest=panic $GUEST_ARGS" </dev/null >$pout 2>&1
prc=$?
sed 's/^/# | /' $pout | grep -v 'pvm: debug: vcpu [0-9]*: MMIO' | tail -n 40
if [ "$prc" = 1 ]; then ok "smp-panic: pvm exits 1 (guest panic)"; else not_ok "smp-panic: pvm exits 1 (got $prc)"; fi
if grep -q 'pvm: debug: vcpu [0-9]*: system reset at' $pout; then
	ok "smp-panic: the panicking guest stopped its other CPU with H_SIGNAL_SYS_RESET"
else
	not_ok "smp-panic: no system reset delivered (H_SIGNAL_SYS_RESET not used by the guest's smp_send_stop)"
fi
echo "# guest -c $SMP_CPUS --threads $SMP_THREADS, $SMP_CYCLES offline/online rounds per CPU, guest arguments '$GUEST_ARGS'"
echo "# smp guest run took $(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.1f", a - b }') s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
