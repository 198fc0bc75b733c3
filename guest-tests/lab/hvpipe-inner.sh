#!/bin/sh
# HVPIPE suite inside the emulated LPAR (scripts/lab-hvpipe.sh). busybox sh.
#
# Boots a Linux guest with two HVPIPE sources, runs one hvpipe-peer.sh per
# source as the far end, turns the guest suite's kselftest results
# (/tests/hvpipe, guest-tests/hvpipe/hvpipe-test.c) into TAP lines, compares
# the throughput streams' CRCs on both ends, checks pvm's HVPIPE counters, and
# finally floods a source the guest holds without reading (pvm refuses,
# "queue full", and its RSS stays bounded).
# Ends with "N passed, M failed, S skipped".
#
# Env: PVM (default pvm), LAB_HOST (v1|v2, default v2), PEER (default
# /lab/hvpipe-peer.sh), SUITE_TIMEOUT (seconds for the guest suite, default 1800).
PVM=${PVM:-pvm}
LAB_HOST=${LAB_HOST:-v2}
PEER=${PEER:-/lab/hvpipe-peer.sh}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-1800}
SRC1=0x02000001
SRC2=0x02000002
N=1000
FLOOD=10000
V2_GAP="v2-host: L0 delivers no external interrupt to the L2, the hvpipe event is never taken (passes on v1)"
export PVM_SOCKET_DIR=/run/pvm-lab

n=0 passed=0 failed=0 skipped=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# skip WHAT WHY
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
now() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }

W=/tmp/hv
rm -rf $W
mkdir -p $W
out=$W/guest.out
clean=$W/guest.txt
# The guest console without carriage returns.
console() { tr -d '\r' <$out >$clean; }
seen() { console; grep -q "$1" $clean; }
# field LINE KEY: the value of KEY=value in LINE.
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1; }
rss() { $PVM stat hv --json | sed -n 's/.*"rss_bytes": *\([0-9]*\).*/\1/p' | head -n1; }
# status: pvm's HVPIPE counters, one "key": value per line in $W/status.kv.
status() {
	$PVM hvpipe hv status --json >$W/status.json 2>&1
	tr ',{}[]' '\n\n\n\n\n' <$W/status.json | sed 's/^[ \t]*//' | grep . >$W/status.kv
}
snum() { sed -n "s/^\"$1\": *\([0-9][0-9]*\).*/\1/p" $W/status.kv | head -n1; }
# check_events WHEN: payload events never run ahead of receives by more than one.
check_events() {
	pe=$(snum payload_events)
	rcv=$(snum receives)
	echo "# status $1: $(tr -d '\n' <$W/status.json | tr -s ' ' | head -c 900)"
	check "status $1: payload events ($pe) <= receives ($rcv) + 1" \
		"[ -n '$pe' ] && [ -n '$rcv' ] && [ $pe -le \$(($rcv + 1)) ]"
}

echo "# LPAR: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, host $LAB_HOST"
echo "# \$ pvm run --name hv -m 512M -c 1 --hvpipe-source $SRC1 --hvpipe-source $SRC2 -p \"... pvmtest=hvpipe pvmlab=$LAB_HOST hvpipe.hold\""
t_start=$(now)
( "$PVM" run --name hv -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M -c 1 \
	--hvpipe-source $SRC1 --hvpipe-source $SRC2 \
	-p "console=hvc0 quiet pvmtest=hvpipe pvmlab=$LAB_HOST hvpipe.hold" </dev/null >$out 2>&1
  echo $? >$W/rc ) &
i=0
while [ $i -lt 120 ] && [ ! -f $W/rc ] && ! $PVM list 2>/dev/null | grep -q '^hv '; do
	sleep 0.5
	i=$((i + 1))
done
if ! $PVM list 2>/dev/null | grep -q '^hv '; then
	not_ok "pvm run with two --hvpipe-source starts (status $(cat $W/rc 2>/dev/null))"
	sed 's/^/# | /' $out | tail -n 20
	echo "$passed passed, $failed failed, $skipped skipped"
	exit 1
fi
ok "pvm run with two --hvpipe-source starts"

HVPIPE_PEER_DIR=$W/peer1 sh "$PEER" $SRC1 hv >$W/peer1.log 2>&1 &
peer1=$!
HVPIPE_PEER_DIR=$W/peer2 sh "$PEER" $SRC2 hv >$W/peer2.log 2>&1 &
peer2=$!

# stop_peer NUM PID: ask it to stop (it checks every 2 s), then insist.
stop_peer() {
	[ -n "$2" ] || return 0
	: >$W/peer$1/stop
	i=0
	while [ $i -lt 20 ] && kill -0 "$2" 2>/dev/null; do sleep 0.5; i=$((i + 1)); done
	kill "$2" 2>/dev/null
	wait "$2" 2>/dev/null
}

# The suite ends with GUEST-HVPIPE-HOLDING (or -HOLD-FAILED): hvpipe.hold.
i=0
while [ $i -lt "$SUITE_TIMEOUT" ] && [ ! -f $W/rc ] && ! seen GUEST-HVPIPE-HOLD; do
	sleep 2
	i=$((i + 2))
done
console
echo "# guest suite ended after $(secs "$t_start") s (LPAR clock)"
sed 's/^/# | /' $clean

