#!/usr/bin/env bash
# Boot the emulated POWER host (QEMU TCG: a pseries LPAR with nested KVM-HV,
# or a bare-metal PowerNV machine), run one command inside it and return that
# command's exit status.
#
#   scripts/lab.sh [--host v2|v1|bare] [--cpus N] [--mem SIZE] [--timeout SECS]
#                  [--log FILE] [--add HOSTPATH:LPARPATH]... [--interactive]
#                  [--no-pvm] [--tpm] -- COMMAND...
#
#   --host v2|v1|bare  v2/v1: a pseries LPAR whose nested KVM API is v2 =
#                    cap-nested-papr (PowerVM style, default) or v1 = cap-nested-hv;
#                    bare: a bare-metal POWER9 host (-M powernv9, skiboot firmware),
#                    whose kernel runs KVM-HV in hypervisor mode with XIVE and
#                    is Debian's 64 KiB-page flavour (powerpc64le-64k); the
#                    LPARs and every guest run the 4 KiB one (powerpc64le)
#   --cpus N         LPAR vCPUs (default 2)         --mem SIZE  LPAR RAM (default 2G)
#   --timeout SECS   give up after SECS (default 600; not applied with --interactive)
#   --log FILE       also write the LPAR console to FILE
#   --add H:L        copy host file or directory H to L inside the LPAR (repeatable)
#   --interactive    console on the terminal; COMMAND (default: a login shell) runs
#                    with a controlling tty, then the LPAR powers off. Boot chatter
#                    and lab markers stay in the log (--log), not on the screen.
#                    Ctrl-a reaches the LPAR (pvm's escape is Ctrl-a x); QEMU's own
#                    escape is Ctrl-] (Ctrl-] x kills the whole LPAR)
#   --no-pvm         do not run make and do not put ./pvm into the LPAR
#   --tpm            give the LPAR a TPM 2.0: a fresh swtpm on this machine behind
#                    QEMU's tpm-spapr device (the LPAR kernel's ibmvtpm driver
#                    offers /dev/tpm0 and /dev/tpmrm0); swtpm ends with the run.
#                    bare: a ppc64el swtpm inside the host behind the kernel's
#                    vTPM proxy (guest-tests/lab/lpar-vtpm), started before COMMAND
#
# COMMAND (words joined by spaces) runs as "/bin/sh -c" as root in / with
# /usr/bin/pvm, /dev/kvm, /guest/vmlinux and /guest/initrd.cpio.gz present.
# /guest/vmlinux is always the 4 KiB-page kernel (/guest/release: its
# release); the host's own modules (LAB_MODULES, loaded at boot) are in
# /lib/modules/lab/.
# Its output is the console on stdout.
#
# Exit status: COMMAND's status; 124 timeout; 125 LPAR crashed or QEMU died
# without the exit marker; 126 setup failure (deps, make, ./pvm); 2 usage.
#
# Env: PVM_CACHE (default /var/cache/pvm), QEMU (default qemu-system-ppc64),
#      LAB_MODULES (default "kvm-hv tun vhost_net": KVM, /dev/net/tun and
#      /dev/vhost-net for pvm's NICs; dependencies are added), GUEST_MODULES
#      (the L2 guest's, see scripts/mk-guest-initrd.sh), LAB_APPEND (extra
#      LPAR kernel arguments).
set -euo pipefail
export LC_ALL=C
umask 022

root=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PVM_CACHE:-/var/cache/pvm}
QEMU=${QEMU:-qemu-system-ppc64}

err() { printf 'lab: %s\n' "$*" >&2; }
die() {
	local rc=$1
	shift
	err "$*"
	exit "$rc"
}
usage() {
	sed -n '/^#   scripts\/lab.sh/,/^# Env:/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^Env:/d' >&2
	exit 2
}

