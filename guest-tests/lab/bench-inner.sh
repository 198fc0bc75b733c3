#!/bin/sh
# pvm against QEMU/KVM inside the emulated LPAR (scripts/bench.sh). busybox sh.
# Both VMMs boot the same kernel and initramfs with the same command line,
# alternately, ROUNDS times; every figure is one line
#   BENCH-RESULT VMM FIGURE VALUE UNIT
# (VMM pvm, qemu or pvm-trace) for the host to take medians and ratios of,
# "BENCH-ROUND N" where each round of a part starts (the report pairs the
# VMMs' figures of the same round),
# "# ..." comments, and "BENCH-INNER-DONE OK=N FAILED=M" at the end.
#
# Parts (BENCH_PARTS, default "boot hcall scale blk"):
#   boot   VMM start -> first console line, -> guest /init; resident memory
#          outside guest RAM at /init; pvm's --boot-trace milestones
#   hcall  the round trip of a call the VMM serves in userspace, timed in the
#          guest (guest-tests/bench/hcallbench.c: RTAS through H_RTAS)
#   scale  pvm alone: the same against guest RAM size (BENCH_RAMS) and vCPU
#          count (BENCH_CPUS)
#   net    guest-tests/lab/net-inner.sh's bench mode: TCP both ways and pings
#          on a tap, pvm and QEMU, each with and without vhost-net
#   blk    guest-tests/bench/blkbench.c on a raw image: pvm -d IMG,direct
#          against QEMU virtio-blk-pci aio=io_uring cache=none
# Env: PVM, QEMU_DIR (QEMU's tree, scripts/qemu-ppc64el.sh; none: pvm only),
#      BENCH_ROUNDS (5), BENCH_MEM (512, MiB), BENCH_SECS (blk, per figure, 5),
#      BENCH_MB (blk image, 256), BENCH_HOST (v1|v2, for QEMU's options).
PVM=${PVM:-pvm}
ROUNDS=${BENCH_ROUNDS:-5}
MEM=${BENCH_MEM:-512}
PARTS=${BENCH_PARTS:-boot hcall scale blk}
SECS=${BENCH_SECS:-5}
MB=${BENCH_MB:-256}
KERNEL=/guest/vmlinux
INITRD=/guest/initrd.cpio.gz
W=/tmp/bench
mkdir -p $W
good=0 bad=0
# No 'quiet': the first console line is the kernel's first, for both VMMs.
CMDLINE="console=hvc0 pvmtest=idle"
cr=$(printf '\r')

echo "# LPAR: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, $(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM"
QEMU=
if [ -n "${QEMU_DIR:-}" ] && [ -x "$QEMU_DIR/usr/bin/qemu-system-ppc64" ]; then
	ld=$(ls $QEMU_DIR/lib/powerpc64le-linux-gnu/ld64.so.2 $QEMU_DIR/usr/lib/powerpc64le-linux-gnu/ld64.so.2 2>/dev/null | head -n1)
	libs=$QEMU_DIR/lib/powerpc64le-linux-gnu:$QEMU_DIR/usr/lib/powerpc64le-linux-gnu
	QEMU="$ld --library-path $libs $QEMU_DIR/usr/bin/qemu-system-ppc64"
	echo "# QEMU: $($QEMU --version | head -n1)"
else
	echo "# QEMU: none (QEMU_DIR '${QEMU_DIR:-}'): pvm figures only"
fi
result() { echo "BENCH-RESULT $*"; }

