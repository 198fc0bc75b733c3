#!/usr/bin/env bash
# Drives scripts/demo.sh (the README's first command) in a terminal, as a user
# would, with tmux: types at the guest prompt, powers the guest off, and in a
# second run leaves with pvm's escape key. Ends with "N passed, M failed".
#
#   scripts/test-demo.sh [demo.sh options]
# Env: DEMO_TIMEOUT (s to wait for each stage, default 300).
set -uo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - demo: $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - demo: $*"; }
wait_s=${DEMO_TIMEOUT:-300}
T=(tmux -L "pvm-demo-test-$$")
screen=$(mktemp)
trap '"${T[@]}" kill-server 2>/dev/null; rm -f "$screen"' EXIT

capture() { "${T[@]}" capture-pane -p -J -S -2000 -t demo >"$screen" 2>/dev/null; }
# wait_for REGEX: until the screen shows it (true) or the wait runs out.
wait_for() {
	local end=$((SECONDS + wait_s))
	while [ $SECONDS -lt $end ]; do
		capture
		grep -Eq "$1" "$screen" && return 0
		sleep 1
	done
	return 1
}
start_demo() {
	local i
	"${T[@]}" kill-server 2>/dev/null
	# The old server may still be going away: a client that reaches it then
	# gets "server exited unexpectedly". Wait for it, and retry the start.
	for i in 1 2 3 4 5; do
		while "${T[@]}" has-session 2>/dev/null; do sleep 0.2; done
		"${T[@]}" new-session -d -s demo -x 200 -y 60 \
			"bash -c 'scripts/demo.sh $*; echo DEMO-EXIT=\$?; sleep 3600'" && return 0
		sleep 1
	done
	return 1
}
show_screen() { sed 's/^/# | /' "$screen" | grep -v '^# | *$' | tail -n 40; }
# check DESCRIPTION COMMAND...
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# --- 1: type a command, power the guest off ---
start_demo "$@"
if wait_for "^pvm: VM '[^']+' started: 1 vCPU, 512 MiB; Ctrl-a x ends it" &&
   wait_for "^/ # *$"; then
	ok "the guest's shell prompt follows pvm's start banner"
else
	not_ok "the guest's shell prompt follows pvm's start banner"
fi
check "no lab markers on screen" bash -c '! grep -q "@@LAB-" "$1"' _ "$screen"
check "no firmware chatter on screen (SLOF stays in the log)" bash -c '! grep -Eq "SLOF|Populating /" "$1"' _ "$screen"
check "the LPAR boot is one 'lab: LPAR ... up' line" grep -Eq '^lab: LPAR \(v[12] host\) up in [0-9.]+ s' "$screen"
"${T[@]}" send-keys -t demo 'uname -a' Enter
check "uname -a typed at the guest prompt prints the guest kernel's line" \
	wait_for '^Linux .* ppc64le GNU/Linux'
"${T[@]}" send-keys -t demo 'poweroff -f' Enter
check "poweroff -f: pvm's exit banner says the guest powered off, status 0" \
	wait_for "^pvm: VM '[^']+' ended: the guest powered off \(exit status 0\)"
check "poweroff -f: the demo exits 0" wait_for '^DEMO-EXIT=0$'
show_screen

# --- 2: pvm's escape key ends pvm, not the LPAR ---
start_demo "$@"
wait_for "^/ # *$" || true
"${T[@]}" send-keys -t demo C-a x
check "Ctrl-a x: pvm's exit banner, status 4" \
	wait_for "^pvm: VM '[^']+' ended: stopped \(Ctrl-a x, .*\) \(exit status 4\)"
check "Ctrl-a x: the demo exits with pvm's status 4" wait_for '^DEMO-EXIT=4$'
check "Ctrl-a x: QEMU did not take the key (no 'QEMU: Terminated')" \
	bash -c '! grep -q "QEMU: Terminated" "$1"' _ "$screen"
show_screen
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
