#!/bin/sh
# pvm's command line and pvm check, inside the emulated LPAR (run by
# scripts/lab-smoke.sh after smoke-inner.sh, in the same LPAR boot). busybox sh.
# TAP-like lines, then "# cli-inner done P passed, F failed". The JSON of
# "pvm check --json" (as root and as an unprivileged user) is printed between
# @@CHECK-JSON-BEGIN name@@ / @@CHECK-JSON-END@@ for the host to parse.
#
# Env: PVM (default pvm), LAB_HOST (v2|v1: the nested API pvm check must name).

PVM=${PVM:-pvm}
LAB_HOST=${LAB_HOST:-v2}
KERNEL=/guest/vmlinux
INITRD=/guest/initrd.cpio.gz
W=/tmp/cli
mkdir -p $W
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - cli: $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - cli: $*"; }
# t DESCRIPTION COMMAND...: a check that is a shell command's success.
t() {
	d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# run_pvm ARGS...: pvm's stdout in $W/out, stderr in $W/err, status in $rc.
run_pvm() {
	"$PVM" "$@" >$W/out 2>$W/err </dev/null
	rc=$?
	echo "# \$ pvm $* -> $rc; stdout: $(head -c 200 $W/out | tr '\n' '|'); stderr: $(head -c 300 $W/err | tr '\n' '|')"
}

# --- help on every verb, and pvm help VERB gives the same text ---
run_pvm help
t "pvm help: usage, status 0" sh -c "[ $rc = 0 ] && grep -q '^usage: pvm COMMAND' $W/out"
for v in run check list stop pause resume stat hotplug hvpipe version help; do
	run_pvm $v --help
	cp $W/out $W/help1
	h1=$rc
	run_pvm help $v
	t "pvm $v --help and pvm help $v: status 0, the same 'usage: pvm $v' text" \
		sh -c "[ $h1 = 0 ] && [ $rc = 0 ] && head -n1 $W/out | grep -q '^usage: pvm $v' && cmp -s $W/out $W/help1"
done
run_pvm stop --help
t "pvm stop --help is not taken for a VM named --help" sh -c "! grep -q 'no VM named' $W/out $W/err"
run_pvm help nosuchverb
t "pvm help nosuchverb: status 64, one line naming the commands" \
	sh -c "[ $rc = 64 ] && [ \$(wc -l <$W/err) = 1 ] && grep -q 'commands are run' $W/err"

# --- version with the git commit ---
for a in version -V --version; do
	run_pvm $a
	t "pvm $a prints the version and a git commit" \
		sh -c "[ $rc = 0 ] && grep -Eq '^pvm [0-9.]+ \(commit [0-9a-f]{7,}(-dirty)?\)$' $W/out"
done

# --- list: a header even with no VM at all ---
PVM_SOCKET_DIR=$W/no-such-dir run_pvm list
t "pvm list with no VMs prints the header" \
	sh -c "[ $rc = 0 ] && [ \$(wc -l <$W/out) = 1 ] && grep -Eq '^NAME +STATE +VCPUS +MEMORY' $W/out"

# --- sizes with decimals; -m beyond the host; the /dev/kvm hint by errno ---
run_pvm run -k /nonexistent -m 1.5G
t "pvm run -m 1.5G is a size (the error is the missing kernel, 66)" \
	sh -c "[ $rc = 66 ] && grep -q 'cannot open kernel' $W/err"
run_pvm run -k $KERNEL -i $INITRD -m 900G
t "pvm run -m 900G: status 67 before any allocation, one line naming the host's memory" \
	sh -c "[ $rc = 67 ] && [ \$(wc -l <$W/err) = 1 ] && grep -q 'this host has .* GiB of RAM and swap' $W/err"
# One boot for two checks: the size with decimals, and --no-reboot (the
# guest's reboot -f ends pvm with status 2 instead of restarting the guest).
run_pvm run --no-reboot -k $KERNEL -i $INITRD -m 1.5G -p "console=hvc0 pvmtest=reboot"
t "a guest with -m 1.5G boots with 1536 MiB (kernel: /1572864K)" grep -q '/1572864K' $W/out
t "with --no-reboot the guest's reboot ends pvm with status 2 after one boot" \
	sh -c "[ $rc = 2 ] && [ \$(grep -c '^GUEST-BOOT' $W/out) = 1 ]"
grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/tmp:/bin/sh' >>/etc/passwd
su -s /bin/sh nobody -c "$PVM run -k $KERNEL -i $INITRD -m 512M" >$W/out 2>$W/err </dev/null
rc=$?
echo "# \$ (as nobody) pvm run -> $rc; stderr: $(head -c 300 $W/err)"
t "as a user without /dev/kvm access: status 69, 'Permission denied' with the kvm-group fix" \
	sh -c "[ $rc = 69 ] && grep -q 'Permission denied' $W/err && grep -q 'usermod -aG kvm' $W/err"

if [ -e /dev/kvm ]; then
	mv /dev/kvm /dev/kvm.hidden
	run_pvm run -k $KERNEL -i $INITRD -m 512M
	mv /dev/kvm.hidden /dev/kvm
	t "without /dev/kvm: status 69, 'No such file' with the modprobe fix" \
		sh -c "[ $rc = 69 ] && grep -q 'No such file or directory (load KVM: modprobe kvm-hv' $W/err"
fi

# --- the sandbox: every pvm thread runs under its seccomp filter ---
rm -f $W/idle.in
mkfifo $W/idle.in
exec 5<>$W/idle.in
# Also the clean-up of a vCPU that fails half-made: --test-fail-vcpu 2 makes
# vCPU 2's set-up fail after KVM_CREATE_VCPU and the kvm_run mmap.
# On the v2 host the guest polls in idle (nohlt): an idle CPU that cedes
# waits for IPIs that host never delivers, and the boot took 100 s instead
# of 20 (guest-tests/lab/smp-inner.sh, docs/lab.md).
sbx_args=
[ "$LAB_HOST" = v2 ] && sbx_args=" nohlt"
"$PVM" run --name sbx -k $KERNEL -i $INITRD -m 512M -c 2 --max-cpus 3 --test-fail-vcpu 2 \
	-p "console=hvc0 quiet pvmtest=idle$sbx_args" <&5 >$W/idle.out 2>&1 &
ppid=$!
for _ in $(seq 120); do grep -q GUEST-IDLE $W/idle.out 2>/dev/null && break; sleep 1; done
modes=$(for s in /proc/$ppid/task/*/status; do sed -n 's/^Seccomp:[[:space:]]*//p' $s; done | tr '\n' ' ')
echo "# pvm threads' Seccomp modes: $modes"
t "sandbox: every pvm thread (main + 2 vCPUs) has Seccomp: 2" \
	sh -c "[ -n '$modes' ] && [ \$(echo '$modes' | wc -w) -ge 3 ] && ! echo '$modes' | grep -q '[^2 ]'"
vcpu_res() { echo "$(ls /proc/$ppid/fd | wc -l) fds, $(grep -c kvm-vcpu /proc/$ppid/maps) kvm-vcpu maps"; }
res0=$(vcpu_res)
# The guest takes hotplug requests once it enabled its hotplug interrupt:
# until then pvm refuses without touching KVM (that is not this check).
for i in $(seq 60); do
	"$PVM" hotplug sbx cpu +1 >/dev/null 2>$W/hp.err
	hprc=$?
	grep -q 'not enabled hotplug events' $W/hp.err || break
	sleep 1
done
echo "# hot-add attempts until the guest listened: $i"
res1=$(vcpu_res)
"$PVM" hotplug sbx cpu +1 >/dev/null 2>&1
res2=$(vcpu_res)
echo "# failed vCPU hot-adds: before $res0; after one $res1; after two $res2; $(cat $W/hp.err)"
t "a vCPU hot-add that fails after KVM_CREATE_VCPU is refused, saying why" \
	sh -c "[ $hprc != 0 ] && grep -q 'cannot create vCPU 2' $W/hp.err"
t "the half-made vCPU's fd and kvm_run mapping are released (twice)" \
	sh -c "[ '$res0' = '$res1' ] && [ '$res0' = '$res2' ] && echo '$res0' | grep -q ' 2 kvm-vcpu'"
t "pvm keeps running after the failed hot-adds" sh -c "$PVM list | grep -q '^sbx  *running'"
# --force: an orderly stop needs an EPOW interrupt, which the v2 host never delivers.
"$PVM" stop sbx --force >/dev/null 2>&1
# Never hang the suite on it: a stuck pvm is killed after 60 s (and fails the check).
(sleep 60; kill -9 $ppid 2>/dev/null) >/dev/null 2>&1 &
killer=$!
wait $ppid
rc=$?
kill $killer 2>/dev/null
exec 5>&-
t "sandbox: pvm stop --force ends the sandboxed VM (status 4)" [ $rc = 4 ]

# --- no fd limit may leave pvm deaf to SIGTERM (a failed signalfd used to
# leave the signals blocked and unread) ---
deaf= clear=
for nf in 6 8 9 10 11 12 13 14 16 20; do
	(ulimit -n $nf; exec "$PVM" run -k $KERNEL -i $INITRD -m 256M \
		-p "console=hvc0 pvmtest=idle") </dev/null >$W/fd$nf.out 2>&1 &
	p=$!
	# Until pvm gave up or the guest printed (pvm's set-up is done by then;
	# its signal watch follows the vCPUs' start: no 'quiet', the kernel prints
	# at once), and one second more.
	for _ in $(seq 40); do
		kill -0 $p 2>/dev/null || break
		grep -q '^\[' $W/fd$nf.out 2>/dev/null && break
		sleep 0.2
	done
	sleep 1
	kill -TERM $p 2>/dev/null
	(sleep 5; kill -9 $p 2>/dev/null) >/dev/null 2>&1 &
	k=$!
	wait $p
	rc=$?
	kill $k 2>/dev/null
	echo "# ulimit -n $nf: pvm status $rc: $(grep -m1 'pvm: error' $W/fd$nf.out)"
	case $rc in
	4) ;;
	6[4-9] | 7[0-2])
		# A start failure says why, in one line.
		[ "$(grep -c 'pvm: error' $W/fd$nf.out)" = 1 ] || deaf="$deaf $nf:$rc-without-one-reason"
		;;
	*) deaf="$deaf $nf:$rc" ;;
	esac
	grep -q 'cannot set up signal handling' $W/fd$nf.out && clear=$nf