# qemu_args MEM_MB CPUS: QEMU's command line for the same guest. The caps are
# the ones QEMU refuses to start without in the LPAR, on both hosts (found in
# the lab, docs/lab.md "QEMU/KVM in the LPAR"): the LPAR's KVM offers no cache
# flush mitigations, and its 4 KiB pages need cap-hpt-max-page-size=4096 (the
# guest runs radix anyway). In-kernel XICS, as pvm: the default ic-mode=dual
# falls back to QEMU's userspace XIVE (the LPAR's KVM has no XIVE device).
qemu_args() {
	caps=cap-cfpc=broken,cap-ccf-assist=off,cap-hpt-max-page-size=4096,ic-mode=xics,kernel-irqchip=on
	# The emulated bare-metal host's KVM offers no indirect-branch
	# mitigations either (QEMU: "Requested safe indirect branch capability
	# level not supported by KVM"), and its pages are 64 KiB.
	[ "${BENCH_HOST:-v1}" = bare ] &&
		caps=cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off,ic-mode=xics,kernel-irqchip=on
	echo "-M pseries,x-vof=on,${QEMU_CAPS:-$caps}" \
		"-accel kvm -cpu host -m ${1}M -smp $2 -nodefaults -nographic -display none" \
		"-chardev stdio,id=con,signal=off -device spapr-vty,chardev=con" \
		"-kernel $KERNEL -initrd $INITRD"
}

# boot VMM TAG MEM_MB CPUS [EXTRA...]: start the VMM with the guest in idle,
# note the LPAR-clock time of its first output line and of the guest's
# "GUEST-INIT reached" line (relative to the start), sample its memory once
# the guest is idle, stop it. Sets t_first, t_init, g_init (the guest's uptime
# at /init), rss_out (kB outside guest RAM), rss_guest, hwm (VmHWM, kB).
boot() {
	vmm=$1 tag=$2 mem=$3 cpus=$4
	shift 4
	out=$W/$tag.out
	rm -f $W/$tag.pid $W/$tag.times
	t_first= t_init= g_init= rss_out= rss_guest= hwm=
	# The start is taken right before the exec (in the shell that becomes
	# the VMM), so the pipeline's forks do not count.
	start='read -r t _ </proc/uptime; echo "$$ $t" >"$0"; exec "$@"'
	{
		case $vmm in
		qemu) sh -c "$start" $W/$tag.pid $QEMU $(qemu_args $mem $cpus) "$@" -append "$CMDLINE" ;;
		*) sh -c "$start" $W/$tag.pid "$PVM" run --name $tag -k $KERNEL -i $INITRD \
			-m ${mem}M -c $cpus "$@" -p "$CMDLINE" ;;
		esac
	} </dev/null 2>&1 | {
		first=
		while IFS= read -r l; do
			read -r now _ </proc/uptime
			l=${l%"$cr"}
			case $l in
			"pvm: boot-trace:"*) ;;
			# QEMU's own stderr (the hpt-max-page-size warning) is no console output
			"qemu-system-ppc64: "*) ;;
			*) [ -n "$first" ] || { first=$now; echo "first $now" >>$W/$tag.times; } ;;
			esac
			case $l in
			*"GUEST-INIT reached"*) echo "init $now ${l##*uptime }" >>$W/$tag.times ;;
			*GUEST-IDLE*) echo "idle $now" >>$W/$tag.times ;;
			esac
			printf '%s\n' "$l"
		done >$out
	} &
	reader=$!
	i=0
	while ! grep -q '^idle' $W/$tag.times 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	pid= t0=
	read -r pid t0 <$W/$tag.pid 2>/dev/null
	if grep -q '^idle' $W/$tag.times 2>/dev/null && [ -n "$pid" ]; then
		# Rss of every mapping (smaps: each mapping's Size comes before its
		# Rss); the guest RAM block is the one of MEM MiB (up to 64 MiB more
		# for alignment).
		set -- $(awk -v ram=$((mem * 1024)) '
			/^Size:/ { guest = ($2 >= ram && $2 <= ram + 65536) }
			/^Rss:/ { if (guest) g += $2; else o += $2 }
			END { print o + 0, g + 0 }' /proc/$pid/smaps)
		rss_out=$1 rss_guest=$2
		hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$pid/status)
	fi
	[ -n "$pid" ] && kill -TERM $pid 2>/dev/null
	i=0
	while kill -0 $reader 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -n "$pid" ] && kill -9 $pid 2>/dev/null
	wait $reader 2>/dev/null
	f=$(sed -n 's/^first //p' $W/$tag.times 2>/dev/null | head -n1)
	set -- $(sed -n 's/^init //p' $W/$tag.times 2>/dev/null | head -n1)
	[ -n "$f" ] && [ -n "$t0" ] && t_first=$(awk -v a=$f -v b=$t0 'BEGIN { printf "%.2f", a - b }')
	[ -n "${1:-}" ] && [ -n "$t0" ] && t_init=$(awk -v a=$1 -v b=$t0 'BEGIN { printf "%.2f", a - b }') g_init=$2
	echo "# $tag: first line ${t_first:-?} s, /init ${t_init:-?} s (guest uptime ${g_init:-?}), rss outside guest RAM ${rss_out:-?} kB, guest RAM rss ${rss_guest:-?} kB, VmHWM ${hwm:-?} kB"
	if [ -z "$t_init" ] || [ -z "$rss_out" ]; then
		echo "# $tag: no figures; its last lines:"
		tail -n 12 $out | sed 's/^/# | /'
		bad=$((bad + 1))
		return 1
	fi
	good=$((good + 1))
}

