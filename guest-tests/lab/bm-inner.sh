#!/bin/sh
# Bare-metal PAPR suite, run inside the emulated LPAR by scripts/lab-baremetal.sh.
# busybox sh. Runs each payload in /payloads under pvm, re-numbers the
# payloads' TAP lines, adds one pvm exit-status check per run and ends with
# "# bm-inner done P passed, F failed"; exits 1 if anything failed.
#
# Env: PVM (default pvm), GUEST_TIMEOUT (s per payload, default 300),
#      LAB_HOST (v2|v1, only used to label known emulated-host failures).

PVM=${PVM:-pvm}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-300}
LAB_HOST=${LAB_HOST:-v2}
P=/payloads
W=/tmp/bm
mkdir -p $W
cr=$(printf '\r')
n=0 passed=0 failed=0
uptime_s() { cut -d' ' -f1 /proc/uptime; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

# v2note FILE: " # v2-host: <evidence>" when the failure is the emulated v2
# host's known KVM_RUN EINVAL, else empty. Not when the vCPU stopped in H_RTAS
# (r3=0xf000): that EINVAL is KVM's in-kernel RTAS code (see rtas-fault).
v2note() {
	[ "$LAB_HOST" = v2 ] || return 0
	grep -q 'pvm: error: vcpu .* r3=0xf000$' "$1" && return 0
	e=$(grep -m1 'KVM_RUN failed: Invalid argument' "$1")
	[ -n "$e" ] && printf ' # v2-host: %s' "$(echo "$e" | tr -d '\r')"
}

# run NAME WANT_STATUS PVM_ARGS...: one payload run. With IN set, its text
# (printf format) is piped into pvm's stdin instead of /dev/null.
run() {
	name=$1 want=$2
	shift 2
	elf=$P/${name%%:*}.elf
	out=$W/$(echo "$name" | tr ' :/' '___').out
	echo "# \$ pvm run -k $elf -m 256M --test-exit $*"
	t0=$(uptime_s)
	if [ -n "${IN:-}" ]; then
		# pvm queues the text for the guest; EOF after it changes nothing.
		printf "$IN" | timeout "$GUEST_TIMEOUT" "$PVM" run -k "$elf" -m 256M --test-exit "$@" >"$out" 2>&1
		rc=$?
	else
		timeout "$GUEST_TIMEOUT" "$PVM" run -k "$elf" -m 256M --test-exit "$@" </dev/null >"$out" 2>&1
		rc=$?
	fi
	t=$(minus "$(uptime_s)" "$t0")
	note=$(v2note "$out")
	while IFS= read -r l; do
		l=${l%"$cr"}
		case $l in
		"ok "[0-9]*" - "*)
			n=$((n + 1)) passed=$((passed + 1))
			echo "ok $n - $name: ${l#ok [0-9]* - }"
			;;
		"not ok "[0-9]*" - "*)
			n=$((n + 1)) failed=$((failed + 1))
			echo "not ok $n - $name: ${l#not ok [0-9]* - }$note"
			;;
		*) printf '# | %s\n' "$l" ;;
		esac
	done <"$out"
	why=
	[ "$rc" = "$want" ] || why="exit status $rc, want $want"
	[ "$rc" = 124 ] && why="timed out after ${GUEST_TIMEOUT}s"
	if [ "$want" = 0 ] && [ -z "$why" ] && ! grep -q "^PAYLOAD .* DONE pass=[0-9]* fail=0" "$out"; then
		why="no 'PAYLOAD ... DONE ... fail=0' line"
	fi
	if [ -n "$why" ]; then
		e=$(grep -m1 'pvm: error:' "$out" | tr -d '\r')
		[ -z "$e" ] || why="$why; $e"
	fi
	n=$((n + 1))
	if [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "ok $n - $name: pvm exit status $rc ($t s)"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name: pvm exit status ($why; $t s)$note"
	fi
}

# check DESCRIPTION COMMAND...: an extra check on the last run's output.
check() {
	d=$1
	shift
	n=$((n + 1))
	if "$@"; then
		passed=$((passed + 1))
		echo "ok $n - $d"
	else
		failed=$((failed + 1))
		echo "not ok $n - $d"
	fi
}

