#!/usr/bin/env bash
# Memory and CPU hotplug tests: pvm hotplug NAME mem|cpu against a Linux guest
# (add, remove, limits, add/remove cycles with pvm's RSS checked).
# Usage: scripts/lab-hotplug.sh [--host v2|v1] [other lab.sh options]
set -uo pipefail
. "$(dirname "$0")/lib-lab.sh"
lab_suite hotplug hotplug-inner.sh "LAB_HOST=$(lab_host "$@")" \
	--cpus 2 --mem 4G --timeout "${LAB_HOTPLUG_TIMEOUT:-1500}" "$@"
