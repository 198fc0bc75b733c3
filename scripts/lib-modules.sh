# Kernel modules from the Debian kernel's tree under $PVM_CACHE (sourced, bash).
# Used by scripts/lab.sh (the LPAR's kvm-hv) and scripts/mk-guest-initrd.sh
# (the L2 guest's drivers): resolve names with their modinfo "depends=" and
# unpack each .ko.

# unpack_ko FILE: the module, decompressed, on stdout.
unpack_ko() {
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

# modules_resolve MODDIR NAME...: sets modorder (names, dependencies first)
# and modfile[name] (their files). Returns 1 with a message on stderr when a
# module is missing.
declare -A modfile=() modseen=()
modorder=()
modules_resolve() {
	local dir=$1 f b
	shift
	modfile=() modseen=() modorder=()
	while IFS= read -r f; do
		b=${f##*/}
		b=${b%%.ko*}
		modfile[${b//-/_}]=$f
	done < <(find "$dir" -name '*.ko*' -type f)
	for b in "$@"; do
		modules_add "$b" || return 1
	done
}

modules_add() {
	local n=${1//-/_} f d
	[ -z "${modseen[$n]:-}" ] || return 0
	modseen[$n]=1
	f=${modfile[$n]:-}
	if [ -z "$f" ]; then
		echo "kernel module $1 not found under the kernel's modules" >&2
		return 1
	fi
	for d in $(unpack_ko "$f" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n1 | tr ',' ' '); do
		modules_add "$d" || return 1
	done
	modorder+=("$n")
}