done
t "under any fd limit pvm refuses to start (64-72) or stops on SIGTERM (4); never deaf${deaf:+ (got$deaf)}" \
	[ -z "$deaf" ]
t "the fd limit that leaves no room for the signalfd is a one-line start failure (ulimit -n ${clear:-?})" \
	[ -n "$clear" ]

# --- guest reboot in place: reboot -f comes back to /init in the same pvm
# process, with the same control socket, five times on the v2 host (pvm's
# main target) and three elsewhere (time); RSS and fds stay flat (boot 2
# against the last: the first boot's page faults are not a leak) ---
reboots=3
[ "${LAB_HOST:-v2}" = v2 ] && reboots=5
last=$((reboots + 1))
"$PVM" run --name rbt -k $KERNEL -i $INITRD -m 512M --loglevel info -p "console=hvc0 quiet pvmtest=reboot" \
	</dev/null >$W/rb.out 2>&1 &
rpid=$!
boots() { grep -c '^GUEST-BOOT' $W/rb.out 2>/dev/null; }
samples=
b=1
while [ $b -le $last ]; do
	for _ in $(seq 180); do [ "$(boots)" -ge $b ] && break; kill -0 $rpid 2>/dev/null || break; sleep 1; done
	[ "$(boots)" -ge $b ] || break
	rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$rpid/status)
	fds=$(ls /proc/$rpid/fd | wc -l)
	samples="$samples $b:${rss}kB:${fds}fds"
	[ $b = 2 ] && { rss2=$rss; fds2=$fds; }
	[ $b = $last ] && { rss4=$rss; fds4=$fds; }
	b=$((b + 1))
