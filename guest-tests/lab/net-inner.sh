#!/bin/sh
# virtio-net suite inside the emulated LPAR (scripts/lab-virtio.sh runs it after
# virtio-inner.sh, in the same LPAR boot). busybox sh.
# pvm creates each tap itself (--network mode=tap,tapif=NAME); this script gives
# the host end an address once the tap exists, and the guest (pvmtest=net,
# guest-tests/linux/tests/net) pings it and streams MB MiB each way with busybox
# nc against listeners here; the md5 sums are compared on both ends. Then the
# same with ,vhost, and a guest with two NICs on two taps.
# Ends with "N passed, M failed, S skipped".
PVM=${PVM:-pvm}
LAB_HOST=${LAB_HOST:-v2}
MB=${NET_MB:-256}
# NET_BENCH=1 (scripts/bench-virtio-net.sh, scripts/bench.sh): zeroes both
# ways and byte counts instead of checksums, one NIC with and without vhost,
# BENCH-RESULT lines (modes pvm, pvm-vhost); with NET_QEMU (QEMU's command
# up to its -append, scripts/bench.sh) the same under QEMU/KVM on the same
# tap (modes qemu, qemu-vhost).
BENCH=${NET_BENCH:-0}
NET_QEMU=${NET_QEMU:-}
VMM=pvm
XFER=${NET_XFER_SECS:-1800}
n=0 passed=0 failed=0 skipped=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - virtio-net: $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - virtio-net: $*"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - virtio-net: $* # SKIP"; }
t() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
W=/tmp/net
mkdir -p $W

# What each guest run checks (the skip lists), '|' between checks: first what
# needs no guest traffic, then what does.
SINGLE_TAP="pvm creates the tap, host end up|the tap is a tap with virtio-net headers"
SINGLE_GUEST="the guest pings the host 100 times, no loss|the host pings the guest 100 times, no loss|$MB MiB host -> guest, md5 equal|$MB MiB guest -> host, md5 equal|pvm stat shows the NIC's counters|the guest powers off, pvm exits 0"
TWO_GUEST="the guest sees two virtio-net functions|eth0/eth1 follow the --network order (mac=)|eth0 pings its host 100 times, no loss|eth1 pings its host 100 times, no loss|each tap carried its own NIC's pings|pvm stat shows two virtio-net devices with packets both ways|the guest powers off, pvm exits 0"
# skip_all PREFIX CHECKS REASON
skip_all() {
	IFS='|'
	for c in $2; do skip "$1: $c: $3"; done
	unset IFS
}