# report VMM [SUFFIX]: the last boot's figures as BENCH-RESULT lines.
report() {
	result $1 first_console$2 $t_first s
	result $1 init$2 $t_init s
	result $1 guest_uptime_at_init$2 $g_init s
	result $1 rss_outside_guest_ram$2 $rss_out kB
	result $1 vm_hwm$2 $hwm kB
}

case " $PARTS " in *" boot "*)
	r=1
	while [ $r -le $ROUNDS ]; do
		echo "BENCH-ROUND $r"
		echo "# round $r of $ROUNDS"
		boot pvm pvm$r $MEM 1 && report pvm
		if [ -n "$QEMU" ]; then
			boot qemu qemu$r $MEM 1 && report qemu
		fi
		# pvm's own milestones (a separate run: the trace's lines are no
		# console output, but stderr costs a little).
		if boot pvm trace$r $MEM 1 --boot-trace; then
			report pvm-trace
			sed -n 's/^pvm: boot-trace: +\([0-9.]*\) \(.*\)$/\1 \2/p' $W/trace$r.out |
				while read -r s what; do
					case $what in
					# "images read": pvm before it read the images straight into guest RAM.
					"images checked"* | "images read"*) k=images_checked ;;
					"vCPU threads started"*) k=threads_started ;;
					"images loaded"*) k=images_loaded ;;
					"device tree built"*) k=fdt_built ;;
					"first KVM_RUN"*) k=first_kvm_run ;;
					"first guest console output"*) k=first_console_output ;;
					"guest /init"*) k=guest_init ;;
					*) continue ;;
					esac
					result pvm-trace trace_$k $s s
				done
		fi
		r=$((r + 1))
	done
	;;
esac

# run_test VMM TAG TEST: one boot of the guest running pvmtest=TEST (quiet),
# its BENCH lines as BENCH-RESULT VMM ... lines.
run_test() {
	vmm=$1 o=$W/$2.out
	shift 2
	case $vmm in
	qemu*) timeout 300 $QEMU $(qemu_args 512 1) "$@" ;;
	*) timeout 300 "$PVM" run --name $vmm-test -k $KERNEL -i $INITRD -m 512M "$@" ;;
	esac </dev/null >$o 2>&1
	tr -d '\r' <$o | grep -E '^(GUEST-TEST|BENCH-INFO)|pvm: (error|warning)' | sed "s/^/# $vmm | /"
	if tr -d '\r' <$o | grep -q '^GUEST-TEST .* PASS'; then
		tr -d '\r' <$o | sed -n "s/^BENCH \([^ ]*\) \([^ ]*\) \([^ ]*\)\$/BENCH-RESULT $vmm \1 \2 \3/p"
		good=$((good + 1))
	else
		tail -n 12 $o | sed "s/^/# $vmm | /"
		bad=$((bad + 1))
	fi
}