host=v2 cpus=2 mem=2G timeout=600 log='' interactive=0 with_pvm=1 tpm=0
adds=()
need() { [ $# -ge 2 ] || die 2 "option $1 needs an argument"; }
while [ $# -gt 0 ]; do
	case $1 in
	--host) need "$@"; host=$2; shift 2 ;;
	--cpus) need "$@"; cpus=$2; shift 2 ;;
	--mem) need "$@"; mem=$2; shift 2 ;;
	--timeout) need "$@"; timeout=$2; shift 2 ;;
	--log) need "$@"; log=$2; shift 2 ;;
	--add) need "$@"; adds+=("$2"); shift 2 ;;
	--host=* | --cpus=* | --mem=* | --timeout=* | --log=* | --add=*)
		set -- "${1%%=*}" "${1#*=}" "${@:2}"
		;;
	--interactive) interactive=1; shift ;;
	--no-pvm) with_pvm=0; shift ;;
	--tpm) tpm=1; shift ;;
	-h | --help) usage ;;
	--) shift; break ;;
	*) err "unknown argument '$1' (COMMAND goes after --)"; usage ;;
	esac
done
cmd="$*"

case $host in
v2) nested=cap-nested-papr=on ;;
v1) nested=cap-nested-hv=on ;;
bare) nested= ;;
*) die 2 "--host must be v2, v1 or bare, not '$host'" ;;
esac