# wait_line REGEX SECS: until the guest printed a matching line ($out), while
# its pvm runs.
wait_line() {
	i=0
	while [ $i -lt $(($2 * 2)) ]; do
		grep -Eq "$1" $out 2>/dev/null && return 0
		kill -0 $ppid 2>/dev/null || { grep -Eq "$1" $out 2>/dev/null; return; }
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}
# guest_passed NAME SECS: the guest's "GUEST-TEST NAME" line came and says PASS.
guest_passed() {
	wait_line "^GUEST-TEST $1 " "$2"
	grep -q "^GUEST-TEST $1 PASS" $out
}
# wait_pid PID SECS: until process PID ended.
wait_pid() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		[ $i -lt $(($2 * 2)) ] || return 1
		sleep 0.5
		i=$((i + 1))
	done
}
# start_vm NAME GUEST-ARGS PVM-OPTIONS...: boot a guest in the background
# (output in $out, pvm's pid in $W/NAME.pid, its status in $W/NAME.rc).
start_vm() {
	vm=$1 args=$2
	shift 2
	out=$W/$vm.out
	rm -f $W/$vm.rc $W/$vm.pid
	if [ "$VMM" = qemu ]; then
		# --network mode=tap,tapif=TAP[,vhost] as QEMU says it (romfile=: the
		# QEMU tree carries no option ROMs, pseries does not use them).
		nw=${2#mode=tap,tapif=}
		vh=off
		case $nw in *,vhost) vh=on nw=${nw%,vhost} ;; esac
		( sh -c 'echo $$ >"$0"; exec "$@"' $W/$vm.pid $NET_QEMU \
			-netdev tap,id=n0,ifname=$nw,script=no,downscript=no,vhost=$vh \
			-device virtio-net-pci,netdev=n0,romfile= -append "console=hvc0 quiet $args" </dev/null >$out 2>&1
		  echo $? >$W/$vm.rc ) &
		ppid=$!
		return
	fi
	( sh -c 'echo $$ >"$0"; exec "$@"' $W/$vm.pid \
		"$PVM" run --name $vm -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M "$@" \
		-p "console=hvc0 quiet $args" </dev/null >$out 2>&1
	  echo $? >$W/$vm.rc ) &
	ppid=$!
}
# wait_exit SECS: the VM's pvm exit status; after SECS it is stopped by force
# (and the status is 255).
wait_exit() {
	i=0
	while [ $i -lt $(($1 * 2)) ] && [ ! -f $W/$vm.rc ]; do sleep 0.5; i=$((i + 1)); done
	if [ ! -f $W/$vm.rc ]; then
		"$PVM" stop --force $vm >/dev/null 2>&1
		wait_pid $ppid 30 || kill -9 "$(cat $W/$vm.pid)" 2>/dev/null
		wait_pid $ppid 10
		echo 255
		return
	fi
	cat $W/$vm.rc
}
# tap_up TAP ADDR/LEN: wait until pvm created TAP, then address it and bring it up.
tap_up() {
	i=0
	while [ ! -e /sys/class/net/$1 ]; do
		kill -0 $ppid 2>/dev/null || return 1
		[ $i -lt 240 ] || return 1
		sleep 0.25
		i=$((i + 1))
	done
	ip addr add "$2" dev "$1" && ip link set "$1" up
}
# vnet_tap TAP: a tap (IFF_TAP 0x2) without packet info (IFF_NO_PI 0x1000),
# with virtio-net headers (IFF_VNET_HDR 0x4000).
vnet_tap() {
	f=$(cat /sys/class/net/$1/tun_flags 2>/dev/null)
	echo "# $1: tun_flags $f, $(cat /sys/class/net/$1/operstate 2>/dev/null)"
	[ -n "$f" ] && [ $((f & 0x5002)) = $((0x5002)) ]
}
# The two-NIC guest's taps.
two_taps() { tap_up pvmtapa 10.0.3.1/24 && tap_up pvmtapb 10.0.4.1/24; }
both_vnet() { vnet_tap pvmtapa && vnet_tap pvmtapb; }
# ping_ok OUTPUT: 100 sent, 100 received.
ping_ok() {
	echo "$1" | grep -q '^100 packets transmitted, 100 packets received, 0% packet loss'
}
# listen PORT: the host ends of the streams. PORT sends MB MiB from
# /dev/urandom to the guest (md5 in $W/sent.md5); PORT+1 receives the guest's
# (md5 in $W/recv.md5). The receiver's stdin is a FIFO opened read-write: it
# never ends, so nc does not half-close before the guest has sent everything.
listen() {
	rm -f $W/hold $W/snd.fifo $W/sent.md5 $W/recv.md5 $W/snd.pid $W/rcv.pid
	mkfifo $W/hold $W/snd.fifo
	if [ "$BENCH" = 1 ]; then wc -c <$W/snd.fifo >$W/sent.md5 & else
		md5sum <$W/snd.fifo | cut -d' ' -f1 >$W/sent.md5 &
	fi
	sent_pid=$!
	src=/dev/urandom sum="md5sum"
	[ "$BENCH" = 1 ] && src=/dev/zero sum="wc -c"
	dd if=$src bs=1M count=$MB iflag=fullblock 2>/dev/null | tee $W/snd.fifo |
		sh -c "echo \$\$ >$W/snd.pid; exec nc -l -p $1" &
	sh -c "echo \$\$ >$W/rcv.pid; exec nc -l -p $(($1 + 1))" <>$W/hold |
		$sum | cut -d' ' -f1 >$W/recv.md5 &
	recv_pid=$!
}
unlisten() {
	for f in $W/snd.pid $W/rcv.pid; do
		[ ! -f $f ] || kill "$(cat $f)" 2>/dev/null
	done
	wait_pid $sent_pid 10
	wait_pid $recv_pid 10
}
# release PORT: the guest is done; after pvm stat, let it power off (it
# connects to PORT+2 until someone accepts).
release() {
	if [ ! -f $W/$vm.rc ] && grep -q '^GUEST-NET-DONE' $out; then
		timeout 120 nc -l -p $(($1 + 2)) </dev/null >/dev/null 2>&1
	fi
}
# stat_nics: pvm stat's virtio-net device objects, one a line (pvm prints
# JSON over several lines; a device holds no nested object).
stat_nics() {
	"$PVM" stat $vm --json >$W/stat.json 2>&1
	tr -d '\n' <$W/stat.json | tr '{}' '\n\n' | grep '"type": *"virtio-net"'
}
# field LINE KEY: a number or true/false from a device line.
field() {
	echo "$1" | grep -o "\"$2\": *\"*[A-Za-z0-9_.:-]*" | head -n1 | sed 's/.*: *"*//'
}
show_nic() {
	s="# pvm stat $(field "$1" name) (tap $(field "$1" tap)):"
	for k in rx_packets rx_bytes tx_packets tx_bytes rx_drops tx_drops errors vhost; do
		s="$s $k $(field "$1" $k)"
	done
	echo "$s"
}
# counters LINE MINBYTES: packets both ways, at least MINBYTES each way, no
# refused chain.
counters() {
	for k in rx_packets tx_packets; do
		[ "$(field "$1" $k)" -gt 0 ] 2>/dev/null || return 1
	done
	for k in rx_bytes tx_bytes; do
		[ "$(field "$1" $k)" -ge "$2" ] 2>/dev/null || return 1
	done
	[ "$(field "$1" errors)" = 0 ]
}
# stat_ok LINE MINBYTES VHOST: counters, and "vhost" says VHOST.
stat_ok() { counters "$1" "$2" && [ "$(field "$1" vhost)" = "$3" ]; }
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }
guest_log() {
	grep -E '^GUEST-(TEST|INFO|MD5)|pvm: (error|warning)|Oops|WARNING:' $out | sed 's/^/# | /' | head -40
}

