#!/usr/bin/env bash
# Build build/pvm_VERSION_ppc64el.deb from the static ./pvm: make install into a
# staging tree under /usr, strip, add the Debian docs (copyright, changelog)
# and control files, dpkg-deb, then lintian (errors fail the build).
#
#   scripts/mkdeb.sh            (make deb runs it after building pvm)
#
# Env: CROSS_COMPILE (default powerpc64le-linux-gnu- off ppc64le), NO_LINTIAN=1.
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

die() { printf 'mkdeb: %s\n' "$*" >&2; exit 1; }
[ -f pvm ] || die "no ./pvm: run make first"
case $(uname -m) in
ppc64le) cross=${CROSS_COMPILE:-} ;;
*) cross=${CROSS_COMPILE:-powerpc64le-linux-gnu-} ;;
esac
file -L pvm | grep -q '64-bit LSB.*PowerPC' || die "./pvm is not a ppc64le binary"

version=$(sed -n 's/^PVM_VERSION := //p' Makefile)
commit=$(git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
stage=build/deb/pvm
rm -rf build/deb
make -s install DESTDIR="$root/$stage" PREFIX=/usr
"${cross}strip" --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/pvm"

doc=$stage/usr/share/doc/pvm
install -d -m 0755 "$doc" "$stage/usr/share/lintian/overrides" "$stage/DEBIAN"
cat >"$doc/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: pvm
Comment: pvm is linked statically with libfdt (BSD-2-Clause or GPL-2+),
 json-c (Expat) and the GNU C library (LGPL-2.1+), built from Debian's packages.

Files: *
Copyright: 2026 the pvm developers
License: GPL-2
 This program is free software; you can redistribute it and/or modify it
 under the terms of the GNU General Public License version 2 as published by
 the Free Software Foundation.
 .
 On Debian systems, the complete text of the GNU General Public License
 version 2 can be found in "/usr/share/common-licenses/GPL-2".
COPYRIGHT
{
	printf 'pvm (%s) unstable; urgency=medium\n\n' "$version"
	printf '  * Static build of pvm at commit %s.\n\n' "$commit"
	printf ' -- pvm developers <pvm@lists.example.org>  %s\n' "$(date -R -d @"$(git log -1 --format=%ct 2>/dev/null || date +%s)")"
} | gzip -9n >"$doc/changelog.gz"
# A static binary is the point of this package: one file, no runtime deps.
printf 'pvm: statically-linked-binary [usr/bin/pvm]\n' >"$stage/usr/share/lintian/overrides/pvm"
chmod 0644 "$doc/copyright" "$doc/changelog.gz" "$stage/usr/share/lintian/overrides/pvm"

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: pvm
Version: $version
Architecture: ppc64el
Maintainer: pvm developers <pvm@lists.example.org>
Installed-Size: $size
Section: admin
Priority: optional
Homepage: https://github.com/pvm-project/pvm
Description: small virtual machine monitor for POWER pseries guests on KVM-HV
 pvm boots PAPR (pseries) Linux guests and bare-metal payloads on Linux
 KVM-HV without firmware: it loads the kernel directly, builds the guest's
 device tree and answers the guest's hypervisor and RTAS calls itself.
 It runs on bare-metal POWER9 and later hosts and inside LPARs with nested
 KVM. This package holds one static binary, its manual pages and bash
 completion.
CONTROL
(cd "$stage" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
find "$stage" -type d -exec chmod 0755 {} +

deb=build/pvm_${version}_ppc64el.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "mkdeb: $deb ($(du -h "$deb" | cut -f1))"
if [ "${NO_LINTIAN:-0}" != 1 ]; then
	command -v lintian >/dev/null || die "lintian not installed (scripts/deps.sh installs it)"
	lintian --fail-on error "$deb"
	echo "mkdeb: lintian: no errors"
fi