done
echo "# reboot in place: boots seen $(boots); at each boot (RSS, fds):$samples"
grep -E '^GUEST-BOOT|restarting it in place|pvm: error' $W/rb.out | sed 's/^/# | /' | head -20
t "reboot -f $reboots times: the guest came back to /init each time ($last boots) in the same pvm process" \
	sh -c "[ \$(grep -c '^GUEST-BOOT' $W/rb.out) -ge $last ] && kill -0 $rpid"
t "each boot was a new kernel ($last different boot_ids)" \
	sh -c "[ \$(grep '^GUEST-BOOT' $W/rb.out | head -n$last | cut -d' ' -f2 | sort -u | wc -l) = $last ]"
t "pvm logged $reboots restarts in place" sh -c "[ \$(grep -c 'restarting it in place' $W/rb.out) -ge $reboots ]"
t "the same control socket answers after the reboots" sh -c "$PVM list | grep -q '^rbt  *running'"
t "pvm's open fds are flat across the reboots (boot 2: ${fds2:-?}, boot $last: ${fds4:-?})" \
	[ -n "${fds4:-}" ] && [ "${fds2:-x}" = "${fds4:-y}" ]
t "pvm's RSS is flat across the reboots (boot 2: ${rss2:-?} kB, boot $last: ${rss4:-?} kB, 16 MiB slack)" \
	[ -n "${rss4:-}" ] && [ "${rss4:-0}" -le $((${rss2:-0} + 16384)) ]