# single LABEL VM TAP SUBNET PORT EXTRA: VM with one NIC on tap TAP, the host
# end at 10.0.SUBNET.1, the guest at .2; EXTRA is appended to --network.
single() {
	tag=$1 tap=$3 g=10.0.$4.2 h=10.0.$4.1 port=$5 extra=$6
	t0=$(cut -d' ' -f1 /proc/uptime)
	listen $port
	start_vm $2 "pvmtest=net pvmtest.net=eth0:$g/24:$h pvmtest.mb=$MB pvmtest.port=$port pvmtest.netbench=$BENCH" \
		--network "mode=tap,tapif=$tap$extra"
	t "$tag: pvm creates the tap, host end up ($tap, $h/24)" tap_up $tap $h/24
	t "$tag: the tap is a tap with virtio-net headers" vnet_tap $tap
	if wait_line '^GUEST-NET-UP' 300; then
		res=$(ping -q -c 100 -i 0.05 -W 5 $g 2>&1)
		echo "# host -> guest: $(echo "$res" | grep -e transmitted -e round-trip -e ping: | tr '\n' ' ')"
	else
		res="the guest never configured eth0"
	fi
	t "$tag: the guest pings the host 100 times, no loss" guest_passed net-ping-eth0 300
	t "$tag: the host pings the guest 100 times, no loss" ping_ok "$res"

	if wait_line '^GUEST-MD5 rx' $XFER && wait_pid $sent_pid 60; then
		gs=$(sed -n 's/^GUEST-MD5 rx \([0-9a-f]*\).*/\1/p' $out | head -n1)
		hs=$(cat $W/sent.md5)
		echo "# host -> guest, $MB MiB: host md5 $hs, guest md5 $gs; $(grep '^GUEST-INFO net rx' $out)"
		t "$tag: $MB MiB host -> guest, md5 equal" same "$hs" "$gs"
	else
		not_ok "$tag: $MB MiB host -> guest: the guest never reported its md5"
	fi
	if wait_line '^GUEST-MD5 tx' $XFER && wait_pid $recv_pid 60; then
		gs=$(sed -n 's/^GUEST-MD5 tx \([0-9a-f]*\).*/\1/p' $out | head -n1)
		hs=$(cat $W/recv.md5)
		echo "# guest -> host, $MB MiB: guest md5 $gs, host md5 $hs; $(grep '^GUEST-INFO net tx' $out)"
		t "$tag: $MB MiB guest -> host, md5 equal" same "$gs" "$hs"
	else
		not_ok "$tag: $MB MiB guest -> host: the guest never reported its md5"
	fi

	wait_line '^GUEST-NET-DONE' 120
	if [ "$VMM" = qemu ]; then
		release $port
		rc=$(wait_exit 120)
		unlisten
		echo "# $tag: QEMU exit status $rc; $(echo "$t0 $(cut -d' ' -f1 /proc/uptime)" | awk '{ printf "%.0f", $2 - $1 }') s"
		grep -m3 '^qemu-system' $out | sed 's/^/# | /'
		bench_figures "$7"
		return
	fi
	nic=$(stat_nics | head -n1)
	if [ -n "$nic" ]; then show_nic "$nic"; else sed -n '1,30s/^/# stat | /p' $W/stat.json; fi
	# On vhost-net pvm reports the tap's counters (what the tap sent, the
	# guest received).
	if [ -n "$extra" ]; then on=true; else on=false; fi
	t "$tag: pvm stat shows the NIC's counters ($MB MiB or more each way, vhost $on)" \
		stat_ok "$nic" $((MB * 1048576)) $on
	release $port
	rc=$(wait_exit 120)
	t "$tag: the guest powers off, pvm exits 0 (status $rc)" [ "$rc" = 0 ]
	echo "# $tap after pvm: $([ -e /sys/class/net/$tap ] && echo present || echo gone)"
	unlisten
	guest_log
	echo "# $tag: $(echo "$t0 $(cut -d' ' -f1 /proc/uptime)" | awk '{ printf "%.0f", $2 - $1 }') s"
	[ "$BENCH" = 1 ] && bench_figures "$7"
}

