# Shared by the lab suite runners (sourced, bash).

# The --host given on the command line (default v2).
lab_host() {
	local host=v2 a
	for a in "$@"; do
		case $a in v1 | v2 | bare) host=$a ;; --host=*) host=${a#--host=} ;; esac
	done
	echo "$host"
}

# lab_suite NAME INNER ENV LAB-OPTIONS...: boot the LPAR, run guest-tests/lab
# script INNER there with the environment words ENV, show its output, and make
# sure a run that dies early still ends with a "N passed, M failed" line.
lab_suite() {
	local name=$1 inner=$2 env=$3 out rc root
	shift 3
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	out=$(mktemp)
	"$root/scripts/lab.sh" "$@" --add "$root/guest-tests/lab/$inner:/lab/$inner" \
		-- "$env sh /lab/$inner" | tee "$out"
	rc=${PIPESTATUS[0]}
	if ! grep -qE '^[0-9]+ passed, [0-9]+ failed' "$out"; then
		echo "not ok - $name suite did not finish (lab.sh status $rc)"
		echo "0 passed, 1 failed"
		rc=1
	fi
	rm -f "$out"
	return "$rc"
}
