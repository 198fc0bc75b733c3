/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VIRTIO_VIRTQUEUE_H
#define PVM_VIRTIO_VIRTQUEUE_H

/*
 * Split virtqueues (virtio 1.x §2.7) in guest memory, as the device sees
 * them. The rings and every buffer are guest physical addresses (pvm never
 * offers VIRTIO_F_ACCESS_PLATFORM, so there is no IOMMU in between) and are
 * reached only through gmem__ptr(): the guest owns the rings and may write
 * anything into them at any time, so every index, length and address read
 * from them is checked, and every walk is bounded.
 *
 * Not thread-safe: one thread at a time per queue (the transport's lock).
 */
#include "pvm/guest-mem.h"
#include "pvm/types.h"

#define VIRTQ_MAX_SIZE 32768	/* virtio 1.x: the largest queue size */

/* Descriptor flags and ring flags (virtio 1.x §2.7.5, §2.7.6, §2.7.8). */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* Feature bits the ring itself implements. */
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29

struct virtq {
	const struct guest_mem *mem;
	u16 size;		/* a power of two, 1..VIRTQ_MAX_SIZE */
	u64 desc, avail, used;	/* ring addresses (guest physical) */
	bool indirect;		/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	bool event_idx;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	u16 last_avail;		/* next avail ring entry to take */
	u16 used_idx;		/* next used ring entry to write (= used->idx) */
	u16 signalled_used;	/* used_idx at the last virtq__should_notify() */
	bool signalled_valid;	/* signalled_used means something */
};

/* One buffer of a chain: len bytes at host address ptr (guest gpa). */
struct virtq_seg {
	void *ptr;
	u64 gpa;
	u32 len;
	bool write;		/* device-writable (else device-readable) */
};

/* A chain taken from the avail ring; its segments live in the caller's array. */
struct virtq_chain {
	u16 head;		/* what virtq__push() gives back */
	unsigned int nr;	/* segments: the readable ones first */
	unsigned int nr_out;	/* of which device-readable */
	u64 out_len, in_len;	/* readable / writable bytes */
	struct virtq_seg *seg;
};

/*
 * Take over a queue the driver enabled, with the negotiated features.
 * -EINVAL for a size that is not a power of two or misaligned rings,
 * -EFAULT for rings not wholly inside RAM.
 */
int virtq__init(struct virtq *vq, const struct guest_mem *mem, u16 size, u64 desc,
		u64 avail, u64 used, u64 features);

/*
 * Take the next available chain and map its buffers into seg[0..max-1].
 * 1: a chain (c filled in); 0: the ring is empty.
 * A bad chain was still taken from the ring (c->head is valid, c->nr is 0):
 * the device fails that request (virtq__push(head, 0)) or gives up:
 *   -EFAULT  a buffer or indirect table not wholly inside one RAM region
 *   -ELOOP   more descriptors than the table holds (a loop)
 *   -EINVAL  a next or flag the spec forbids, a nested or unnegotiated
 *            indirect table, a readable buffer after a writable one, or no
 *            bytes at all
 *   -ENOBUFS more than max buffers
 * A broken ring took nothing and stays broken (the device needs a reset):
 *   -EPROTO  rings outside RAM, the avail index more than size ahead, or a
 *            head outside the table
 */
int virtq__pop(struct virtq *vq, struct virtq_chain *c, struct virtq_seg *seg,
	       unsigned int max);

/*
 * Give back the last n chains popped and not pushed, to be popped again
 * (a device that took buffers it cannot fill yet).
 */
void virtq__unpop(struct virtq *vq, unsigned int n);

/* Return chain head to the driver with len bytes written into it. */
int virtq__push(struct virtq *vq, u16 head, u32 len);

/*
 * After pushing: whether the driver wants an interrupt now (its
 * NO_INTERRUPT flag, or with EVENT_IDX its used_event). Never when nothing
 * was pushed since the last call.
 */
bool virtq__should_notify(struct virtq *vq);

/* Copy up to len bytes into the chain's writable buffers; returns bytes copied. */
u64 virtq__copy_to(const struct virtq_chain *c, const void *src, u64 len);

#endif