# bench_figures MODE: the run's figures, from the guest's lines and the host's ping.
bench_figures() {
	rtt() { sed -n 's|.*round-trip min/avg/max = [0-9.]*/\([0-9.]*\)/.*|\1|p' | head -n1; }
	secs() { sed -n "s/^GUEST-INFO net $1 [0-9]* MiB in \([0-9.]*\) s.*/\1/p" $out | head -n1; }
	r=$(secs rx) x=$(secs tx)
	echo "BENCH-RESULT $1 ping_guest_to_host $(grep '^GUEST-INFO net eth0 ping' $out | rtt) ms"
	echo "BENCH-RESULT $1 ping_host_to_guest $(echo "$res" | rtt) ms"
	[ -n "$r" ] && echo "BENCH-RESULT $1 tcp_host_to_guest $(awk -v m=$MB -v s=$r 'BEGIN { printf "%.2f", m / s }') MB/s"
	[ -n "$x" ] && echo "BENCH-RESULT $1 tcp_guest_to_host $(awk -v m=$MB -v s=$x 'BEGIN { printf "%.2f", m / s }') MB/s"
}


# Checks that need no guest, on both hosts.
if ! "$PVM" run --help 2>&1 | grep -q -- '--network'; then
	not_ok "pvm run --help knows --network (this pvm has no virtio-net)"
	echo "$passed passed, $failed failed, $skipped skipped"
	exit 1
fi
t "the LPAR offers /dev/net/tun" [ -c /dev/net/tun ]
echo "# /dev/vhost-net: $(ls -l /dev/vhost-net 2>&1)"

# ,vhost without /dev/vhost-net: pvm refuses to start, naming the device.
[ ! -e /dev/vhost-net ] || mv /dev/vhost-net /dev/vhost-net.hidden
start_vm net-novhost pvmtest=idle --network mode=tap,tapif=pvmtapx,vhost
rc=$(wait_exit 120)
[ ! -e /dev/vhost-net.hidden ] || mv /dev/vhost-net.hidden /dev/vhost-net
echo "# vhost without /dev/vhost-net: status $rc: $(grep -m1 'pvm: error' $out)"
t "vhost without /dev/vhost-net is refused at start (status 64-71, a message naming vhost-net)" \
	sh -c "[ $rc -ge 64 ] && [ $rc -le 71 ] && grep 'pvm: error' $out | grep -q vhost-net"

