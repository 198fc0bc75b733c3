#!/usr/bin/env bash
# QEMU to run *inside* the emulated LPAR, beside pvm, for the benchmarks (issue
# 16): Debian's qemu-system-ppc for ppc64el from bookworm-backports (10.0, as the
# lab's L0), unpacked with the closure of its shared libraries, since the LPAR is
# a busybox initramfs without a libc. Prints the tree's path, $PVM_CACHE/qemu-ppc64el
# (a stamp makes a second run instant). The tree (docs/lab.md, "QEMU/KVM in the
# LPAR"): usr/bin/qemu-system-ppc64; lib/powerpc64le-linux-gnu/ with the loader
# and every library it needs under its soname; vof.bin (x-vof=on) and slof.bin in
# usr/share/qemu; VERSIONS, the packages downloaded; and qemu-system-ppc64, a
# wrapper running the binary through the tree's loader. Nothing else: no docs,
# keymaps (only graphical displays read them), other firmware or QEMU modules.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PVM_CACHE:-/var/cache/pvm}
mkdir -p "$CACHE"
out=$CACHE/qemu-ppc64el
stamp=$CACHE/stamp-qemu-ppc64el
FORMAT=2 # bump when the tree's layout changes so old caches are rebuilt
log() { printf 'qemu-ppc64el: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# One builder at a time (a benchmark and a test may start together).
exec 9>"$CACHE/.qemu-ppc64el.lock"
flock 9
[ "$(cut -d' ' -f1 "$stamp" 2>/dev/null)" = $FORMAT ] && [ -x "$out/qemu-system-ppc64" ] &&
	{ echo "$out"; exit 0; }

# deps.sh sets up the apt sources, the ppc64el architecture and the cross readelf.
if ! dpkg --print-foreign-architectures | grep -qx ppc64el ||
   ! command -v powerpc64le-linux-gnu-readelf >/dev/null ||
   [ ! -f /etc/apt/sources.list.d/pvm.sources ]; then
	bash "$root/scripts/deps.sh"
fi
READELF=powerpc64le-linux-gnu-readelf

tmp=$(readlink -f "$CACHE")/qemu-ppc64el.tmp
stage=$tmp/stage
rm -rf "$tmp" && mkdir -p "$stage" "$tmp/debs" "$tmp/ctl"
trap 'rm -rf "$tmp"' EXIT

# "NAME VERSION SUITE" of ppc64el packages, one apt-cache call for all (each
# call reads the whole package cache: seconds, with sid in it).
madison() {
	apt-cache madison "${@/%/:ppc64el}" 2>/dev/null |
		awk -F' [|] ' '{split($3, u, " "); sub(/\/.*/, "", u[2]); sub(/:.*/, "", $1); print $1, $2, u[2]}' >"$tmp/madison"
}
# Highest version of $1 in bookworm (or its -security/-updates), else in
# bookworm-backports, that satisfies "$2 $3" (a Depends relation, may be empty).
# Never sid: its libraries want a newer glibc than bookworm's.
pick_version() {
	local op=${2:-} suite ver
	case $op in '>=') op=ge ;; '<=') op=le ;; '>>') op=gt ;; '<<') op=lt ;; '=') op=eq ;; esac
	for suite in 'bookworm(-security|-updates)?' bookworm-backports; do
		# shellcheck disable=SC2013 # versions have no spaces
		for ver in $(awk -v n="$1" -v s="^$suite\$" '$1 == n && $3 ~ s { print $2 }' "$tmp/madison"); do
			if [ -z "$op" ] || dpkg --compare-versions "$ver" "$op" "$3"; then echo "$ver"; return; fi
		done
	done
}
# Download NAME:ARCH=VERSION... and unpack them into the stage; keep their Depends.
fetch() {
	log "downloading ${*%%=*}"
	(cd "$tmp/debs" && apt-get download -q "$@") >"$tmp/apt.log" 2>&1 ||
		{ cat "$tmp/apt.log" >&2; die "apt-get download failed"; }
	local deb
	for deb in "$tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$stage"
		printf '%s %s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" >>"$tmp/VERSIONS"
		dpkg-deb -f "$deb" Depends >"$tmp/ctl/$(dpkg-deb -f "$deb" Package)"
		rm -f "$deb"
	done
}
# Where the loader finds soname $1 in tree $2 (a link leaving the tree, e.g. an
# absolute one, counts as missing: it would point elsewhere in the LPAR too).
libdirs=(lib/powerpc64le-linux-gnu usr/lib/powerpc64le-linux-gnu)
find_lib() {
	local d p
	for d in "${libdirs[@]}"; do
		p=$(readlink -f "$2/$d/$1") && [[ $p == "$2"/* && -f $p ]] && { echo "$p"; return; }
	done
	return 1
}
# Walk NEEDED from binary $1 through tree $2: libs[soname]=path, and missing.
declare -A libs; missing=()
closure() {
	local queue=("$1") f so p
	libs=() missing=()
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]} queue=("${queue[@]:1}")
		for so in $($READELF -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -n "${libs[$so]:-}" ] && continue
			if p=$(find_lib "$so" "$2"); then
				libs[$so]=$p queue+=("$p")
			elif [[ " ${missing[*]} " != *" $so ("* ]]; then
				missing+=("$so (needed by ${f##*/})")
			fi
		done
	done
}

