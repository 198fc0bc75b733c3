#!/usr/bin/env bash
# Foundation lab test: one LPAR boot (scripts/lab.sh) that runs pvm inside it
# several times (guest-tests/lab/smoke-inner.sh): the guest smoke boot, NVRAM
# across two runs, a guest panic and pvm's error cases; then pvm's command line
# and pvm check (guest-tests/lab/cli-inner.sh), whose JSON is parsed here.
#
#   scripts/lab-smoke.sh [lab.sh options, e.g. --host v1 --log FILE]
#
# Prints TAP-like "ok N - ..." / "not ok N - ..." lines, then the boot timings
# and "N passed, M failed"; exits 1 if anything failed.
# Env: GUEST_TIMEOUT (s per guest boot, default 600), LAB_SMOKE_TIMEOUT (s for
#      the whole LPAR run, default 1800).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib-lab.sh"
host=$(lab_host "$@")
out=$(mktemp)
trap 'rm -f "$out"' EXIT

set +e
"$root/scripts/lab.sh" --timeout "${LAB_SMOKE_TIMEOUT:-1800}" "$@" \
	--add "$root/guest-tests/lab/smoke-inner.sh:/lab/smoke-inner.sh" \
	--add "$root/guest-tests/lab/cli-inner.sh:/lab/cli-inner.sh" \
	-- "LAB_HOST=$host GUEST_TIMEOUT=${GUEST_TIMEOUT:-600} /lab/smoke-inner.sh; r=\$?;" \
	"LAB_HOST=$host sh /lab/cli-inner.sh || r=1; exit \$r" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e

# pvm check --json, as root and as an unprivileged user: it must parse, and say
# what the text output said.
python3 - "$out" "$host" <<'PY' | tee -a "$out"
import json, re, sys
text = open(sys.argv[1], errors="replace").read().replace("\r", "")
host = sys.argv[2]
blocks = re.findall(r"@@CHECK-JSON-BEGIN (\w+) (\d+)@@\n(.*?)@@CHECK-JSON-END@@", text, re.S)
def check(cond, what):
    print(("ok" if cond else "not ok") + " 0 - check-json: " + what)
if len(blocks) != 2:
    check(False, "pvm check --json printed twice (found %d)" % len(blocks))
for who, rc, body in blocks:
    try:
        d = json.loads(body)
    except ValueError as e:
        check(False, "%s: pvm check --json parses (%s)" % (who, e))
        continue
    check(True, "%s: pvm check --json parses" % who)
    res = {c["name"]: c for c in d.get("checks", [])}
    want = {"PASS": 0, "WARN": 1, "FAIL": 2}
    check(want.get(d.get("result")) == int(rc),
          "%s: result %s matches exit status %s" % (who, d.get("result"), rc))
    if who == "root":
        check(all(res.get(n, {}).get("result") == "PASS" for n in ("kvm-hv", "radix", "irqchip")),
              "root: kvm-hv, radix and irqchip PASS")
        if host == "bare":
            h = d.get("host", {})
            check(h.get("mode") == "bare metal (PowerNV)" and h.get("irqchip") == "XIVE"
                  and h.get("nested_for_guests") is True and "nested_api" not in h,
                  "root: host is bare metal with XIVE and nested KVM for guests (%s)" % h)
        else:
            check(d.get("host", {}).get("nested_api") == host and d["host"].get("mode") == "LPAR",
                  "root: host is an LPAR on nested API %s (%s)" % (host, d.get("host")))
    else:
        kd = res.get("kvm-device", {})
        check(kd.get("result") == "FAIL" and "usermod -aG kvm" in kd.get("fix", ""),
              "nobody: kvm-device FAIL with the group fix (%s)" % kd)
PY
skipped=$(grep -c '^ok [0-9].* # SKIP' "$out" || true)
passed=$(($(grep -c '^ok [0-9]' "$out" || true) - skipped))
failed=$(grep -c '^not ok [0-9]' "$out" || true)
n=$((passed + failed + skipped))
if ! grep -q '^# smoke-inner done' "$out" || ! grep -q '^# cli-inner done' "$out"; then
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - LPAR run completed (lab.sh exit status $rc)"
elif [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - smoke-inner.sh exit status $rc with no failed check"
fi

boot=$(sed -n 's/^lab: LPAR up in \([0-9.]*\) s.*/\1/p' "$out" | head -n1)
echo "# timing: LPAR boot (QEMU start -> LPAR init): ${boot:-?} s"
sed -n 's/^# timing: /# timing: /p' "$out" | grep -v 'LPAR boot' || true
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