if [ "$LAB_HOST" = v2 ]; then
	# pvm makes its taps before the guest runs: check them, then stop it.
	start_vm net-taps pvmtest=idle --network mode=tap,tapif=pvmtapa \
		--network mode=tap,tapif=pvmtapb
	t "two NICs: pvm creates both taps, host ends up" two_taps
	t "two NICs: both are taps with virtio-net headers" both_vnet
	"$PVM" stop --force net-taps >/dev/null 2>&1
	rc=$(wait_exit 60)
	echo "# net-taps stopped by force: status $rc"
	# Every packet the guest receives needs an interrupt.
	GAP="v2-host: L0 delivers no external interrupt to the L2 (docs/lab.md), so no virtio-net packet reaches the guest (passes on v1)"
	skip_all "one NIC" "$SINGLE_GUEST" "$GAP"
	skip_all "one NIC, vhost" "$SINGLE_GUEST" "$GAP"
	skip_all "two NICs" "$TWO_GUEST" "$GAP"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
	exit
fi

single "one NIC" net-one pvmtap0 1 5001 "" pvm

if [ -c /dev/vhost-net ]; then
	single "one NIC, vhost" net-vhost pvmtapv 2 5011 ",vhost" pvm-vhost
else
	skip_all "one NIC, vhost" "$SINGLE_TAP|$SINGLE_GUEST" \
		"no /dev/vhost-net in the LPAR (vhost_net loaded: $([ -d /sys/module/vhost_net ] && echo yes || echo no))"
fi

if [ "$BENCH" = 1 ] && [ -n "$NET_QEMU" ]; then
	# The same guest and work under QEMU/KVM, on taps QEMU makes.
	VMM=qemu
	single "QEMU, one NIC" net-qemu pvmtapq 5 5031 "" qemu
	[ -c /dev/vhost-net ] && single "QEMU, one NIC, vhost" net-qemuv pvmtapw 6 5041 ",vhost" qemu-vhost
	VMM=pvm
fi
if [ "$BENCH" = 1 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
	exit 0
fi

# Two NICs on two taps, each pinging its own host address.
port=5021
start_vm net-two "pvmtest=net pvmtest.net=eth0:10.0.3.2/24:10.0.3.1,eth1:10.0.4.2/24:10.0.4.1 pvmtest.mb=0 pvmtest.port=$port" \
	--network mode=tap,tapif=pvmtapa,mac=52:54:00:12:34:0a \
	--network mode=tap,tapif=pvmtapb,mac=52:54:00:12:34:0b
t "two NICs: pvm creates both taps, host ends up" two_taps
t "two NICs: both are taps with virtio-net headers" both_vnet
wait_line '^GUEST-NET-UP' 300
t "two NICs: the guest sees two virtio-net functions" guest_passed net-pci 5
grep '^GUEST-INFO net eth' $out | sed 's/^/# | /'
order() {
	grep -q '^GUEST-INFO net eth0 mac 52:54:00:12:34:0a ' $out &&
		grep -q '^GUEST-INFO net eth1 mac 52:54:00:12:34:0b ' $out
}
t "two NICs: eth0/eth1 follow the --network order (mac=)" order
t "two NICs: eth0 pings its host 100 times, no loss" guest_passed net-ping-eth0 300
t "two NICs: eth1 pings its host 100 times, no loss" guest_passed net-ping-eth1 300
a=$(cat /sys/class/net/pvmtapa/statistics/rx_packets 2>/dev/null)
b=$(cat /sys/class/net/pvmtapb/statistics/rx_packets 2>/dev/null)
echo "# packets the host received: pvmtapa $a, pvmtapb $b"
own_tap() { [ "${a:-0}" -ge 100 ] && [ "${b:-0}" -ge 100 ]; }
t "two NICs: each tap carried its own NIC's pings (100 or more packets each)" own_tap
wait_line '^GUEST-NET-DONE' 120
stat_nics >$W/two.nics
while IFS= read -r l; do show_nic "$l"; done <$W/two.nics
[ -s $W/two.nics ] || sed -n '1,30s/^/# stat | /p' $W/stat.json
# two_stat: two NICs, each with packets both ways.
two_stat() {
	[ "$(wc -l <$W/two.nics)" = 2 ] || return 1
	while IFS= read -r l; do
		[ "$(field "$l" rx_packets)" -gt 0 ] 2>/dev/null || return 1
		[ "$(field "$l" tx_packets)" -gt 0 ] 2>/dev/null || return 1
	done <$W/two.nics
}
t "two NICs: pvm stat shows two virtio-net devices with packets both ways" two_stat
release $port
rc=$(wait_exit 120)
t "two NICs: the guest powers off, pvm exits 0 (status $rc)" [ "$rc" = 0 ]
guest_log

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