# Round 1: QEMU itself. Then, while a soname is missing, every library package
# (lib*, zlib1g) the fetched packages depend on (first alternative that exists
# in bookworm or bookworm-backports): Debian's shlibs make a library package's
# Depends exactly the providers of its NEEDED sonames (plus a few, pruned below).
madison qemu-system-ppc
qver=$(pick_version qemu-system-ppc '>=' 1:10)
[ -n "$qver" ] || die "no qemu-system-ppc >= 10 for ppc64el in bookworm-backports (apt-get update?)"
declare -A seen=([qemu-system-ppc]=1)
want=("qemu-system-ppc:ppc64el=$qver" "qemu-system-data:all=$qver")
while :; do
	fetch "${want[@]}"
	closure "$stage/usr/bin/qemu-system-ppc64" "$stage"
	[ ${#missing[@]} -eq 0 ] && break
	want=()
	deps=$(cat "$tmp"/ctl/* | tr -d ' ' | tr ',' '\n' | sort -u)
	# shellcheck disable=SC2046 # one package name per word
	madison $(echo "$deps" | tr '|' '\n' | sed 's/[(:].*//' | grep -E '^(lib|zlib1g$)')
	for alts in $deps; do
		for alt in ${alts//|/ }; do
			name=${alt%%[(:]*} rel=${alt#"$name"} rel=${rel#:any}
			[[ $name =~ ^(lib|zlib1g$) ]] || break
			[ -z "${seen[$name]:-}" ] || break
			rel=${rel#(} rel=${rel%)} op=${rel%%[0-9]*}
			ver=$(pick_version "$name" "$op" "${rel#"$op"}")
			[ -n "$ver" ] || continue
			seen[$name]=1 want+=("$name:ppc64el=$ver")
			break
		done
	done
	[ ${#want[@]} -gt 0 ] || die "no bookworm package found for ${missing[*]}"
	rm -f "$tmp"/ctl/*
done

# The tree: only what the closure reached, each library under its soname.
o=$tmp/out L=$tmp/out/lib/powerpc64le-linux-gnu
mkdir -p "$L" "$o/usr/bin" "$o/usr/share/qemu"
install -m 755 "$stage/usr/bin/qemu-system-ppc64" "$o/usr/bin/"
for so in "${!libs[@]}"; do install -m 755 "${libs[$so]}" "$L/$so"; done
cp "$stage"/usr/share/qemu/{vof.bin,slof.bin} "$o/usr/share/qemu/"
sort "$tmp/VERSIONS" >"$o/VERSIONS"
cat >"$o/qemu-system-ppc64" <<'EOF'
#!/bin/sh
d=$(cd "$(dirname "$0")" && pwd)
exec "$d/lib/powerpc64le-linux-gnu/ld64.so.2" --library-path "$d/lib/powerpc64le-linux-gnu" \
	"$d/usr/bin/qemu-system-ppc64" -L "$d/usr/share/qemu" "$@"
EOF
chmod 755 "$o/qemu-system-ppc64"

# The check, on the final tree: every NEEDED soname of the binary and of every
# library it pulls in resolves in the tree, and every symbol version each file
# asks of a library (GLIBC_2.34, ...) is one that library defines. (libc.so.6
# names the loader, ld64.so.2, among its NEEDED.)
libdirs=(lib/powerpc64le-linux-gnu)
closure "$o/usr/bin/qemu-system-ppc64" "$o"
[ ${#missing[@]} -eq 0 ] || die "unresolved in $out: ${missing[*]}"
bad=$(cd "$L" && for f in ../../usr/bin/qemu-system-ppc64 *; do
	$READELF -V -W "$f" | awk -v f="${f##*/}" '/^Version needs/ { s = 1 } /^Version def/ { s = 2 }
		s == 1 && /File:/ { lib = $5 } s == 1 && /Name:/ { print "need", f, lib, $3 }
		s == 2 && /Name:/ { print "def", f, $NF }'
done | awk '$1 == "def" { d[$2 " " $3] = 1 } $1 == "need" { n[$0] = 1 }
	END { for (k in n) { split(k, a, " "); if (!d[a[3] " " a[4]]) print a[2] " needs " a[4] " of " a[3] } }')
[ -z "$bad" ] || die "symbol versions missing from the tree: $bad"

# QEMU looks for its data next to /proc/self/exe, here the loader, or in
# EXEC_DIR/qemu-bundle/usr/share/qemu if that exists: so the loader command
# without -L finds vof.bin too (else "Could not find LPAR firmware 'vof.bin'").
ln -s ../.. "$L/qemu-bundle"
rm -rf "$out" && mv "$o" "$out"
echo "$FORMAT $qver" >"$stamp"
log "QEMU $qver for ppc64el in $out: ${#libs[@]} shared objects, $(du -sh "$out" | cut -f1)"
echo "$out"
