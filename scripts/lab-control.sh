#!/usr/bin/env bash
# Control socket tests: pvm list, stat, pause, resume, stop (EPOW and
# --force), name clashes and client errors, against idle Linux guests.
# Usage: scripts/lab-control.sh [--host v2|v1] [other lab.sh options]
set -uo pipefail
. "$(dirname "$0")/lib-lab.sh"
lab_suite control control-inner.sh "LAB_HOST=$(lab_host "$@")" \
	--cpus 2 --mem 2G --timeout "${LAB_CONTROL_TIMEOUT:-1500}" "$@"
