/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VIRTIO_BLK_PRIV_H
#define PVM_VIRTIO_BLK_PRIV_H

/* Shared by virtio-blk's two halves: virtio/blk.c (device) and virtio/blk-req.c. */
#include <pthread.h>

#include "pvm/vm.h"
#include "virtio/blk.h"
#include "virtio/block-io.h"
#include "virtio/virtio.h"

#define BLK_QUEUE_SIZE 256
#define BLK_SEG_MAX (BLK_QUEUE_SIZE - 2)	/* data segments: QEMU's queue size - 2 */
#define BLK_MAX_SEGS (BLK_SEG_MAX + 2)		/* + header + status */
#define BLK_SIZE_MAX SZ_1M			/* bytes per segment */
#define BLK_MAX_DZ_SECTORS (SZ_1G >> 9)		/* per discard / write-zeroes */

struct virtio_blk;

/* One request between pop and push. */
struct blk_req {
	struct blkio_req io;
	struct virtio_blk *blk;
	struct blk_req *next;	/* free list or done list */
	u64 gen;		/* blk->gen when taken: a reset since drops the push */
	u8 *status;		/* the guest's status byte */
	u32 used_len;		/* bytes written into the chain, status included */
	u16 head;
	u8 type;
	struct iovec iov[BLK_MAX_SEGS];
};

struct virtio_blk {
	struct virtio_dev vdev;
	struct vm *vm;
	unsigned int index;
	char name[16];
	struct blkio *io;
	char serial[VIRTIO_BLK_ID_BYTES];	/* zero-padded, not terminated */
	bool ro;
	u64 capacity;		/* 512-byte sectors */
	u32 blk_size;
	u8 config[VIRTIO_BLK_CFG_SIZE];
	int kick_fd;		/* queue_notify -> the I/O thread (blocking eventfd) */
	bool direct;		/* KVM's ioeventfd writes kick_fd itself */
	u64 own_kicks;		/* kick_fd writes by pvm, not KVM (atomic) */

	/* Between the I/O thread and the reset path, under mu. */
	pthread_mutex_t mu;
	pthread_cond_t cond;
	unsigned int inflight;
	bool draining;		/* a reset waits for inflight to reach 0 */
	bool stopping;		/* module exit: the thread ends */
	u64 gen;		/* bumped by every reset, under vdev.lock */

	/* The I/O thread's own (or virtio_blk__poll()'s caller). */
	pthread_t thread;
	bool thread_live, attached;
	struct blk_req *reqs, *free, *done, **done_tail;
	struct virtq_seg seg[BLK_MAX_SEGS];

	struct virtio_blk_stats st;	/* updated with atomics */
};

/* The module's state: vm__priv(vm, &virtio_blk_module). */
struct blk_set {
	unsigned int nr;
	struct virtio_blk *disk[PVM_MAX_DISKS];
};

extern const struct module virtio_blk_module;

/*
 * Under vdev.lock: turn the chain popped into c into req: fills
 * req->status and either sends req to the engine (returns -EINPROGRESS)
 * or answers at once (returns the VIRTIO_BLK_S_* status, req->used_len set).
 * c with no device-writable byte at the end cannot be answered: returns
 * -ENOSPC (push it back with length 0).
 */
int blk__request(struct virtio_blk *blk, struct blk_req *req, const struct virtq_chain *c);
void blk__count_type(struct virtio_blk *blk, u8 type);
void blk__fill_config(struct virtio_blk *blk);

#define blk__count(blk, field, n) __atomic_fetch_add(&(blk)->st.field, (n), __ATOMIC_RELAXED)

#endif
