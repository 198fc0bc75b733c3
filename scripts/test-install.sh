#!/usr/bin/env bash
# Install and package checks on this machine (no LPAR): make install into a
# scratch DESTDIR, every man page renders without warnings, bash completion
# completes, make deb builds a package lintian accepts without errors.
# Ends with "N passed, M failed".
set -uo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
t() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s pvm || { echo "not ok 1 - make pvm"; echo "0 passed, 1 failed"; exit 1; }

make -s install DESTDIR="$dest" PREFIX=/usr >/dev/null
t "make install DESTDIR PREFIX=/usr: /usr/bin/pvm, executable" test -x "$dest/usr/bin/pvm"
t "make install: bash completion in /usr/share/bash-completion/completions/pvm" \
	test -f "$dest/usr/share/bash-completion/completions/pvm"
pages=(pvm pvm-run pvm-check pvm-list pvm-stop pvm-pause pvm-resume pvm-stat pvm-hotplug pvm-hvpipe pvm-version)
for p in "${pages[@]}"; do
	f=$dest/usr/share/man/man1/$p.1.gz
	if [ ! -e "$f" ]; then
		not_ok "man page $p.1.gz installed"
		continue
	fi
	w=$(MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
	txt=$(MANWIDTH=80 man -l "$f" 2>/dev/null)
	t "man -l $p.1.gz renders without warnings${w:+ ($w)}" \
		bash -c '[ -z "$1" ] && grep -q "^NAME" <<<"$2"' _ "$w" "$txt"
done
make -s install DESTDIR="$dest/local" >/dev/null
t "make install without PREFIX goes to /usr/local" test -x "$dest/local/usr/local/bin/pvm"
make -s uninstall DESTDIR="$dest/local" >/dev/null
t "make uninstall removes what install put there" \
	bash -c '[ -z "$(find "$1" -type f -o -type l)" ]' _ "$dest/local"

# Completion, through bash-completion's own helpers.
comp() {
	bash -c '. /usr/share/bash-completion/bash_completion 2>/dev/null; . "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_pvm pvm "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"; echo "${COMPREPLY[*]}"' \
		_ "$dest/usr/share/bash-completion/completions/pvm" "$@"
}
if [ -f /usr/share/bash-completion/bash_completion ]; then
	t "completion: pvm ru<TAB> -> run" bash -c '[ "$1" = run ]' _ "$(comp pvm ru)"
	t "completion: pvm run --thr<TAB> -> --threads" bash -c '[ "$1" = --threads ]' _ "$(comp pvm run --thr)"
	t "completion: pvm run --threads <TAB> -> 1 2 4 8" bash -c '[ "$1" = "1 2 4 8" ]' _ "$(comp pvm run --threads '')"
	t "completion: pvm hotplug vm <TAB> -> mem cpu" bash -c '[ "$1" = "mem cpu" ]' _ "$(comp pvm hotplug vm '')"
	t "completion: pvm help ch<TAB> -> check" bash -c '[ "$1" = check ]' _ "$(comp pvm help ch)"
else
	not_ok "bash-completion is installed (scripts/deps.sh installs it)"
fi

out=$(make -s deb 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
deb=$(ls build/pvm_*_ppc64el.deb 2>/dev/null | head -n1)
t "make deb builds a ppc64el package" bash -c '[ "$1" = 0 ] && [ -f "$2" ]' _ "$rc" "$deb"
if [ -f "$deb" ]; then
	t "the package is ppc64el, named pvm" \
		bash -c '[ "$(dpkg-deb -f "$1" Package Architecture | tr "\n" " ")" = "Package: pvm Architecture: ppc64el " ]' _ "$deb"
	t "the package holds a stripped static ppc64le pvm, man pages and completion" \
		bash -c 'd=$(mktemp -d); dpkg-deb -x "$1" "$d"; file "$d/usr/bin/pvm" | grep "statically linked" | grep -q ", stripped$" &&
			[ -f "$d/usr/share/man/man1/pvm-run.1.gz" ] && [ -f "$d/usr/share/bash-completion/completions/pvm" ]; r=$?; rm -rf "$d"; exit $r' _ "$deb"
	l=$(lintian "$deb" 2>&1 | grep -v 'running with root privileges')
	echo "$l" | sed 's/^/# lintian: /'
	t "lintian: no errors" bash -c '! grep -q "^E:" <<<"$1"' _ "$l"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
