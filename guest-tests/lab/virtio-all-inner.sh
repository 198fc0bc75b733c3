#!/bin/sh
# The virtio device suites in one LPAR boot (scripts/lab-virtio.sh). busybox sh.
# Runs /lab/virtio-inner.sh (virtio-blk), then /lab/net-inner.sh (virtio-net),
# or those named by VIRTIO_SUITES ("blk net"). Each suite's closing line is shown
# as "virtio-blk: N passed, ..." and the sum ends the run as
# "N passed, M failed, S skipped"; a suite that ends without its line counts as
# one failure.
tp=0 tf=0 ts=0
for s in ${VIRTIO_SUITES:-blk net}; do
	case $s in
	blk) name=virtio-blk script=${LAB_DIR:-/lab}/virtio-inner.sh ;;
	net) name=virtio-net script=${LAB_DIR:-/lab}/net-inner.sh ;;
	*) echo "not ok - unknown suite '$s' in VIRTIO_SUITES"; tf=$((tf + 1)); continue ;;
	esac
	echo "# === $name ($script)"
	rm -f /tmp/suite.result
	sh "$script" 2>&1 | while IFS= read -r l; do
		case $l in
		[0-9]*" passed, "[0-9]*" failed"*)
			echo "$l" >/tmp/suite.result
			echo "$name: $l"
			;;
		*) printf '%s\n' "$l" ;;
		esac
	done
	l=$(cat /tmp/suite.result 2>/dev/null)
	if [ -z "$l" ]; then
		echo "not ok - $name suite ended without its result line"
		tf=$((tf + 1))
		continue
	fi
	p=$(echo "$l" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$l" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	k=$(echo "$l" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	tp=$((tp + ${p:-0})) tf=$((tf + ${f:-0})) ts=$((ts + ${k:-0}))
done
echo "$tp passed, $tf failed, $ts skipped"
[ "$tf" = 0 ]
