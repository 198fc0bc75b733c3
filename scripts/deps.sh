#!/usr/bin/env bash
# Install everything pvm needs on an x86_64 (or ppc64le) Debian 12 host.
# Idempotent: re-runs only fetch what is missing from the cache.
# Host packages include liburing-dev (the unit tests link the block engine
# natively), swtpm, the software TPM 2.0 behind scripts/lab.sh --tpm
# (swtpm socket needs no swtpm-tools: the lab's TPM is never manufactured),
# man-db, lintian and bash-completion for the install and package checks, and
# tmux for the test that types into scripts/demo.sh.
#
# Cache layout ($PVM_CACHE, default /var/cache/pvm, outside the repo):
#   sysroot/         ppc64el -dev packages unpacked (libfdt, liburing, libseccomp)
#   kernel/vmlinux   Debian sid ppc64el kernel, 4 KiB pages (powerpc64le
#                    flavour; uncompressed ELF): the LPAR hosts' and the guests'
#   kernel/modules/  its modules tree (lib/modules/<ver>)
#   kernel-64k/vmlinux, kernel-64k/modules/
#                    the same version's 64 KiB-page flavour (powerpc64le-64k):
#                    the bare-metal lab host's kernel (docs/lab.md)
#   busybox          static ppc64le busybox
#   kselftest_harness.h (+ kselftest.h) from linux-source
#   stamp-*          markers of completed steps
set -euo pipefail

CACHE=${PVM_CACHE:-/var/cache/pvm}
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
mkdir -p "$CACHE"
log() { printf 'deps: %s\n' "$*" >&2; }

apt_setup() {
	local changed=0
	if [ ! -f /etc/apt/sources.list.d/pvm.sources ]; then
		log "adding bookworm-backports and sid apt sources"
		$SUDO tee /etc/apt/sources.list.d/pvm.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
		changed=1
	fi
	if [ ! -f /etc/apt/preferences.d/pvm-pin ]; then
		# Low pins: nothing from sid or backports is installed unless asked by name.
		$SUDO tee /etc/apt/preferences.d/pvm-pin >/dev/null <<'PIN'
Package: *
Pin: release n=sid
Pin-Priority: 50

Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100
PIN
		changed=1
	fi
	if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
		$SUDO dpkg --add-architecture ppc64el
		changed=1
	fi
	if [ $changed = 1 ] || [ ! -f "$CACHE/stamp-apt-update" ] ||
	   [ -n "$(find "$CACHE/stamp-apt-update" -mmin +1440 2>/dev/null)" ]; then
		log "apt-get update"
		# A mirror mid-sync can fail one index (seen for bookworm-security
		# ppc64el); what pvm needs usually still resolves, so go on.
		$SUDO apt-get update -qq || $SUDO apt-get update -qq ||
			log "warning: apt-get update reported errors; continuing"
		touch "$CACHE/stamp-apt-update"
	fi
}

