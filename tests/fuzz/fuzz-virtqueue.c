// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: split virtqueues (virtio/virtqueue.c) over hostile rings.
 * Byte 0 picks the queue size (2^0..2^8) and the features, bytes 1-4 the
 * device's starting indices; the rest is the guest's memory from the
 * descriptor table on (descriptors, avail ring, used ring, indirect tables
 * and buffers), in two regions that touch. pop/walk/push/should_notify run
 * until the ring is empty or broken and must never crash or spin.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvm/guest-mem.h"
#include "virtio/virtqueue.h"

#define REGION 0x4000ULL

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u8 *ram;
	static struct guest_mem gm;
	struct virtq vq;
	struct virtq_chain c;
	struct virtq_seg seg[16];
	unsigned int rounds;
	u16 qsize;
	u64 features;

	if (!ram) {
		ram = aligned_alloc(SZ_4K, 2 * REGION);
		if (!ram || gmem__add(&gm, 0, REGION, ram) ||
		    gmem__add(&gm, REGION, REGION, ram + REGION))
			abort();
	}
	if (size < 5)
		return 0;
	memset(ram, 0, 2 * REGION);
	memcpy(ram, data + 5, MIN(size - 5, 2 * REGION));
	qsize = 1 << (data[0] % 9);
	features = (data[0] & 0x40 ? 1ULL << VIRTIO_RING_F_INDIRECT_DESC : 0) |
		   (data[0] & 0x80 ? 1ULL << VIRTIO_RING_F_EVENT_IDX : 0);
	/* Desc at 0, avail at 0x1000, used at 0x2000 (the last may cross into region B). */
	if (virtq__init(&vq, &gm, qsize, 0, 0x1000, 0x2000 + (data[0] & 0x20 ? 0x1ff8 : 0),
			features))
		return 0;
	vq.last_avail = data[1] | data[2] << 8;
	vq.used_idx = data[3] | data[4] << 8;
	/* At most one ring's worth plus one: pop must say "empty" or "broken" by then. */
	for (rounds = 0; rounds <= qsize; rounds++) {
		int ret = virtq__pop(&vq, &c, seg, ARRAY_SIZE(seg));

		if (ret == 0 || ret == -EPROTO)
			break;
		if (ret == 1) {
			u8 buf[64];

			memset(buf, 0xa5, sizeof(buf));
			virtq__copy_to(&c, buf, sizeof(buf));
		}
		if (virtq__push(&vq, c.head, ret == 1 ? (u32)c.in_len : 0))
			break;
		virtq__should_notify(&vq);
	}
	return 0;
}
