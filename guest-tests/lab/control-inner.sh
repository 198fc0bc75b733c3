#!/bin/sh
# Control socket suite inside the emulated LPAR (scripts/lab-control.sh).
# busybox sh. Ends with "N passed, M failed[, S skipped]".
PVM=${PVM:-pvm}
LAB_HOST=${LAB_HOST:-v2}
n=0 passed=0 failed=0 skipped=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $* # SKIP"; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
export PVM_SOCKET_DIR=/run/pvm-lab

# start NAME: boot an idle guest in the background; waits until it is idle.
start() {
	rm -f /tmp/$1.out /tmp/$1.rc
	( "$PVM" run --name "$1" -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M \
		-p "console=hvc0 quiet pvmtest=idle" </dev/null >/tmp/$1.out 2>&1
	  echo $? >/tmp/$1.rc ) &
	i=0
	while [ $i -lt 600 ] && ! grep -q GUEST-IDLE /tmp/$1.out 2>/dev/null; do
		[ -f /tmp/$1.rc ] && break
		sleep 1
		i=$((i + 1))
	done
	grep -q GUEST-IDLE /tmp/$1.out
}
# wait_exit NAME SECS: the VM's pvm exit status, or 255 on timeout.
wait_exit() {
	i=0
	while [ $i -lt "$2" ] && [ ! -f /tmp/$1.rc ]; do sleep 1; i=$((i + 1)); done
	cat /tmp/$1.rc 2>/dev/null || echo 255
}

check "guest ctl1 boots and idles" "start ctl1"
check "socket is mode 0600" "[ \"\$(stat -c %a $PVM_SOCKET_DIR/ctl1.sock)\" = 600 ]"
check "pvm list shows ctl1 running" "$PVM list | grep -q '^ctl1  *running'"
check "pvm list --json is JSON with the name" "$PVM list --json | grep -q '\"name\": *\"ctl1\"'"
out=$($PVM stat ctl1 2>&1); echo "$out" | sed 's/^/# /'
check "pvm stat reports vCPU 0 exits" "echo \"\$out\" | grep -qE '^0 +running +[0-9]+'"
check "pvm pause" "$PVM pause ctl1"
check "paused VM shows as paused" "$PVM list | grep -q '^ctl1  *paused'"
check "second pause is refused (exit 1, state error)" "! $PVM pause ctl1 2>/tmp/e; [ \$? ] && grep -q 'already paused' /tmp/e"
check "graceful stop of a paused VM is refused" "! $PVM stop ctl1 2>/dev/null"
check "pvm resume" "$PVM resume ctl1"
check "resumed VM runs" "$PVM list | grep -q '^ctl1  *running'"
check "hotplug answers a structured error, VM keeps running" "! $PVM hotplug ctl1 mem +1G 2>/tmp/e; grep -q 'ctl1:' /tmp/e && $PVM list | grep -q '^ctl1  *running'"
check "unknown VM: exit 66" "$PVM stop nosuchvm 2>/dev/null; [ \$? = 66 ]"
check "bad hotplug syntax: exit 64" "$PVM hotplug ctl1 mem 12 2>/dev/null; [ \$? = 64 ]"
check "a second VM with the same name is refused" "$PVM run --name ctl1 -k /guest/vmlinux -m 256M </dev/null >/dev/null 2>/tmp/e; [ \$? = 64 ] && grep -q 'already running' /tmp/e"
# The same with a disk and a NIC: their I/O threads have started when the
# name is found taken, and pvm ends them and every module before it exits.
# What this catches is a hang or a crash on that path (a status other than
# 64, or the KILL after 120 s: pvm blocks SIGTERM during set-up); the tap
# would go with the process anyway.
dd if=/dev/zero of=/tmp/dup.img bs=1M count=8 2>/dev/null
check "a second VM with the same name, a disk and a NIC is refused with 64, without a hang or a crash, and leaves no tap" "timeout -s KILL 120 $PVM run --name ctl1 -k /guest/vmlinux -m 256M -d /tmp/dup.img --network mode=tap,tapif=pvmdup </dev/null >/dev/null 2>/tmp/e; rc=\$?; sed 's/^/# /' /tmp/e; [ \$rc = 64 ] && grep -q 'already running' /tmp/e && [ ! -e /sys/class/net/pvmdup ]"
rm -f /tmp/dup.img
check "pvm stop (EPOW) is accepted" "$PVM stop ctl1"
# v1 powers off in seconds; on v2 the EPOW interrupt never arrives (below), so waiting long proves nothing.
stop_wait=300
[ "$LAB_HOST" = v2 ] && stop_wait=15
rc=$(wait_exit ctl1 $stop_wait)
if grep -q GUEST-EPOW-POWEROFF /tmp/ctl1.out && [ "$rc" = 0 ]; then
	ok "guest saw the power-off request and pvm exited 0"
elif [ "$LAB_HOST" = v2 ] && [ "$rc" = 255 ] && ! grep -q GUEST-EPOW-POWEROFF /tmp/ctl1.out; then
	skip "graceful stop: v2-host: L0 delivers no external interrupt to the L2, so the EPOW interrupt is never taken (passes on v1); no GUEST-EPOW-POWEROFF and pvm still running $stop_wait s after pvm stop"
	$PVM stop --force ctl1 >/dev/null 2>&1
	wait_exit ctl1 60 >/dev/null
else
	not_ok "guest saw the power-off request and pvm exited 0 (exit $rc)"
	sed 's/^/# | /' /tmp/ctl1.out | tail -20
fi
check "socket removed after exit" "[ ! -e $PVM_SOCKET_DIR/ctl1.sock ]"

check "guest ctl2 boots and idles" "start ctl2"
check "pvm stop --force" "$PVM stop --force ctl2"
rc=$(wait_exit ctl2 60)
check "forced stop exits 4" "[ \"$rc\" = 4 ]"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
