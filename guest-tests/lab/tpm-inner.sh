#!/bin/sh
# H_TPM_COMM suite inside the emulated LPAR (scripts/lab-tpm.sh, lab.sh --tpm).
# busybox sh. The bare-metal payload /payloads/tpm.elf
# (guest-tests/baremetal/payloads/tpm.c) talks to the LPAR's vTPM through
# pvm run --tpm /dev/tpmrm0:
#   1. functional: TPM2_Startup, GetRandom, PCR 16 extend checked against the
#      payload's own SHA-256, TPM error responses, every hcall error path
#   2. pvm run without --tpm: H_FUNCTION (-p notpm)
#   3. stress (-p stress, --name tpmstress): 10000 GetRandom round trips;
#      pvm stat samples (rss_bytes, fds) at TPM-STRESS 1000 and 9000 must
#      show no fd leak and < 4 MiB RSS growth; the rate is reported. Then
#      CLOSE_SESSION must close pvm's host fd and the next EXECUTE reopen it
#      (pvm stat's fds and the LPAR's /proc/PID/fd agree).
# The payloads' TAP lines are renumbered; ends with "N passed, M failed".
#
# PCR 16 is not compared with a reading taken in the LPAR: the LPAR has no
# ppc64el TPM tools (only busybox), so the payload's SHA-256(old || digest)
# is the expectation.
#
# Env: PVM (default pvm), LAB_HOST (v2|v1|bare, labels known emulated-host
#      failures), TPM_DEV (default /dev/tpmrm0), GUEST_TIMEOUT (s per
#      functional run, default 300), STRESS_TIMEOUT (s, default 1800).
PVM=${PVM:-pvm}
LAB_HOST=${LAB_HOST:-v2}
TPM_DEV=${TPM_DEV:-/dev/tpmrm0}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-300}
STRESS_TIMEOUT=${STRESS_TIMEOUT:-1800}
ELF=/payloads/tpm.elf
RSS_SLACK=4194304
export PVM_SOCKET_DIR=/run/pvm-lab
W=/tmp/tpm
rm -rf $W
mkdir -p $W
cr=$(printf '\r')
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }
# field LINE KEY: the value of KEY=value in LINE.
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1; }

# v2note FILE: " # v2-host: <evidence>" when the failure is the emulated v2
# host's known KVM_RUN EINVAL (docs/lab.md), else empty.
v2note() {
	[ "$LAB_HOST" = v2 ] || return 0
	e=$(grep -m1 'KVM_RUN failed: Invalid argument' "$1")
	[ -n "$e" ] && printf ' # v2-host: %s' "$(echo "$e" | tr -d '\r')"
}

# report NAME OUT RC WANT SECS: renumbered payload TAP lines, then one
# check of pvm's exit status (and of the payload's DONE line).
report() {
	name=$1 out=$2 rc=$3 want=$4 t=$5
	note=$(v2note "$out")
	while IFS= read -r l; do
		l=${l%"$cr"}
		case $l in
		"ok "[0-9]*" - "*) ok "$name: ${l#ok [0-9]* - }" ;;
		"not ok "[0-9]*" - "*) not_ok "$name: ${l#not ok [0-9]* - }$note" ;;
		*) printf '# | %s\n' "$l" ;;
		esac
	done <"$out"
	why=
	[ "$rc" = "$want" ] || why="exit status $rc, want $want"
	[ "$rc" = 124 ] && why="timed out"
	if [ -z "$why" ] && ! grep -q "^PAYLOAD tpm DONE pass=[0-9]* fail=0" "$out"; then
		why="no 'PAYLOAD tpm DONE ... fail=0' line"
	fi
	if [ -n "$why" ]; then
		e=$(grep -m1 'pvm: error:' "$out" | tr -d '\r')
		[ -z "$e" ] || why="$why; $e"
		not_ok "$name: pvm exit status ($why; $t s)$note"
	else
		ok "$name: pvm exit status $rc ($t s)"
	fi
}

# run NAME PVM_ARGS...: one payload run in the foreground.
run() {
	name=$1
	shift
	out=$W/$name.out
	echo "# \$ pvm run -k $ELF -m 256M $*"
	t0=$(uptime_s)
	timeout "$GUEST_TIMEOUT" "$PVM" run -k $ELF -m 256M --test-exit "$@" </dev/null >"$out" 2>&1
	rc=$?
	report "$name" "$out" $rc 0 "$(minus "$(uptime_s)" "$t0")"
}

T0=$(uptime_s)
echo "# LPAR: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, host $LAB_HOST"
echo "# $(ls -l /dev/tpm* 2>&1 | tr '\n' ' ')"
if [ ! -c "$TPM_DEV" ]; then
	not_ok "the LPAR offers $TPM_DEV (lab.sh --tpm)"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok "the LPAR offers $TPM_DEV (lab.sh --tpm)"

# --- 1. functional ---
run tpm --tpm "$TPM_DEV" --tpm-allow-all
check "tpm: pvm logged the host write failure (H_RESOURCE case)" \
	"grep -q 'tpm: .*$TPM_DEV' $W/tpm.out"
# --- 1b. the default command policy ---
run policy --tpm "$TPM_DEV" -p policy
check "policy: pvm logged the refused PCR_Extend (0x182)" \
	"grep -q 'tpm: refused TPM2 command 0x182' $W/policy.out"

# --- 2. no --tpm ---
run notpm -p notpm