"$PVM" stop rbt --force >/dev/null 2>&1
(sleep 60; kill -9 $rpid 2>/dev/null) >/dev/null 2>&1 &
killer=$!
wait $rpid
rc=$?
kill $killer 2>/dev/null
t "pvm stop --force ends the rebooting VM (status 4)" [ $rc = 4 ]
# --- pvm check ---
run_pvm check
cat $W/out | sed 's/^/# | /'
for c in kvm-device kvm-hv radix irqchip; do
	t "pvm check: PASS $c" grep -Eq "^PASS +$c " $W/out
done
if [ "$LAB_HOST" = bare ]; then
	t "pvm check names a bare-metal host with XIVE and nested KVM for guests" \
		grep -Eq "^PASS +host +bare metal \(PowerNV\) with XIVE, nested KVM for guests available \(--nested\)\$" $W/out
else
	t "pvm check names the nested API of this LPAR ($LAB_HOST)" \
		grep -Eq "^PASS +host +LPAR, KVM on the PAPR nested API $LAB_HOST\$" $W/out
fi
t "pvm check as root: status 0 or 1 (nothing failed), last line PASS/WARN" \
	sh -c "[ $rc = 0 -o $rc = 1 ] && tail -n1 $W/out | grep -Eq '^(PASS|WARN): [0-9]+ passed'"
# --nested where the host's KVM cannot nest (an LPAR on nested API v2): a
# clear error with KVM's capability status, before anything runs.
if [ "$LAB_HOST" = v2 ]; then
	run_pvm run -k /guest/vmlinux -i /guest/initrd.cpio.gz -m 512M --nested -p quiet
	t "pvm run --nested on a nested-v2 LPAR: status 70, one clear line" \
		sh -c "[ $rc = 70 ] && grep -q 'cannot nest guests' $W/err && [ \$(wc -l <$W/err) = 1 ]"
fi
run_pvm check --json
echo "@@CHECK-JSON-BEGIN root $rc@@"
cat $W/out
echo "@@CHECK-JSON-END@@"
su -s /bin/sh nobody -c "$PVM check" >$W/out 2>$W/err </dev/null
rc=$?
sed 's/^/# | /' $W/out
t "pvm check as a user without /dev/kvm access: FAIL kvm-device with the group fix, status 2" \
	sh -c "[ $rc = 2 ] && grep -Eq '^FAIL +kvm-device +/dev/kvm: Permission denied' $W/out && grep -q 'fix: .*usermod -aG kvm' $W/out"
su -s /bin/sh nobody -c "$PVM check --json" >$W/out 2>$W/err </dev/null
rc=$?
echo "@@CHECK-JSON-BEGIN nobody $rc@@"
cat $W/out
echo "@@CHECK-JSON-END@@"

echo "# cli-inner done $passed passed, $failed failed"
[ $failed = 0 ]
