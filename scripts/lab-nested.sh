#!/usr/bin/env bash
# Three levels of KVM (guest-tests/lab/nested-inner.sh): on the bare-metal lab
# host (PowerNV, KVM-HV in hypervisor mode), pvm run --nested boots a guest
# that loads kvm-hv and runs pvm again, which boots an L3 Linux to /init; and
# without --nested that guest's kvm-hv and pvm refuse, with clear messages.
# Usage: scripts/lab-nested.sh [--host bare] [other lab.sh options]
# Env: LAB_NESTED_TIMEOUT (s for the whole host run, default 2400).
set -uo pipefail
. "$(dirname "$0")/lib-lab.sh"
host=bare
for a in "$@"; do case $a in v1 | v2 | bare) host=$a ;; esac; done
lab_suite nested nested-inner.sh "LAB_HOST=$host" --host "$host" --mem 4G \
	--timeout "${LAB_NESTED_TIMEOUT:-2400}" "$@"