host_packages() {
	local need=()
	local p
	for p in gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross make cpio gzip \
		 xz-utils libfdt-dev libjson-c-dev pkg-config device-tree-compiler file \
		 swtpm man-db lintian bash-completion tmux python3 clang libclang-rt-14-dev \
		 liburing-dev e2fsprogs; do
		dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
	done
	if [ ${#need[@]} -gt 0 ]; then
		log "installing ${need[*]}"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${need[@]}" >"$CACHE/apt-install.log" 2>&1 ||
			{ cat "$CACHE/apt-install.log" >&2; exit 1; }
	fi
	if ! qemu-system-ppc64 --version 2>/dev/null | grep -Eq 'version (9\.[2-9]|[1-9][0-9])'; then
		log "installing qemu-system-ppc from bookworm-backports"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			-t bookworm-backports --no-install-recommends qemu-system-ppc \
			>"$CACHE/apt-install.log" 2>&1 ||
			{ cat "$CACHE/apt-install.log" >&2; exit 1; }
	fi
}

# Download a ppc64el (or arch:all) package from any suite and unpack it into $2.
fetch_unpack() {
	local pkg=$1 dest=$2 tmp size t0=$SECONDS
	size=$(apt-cache show "$pkg" 2>/dev/null | sed -n 's/^Size: //p' | head -n1)
	log "downloading $pkg${size:+ ($((size / 1048576)) MiB)}"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq "$pkg" >/dev/null 2>&1) ||
		{ log "apt-get download $pkg failed"; exit 1; }
	mkdir -p "$dest"
	dpkg-deb -x "$tmp"/*.deb "$dest"
	rm -rf "$tmp"
	[ $((SECONDS - t0)) -lt 10 ] || log "  $pkg done in $((SECONDS - t0)) s"
}

sysroot() {
	# Bump when the package list changes so old caches are rebuilt.
	[ "$(cat "$CACHE/stamp-sysroot" 2>/dev/null)" = 2 ] && return
	log "building ppc64el sysroot in $CACHE/sysroot"
	rm -rf "$CACHE/sysroot"
	local p
	for p in libfdt-dev libfdt1 liburing-dev liburing2 libseccomp-dev libseccomp2 \
		 libjson-c-dev libjson-c5; do
		fetch_unpack "$p:ppc64el" "$CACHE/sysroot"
	done
	echo 2 >"$CACHE/stamp-sysroot"
}

kernel_version() {
	# The meta-package in sid depends on linux-image-<ver>-powerpc64le.
	apt-cache show -o APT::Architecture=ppc64el 'linux-image-powerpc64le:ppc64el' 2>/dev/null |
		sed -n 's/^Depends:.*linux-image-\([0-9][^ ,]*\)-powerpc64le.*/\1/p' | sort -V | tail -n1
}

# kernel_flavour FLAVOUR DIR STAMP: Debian's linux-image-<ver>-FLAVOUR (sid's
# current version, the one linux-image-powerpc64le depends on) into
# $CACHE/DIR/vmlinux and $CACHE/DIR/modules; $CACHE/STAMP records the version.
kernel_flavour() {
	local flavour=$1 dir=$CACHE/$2 stamp=$CACHE/$3 ver
	ver=$(kernel_version)
	[ -n "$ver" ] || { log "cannot resolve linux-image-powerpc64le in sid"; exit 1; }
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ver" ]; then
		return
	fi
	log "fetching Debian ppc64el kernel $ver-$flavour"
	local kpkg=$CACHE/kpkg-$flavour
	rm -rf "$dir" "$kpkg"
	local img
	for img in "linux-binary-$ver-$flavour" "linux-image-$ver-$flavour-unsigned" \
		   "linux-image-$ver-$flavour"; do
		if apt-cache show "$img:ppc64el" >/dev/null 2>&1; then
			fetch_unpack "$img:ppc64el" "$kpkg"
			break
		fi
	done
	if apt-cache show "linux-modules-$ver-$flavour:ppc64el" >/dev/null 2>&1; then
		fetch_unpack "linux-modules-$ver-$flavour:ppc64el" "$kpkg"
	fi
	mkdir -p "$dir"
	local vmlinuz
	vmlinuz=$(find "$kpkg" -name 'vmlinu[xz]*' -type f | head -n1)
	[ -n "$vmlinuz" ] || { log "no vmlinuz in the $flavour kernel package"; exit 1; }
	cp "$vmlinuz" "$dir/vmlinux"
	local mdir
	mdir=$(find "$kpkg" -type d -path '*/lib/modules/*' -prune | head -n1)
	[ -n "$mdir" ] || { log "no modules in the $flavour kernel packages"; exit 1; }
	rm -f "$mdir"/vmlinu[xz]*
	mv "$mdir" "$dir/modules"
	rm -rf "$kpkg"
	echo "$ver" >"$stamp"
}

# The 4 KiB-page kernel: the LPAR hosts' (v1, v2) and every pvm guest's.
kernel() { kernel_flavour powerpc64le kernel stamp-kernel; }

# The 64 KiB-page kernel of the same version: the bare-metal host's
# (scripts/lab.sh --host bare; docs/lab.md says why).
kernel_64k() { kernel_flavour powerpc64le-64k kernel-64k stamp-kernel-64k; }

busybox() {
	[ -x "$CACHE/busybox" ] && return
	log "fetching busybox-static:ppc64el"
	local tmp
	tmp=$(mktemp -d)
	fetch_unpack busybox-static:ppc64el "$tmp"
	cp "$tmp/bin/busybox" "$CACHE/busybox"
	rm -rf "$tmp"
}

harness() {
	[ -f "$CACHE/kselftest/kselftest_harness.h" ] && return
	log "extracting kselftest harness from linux-source"
	local tmp src tarball
	tmp=$(mktemp -d)
	src=$(apt-cache search --names-only '^linux-source-7\.[0-9]+$' | awk '{print $1}' | sort -V | tail -n1)
	[ -n "$src" ] || src=linux-source-7.2
	fetch_unpack "$src" "$tmp"
	tarball=$(find "$tmp" -name 'linux-source-*.tar.*' | head -n1)
	mkdir -p "$CACHE/kselftest"
	tar -xf "$tarball" -C "$tmp" --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h'
	find "$tmp" -path '*/tools/testing/selftests/kselftest*.h' -exec cp {} "$CACHE/kselftest/" \;
	rm -rf "$tmp"
}

apt_setup
host_packages
sysroot
kernel
kernel_64k
busybox
harness
log "ready: cache in $CACHE"
