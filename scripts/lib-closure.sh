# shellcheck shell=bash disable=SC2154 # root, out: the caller's
# A Debian program for ppc64el with the closure of its shared libraries, to run
# inside the lab's LPAR, a busybox initramfs without a libc (sourced, bash).
# Used by scripts/qemu-ppc64el.sh and scripts/swtpm-ppc64el.sh. The caller
# sets root (the repo) and out (the tree's final path, for messages), defines
# log and die, and calls closure_begin first. Libraries come from
# bookworm (glibc 2.36), never sid: its libraries want a newer glibc.

READELF=powerpc64le-linux-gnu-readelf
# Where the loader finds sonames, relative to a tree (the stage, the result);
# a caller may add a package's private directory.
libdirs=(lib/powerpc64le-linux-gnu usr/lib/powerpc64le-linux-gnu)

# closure_begin DIR: DIR (emptied, removed at exit) is the work directory;
# packages are unpacked into DIR/stage. deps.sh sets up the apt sources, the
# ppc64el architecture and the cross readelf.
closure_begin() {
	if ! dpkg --print-foreign-architectures | grep -qx ppc64el ||
	   ! command -v $READELF >/dev/null ||
	   [ ! -f /etc/apt/sources.list.d/pvm.sources ]; then
		bash "$root/scripts/deps.sh"
	fi
	tmp=$1 stage=$1/stage
	rm -rf "$tmp" && mkdir -p "$stage" "$tmp/debs" "$tmp/ctl"
	trap 'rm -rf "$tmp"' EXIT
}

# "NAME VERSION SUITE" of ppc64el packages, one apt-cache call for all (each
# call reads the whole package cache: seconds, with sid in it).
madison() {
	apt-cache madison "${@/%/:ppc64el}" 2>/dev/null |
		awk -F' [|] ' '{split($3, u, " "); sub(/\/.*/, "", u[2]); sub(/:.*/, "", $1); print $1, $2, u[2]}' >"$tmp/madison"
}
# Highest version of $1 in bookworm (or its -security/-updates), else in
# bookworm-backports, that satisfies "$2 $3" (a Depends relation, may be empty).
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

# closure_fetch BINARY NAME:ARCH=VERSION...: the packages first (BINARY, a
# path in the stage, is in one of them). Then, while a soname is missing,
# every library package (lib*, zlib1g) the fetched packages depend on (first
# alternative that exists in bookworm or bookworm-backports): Debian's shlibs
# make a library package's Depends exactly the providers of its NEEDED
# sonames (plus a few, pruned by closure_install). Leaves libs set.
closure_fetch() {
	local bin=$1 p deps alts alt name rel op ver
	shift
	local want=("$@")
	declare -A seen=()
	for p in "$@"; do seen[${p%%:*}]=1; done
	while :; do
		fetch "${want[@]}"
		closure "$bin" "$stage"
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
}

# closure_install DIR: every library closure_fetch reached, under its soname.
closure_install() {
	local so
	mkdir -p "$1"
	for so in "${!libs[@]}"; do install -m 755 "${libs[$so]}" "$1/$so"; done
}

# closure_check TREE BINARY: on the final tree, every NEEDED soname of BINARY
# (a path in TREE) and of every library it pulls in resolves in
# TREE/lib/powerpc64le-linux-gnu, and every symbol version each file asks of a
# library (GLIBC_2.34, ...) is one that library defines. (libc.so.6 names the
# loader, ld64.so.2, among its NEEDED.) Leaves libs set.
closure_check() {
	local t=$1 bin=$1/$2 L=$1/lib/powerpc64le-linux-gnu bad f
	libdirs=(lib/powerpc64le-linux-gnu)
	closure "$bin" "$t"
	[ ${#missing[@]} -eq 0 ] || die "unresolved in $out: ${missing[*]}"
	bad=$(for f in "$bin" "$L"/*; do
		$READELF -V -W "$f" | awk -v f="${f##*/}" '/^Version needs/ { s = 1 } /^Version def/ { s = 2 }
			s == 1 && /File:/ { lib = $5 } s == 1 && /Name:/ { print "need", f, lib, $3 }
			s == 2 && /Name:/ { print "def", f, $NF }'
	done | awk '$1 == "def" { d[$2 " " $3] = 1 } $1 == "need" { n[$0] = 1 }
		END { for (k in n) { split(k, a, " "); if (!d[a[3] " " a[4]]) print a[2] " needs " a[4] " of " a[3] } }')
	[ -z "$bad" ] || die "symbol versions missing from the tree: $bad"
}