T0=$(uptime_s)
echo "# LPAR: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, host $LAB_HOST"
run hello 0
run hcalls 0
run papr 0
IN=ping
run vty0 0
IN=
check "vty0: the marker written through unit address 0 is on pvm's console" grep -q 'VTY0-MARKER-7a3' "$out"
run rtas 0 --loglevel info
check "rtas: display-character text reaches pvm's log as 'panel: P'" grep -q 'panel: P' "$out"
run garbage 0
run "smp:c2" 0 -c 2
run "smp:c4" 0 -c 4
run "smp:c2t2" 0 -c 2 --threads 2
run "ipi:c2" 0 -c 2
run "ipi:c4" 0 -c 4
run "ipi:c2t2" 0 -c 2 --threads 2
run "sreset:c3" 0 -c 3
run "sreset:c4t2" 0 -c 4 --threads 2
run watchdog 5
check "watchdog: pvm logged the expiry of watchdog 2" grep -q 'guest watchdog 2 expired: hard power-off' "$out"
check "watchdog: every check before the expiry passed" grep -q '^PAYLOAD watchdog DONE pass=[0-9]* fail=0' "$out"
run sandbox 72
check "sandbox: pvm named the vCPU thread's forbidden call" \
	grep -q 'sandbox: a vCPU thread made system call [0-9]* (socket;' "$out"
run "sandbox:off" 0 --no-sandbox
run boottrace 0
run "boottrace:on" 0 --boot-trace -p on
# The payload's console is buffered: its first output may come after mark 1.
check "boottrace: pvm printed each milestone once, in order, with increasing times" \
	awk '/^pvm: boot-trace: \+/ { sub(/\r$/, ""); t = substr($3, 2) + 0; m = substr($0, index($0, $4))
		if (t < last || seen[m]++) bad = 1
		last = t; w = w "|" m }
	END { exit bad || w !~ /process start.*options parsed.*VM created.*device tree.*first KVM_RUN.*guest mark 1.*guest mark 2$/ ||
		w !~ /[|]first guest console output/ }' "$out"
run poweroff 0 --loglevel info
check "poweroff: pvm logged the power-off" grep -q 'guest powered off' "$out"
run reboot 2 --no-reboot --loglevel info
check "reboot: pvm logged the reboot request" grep -q 'guest requested a reboot' "$out"
check "reboot: with --no-reboot the payload booted once" [ "$(grep -c '^PAYLOAD reboot BOOT' "$out")" = 1 ]
# By default the guest restarts in place: the payload counts its boots in NVRAM.
run "reboot:inplace" 0 --loglevel info
check "reboot:inplace: pvm restarted the guest twice in the same process" \
	[ "$(grep -c 'restarting it in place' "$out")" = 2 ]
run osterm 1
check "osterm: pvm logged the os-term message" grep -q 'ibm,os-term.*bm-osterm-message 42' "$out"
run "rtas-fault:outside" 0 -p outside
run "rtas-fault:end" 0 -p end
run "rtas-fault:nargs16" 0 -p nargs16
# virtio-blk driven by the payload itself, with hostile descriptors (a zeroed 4 MiB image).
dd if=/dev/zero of=/tmp/bm-disk.img bs=1M count=4 2>/dev/null
run "virtio-blk" 0 -d /tmp/bm-disk.img
check "virtio-blk: pvm logged the queues the guest broke" grep -q 'blk: queue 0 broken by the guest' "$out"
check "virtio-blk: pvm logged the rings it refused at enable" grep -q 'blk: queue 0 rings refused' "$out"
rm -f /tmp/bm-disk.img
# virtio-net driven by the payload itself, with hostile descriptors on both
# queues. pvm makes the tap bmnet0; its host side gets 10.0.9.1/24 as soon as
# it appears (the payload waits for the host's ARP replies).
netup() {
	i=0
	while [ ! -d /sys/class/net/bmnet0 ]; do
		i=$((i + 1))
		[ $i -le 1200 ] || { echo "bmnet0 did not appear within 120 s"; return 1; }
		usleep 100000
	done
	ip addr add 10.0.9.1/24 dev bmnet0 && ip link set bmnet0 up && echo "bmnet0 up: $(ip addr show dev bmnet0 | grep -o 'inet [0-9./]*')"
}
netup >$W/bmnet0-up.out 2>&1 &
netup_pid=$!
run "virtio-net" 0 --network mode=tap,tapif=bmnet0,mac=52:54:00:9a:bc:de -p mac=52:54:00:9a:bc:de
kill $netup_pid 2>/dev/null
wait $netup_pid 2>/dev/null
sed 's/^/# netup: /' $W/bmnet0-up.out
check "virtio-net: the tap's host side came up with 10.0.9.1/24" grep -q 'bmnet0 up: inet 10.0.9.1/24' $W/bmnet0-up.out
for q in 0 1; do
	check "virtio-net: pvm logged queue $q broken by the guest" grep -q "net: queue $q broken by the guest" "$out"
	check "virtio-net: pvm logged queue $q's rings refused at enable" grep -q "net: queue $q rings refused" "$out"
done
check "virtio-net: the tap is gone once pvm ended" [ ! -e /sys/class/net/bmnet0 ]
echo "# timing: suite $(minus "$(uptime_s)" "$T0") s"
echo "# bm-inner done $passed passed, $failed failed"
[ $failed = 0 ]