case " $PARTS " in *" hcall "*)
	r=1
	while [ $r -le $(((ROUNDS + 1) / 2)) ]; do
		echo "BENCH-ROUND $r"
		run_test pvm hcall-pvm$r -p "console=hvc0 quiet pvmtest=hcallbench"
		# What the seccomp filter costs: every KVM_RUN passes through it.
		run_test pvm-nosandbox hcall-nosbx$r --no-sandbox -p "console=hvc0 quiet pvmtest=hcallbench"
		[ -n "$QEMU" ] && run_test qemu hcall-qemu$r -append "console=hvc0 quiet pvmtest=hcallbench"
		r=$((r + 1))
	done
	;;
esac

case " $PARTS " in *" scale "*)
	# pvm's share and memory against guest RAM and vCPUs: one boot each.
	for m in ${BENCH_RAMS:-256 512 1024 2048}; do
		boot pvm ram$m $m 1 --boot-trace && report pvm _ram$m &&
			result pvm first_kvm_run_ram$m $(sed -n 's/^pvm: boot-trace: +\([0-9.]*\) first KVM_RUN.*/\1/p' $W/ram$m.out) s
	done
	for c in ${BENCH_CPUS:-1 2 4}; do
		boot pvm cpu$c $MEM $c --boot-trace && report pvm _cpus$c &&
			result pvm first_kvm_run_cpus$c $(sed -n 's/^pvm: boot-trace: +\([0-9.]*\) first KVM_RUN.*/\1/p' $W/cpu$c.out) s
	done
	;;
esac

case " $PARTS " in *" blk "*)
	mkdir -p $W/disk
	mount -t tmpfs -o size=$((MB + 64))m tmpfs $W/disk
	dd if=/dev/zero of=$W/disk/disk.img bs=1M count=$MB 2>/dev/null
	ln -sf $W/disk/disk.img $W/disk.img
	echo "# blk: $MB MiB raw image on a tmpfs, filled (no holes); O_DIRECT on the host side for both"
	args="console=hvc0 quiet pvmtest=blkbench pvmtest.secs=$SECS"
	# Alternately, (ROUNDS + 1) / 2 times: one run each varies by a third
	# between runs under the emulation.
	r=1
	while [ $r -le $(((ROUNDS + 1) / 2)) ]; do
		echo "BENCH-ROUND $r"
		run_test pvm blk-pvm$r -d $W/disk.img,direct -p "$args"
		[ -n "$QEMU" ] && run_test qemu blk-qemu$r -append "$args" \
			-drive file=$W/disk.img,if=none,id=d0,format=raw,aio=io_uring,cache=none \
			-device virtio-blk-pci,drive=d0
		# QEMU's other Linux-native backend (Linux AIO), which pvm does not use.
		[ -n "$QEMU" ] && run_test qemu-native blk-qemu-native$r -append "$args" \
			-drive file=$W/disk.img,if=none,id=d0,format=raw,aio=native,cache=none \
			-device virtio-blk-pci,drive=d0
		r=$((r + 1))
	done
	;;
esac

case " $PARTS " in *" net "*)
	# guest-tests/lab/net-inner.sh in its bench mode: pvm and QEMU on taps,
	# with and without vhost-net, BENCH_NET_MB each way (zeroes), pings;
	# (ROUNDS + 1) / 2 times, as one connection's figure varies by a third
	# from run to run under the emulation.
	r=1
	while [ $r -le $(((ROUNDS + 1) / 2)) ]; do
		echo "BENCH-ROUND $r"
		NET_BENCH=1 NET_MB=${BENCH_NET_MB:-32} LAB_HOST=${BENCH_HOST:-v1} \
			NET_QEMU="${QEMU:+$QEMU $(qemu_args 512 1)}" sh /lab/net-inner.sh >$W/net.out 2>&1
		grep -E '^# |^not ok' $W/net.out | grep -v '^# |' | head -30
		sed -n 's/^BENCH-RESULT \([^ ]*\) \([^ ]*\) /BENCH-RESULT \1 net_\2 /p' $W/net.out
		if grep -q '^BENCH-RESULT' $W/net.out; then good=$((good + 1)); else bad=$((bad + 1)); fi
		r=$((r + 1))
	done
	;;
esac

echo "BENCH-INNER-DONE OK=$good FAILED=$bad"
[ $good -gt 0 ]
