#!/bin/sh
# The host end of one HVPIPE source for the guest suite (guest-tests/hvpipe/
# hvpipe-test.c), run in the LPAR by hvpipe-inner.sh. busybox sh.
#
#   hvpipe-peer.sh SRC NAME
#
# Receives every message the guest sends to SRC of VM NAME. A message that
# starts with "peer:" is a command:
#   peer:close S   close the pipe to SRC, sleep S seconds, open it again
#   peer:burst N   send messages 0..N-1 of stream SRC (hvpipe-peer gen, seed = SRC)
#   peer:sink N    receive N messages, check them against stream 0x5eed0001,
#                  print "PEER-SINK PEER-CHECK n=.. bad=.. crc=.. secs=.. rate=.."
#   peer:gen N     send N messages of stream 0x5eed0002, print "PEER-GEN n=.. crc=.. ..."
#                  (burst and gen send in the background; secs/rate of gen are
#                  until the last message was queued)
#   peer:holding   print PEER-HOLDING (the guest holds SRC without reading)
#   peer:probe     ignored (the guest's write that must fail on a closed pipe)
# Anything else is sent back unchanged.
#
# Stops when $HVPIPE_PEER_DIR/stop exists (checked every 2 s).
# Env: PVM (default pvm), HVPIPE_PEER (default hvpipe-peer), HVPIPE_PEER_DIR
# (default /tmp/hvpipe-peer.SRC), PEER_TIMEOUT (seconds a sink or gen may take,
# default 600).
SRC=$1
NAME=$2
[ -n "$SRC" ] && [ -n "$NAME" ] || { echo "usage: hvpipe-peer.sh SRC NAME" >&2; exit 2; }
PVM=${PVM:-pvm}
GEN=${HVPIPE_PEER:-hvpipe-peer}
D=${HVPIPE_PEER_DIR:-/tmp/hvpipe-peer.$SRC}
PEER_TIMEOUT=${PEER_TIMEOUT:-600}
SINK_SEED=0x5eed0001
GEN_SEED=0x5eed0002
mkdir -p "$D"
rm -f "$D/stop"

say() { echo "PEER $SRC: $*"; }
now() { cut -d' ' -f1 /proc/uptime; }
# secs T0: seconds since uptime T0; rate N T0: N per second since T0.
secs() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
rate() { awk -v a="$(now)" -v b="$2" -v n="$1" 'BEGIN { d = a - b; printf "%.1f", (d > 0 ? n / d : 0) }'; }
number() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }

lasterr=
while [ ! -e "$D/stop" ]; do
	if ! "$PVM" hvpipe "$NAME" recv "$SRC" --timeout 2 >"$D/msg" 2>"$D/err"; then
		grep -q 'timed out' "$D/err" && continue
		# Not up yet, or gone: say so once, keep trying.
		e=$(head -c 200 "$D/err")
		[ "$e" = "$lasterr" ] || say "recv failed: $e"
		lasterr=$e
		sleep 1
		continue
	fi
	lasterr=
	if [ "$(head -c 5 "$D/msg")" != "peer:" ]; then
		"$PVM" hvpipe "$NAME" send "$SRC" "$D/msg" 2>"$D/err" ||
			say "echo of $(wc -c <"$D/msg") bytes failed: $(head -c 200 "$D/err")"
		continue
	fi
	set -- $(head -c 100 "$D/msg" | tr -c 'a-z0-9:\n' ' ')
	cmd=$1
	arg=$2
	case $cmd in
	peer:close)
		number "$arg" || { say "bad command '$cmd $arg'"; continue; }
		"$PVM" hvpipe "$NAME" close "$SRC" || say "close failed"
		sleep "$arg"
		"$PVM" hvpipe "$NAME" open "$SRC" || say "open failed"
		say "closed for $arg s"
		;;
	peer:burst)
		number "$arg" || { say "bad command '$cmd $arg'"; continue; }
		# In the background, like gen: a send that waits for a guest
		# that stopped reading must not stop this loop from receiving.
		(
			if "$GEN" gen "$arg" $((SRC)) |
				timeout "$PEER_TIMEOUT" "$PVM" hvpipe "$NAME" send "$SRC" --framed -; then
				say "burst of $arg queued"
			else
				say "burst of $arg failed"
			fi
		) &
		;;
	peer:sink)
		number "$arg" || { say "bad command '$cmd $arg'"; continue; }
		line=$(timeout "$PEER_TIMEOUT" "$PVM" hvpipe "$NAME" recv "$SRC" --follow --count "$arg" |
			"$GEN" check "$arg" $SINK_SEED)
		echo "PEER-SINK $line"
		;;
	peer:gen)
		number "$arg" || { say "bad command '$cmd $arg'"; continue; }
		(
			t0=$(now)
			"$GEN" gen "$arg" $GEN_SEED |
				timeout "$PEER_TIMEOUT" "$PVM" hvpipe "$NAME" send "$SRC" --framed -
			rc=$?
			echo "PEER-GEN n=$arg crc=$("$GEN" crc "$arg" $GEN_SEED) secs=$(secs "$t0") rate=$(rate "$arg" "$t0") rc=$rc"
		) &
		;;
	peer:holding)
		echo "PEER-HOLDING $SRC"
		;;
	peer:probe) ;;
	*)
		say "unknown command '$cmd'"
		;;
	esac
done
say "stopped"