[[ $cpus =~ ^[1-9][0-9]*$ ]] || die 2 "--cpus wants a positive integer"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die 2 "--timeout wants a positive number of seconds"
[ -n "$cmd" ] || [ $interactive = 1 ] || die 2 "no COMMAND given (scripts/lab.sh -- COMMAND...)"
for a in "${adds[@]}"; do
	case $a in
	*:/*) [ -e "${a%%:*}" ] || die 2 "--add $a: ${a%%:*} does not exist" ;;
	*) die 2 "--add wants HOSTPATH:/ABSOLUTE/LPARPATH, got '$a'" ;;
	esac
done

# The guests' kernel (/guest/vmlinux) and modules: Debian's 4 KiB-page
# flavour. The host kernel: the same on the LPARs; on the bare host the same
# version's 64 KiB-page flavour (KVM's XIVE native mode needs host pages of
# at least 64 KiB under its event queues; docs/lab.md).
guest_vmlinux=$CACHE/kernel/vmlinux
guest_moddir=$CACHE/kernel/modules
if [ $host = bare ]; then
	hostk=kernel-64k hostflavour=powerpc64le-64k
else
	hostk=kernel hostflavour=powerpc64le
fi
vmlinux=$CACHE/$hostk/vmlinux
moddir=$CACHE/$hostk/modules
busybox=$CACHE/busybox
lpar_init=$root/guest-tests/lab/lpar-init
for f in "$vmlinux" "$moddir" "$guest_vmlinux" "$guest_moddir" "$busybox"; do
	[ -e "$f" ] || die 126 "$f missing: run scripts/deps.sh first"
done
command -v "$QEMU" >/dev/null || die 126 "$QEMU not found: run scripts/deps.sh first"
# --tpm: tpm-spapr is a pseries device, so the bare host runs its own swtpm
# (ppc64el, with its libraries: scripts/swtpm-ppc64el.sh) behind the kernel's
# vTPM proxy; the LPARs get this machine's swtpm through QEMU (below).
vtpm=0
if [ $tpm = 1 ] && [ $host = bare ]; then
	vtpm=1 tpm=0
	swtpm_tree=$("$root/scripts/swtpm-ppc64el.sh") || die 126 "scripts/swtpm-ppc64el.sh failed"
	adds+=("$swtpm_tree:/opt/swtpm" "$root/guest-tests/lab/lpar-vtpm:/lab/lpar-vtpm")
	[ -n "$cmd" ] || cmd='exec sh -l'
	cmd="sh /lab/lpar-vtpm || exit 126
$cmd"
fi
[ $tpm = 0 ] || command -v swtpm >/dev/null || die 126 "swtpm not found: run scripts/deps.sh first"

# Where cached initramfs pieces live; fall back to the user's cache when the
# system one is not writable.
labdir=$CACHE/lab
if ! { mkdir -p "$labdir" && [ -w "$labdir" ]; } 2>/dev/null; then
	labdir=${XDG_CACHE_HOME:-$HOME/.cache}/pvm-lab
	mkdir -p "$labdir"
fi

pvm=
if [ $with_pvm = 1 ]; then
	if [ -f "$root/Makefile" ]; then
		make -s -C "$root" --no-print-directory >&2 || die 126 "make failed"
	fi
	pvm=$root/pvm
	[ -f "$pvm" ] || die 126 "$pvm not found (make did not build it); --no-pvm boots without it"
	if command -v file >/dev/null && ! file -L "$pvm" | grep -q '64-bit LSB.*PowerPC'; then
		die 126 "$pvm is not a ppc64le binary: $(file -L -b "$pvm")"
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lab.XXXXXX")
qpid=
watch_pid=
tpm_pid=
cleanup() {
	if [ -n "$watch_pid" ]; then kill "$watch_pid" 2>/dev/null || true; fi
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
	fi
	if [ -n "$tpm_pid" ] && kill -0 "$tpm_pid" 2>/dev/null; then
		kill "$tpm_pid" 2>/dev/null || true
		wait "$tpm_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A newc archive of directory $1's contents (owners root, sorted) on stdout.
mkcpio() {
	(cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet)
}

# --- kernel modules: LAB_MODULES plus what their modinfo "depends=" names ---
# From the host kernel's tree: a module loads only into its own flavour.
. "$root/scripts/lib-modules.sh"
# shellcheck disable=SC2086
modules_resolve "$moddir" ${LAB_MODULES:-kvm-hv tun vhost_net} || die 126 "LAB_MODULES: see above"

# --- base initramfs: busybox, init, modules, guest kernel (cached) ---
base_key=$({
	echo lab-base-2
	sha256sum "$busybox" "$guest_vmlinux" "$lpar_init" | cut -d' ' -f1
	echo "host kernel: $hostflavour"
	for n in "${modorder[@]}"; do
		echo "$n"
		sha256sum <"${modfile[$n]}"
	done
} | sha256sum | cut -c1-16)
base=$labdir/base-$base_key.cpio
# A base in use counts as new for the clean-up below.
[ ! -f "$base" ] || touch "$base" 2>/dev/null || true
if [ ! -f "$base" ]; then
	err "building LPAR base initramfs ($base)"
	s=$tmp/base
	mkdir -p "$s"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,proc,sys,dev,tmp,run,root,etc,lab,guest,lib/modules/lab}
	cp "$busybox" "$s/bin/busybox"
	chmod 755 "$s/bin/busybox"
	ln -s busybox "$s/bin/sh"
	cp "$lpar_init" "$s/init"
	chmod 755 "$s/init"
	for n in "${modorder[@]}"; do
		unpack_ko "${modfile[$n]}" >"$s/lib/modules/lab/$n.ko"
		echo "$n" >>"$s/lib/modules/lab/load-order"
	done
	cp "$guest_vmlinux" "$s/guest/vmlinux"
	# Its release ("uname -r" in a guest), for checks in the LPAR.
	grel=$(grep -a -o -m1 'Linux version [^ ]*' "$guest_vmlinux" | cut -d' ' -f3) ||
		die 126 "no 'Linux version' string in $guest_vmlinux"
	echo "$grel" >"$s/guest/release"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$s/etc/passwd"
	printf 'root:x:0:\n' >"$s/etc/group"
	chmod 1777 "$s/tmp"
	mkcpio "$s" >"$base.tmp.$$"
	mv "$base.tmp.$$" "$base"
	rm -rf "$s"
	# Keep the three newest bases only (each is ~55 MB): the LPARs' and the
	# bare host's differ (their kernels' modules).
	ls -t "$labdir"/base-*.cpio 2>/dev/null | tail -n +4 | xargs -r rm -f
fi

# --- guest initramfs segment: /guest/initrd.cpio.gz (cached) ---
guest_key=$({
	echo lab-guest-2
	sha256sum "$busybox" "$root/scripts/mk-guest-initrd.sh" "$root/scripts/lib-modules.sh" |
		cut -d' ' -f1
	# The guest's modules: which ones, from which kernel.
	echo "${GUEST_MODULES-virtio-rng pseries-rng virtio_blk ext4 virtio_net}"
	cat "$CACHE/stamp-kernel" 2>/dev/null || true
	(cd "$root/guest-tests/linux" && find . -print0 | LC_ALL=C sort -z |
		xargs -0 stat -c '%n %a %F %s' && find . -type f -print0 |
		LC_ALL=C sort -z | xargs -0 sha256sum)
	# Built guest binaries (make guest-bins) go into the initramfs too.
	if [ -d "$root/build/guest" ]; then
		(cd "$root/build/guest" && find . -print0 | LC_ALL=C sort -z |
			xargs -0 stat -c '%n %a %F %s' && find . -type f -print0 |
			LC_ALL=C sort -z | xargs -0 -r sha256sum)
	fi
} | sha256sum | cut -c1-16)
gseg=$labdir/guest-$guest_key.cpio
if [ ! -f "$gseg" ]; then
	s=$tmp/gseg
	mkdir -p "$s/guest"
	BUSYBOX=$busybox "$root/scripts/mk-guest-initrd.sh" "$s/guest/initrd.cpio.gz"
	mkcpio "$s" >"$gseg.tmp.$$"
	mv "$gseg.tmp.$$" "$gseg"
	rm -rf "$s"
	ls -t "$labdir"/guest-*.cpio 2>/dev/null | tail -n +6 | xargs -r rm -f
fi

# --- per-run segment: command, marker nonce, pvm, --add files ---
nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
s=$tmp/run
mkdir -p "$s/lab" "$s/usr/bin"
printf '%s\n' "$cmd" >"$s/lab/cmd"
echo "$nonce" >"$s/lab/nonce"
if [ $interactive = 1 ]; then echo interactive; else echo batch; fi >"$s/lab/mode"
[ -z "$pvm" ] || install -m 755 "$pvm" "$s/usr/bin/pvm"
if [ $vtpm = 1 ]; then
	# The vTPM proxy module, here rather than in the cached base.
	modules_resolve "$moddir" tpm_vtpm_proxy || die 126 "tpm_vtpm_proxy: see above"
	mkdir -p "$s/lab/vtpm"
	for n in "${modorder[@]}"; do
		unpack_ko "${modfile[$n]}" >"$s/lab/vtpm/$n.ko"
		echo "$n" >>"$s/lab/vtpm/load-order"
	done
fi
for a in "${adds[@]}"; do
	src=${a%%:*}
	dst=$s${a#*:}
	mkdir -p "$(dirname "$dst")"
	cp -R --preserve=mode "$src" "$dst"
done
mkcpio "$s" >"$tmp/run.cpio"
cat "$base" "$gseg" "$tmp/run.cpio" >"$tmp/initrd.cpio"
rm -rf "$s" "$tmp/run.cpio"

qemu_args=(
	-accel tcg,thread=multi
	-cpu power9
	-nodefaults -vga none -nographic -no-reboot
	-m "$mem"
	-kernel "$vmlinux" -initrd "$tmp/initrd.cpio"
	-append "console=hvc0 quiet loglevel=3 panic=-1 ${LAB_APPEND:-}"
)
if [ $host = bare ]; then
	# skiboot (qemu-system-data's skiboot.lid) loads the initramfs at
	# 0x28000000 and takes at most 128 MiB of it; QEMU refuses more.
	isize=$(stat -c %s "$tmp/initrd.cpio")
	[ "$isize" -le $((128 << 20)) ] ||
		die 126 "the host's initramfs is $((isize >> 20)) MiB: PowerNV's firmware loads at most 128 MiB (fewer --add files)"
	# One chip, cpus cores of one thread. The simulated BMC is what OPAL's
	# power-down (IPMI chassis control) talks to: without it (-nodefaults
	# drops it) the host's poweroff spins forever and QEMU never exits.
	# The console is the LPC UART, which OPAL hands to Linux as hvc0.
	qemu_args+=(-M powernv9 -smp "$cpus,cores=$cpus,threads=1"
		-device ipmi-bmc-sim,id=bmc0 -device isa-ipmi-bt,bmc=bmc0,irq=10)
	console_dev=(-serial chardev:c0)
else
	qemu_args+=(-M "pseries,$nested,cap-ccf-assist=off,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken"
		-smp "$cpus")
	console_dev=(-device spapr-vty,chardev=c0)
fi

# --- software TPM 2.0 for the LPAR (--tpm) ---
# swtpm keeps its state in a fresh directory of this run (an unmanufactured
# TPM: no EK, empty hierarchies); QEMU connects to its control socket, hands it
# the data channel and sends CMD_INIT; SLOF and the LPAR kernel issue
# TPM2_Startup. --terminate ends swtpm when QEMU goes; cleanup() makes sure.
if [ $tpm = 1 ]; then
	mkdir -p "$tmp/tpm/state"
	swtpm socket --tpm2 --tpmstate "dir=$tmp/tpm/state" \
		--ctrl "type=unixio,path=$tmp/tpm/ctrl.sock" \
		--log "file=$tmp/tpm/swtpm.log,level=1" --terminate \
		</dev/null >"$tmp/tpm/swtpm.out" 2>&1 &
	tpm_pid=$!
	for _ in $(seq 100); do
		[ -S "$tmp/tpm/ctrl.sock" ] && break
		kill -0 "$tpm_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -S "$tmp/tpm/ctrl.sock" ]; then
		cat "$tmp/tpm/swtpm.out" "$tmp/tpm/swtpm.log" >&2 2>/dev/null || true
		die 126 "swtpm did not create its control socket"
	fi
	qemu_args+=(
		-chardev "socket,id=tpmchr,path=$tmp/tpm/ctrl.sock"
		-tpmdev emulator,id=tpm0,chardev=tpmchr
		-device tpm-spapr,tpmdev=tpm0
	)
fi

up_marker="@@LAB-UP-$nonce "
exit_marker="@@LAB-EXIT-$nonce "

# Microseconds since $1 (an EPOCHREALTIME value) as "S.s".
elapsed() {
	local us=$((${EPOCHREALTIME/./} - ${1/./}))
	printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}
# "@@LAB-UP-<nonce> <uptime>@@" -> report the boot time.
report_up() {
	local kup=${1#*"$up_marker"}
	kup=${kup%%@@*}
	err "LPAR up in $(elapsed "$start") s (kernel uptime at init $kup s, host $host, kernel $hostflavour)"
}

start=$EPOCHREALTIME

if [ $interactive = 1 ]; then
	con=$tmp/console.log
	: >"$con"
	err "booting the emulated POWER LPAR ($host host; its boot output is ${log:+kept in $log}${log:-hidden, --log FILE keeps it})"
	set +e
	# QEMU reads the terminal (raw) itself; its output goes through the filter.
	# -echr 0x1d moves QEMU's escape from Ctrl-a to Ctrl-], so Ctrl-a x reaches pvm.
	"$QEMU" "${qemu_args[@]}" -echr 0x1d \
		-chardev "stdio,id=c0,mux=on,signal=off" \
		-mon chardev=c0 "${console_dev[@]}" |
		python3 "$root/scripts/lab-console.py" "$nonce" "$con" "$start" "$host"
	qrc=${PIPESTATUS[0]}
	set -e
	[ -z "$log" ] || tr -d '\r' <"$con" >"$log"
	line=$(tr -d '\r' <"$con" | grep -a -F "$exit_marker" | tail -n1) || true
	if [ -n "$line" ]; then
		status=${line#*"$exit_marker"}
		status=${status%%@@*}
		[[ $status =~ ^[0-9]+$ ]] || status=125
		exit "$status"
	fi
	die 125 "LPAR ended without exit marker (QEMU exit status $qrc)"
fi

fifo=$tmp/console
mkfifo "$fifo"
"$QEMU" "${qemu_args[@]}" \
	-chardev stdio,id=c0,signal=off "${console_dev[@]}" \
	</dev/null >"$fifo" 2>"$tmp/qemu.err" &
qpid=$!
exec 3<"$fifo"
if [ -n "$log" ]; then exec 4>"$log"; else exec 4>/dev/null; fi

status='' blanks=0 timed_out=0 panicked=0
deadline=$((SECONDS + timeout))
# Console lines: firmware and kernel boot chatter before lpar-init runs, and
# the power-off after the exit marker, go only to the log (and to stdout if the
# LPAR never gets going); the command's output goes to stdout.
phase=boot
bootlog=$tmp/boot.log
: >"$bootlog"
emit() {
	while [ $blanks -gt 0 ]; do
		blanks=$((blanks - 1))
		emit1 ''
	done
	emit1 "$1"
}
emit1() {
	printf '%s\n' "$1" >&4
	case $phase in
	boot) printf '%s\n' "$1" >>"$bootlog" ;;
	run) printf '%s\n' "$1" ;;
	esac
}
# The LPAR never reached init: show what the console said.
dump_boot() {
	[ $phase != boot ] || cat "$bootlog"
}
while :; do
	left=$((deadline - SECONDS))
	if [ $left -le 0 ]; then
		timed_out=1
		break
	fi
	line=
	if IFS= read -r -t "$left" line <&3; then
		line=${line%$'\r'}
		case $line in
		'') blanks=$((blanks + 1)) ;;
		*"$up_marker"*"@@"*)
			emit "$line"
			phase=run
			report_up "$line"
			;;
		*"$exit_marker"*"@@"*)
			# Drop the blank line lpar-init prints before the marker.
			[ $blanks -eq 0 ] || blanks=$((blanks - 1))
			pre=${line%%"$exit_marker"*}
			[ -z "$pre" ] || emit "$pre"
			status=${line#*"$exit_marker"}
			status=${status%%@@*}
			[[ $status =~ ^[0-9]+$ ]] || status=125
			printf '%s\n' "$line" >&4
			phase=after
			# Only the power-off is left to wait for.
			deadline=$((SECONDS + 30))
			;;
		*)
			case $line in *"Kernel panic - not syncing"*) panicked=1 ;; esac
			emit "$line"
			;;
		esac
	else
		rc=$?
		if [ $rc -gt 128 ]; then
			[ -z "$line" ] || emit "$line"
			timed_out=1
			break
		fi
		[ -z "$line" ] || emit "$line"
		break
	fi
done
exec 3<&-

if [ -n "$status" ]; then
	if [ $timed_out = 1 ]; then
		err "warning: LPAR did not power off after the command; killed QEMU"
	else
		wait "$qpid" 2>/dev/null || true
		qpid=
	fi
	exit "$status"
fi
dump_boot
if [ $timed_out = 1 ]; then
	die 124 "timeout: no exit marker after ${timeout} s; killed QEMU"
fi
qrc=0
wait "$qpid" || qrc=$?
qpid=
if [ -s "$tmp/qemu.err" ]; then
	sed 's/^/qemu: /' "$tmp/qemu.err" >&2
fi
if [ $panicked = 1 ]; then
	die 125 "LPAR crashed (kernel panic) before the command finished"
fi
die 125 "LPAR ended without exit marker (QEMU exit status $qrc)"
