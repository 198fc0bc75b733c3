/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_VIRTIO_BLK_H
#define PVM_VIRTIO_BLK_H

/*
 * virtio-blk (virtio/blk.c): one PCI function per --disk, each with its own
 * I/O thread and io_uring (virtio/block-io.c).
 */
#include "pvm/types.h"

struct vm;

/* Request types and status values (virtio 1.x §5.2.6). */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_WZ_UNMAP 0x1
#define VIRTIO_BLK_ID_BYTES 20

/* Feature bits (§5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* struct virtio_blk_config offsets (§5.2.4). */
#define VIRTIO_BLK_CFG_CAPACITY 0
#define VIRTIO_BLK_CFG_SIZE_MAX 8
#define VIRTIO_BLK_CFG_SEG_MAX 12
#define VIRTIO_BLK_CFG_BLK_SIZE 20
#define VIRTIO_BLK_CFG_NUM_QUEUES 34
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG 40
#define VIRTIO_BLK_CFG_DISCARD_ALIGN 44
#define VIRTIO_BLK_CFG_MAX_WZ_SECTORS 48
#define VIRTIO_BLK_CFG_MAX_WZ_SEG 52
#define VIRTIO_BLK_CFG_WZ_MAY_UNMAP 56
#define VIRTIO_BLK_CFG_SIZE 60

/* Per-disk counters, for pvm stat. */
struct virtio_blk_stats {
	u64 requests;		/* completed, any type */
	u64 reads, writes, flushes, discards, write_zeroes;
	u64 bytes_read, bytes_written;
	u64 errors;		/* answered IOERR or UNSUPP, or taken back unanswerable */
	u64 fdatasyncs;		/* data syncs the engine issued */
	bool uring;		/* false: the thread fallback */
};

/* Disk i's counters; -ENODEV when there is no such disk. */
int virtio_blk__stats(struct vm *vm, unsigned int i, struct virtio_blk_stats *st);

/*
 * For tests and fuzzing, on a VM whose modules were not started (no I/O
 * threads): one turn of disk i's I/O loop on the calling thread: take and
 * answer requests, wait up to timeout_ms for completions. -ENODEV: no disk.
 */
int virtio_blk__poll(struct vm *vm, unsigned int i, int timeout_ms);

#endif