# --- 3. stress ---
name=tpmstress
out=$W/$name.out
echo "# \$ pvm run --name $name -k $ELF -m 256M --test-exit --tpm $TPM_DEV -p stress"
t0=$(uptime_s)
# The payload waits for a console character after each sampling point: a FIFO
# held open read-write on fd 3 is pvm's stdin.
mkfifo $W/go
exec 3<>$W/go
"$PVM" run --name $name -k $ELF -m 256M --test-exit --tpm "$TPM_DEV" -p stress <$W/go >"$out" 2>&1 3>&- &
pid=$!
# sample AT: pvm stat (rss_bytes, fds) and the LPAR's own count of pvm's
# descriptors open on the TPM device, into s_rss, s_fds, s_tpmfd.
sample() {
	"$PVM" stat $name --json >$W/stat-$1.json 2>&1
	s_rss=$(sed -n 's/.*"rss_bytes": *\([0-9][0-9]*\).*/\1/p' $W/stat-$1.json | head -n1)
	s_fds=$(sed -n 's/.*"fds": *\([0-9][0-9]*\).*/\1/p' $W/stat-$1.json | head -n1)
	s_tpmfd=$(ls -l /proc/$pid/fd 2>/dev/null | grep -c " $TPM_DEV\$")
	echo "# pvm stat at $1: rss_bytes=$s_rss fds=$s_fds ($TPM_DEV open $s_tpmfd times)"
	[ -n "$s_rss" ] || sed 's/^/# stat: /' $W/stat-$1.json
	printf g >&3	# the payload's go-ahead
}
# seen LINE: the payload printed LINE.
seen() { tr -d '\r' <"$out" | grep -qx "$1"; }
# The payload waits after printing TPM-STRESS 1000, 9000, -CLOSED and
# -REOPENED until sample() sends it a character.
rss_1000='' rss_9000='' fds_1000='' fds_9000='' tpmfd_1000='' tpmfd_9000=''
fds_closed='' tpmfd_closed='' fds_reopened='' tpmfd_reopened=''
s1=0 s9=0 sc=0 sr=0
deadline=$(($(cut -d. -f1 /proc/uptime) + STRESS_TIMEOUT))
while kill -0 $pid 2>/dev/null; do
	if [ $s1 = 0 ] && seen "TPM-STRESS 1000"; then
		sample 1000
		s1=1 rss_1000=$s_rss fds_1000=$s_fds tpmfd_1000=$s_tpmfd
	elif [ $s9 = 0 ] && seen "TPM-STRESS 9000"; then
		sample 9000
		s9=1 rss_9000=$s_rss fds_9000=$s_fds tpmfd_9000=$s_tpmfd
	elif [ $sc = 0 ] && seen TPM-STRESS-CLOSED; then
		sample CLOSED
		sc=1 fds_closed=$s_fds tpmfd_closed=$s_tpmfd
	elif [ $sr = 0 ] && seen TPM-STRESS-REOPENED; then
		sample REOPENED
		sr=1 fds_reopened=$s_fds tpmfd_reopened=$s_tpmfd
	fi
	if [ "$(cut -d. -f1 /proc/uptime)" -ge $deadline ]; then
		kill $pid 2>/dev/null
		echo "# stress run killed after ${STRESS_TIMEOUT} s"
		break
	fi
	sleep 0.2
done
wait $pid
rc=$?
exec 3>&-
[ -z "$(grep -m1 '^TPM-STRESS-DONE' "$out")" ] && [ "$rc" = 143 ] && rc=124
t=$(minus "$(uptime_s)" "$t0")
report $name "$out" $rc 0 "$t"
check "$name: pvm stat sampled at TPM-STRESS 1000 and 9000" \
	"[ -n '$rss_1000' ] && [ -n '$rss_9000' ] && [ -n '$fds_1000' ] && [ -n '$fds_9000' ]"
check "$name: pvm's open fds at 9000 ($fds_9000) = at 1000 ($fds_1000)" \
	"[ -n '$fds_1000' ] && [ '$fds_1000' = '$fds_9000' ]"
check "$name: one $TPM_DEV fd in /proc/PID/fd at both samples ($tpmfd_1000, $tpmfd_9000)" \
	"[ '$tpmfd_1000' = 1 ] && [ '$tpmfd_9000' = 1 ]"
check "$name: RSS growth 1000 -> 9000 < 4 MiB ($rss_1000 -> $rss_9000 bytes)" \
	"[ -n '$rss_1000' ] && [ -n '$rss_9000' ] && [ $((${rss_9000:-0} - ${rss_1000:-0})) -lt $RSS_SLACK ]"
check "$name: CLOSE_SESSION closed the host fd (fds $fds_closed = $fds_9000 - 1, $TPM_DEV open ${tpmfd_closed:-?} times)" \
	"[ -n '$fds_closed' ] && [ -n '$fds_9000' ] && [ $((${fds_9000:-0} - 1)) = '$fds_closed' ] && [ '$tpmfd_closed' = 0 ]"
check "$name: EXECUTE after CLOSE_SESSION opened it again (fds $fds_reopened, $TPM_DEV open ${tpmfd_reopened:-?} times)" \
	"[ -n '$fds_reopened' ] && [ '$fds_reopened' = '$fds_9000' ] && [ '$tpmfd_reopened' = 1 ]"
done_line=$(tr -d '\r' <"$out" | grep '^TPM-STRESS-DONE' | tail -n1)
echo "# TPM round trips: $(field "$done_line" n) GetRandom(32) in $(field "$done_line" secs) s of hcall time, $(field "$done_line" rate) round trips/s (guest timebase; host $LAB_HOST, pvm run wall time $t s)"

echo "# timing: suite $(minus "$(uptime_s)" "$T0") s"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
