#!/usr/bin/env bash
# H_TPM_COMM tests: the LPAR gets a software TPM 2.0 (lab.sh --tpm: swtpm
# behind QEMU's tpm-spapr, /dev/tpmrm0 in the LPAR; on the bare host a swtpm
# inside it behind the kernel's vTPM proxy) and pvm forwards the
# bare-metal payload guest-tests/baremetal/payloads/tpm.c's TPM commands to it
# (guest-tests/lab/tpm-inner.sh): TPM2_Startup, GetRandom, PCR 16 extend,
# TPM errors, every hcall error path, CLOSE_SESSION, H_FUNCTION without
# --tpm, and 10000 round trips with pvm's fds and RSS sampled.
# Usage: scripts/lab-tpm.sh [--host v2|v1|bare] [other lab.sh options]
# Env: LAB_TPM_TIMEOUT (s for the whole LPAR run, default 2400).
set -uo pipefail
. "$(dirname "$0")/lib-lab.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
if ! make -s -C "$root/guest-tests/baremetal" >&2; then
	echo "not ok - building the bare-metal payloads failed"
	echo "0 passed, 1 failed"
	exit 1
fi
lab_suite tpm tpm-inner.sh "LAB_HOST=$(lab_host "$@")" \
	--tpm --cpus 2 --mem 2G --timeout "${LAB_TPM_TIMEOUT:-2400}" \
	--add "$root/guest-tests/baremetal/build/tpm.elf:/payloads/tpm.elf" "$@"