# --- the guest's own tests, one line each ---
plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' $clean | head -n1)
grep -E '^(not )?ok [0-9]+ hvpipe\.' $clean >$W/results
while IFS= read -r l; do
	name=$(echo "$l" | sed -E 's/^(not )?ok [0-9]+ hvpipe\.([^ ]*).*/\2/')
	case $l in
	"not ok "*) not_ok "guest: $name" ;;
	*"# SKIP "*) skip "guest: $name" "${l#*# SKIP }" ;;
	*) ok "guest: $name" ;;
	esac
done <$W/results
got=$(wc -l <$W/results)
if [ -z "$plan" ]; then
	not_ok "guest suite started (no TAP plan on the console)"
else
	check "guest suite reported all $plan tests (got $got)" "[ $got = $plan ]"
fi
guest_skipped() { grep -q "hvpipe\.$1 # SKIP" $W/results; }

# --- throughput streams: both ends agree ---
sent=$(grep '^GUEST-HVPIPE-SENT ' $clean | tail -n1)
sink=$(grep '^PEER-SINK ' $W/peer1.log | tail -n1)
echo "# guest->host, guest: ${sent:-none}"
echo "# guest->host, peer:  ${sink:-none}"
echo "# rate guest->host: $(field "$sent" rate) msg/s (guest writes), $(field "$sink" rate) msg/s (peer receives)"
c1=$(field "$sent" crc)
c2=$(field "$sink" crc)
check "guest->host: $N messages, peer CRC ${c2:-?} = guest CRC ${c1:-?}, none bad" \
	"[ '$(field "$sent" n)' = $N ] && [ '$(field "$sink" n)' = $N ] && [ '$(field "$sink" bad)' = 0 ] && [ -n '$c1' ] && [ '$c1' = '$c2' ]"

recv=$(grep '^GUEST-HVPIPE-RECV ' $clean | tail -n1)
gen=$(grep '^PEER-GEN ' $W/peer1.log | tail -n1)
echo "# host->guest, peer:  ${gen:-none}"
echo "# host->guest, guest: ${recv:-none}"
echo "# rate host->guest: $(field "$recv" rate) msg/s (guest reads), $(field "$gen" rate) msg/s (peer queues)"
c1=$(field "$gen" crc)
c2=$(field "$recv" crc)
if [ -z "$recv" ] && guest_skipped throughput_from_host; then
	why=$(grep "hvpipe\.throughput_from_host # SKIP" $W/results | head -n1 | sed 's/.*# SKIP *//')
	skip "host->guest: $N messages, CRCs agree" "${why:-$V2_GAP}; no GUEST-HVPIPE-RECV line"
else
	check "host->guest: $N messages, guest CRC ${c2:-?} = generator CRC ${c1:-?}, none bad" \
		"[ '$(field "$recv" n)' = $N ] && [ '$(field "$recv" bad)' = 0 ] && [ -n '$c1' ] && [ '$c1' = '$c2' ]"
fi

status
check "status: HVPIPE enabled by the guest (system parameter 64)" "grep -q '^\"enabled\": *true' $W/status.kv"
check_events "after the suite"

# --- flood a source the guest holds without reading ---
if seen GUEST-HVPIPE-HOLDING; then
	ok "guest holds $SRC2 without reading"
	i=0
	while [ $i -lt 30 ] && ! grep -q PEER-HOLDING $W/peer2.log; do sleep 1; i=$((i + 1)); done
	check "peer of $SRC2 got the guest's peer:holding" "grep -q PEER-HOLDING $W/peer2.log"
	stop_peer 2 $peer2
	peer2=
	rss0=$(rss)
	t0=$(now)
	hvpipe-peer gen $FLOOD 1 | $PVM hvpipe hv send $SRC2 --framed --no-wait - 2>$W/flood.err
	frc=$?
	echo "# flood of $FLOOD: exit $frc after $(secs "$t0") s: $(head -c 300 $W/flood.err | tr '\n' '|')"
	check "flood: send --no-wait exits 1 with 'queue full'" "[ $frc = 1 ] && grep -q 'queue full' $W/flood.err"
	set -- $(awk '{ for (i = 1; i < NF; i++) { if ($(i + 1) == "queued,") q = $i; if ($(i + 1) == "refused") r = $i } }
		END { print q + 0, r + 0 }' $W/flood.err)
	check "flood: $1 queued (at most 64), $2 refused, $FLOOD in all" \
		"[ $1 -le 64 ] && [ \$(($1 + $2)) = $FLOOD ]"
	sleep 1
	rss1=$(rss)
	echo "# pvm RSS before/after the flood: $rss0 / $rss1 bytes"
	check "flood: pvm RSS within 16 MiB of before" \
		"[ -n '$rss0' ] && [ -n '$rss1' ] && [ $rss1 -le $((${rss0:-0} + 16777216)) ]"
	check "flood: pvm keeps running" "$PVM list | grep -q '^hv  *running'"
	status
	check_events "after the flood"
else
	why=$(grep '^GUEST-HVPIPE-HOLD-FAILED' $clean | head -n1)
	not_ok "guest holds $SRC2 without reading (${why:-no GUEST-HVPIPE-HOLDING})"
fi

$PVM stop --force hv >/dev/null 2>&1
i=0
while [ $i -lt 60 ] && [ ! -f $W/rc ]; do sleep 1; i=$((i + 1)); done
stop_peer 1 $peer1
stop_peer 2 "$peer2"
sed 's/^/# peer1 | /' $W/peer1.log | tail -n 30
sed 's/^/# peer2 | /' $W/peer2.log | tail -n 30
echo "# whole suite: $(secs "$t_start") s (LPAR clock)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
